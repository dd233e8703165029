import { Router } from 'express';
import type { CinemaService } from '../../app/cinema-service';
import { salesQuerySchema, userIdParamsSchema } from '../schemas';
import { parseParams, parseQuery } from '../validate';

/** GET /sales?limit=&offset=, GET /sales/user/:userId. */
export function salesRoutes(deps: { service: CinemaService }): Router {
  const { service } = deps;
  const router = Router();

  router.get('/sales', async (req, res) => {
    res.json(await service.listSales(parseQuery(req, salesQuerySchema)));
  });

  router.get('/sales/user/:userId', async (req, res) => {
    res.json(await service.userSales(parseParams(req, userIdParamsSchema).userId));
  });

  return router;
}
