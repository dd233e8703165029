import { Router } from 'express';
import type { CinemaService } from '../../app/cinema-service';
import { newSessionSchema, pageQuerySchema, sessionIdParamsSchema } from '../schemas';
import { parseBody, parseParams, parseQuery } from '../validate';

/** POST /sessions, GET /sessions?limit=&offset=, GET /sessions/:id, GET /sessions/:id/availability. */
export function sessionRoutes(deps: { service: CinemaService }): Router {
  const { service } = deps;
  const router = Router();

  router.post('/sessions', async (req, res) => {
    const session = await service.createSession(parseBody(req, newSessionSchema));
    res.status(201).location(`/sessions/${session.id}`).json(session);
  });

  router.get('/sessions', async (req, res) => {
    res.json(await service.listSessions(parseQuery(req, pageQuerySchema)));
  });

  router.get('/sessions/:id', async (req, res) => {
    res.json(await service.getSession(parseParams(req, sessionIdParamsSchema).id));
  });

  // Hot path: the service hands over the document already serialized and encoded; send the bytes as they are.
  router.get('/sessions/:id/availability', async (req, res) => {
    const body = await service.availability(parseParams(req, sessionIdParamsSchema).id);
    res.type('application/json').send(body);
  });

  return router;
}
