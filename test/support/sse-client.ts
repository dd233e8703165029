import { request, type ClientRequest, type IncomingMessage } from 'node:http';

/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: string;
}

/** A minimal EventSource for tests: parses frames, keeps every event and comment, closes on demand. */
export interface SseClient {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly events: SseEvent[];
  /** Comment lines seen (heartbeats). */
  readonly comments: string[];
  /** The last id received (what a reconnect sends as Last-Event-ID). */
  readonly lastEventId: string | undefined;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  readonly body: string;
  close(): void;
}

/** Opens `url` with Accept: text/event-stream; resolves once the status line and headers arrived. */
export function openSse(
  url: string,
  headers: Record<string, string> = {},
  onEvent?: (event: SseEvent) => void,
): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const comments: string[] = [];
    let lastEventId: string | undefined;
    let body = '';
    let buffer = '';
    let req: ClientRequest | undefined = undefined;
    const parse = () => {
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = 'message';
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('id:')) id = line.slice(3).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (id !== undefined) lastEventId = id;
        if (data.length > 0) {
          const parsed = { event, id, data: data.join('\n') };
          events.push(parsed);
          onEvent?.(parsed);
        }
      }
    };
    req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      let markEnded: () => void = () => undefined;
      const ended = new Promise<void>((r) => (markEnded = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        buffer += chunk;
        parse();
      });
      res.on('end', markEnded);
      res.on('close', markEnded);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        get lastEventId() {
          return lastEventId;
        },
        get body() {
          return body;
        },
        ended,
        close: () => req?.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The decoded `data` of the events named `name`. */
export function dataOf<T = any>(client: SseClient, name: string): T[] {
  return client.events.filter((e) => e.event === name).map((e) => JSON.parse(e.data) as T);
}

/** The versions (ids) of every snapshot and change event, in arrival order. */
export function versionsOf(client: SseClient): number[] {
  return client.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
}
