import { Router } from 'express';
import type { CinemaService } from '../../app/cinema-service';
import type { IdempotencyStore } from '../../app/idempotency';
import type { Logger } from '../../logger';
import { idempotentRoute } from '../idempotency';
import { replyOf, sendReply } from '../reply';
import {
  cancelBodySchema,
  confirmBodySchema,
  pageQuerySchema,
  reservationIdParamsSchema,
  reserveBodySchema,
  userIdParamsSchema,
} from '../schemas';
import { parseBody, parseParams, parseQuery } from '../validate';

export interface ReservationRoutesDeps {
  readonly service: CinemaService;
  readonly idempotency: IdempotencyStore;
  readonly logger: Logger;
  readonly maxSeatsPerReservation: number;
}

/**
 * POST /reservations, POST /reservations/confirm-payment, POST /reservations/:id/cancel,
 * GET /reservations/user/:userId?limit=&offset=, GET /reservations/:id. The literal paths are declared before `:id`.
 */
export function reservationRoutes(deps: ReservationRoutesDeps): Router {
  const { service, idempotency: store, logger } = deps;
  const reserveBody = reserveBodySchema(deps.maxSeatsPerReservation);
  const router = Router();

  router.post(
    '/reservations',
    idempotentRoute({
      store,
      logger,
      scope: 'POST /reservations',
      parse: (req) => parseBody(req, reserveBody),
      handle: async (input) => replyOf(await service.reserve(input), 201),
    }),
  );

  router.post(
    '/reservations/confirm-payment',
    idempotentRoute({
      store,
      logger,
      scope: 'POST /reservations/confirm-payment',
      parse: (req) => parseBody(req, confirmBodySchema),
      handle: async (input) => replyOf(await service.confirmPayment(input), 200),
    }),
  );

  router.post('/reservations/:id/cancel', async (req, res) => {
    const { id } = parseParams(req, reservationIdParamsSchema);
    const { userId } = parseBody(req, cancelBodySchema);
    sendReply(res, replyOf(await service.cancelReservation({ reservationId: id, userId }), 200));
  });

  router.get('/reservations/user/:userId', async (req, res) => {
    const { userId } = parseParams(req, userIdParamsSchema);
    res.json(await service.listUserReservations(userId, parseQuery(req, pageQuerySchema)));
  });

  router.get('/reservations/:id', async (req, res) => {
    res.json(await service.getReservation(parseParams(req, reservationIdParamsSchema).id));
  });

  return router;
}
