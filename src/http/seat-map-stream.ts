import type { Response } from 'express';
import type { SeatChange, SeatMap, SeatMapFollower, SeatMapUpdate } from '../app/ports';

/**
 * One Server-Sent Events stream of a session's seat map (wire format in README, "Live seat map"):
 *
 *   id: <version>            event: snapshot        data: <the availability document>
 *   id: <version>            event: change          data: {"sessionId","version","type","seats":[…],"availableSeats"}
 *   : keep-alive             (a comment, every heartbeat interval)
 *
 * A change goes out only on top of the last version sent, so a follower never sees a gap or a version go back.
 * A slow client is coalesced: once the socket stops taking writes nothing more is queued for it, and when it drains
 * it gets the latest whole document instead of the changes it missed. Memory per stream stays bounded.
 */
export interface SeatMapStream {
  push(update: SeatMapUpdate): void;
  /** Sends the headers (if no event did yet) and starts the heartbeats; `follower` answers a resync. */
  start(follower: SeatMapFollower): void;
  close(): void;
}

/** Reconnection delay suggested to EventSource clients. */
const RETRY_MS = 1000;

const frame = (event: string, version: number, data: string) => `id: ${version}\nevent: ${event}\ndata: ${data}\n\n`;

/**
 * Frames are built and encoded once per change or document and the same bytes are written to every stream: with
 * thousands of followers, a change costs one JSON.stringify and one UTF-8 encoding, and sockets that queue it share
 * one buffer (bench scenario 12).
 */
const changeFrames = new WeakMap<SeatChange, Buffer>();
const snapshotFrames = new WeakMap<Buffer, Buffer>();
const changeFrame = (change: SeatChange): Buffer => {
  let bytes = changeFrames.get(change);
  if (!bytes) changeFrames.set(change, (bytes = Buffer.from(frame('change', change.version, JSON.stringify(change)))));
  return bytes;
};
const snapshotFrame = (seatMap: SeatMap): Buffer => {
  let bytes = snapshotFrames.get(seatMap.body);
  if (!bytes) snapshotFrames.set(seatMap.body, (bytes = Buffer.from(frame('snapshot', seatMap.version, seatMap.body.toString('utf8')))));
  return bytes;
};

export function openSeatMapStream(res: Response, params: { since: number | undefined; heartbeatMs: number }): SeatMapStream {
  /** The last version the client has: changes are sent only on top of it. */
  let sent = params.since ?? -1;
  let first = true;
  let started = false;
  let blocked = false;
  let behind = false;
  let closed = false;
  let follower: SeatMapFollower | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const begin = () => {
    if (started) return;
    started = true;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    write(`retry: ${RETRY_MS}\n\n`);
  };

  const onDrain = () => {
    blocked = false;
    if (behind && follower) {
      behind = false;
      sendSnapshot(follower.current());
    }
  };

  function write(chunk: string | Buffer): void {
    if (closed) return;
    if (!res.write(chunk)) {
      blocked = true;
      res.once('drain', onDrain);
    }
  }

  function sendSnapshot(seatMap: SeatMap): void {
    begin();
    if (blocked) {
      behind = true;
      return;
    }
    sent = seatMap.version;
    write(snapshotFrame(seatMap));
  }

  return {
    push(update) {
      if (closed) return;
      begin();
      if (update.kind === 'snapshot') {
        // The first document is always sent; later ones only when they are newer than what the client has.
        if (first || update.seatMap.version > sent) sendSnapshot(update.seatMap);
        first = false;
        return;
      }
      first = false;
      const { change } = update;
      if (change.version <= sent) return;
      if (blocked) {
        behind = true;
        return;
      }
      if (change.version !== sent + 1) {
        // Something was skipped (a resync, or the client was behind): the whole latest document instead.
        if (follower) sendSnapshot(follower.current());
        else behind = true;
        return;
      }
      sent = change.version;
      write(changeFrame(change));
    },
    start(f) {
      follower = f;
      begin();
      if (behind && !blocked) onDrain();
      heartbeat = setInterval(() => {
        if (!blocked) write(': keep-alive\n\n');
      }, params.heartbeatMs);
      heartbeat.unref();
    },
    close() {
      if (closed) return;
      closed = true;
      if (heartbeat) clearInterval(heartbeat);
      res.off('drain', onDrain);
      if (!res.writableEnded) res.end();
    },
  };
}
