import { Router } from 'express';
import type { CinemaService } from '../../app/cinema-service';
import type { Logger } from '../../logger';
import { requireAdmin, requireSelfOrAdmin, requireUser } from '../authenticate';
import { pageQuerySchema, salesQuerySchema, userIdParamsSchema } from '../schemas';
import { parseParams, parseQuery } from '../validate';

/** GET /sales?limit=&offset= (admin), GET /sales/user/:userId?limit=&offset= (that user, or an admin). */
export function salesRoutes(deps: { service: CinemaService; logger: Logger }): Router {
  const { service, logger } = deps;
  const router = Router();

  router.get('/sales', requireAdmin(logger), async (req, res) => {
    res.json(await service.listSales(parseQuery(req, salesQuerySchema)));
  });

  router.get('/sales/user/:userId', requireUser, async (req, res) => {
    const { userId } = parseParams(req, userIdParamsSchema);
    requireSelfOrAdmin(req, res, logger, userId);
    res.json(await service.userSales(userId, parseQuery(req, pageQuerySchema)));
  });

  return router;
}
