import { ApiError, type Api } from './api.js';
import { applyChange, isNewer } from './seat-model.js';
import { readStreamMessage } from './stream-message.js';
import type { Availability } from './types.js';

/**
 * Follows one session's seat map. It opens the live stream (`GET /sessions/{id}/availability/stream`, Server-Sent
 * Events: the whole document first, then one event per committed change); when the service has no stream, or the
 * stream is refused, it polls `GET /sessions/{id}/availability` about once a second, sending the last ETag in
 * `If-None-Match` so an unchanged map costs a 304. Documents and changes older than the one shown are dropped.
 */
export type FeedMode = 'connecting' | 'stream' | 'polling';

export interface LiveFeed {
  /** Reads the document now (after this user's own hold, payment or cancel). */
  refresh(): Promise<void>;
  stop(): void;
}

export interface FeedParams {
  readonly api: Api;
  readonly sessionId: string;
  readonly onDocument: (doc: Availability) => void;
  readonly onMode: (mode: FeedMode) => void;
  readonly onTrouble: (error: ApiError | undefined) => void;
  /** Poll period while the page is visible; a hidden page polls five times slower. */
  readonly pollMs?: number;
}

/** How long a dropped stream may take to reopen before the page polls instead. */
const RECONNECT_GRACE_MS = 5000;

/** The stream's events (README "Live seat map"): `snapshot` (the whole document), `change`; unnamed ones too. */
const STREAM_EVENTS = ['snapshot', 'change'];

export function followAvailability(params: FeedParams): LiveFeed {
  const { api, sessionId, onDocument, onMode, onTrouble } = params;
  const pollMs = params.pollMs ?? 1000;
  const path = `/sessions/${encodeURIComponent(sessionId)}/availability`;
  let doc: Availability | undefined;
  let etag: string | undefined;
  let stopped = false;
  let source: EventSource | undefined;
  let timer: number | undefined;
  let requested = 0;
  let applied = 0;

  function show(next: Availability): void {
    if (stopped || !isNewer(doc, next)) return;
    doc = next;
    onDocument(next);
  }

  /** One GET; an answer to an older request than the one last shown is dropped. */
  async function read(): Promise<void> {
    const seq = ++requested;
    const answer = await api.getIfChanged<Availability>(path, etag);
    if (seq < applied) return;
    applied = seq;
    onTrouble(undefined);
    if (answer.body) {
      etag = answer.etag;
      show(answer.body);
    }
  }

  function schedulePoll(delayMs: number): void {
    if (stopped) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, delayMs);
  }

  async function poll(): Promise<void> {
    let delay = document.hidden ? pollMs * 5 : pollMs;
    try {
      await read();
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(0, { title: 'Error', detail: String(error) });
      onTrouble(e);
      delay = Math.max(delay, (e.retryAfterSeconds ?? 3) * 1000);
    }
    schedulePoll(delay);
  }

  function onStreamData(text: string): void {
    const message = readStreamMessage(text);
    if (message?.kind === 'document') return show(message.doc);
    if (message?.kind !== 'change' || !doc) return;
    const { change } = message;
    const gap = change.version !== undefined && doc.version !== undefined && change.version > doc.version + 1;
    if (gap) void read().catch(() => undefined);
    else if (isNewer(doc, change)) show(applyChange(doc, change));
  }

  function startPolling(): void {
    if (stopped) return;
    source?.close();
    source = undefined;
    onMode('polling');
    void poll();
  }

  function startStream(): void {
    if (typeof EventSource === 'undefined') return startPolling();
    onMode('connecting');
    const es = new EventSource(`${path}/stream`);
    source = es;
    const handler = (event: MessageEvent) => onStreamData(String(event.data));
    es.onmessage = handler;
    for (const name of STREAM_EVENTS) es.addEventListener(name, handler as EventListener);
    let wasOpen = false;
    let reconnecting: number | undefined;
    es.onopen = () => {
      wasOpen = true;
      window.clearTimeout(reconnecting);
      reconnecting = undefined;
      onMode('stream');
      onTrouble(undefined);
    };
    // A refused stream (404 where the service has none, 401, 503 past the stream cap) is closed for good, and one
    // that never opened may be retried by the browser forever: both fall back to polling. A stream that drops after
    // it opened is reopened by the browser (with Last-Event-ID); if that takes too long, polling takes over.
    es.onerror = () => {
      if (stopped || source !== es) return;
      if (es.readyState === EventSource.CLOSED || !wasOpen) return startPolling();
      onMode('connecting');
      reconnecting ??= window.setTimeout(() => {
        if (source === es && es.readyState !== EventSource.OPEN) startPolling();
      }, RECONNECT_GRACE_MS);
    };
  }

  const onVisible = () => {
    if (!document.hidden && !source) schedulePoll(0);
  };
  document.addEventListener('visibilitychange', onVisible);
  startStream();

  return {
    refresh: () => read(),
    stop() {
      stopped = true;
      source?.close();
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
