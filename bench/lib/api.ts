/** Plain HTTP helpers for set-up and verification (not for load: see http-load.ts). */

export async function postJson<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: res.status, text: await res.text() };
}

export interface AvailabilityDoc {
  sessionId: string;
  totalSeats: number;
  availableSeats: number;
  seats: { seatNumber: string; row: string; status: 'AVAILABLE' | 'RESERVED' | 'SOLD'; isAvailable: boolean }[];
}

/** Creates a session through POST /sessions (the service and the seed comparator share this API). */
export async function createSession(
  baseUrl: string,
  numberOfSeats: number,
  seatsPerRow: number,
  movieName = 'Bench',
  headers: Readonly<Record<string, string>> = {},
): Promise<string> {
  const r = await postJson<{ id: string }>(
    `${baseUrl}/sessions`,
    { movieName, startTime: '2030-06-01T20:00:00Z', roomNumber: '1', ticketPrice: 25, numberOfSeats, seatsPerRow },
    headers,
  );
  if (r.status !== 201) throw new Error(`POST /sessions answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.id;
}

export function seatLabels(numberOfSeats: number, seatsPerRow: number): string[] {
  const rowName = (index: number): string => {
    let name = '';
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    return name;
  };
  const labels: string[] = [];
  for (let i = 0; i < numberOfSeats; i++) labels.push(`${rowName(Math.floor(i / seatsPerRow))}${(i % seatsPerRow) + 1}`);
  return labels;
}

/** Prometheus text -> metric name (with labels) -> value. */
export async function scrapeMetrics(baseUrl: string): Promise<Map<string, number>> {
  const { text } = await getText(`${baseUrl}/metrics`);
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** Runs `fn` over `items` with at most `concurrency` at once. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
