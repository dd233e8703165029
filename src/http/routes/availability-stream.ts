import { Router, type Request } from 'express';
import type { SeatMapFeed } from '../../app/ports';
import { requireUser } from '../authenticate';
import { sessionIdParamsSchema } from '../schemas';
import { openSeatMapStream } from '../seat-map-stream';
import type { StreamSlots } from '../stream-slots';
import { parseParams } from '../validate';

/** A Last-Event-ID is a version: a plain non-negative integer; anything else is ignored (the client gets it all). */
const VERSION = /^\d{1,15}$/;

/** The version the client already has: the Last-Event-ID header, or `lastEventId` in the query (for polyfills). */
export function lastEventId(req: Request): number | undefined {
  const header = req.get('Last-Event-ID');
  const query = req.query.lastEventId;
  const value = header ?? (typeof query === 'string' ? query : undefined);
  return value !== undefined && VERSION.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** GET /sessions/:id/availability/stream: the seat map live, as Server-Sent Events (src/http/seat-map-stream.ts). */
export function availabilityStreamRoutes(deps: { feed: SeatMapFeed; slots: StreamSlots; heartbeatMs: number }): Router {
  const router = Router();
  router.get('/sessions/:id/availability/stream', requireUser, async (req, res) => {
    const { id } = parseParams(req, sessionIdParamsSchema);
    const since = lastEventId(req);
    const stream = openSeatMapStream(res, { since, heartbeatMs: deps.heartbeatMs });
    const slot = deps.slots.take(() => stream.close());
    let follower;
    try {
      follower = await deps.feed.follow(id, since, (update) => stream.push(update));
    } catch (error) {
      slot.release();
      throw error; // nothing was written yet: the problem handler answers (404, 503)
    }
    const end = () => {
      follower.close();
      slot.release();
      stream.close();
    };
    res.once('close', end);
    if (res.destroyed) return end();
    stream.start(follower);
  });
  return router;
}
