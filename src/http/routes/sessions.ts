import { Router } from 'express';
import type { CinemaService } from '../../app/cinema-service';
import type { Logger } from '../../logger';
import { requireAdmin, requireUser } from '../authenticate';
import { newSessionSchema, pageQuerySchema, sessionIdParamsSchema } from '../schemas';
import { replyOf, sendReply } from '../reply';
import { ifNoneMatchHits } from '../conditional';
import { parseBody, parseParams, parseQuery } from '../validate';

/**
 * POST /sessions and POST /sessions/:id/cancel (admin), GET /sessions?limit=&offset=, GET /sessions/:id,
 * GET /sessions/:id/availability (any user).
 */
export function sessionRoutes(deps: { service: CinemaService; logger: Logger }): Router {
  const { service } = deps;
  const router = Router();

  router.post('/sessions', requireAdmin(deps.logger), async (req, res) => {
    const session = await service.createSession(parseBody(req, newSessionSchema));
    res.status(201).location(`/sessions/${session.id}`).json(session);
  });

  router.get('/sessions', requireUser, async (req, res) => {
    res.json(await service.listSessions(parseQuery(req, pageQuerySchema)));
  });

  router.get('/sessions/:id', requireUser, async (req, res) => {
    sendReply(res, replyOf(await service.getSession(parseParams(req, sessionIdParamsSchema).id), 200));
  });

  // Cancelling a screening is the box office's, like creating one.
  router.post('/sessions/:id/cancel', requireAdmin(deps.logger), async (req, res) => {
    sendReply(res, replyOf(await service.cancelSession(parseParams(req, sessionIdParamsSchema).id), 200));
  });

  // Hot path: the service hands over the document already serialized and encoded; send the bytes as they are.
  // The version is a strong validator: one version is one byte string on every instance (README, "The read side").
  router.get('/sessions/:id/availability', requireUser, async (req, res) => {
    const seatMap = await service.availability(parseParams(req, sessionIdParamsSchema).id);
    const etag = `"${seatMap.version}"`;
    res.set({ ETag: etag, 'Cache-Control': 'no-cache' });
    if (ifNoneMatchHits(req.get('If-None-Match'), etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(seatMap.body);
  });

  return router;
}
