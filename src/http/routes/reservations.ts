import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import type { CinemaService } from '../../app/cinema-service';
import type { IdempotencyStore } from '../../app/idempotency';
import { isRefusal, refusals } from '../../errors';
import type { Logger } from '../../logger';
import { actingUser, audit, callerOf, currentPrincipal, requireSelfOrAdmin, requireUser } from '../authenticate';
import { idempotentRoute } from '../idempotency';
import { replyOf, sendReply } from '../reply';
import {
  cancelBodySchema,
  confirmBodySchema,
  extendBodySchema,
  pageQuerySchema,
  reservationIdParamsSchema,
  reserveBodyForTokenSchema,
  reserveBodySchema,
  userIdParamsSchema,
} from '../schemas';
import { parseBody, parseParams, parsePart, parseQuery } from '../validate';

export interface ReservationRoutesDeps {
  readonly service: CinemaService;
  readonly idempotency: IdempotencyStore;
  readonly logger: Logger;
  readonly maxSeatsPerReservation: number;
}

/**
 * POST /reservations, POST /reservations/confirm-payment, POST /reservations/:id/cancel,
 * POST /reservations/:id/extend, GET /reservations/user/:userId?limit=&offset=, GET /reservations/:id. The literal
 * paths are declared before `:id`.
 *
 * With a bearer token `userId` may be left out of a body (it is the token's `sub`); naming another user is 403
 * unless the caller is an admin acting for that user. In open mode the body's `userId` is required, as in the seed.
 */
export function reservationRoutes(deps: ReservationRoutesDeps): Router {
  const { service, idempotency: store, logger } = deps;
  const reserveBody = reserveBodySchema(deps.maxSeatsPerReservation);
  const bodies = {
    open: { reserve: reserveBody, confirm: confirmBodySchema, cancel: cancelBodySchema, extend: extendBodySchema },
    token: {
      reserve: reserveBodyForTokenSchema(deps.maxSeatsPerReservation),
      confirm: confirmBodySchema.partial({ userId: true }),
      cancel: cancelBodySchema.partial({ userId: true }),
      extend: extendBodySchema.partial({ userId: true }),
    },
  };
  /** With tokens, each user's Idempotency-Keys are their own: another user's key is neither replayed nor blocked. */
  const keyScope = (operation: string) => (req: Request) => {
    const principal = currentPrincipal(req.res!);
    return principal ? `${operation} u:${createHash('sha256').update(principal.sub).digest('base64url').slice(0, 22)}` : operation;
  };
  const bodiesFor = (req: Request) => (callerOf(req.res!).kind === 'open' ? bodies.open : bodies.token);
  const router = Router();

  router.post(
    '/reservations',
    requireUser,
    idempotentRoute({
      store,
      logger,
      scope: keyScope('POST /reservations'),
      parse: (req) => {
        const body = parseBody(req, bodiesFor(req).reserve);
        return { ...body, userId: actingUser(req, req.res!, logger, body.userId) };
      },
      handle: async (input) => replyOf(await service.reserve(input), 201),
    }),
  );

  router.post(
    '/reservations/confirm-payment',
    requireUser,
    idempotentRoute({
      store,
      logger,
      scope: keyScope('POST /reservations/confirm-payment'),
      parse: (req) => {
        const body = parseBody(req, bodiesFor(req).confirm);
        return { ...body, userId: actingUser(req, req.res!, logger, body.userId) };
      },
      handle: async (input) => replyOf(await service.confirmPayment(input), 200),
    }),
  );

  router.post('/reservations/:id/cancel', requireUser, async (req, res) => {
    const { id } = parseParams(req, reservationIdParamsSchema);
    const principal = currentPrincipal(res);
    const { userId } = principal
      ? parsePart(bodies.token.cancel, req.body ?? {}, 'body')
      : parseBody(req, cancelBodySchema);
    if (principal?.admin && userId === undefined) {
      // The box office cancels whoever's reservation it is.
      audit(logger, req, res, principal, `cancel ${id}`);
      sendReply(res, replyOf(await service.cancelReservation({ reservationId: id }), 200));
      return;
    }
    sendReply(res, replyOf(await service.cancelReservation({ reservationId: id, userId: actingUser(req, res, logger, userId) }), 200));
  });

  // The holder extends their own hold; in jwt mode another user's reservation answers 404 like confirm and cancel.
  router.post('/reservations/:id/extend', requireUser, async (req, res) => {
    const { id } = parseParams(req, reservationIdParamsSchema);
    const { userId } = currentPrincipal(res)
      ? parsePart(bodies.token.extend, req.body ?? {}, 'body')
      : parseBody(req, extendBodySchema);
    const actor = actingUser(req, res, logger, userId);
    sendReply(res, replyOf(await service.extendReservation({ reservationId: id, userId: actor }), 200));
  });

  router.get('/reservations/user/:userId', requireUser, async (req, res) => {
    const { userId } = parseParams(req, userIdParamsSchema);
    requireSelfOrAdmin(req, res, logger, userId);
    res.json(await service.listUserReservations(userId, parseQuery(req, pageQuerySchema)));
  });

  router.get('/reservations/:id', requireUser, async (req, res) => {
    const { id } = parseParams(req, reservationIdParamsSchema);
    const reservation = await service.getReservation(id);
    const principal = currentPrincipal(res);
    // Another user's reservation answers exactly like one that does not exist.
    const hidden = !isRefusal(reservation) && principal && !principal.admin && reservation.userId !== principal.sub;
    sendReply(res, replyOf(hidden ? refusals.notFound(`Reservation ${id} not found`) : reservation, 200));
  });

  return router;
}
