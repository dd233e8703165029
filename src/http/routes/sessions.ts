import { Router } from 'express';
import type { CinemaService } from '../../app/cinema-service';
import { newSessionSchema, sessionIdParamsSchema } from '../schemas';
import { replyOf, sendReply } from '../reply';
import { parseBody, parseParams } from '../validate';

/** POST /sessions, GET /sessions, GET /sessions/:id, GET /sessions/:id/availability. */
export function sessionRoutes(deps: { service: CinemaService }): Router {
  const { service } = deps;
  const router = Router();

  router.post('/sessions', async (req, res) => {
    const session = await service.createSession(parseBody(req, newSessionSchema));
    res.status(201).location(`/sessions/${session.id}`).json(session);
  });

  router.get('/sessions', async (_req, res) => {
    res.json(await service.listSessions());
  });

  router.get('/sessions/:id', async (req, res) => {
    res.json(await service.getSession(parseParams(req, sessionIdParamsSchema).id));
  });

  // Open like POST /sessions for now; admin-only once the service has roles.
  router.post('/sessions/:id/cancel', async (req, res) => {
    sendReply(res, replyOf(await service.cancelSession(parseParams(req, sessionIdParamsSchema).id), 200));
  });

  // Hot path: the service hands over the document already serialized and encoded; send the bytes as they are.
  router.get('/sessions/:id/availability', async (req, res) => {
    const body = await service.availability(parseParams(req, sessionIdParamsSchema).id);
    res.type('application/json').send(body);
  });

  return router;
}
