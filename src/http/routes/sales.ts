import { Router } from 'express';
import type { CinemaService } from '../../app/cinema-service';
import { pageQuerySchema, salesQuerySchema, userIdParamsSchema } from '../schemas';
import { parseParams, parseQuery } from '../validate';

/** GET /sales?limit=&offset=, GET /sales/user/:userId?limit=&offset=. */
export function salesRoutes(deps: { service: CinemaService }): Router {
  const { service } = deps;
  const router = Router();

  router.get('/sales', async (req, res) => {
    res.json(await service.listSales(parseQuery(req, salesQuerySchema)));
  });

  router.get('/sales/user/:userId', async (req, res) => {
    const { userId } = parseParams(req, userIdParamsSchema);
    res.json(await service.userSales(userId, parseQuery(req, pageQuerySchema)));
  });

  return router;
}
