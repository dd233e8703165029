import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Response } from 'supertest';
import type { Instance } from '../../src/main';
import { createTestStore, eventually, startInstance, type Storage, type TestStore } from '../support/test-instance';

/** Shared helpers of the integration suites (no test file: jest only runs `*.test.ts`). */

export type Agent = ReturnType<typeof request>;

/** A unique user id, so that tests sharing one instance never see each other's data. */
export function uid(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

export const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SessionBody {
  movieName: string;
  startTime: string;
  roomNumber: string;
  ticketPrice: number;
  numberOfSeats: number;
  seatsPerRow?: number;
}

export function sessionBody(overrides: Partial<SessionBody> = {}): SessionBody {
  return {
    movieName: `Movie ${randomUUID().slice(0, 6)}`,
    startTime: '2031-05-01T20:00:00Z',
    roomNumber: 'Room 1',
    ticketPrice: 12.5,
    numberOfSeats: 16,
    ...overrides,
  };
}

/** Creates a session and returns its body; fails the test unless the answer is 201. */
export async function createSession(app: Agent | Instance['app'], overrides: Partial<SessionBody> = {}) {
  const agent = typeof app === 'function' ? request(app) : app;
  const res = await agent.post('/sessions').send(sessionBody(overrides));
  if (res.status !== 201) throw new Error(`POST /sessions answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; totalSeats: number; availableSeats: number; ticketPrice: number };
}

export interface SeatView {
  seatNumber: string;
  row: string;
  status: 'AVAILABLE' | 'RESERVED' | 'SOLD' | 'BLOCKED' | 'CANCELLED';
  isAvailable: boolean;
  category: string;
  price: number;
  wheelchair: boolean;
}

export interface Availability {
  sessionId: string;
  /** The number of committed changes (README, "The read side"). */
  version: number;
  movieName: string;
  startTime: string;
  roomNumber: string;
  ticketPrice: number;
  totalSeats: number;
  availableSeats: number;
  seats: SeatView[];
}

export async function availability(agent: Agent, sessionId: string): Promise<Availability> {
  const res = await agent.get(`/sessions/${sessionId}/availability`);
  if (res.status !== 200) throw new Error(`availability answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Availability;
}

export function seatStatus(doc: Availability, seat: string): string | undefined {
  return doc.seats.find((s) => s.seatNumber === seat)?.status;
}

export function seatsWith(doc: Availability, status: SeatView['status']): string[] {
  return doc.seats.filter((s) => s.status === status).map((s) => s.seatNumber);
}

/** Asserts the RFC 9457 problem+json shape and the status, and returns the body. */
export function expectProblem(res: Response, status: number): Record<string, unknown> {
  const summary = `${res.status} ${res.headers['content-type']} ${JSON.stringify(res.body ?? res.text).slice(0, 300)}`;
  expect({ status: res.status, summary }).toEqual({ status, summary });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.body as Record<string, unknown>;
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  return body;
}

/** Asserts a 400 validation problem carrying `errors: [{ path, message }]` (at least one). */
export function expectValidationProblem(res: Response): Array<{ path: string; message: string }> {
  const body = expectProblem(res, 400);
  const errors = body.errors as Array<{ path: string; message: string }>;
  expect(Array.isArray(errors)).toBe(true);
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(e).toEqual(expect.objectContaining({ path: expect.any(String), message: expect.any(String) }));
  }
  return errors;
}

/** What `useInstance` starts for a describe block. */
export interface InstanceContext {
  /** The fresh, empty store the instance runs on. */
  store: TestStore;
  instance: Instance;
  /** An agent on `instance.app`, or on its real socket with `listen: true`. */
  api: Agent;
}

/**
 * Starts one instance on a fresh store for the enclosing describe block: registers a `beforeAll` that creates the
 * store, starts the instance with `env` and makes the agent, and an `afterAll` that closes the instance and cleans the
 * store up. `clock` replaces the instance's clock (a test may move time forward). `listen: true` serves the instance on a real socket (see `listening`) instead of in-process.
 *
 * The fields of the returned object are filled in by that `beforeAll`: they are only valid inside hooks and tests
 * (registered after this call), never while the describe callback runs. Read them through the object at use time
 * (`ctx.api.get(...)`) rather than destructuring it, which would copy the still-empty fields.
 */
export function useInstance(
  storage: Storage,
  env: Record<string, string> = {},
  options: { listen?: boolean; clock?: () => number } = {},
): InstanceContext {
  const ctx = {} as InstanceContext;
  beforeAll(async () => {
    ctx.store = await createTestStore(storage);
    ctx.instance = await startInstance(ctx.store, env, { clock: options.clock });
    ctx.api = options.listen ? (await listening(ctx.instance)).agent : request(ctx.instance.app);
  });
  afterAll(async () => {
    await ctx.instance?.close();
    await ctx.store?.cleanup();
  });
  return ctx;
}

/** A real socket for tests that fire many requests at once; supertest then reuses one server. */
export async function listening(instance: Instance): Promise<{ agent: Agent; server: Server; url: string }> {
  const server = await instance.listen(0);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return { agent: request(url), server, url };
}

export function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** `eventually` for a probe that answers a value once the condition holds (undefined until then). */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T> {
  return (await eventually(probe, timeoutMs)) as T;
}
