/**
 * Harness of the browser suite: the service in-process on a free port (on the test run's database: the embedded PostgreSQL that `npm start` runs, or `DATABASE_URL`), the page's
 * scripts compiled as `npm run build` does, and a real headless Chromium driven by playwright-core. Debian's
 * `chromium` is used (CHROMIUM_PATH overrides); nothing is downloaded. Without it the suite skips and says so.
 *
 * No test file here: jest only runs `*.test.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import type { Instance } from '../../src/main';
import { createTestStore, startInstance, type TestStore } from '../support/test-instance';

const REPO_ROOT = resolve(__dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
export const SKIP_REASON = `browser suite skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

/** `describe` when Chromium exists; otherwise one skipped test whose name says why, and a line on stderr. */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  process.stderr.write(`${SKIP_REASON}\n`);
  describe(name, () => it.skip(SKIP_REASON, () => undefined));
}

/** Compiles web/src into web/public/js (as `npm run build:web`), unless every output is newer than every source. */
function buildWebScripts(): void {
  const sources = join(REPO_ROOT, 'web/src');
  const outputs = join(REPO_ROOT, 'web/public/js');
  const newest = Math.max(...readdirSync(sources).map((f) => statSync(join(sources, f)).mtimeMs));
  const built = readdirSync(sources).every((f) => {
    const out = join(outputs, f.replace(/\.ts$/, '.js'));
    return existsSync(out) && statSync(out).mtimeMs >= newest;
  });
  if (!built) execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(REPO_ROOT, 'web/tsconfig.json')]);
}

export interface Picker {
  /** http://127.0.0.1:<port> */
  url: string;
  instance: Instance;
  browser: Browser;
  /** Requests any page made to another origin (the page must make none) and errors thrown in pages. */
  foreignRequests: string[];
  pageErrors: string[];
  /** Browser contexts opened by `openAs`, closed after the block. */
  contexts: BrowserContext[];
}

/** Starts the service and Chromium for the enclosing describe block and stops both afterwards. */
export function useSeatPicker(env: Record<string, string> = {}): Picker {
  const ctx = { foreignRequests: [], pageErrors: [], contexts: [] } as unknown as Picker;
  let store: TestStore | undefined;
  let server: Server | undefined;
  beforeAll(async () => {
    buildWebScripts();
    store = await createTestStore();
    ctx.instance = await startInstance(store, env);
    server = await ctx.instance.listen(0);
    ctx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(ctx.contexts.map((c) => c.close().catch(() => undefined)));
    await ctx.browser?.close();
    await ctx.instance?.close();
    await store?.cleanup();
  });
  return ctx;
}

export interface Viewport {
  width: number;
  height: number;
}
export const DESKTOP: Viewport = { width: 1280, height: 900 };
export const PHONE: Viewport = { width: 390, height: 844 };

/**
 * A fresh browser context (its own storage, so its own user) on the page, signed in by name (open mode).
 * The page is marked so that a test can tell a reload happened: `stillSameDocument`.
 */
export async function openAs(picker: Picker, userName: string, viewport: Viewport = DESKTOP, hash = '#/'): Promise<Page> {
  const context = await picker.browser.newContext({ viewport, deviceScaleFactor: 1 });
  picker.contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(`${picker.url}/`) && !u.startsWith('data:')) picker.foreignRequests.push(u);
  });
  page.on('pageerror', (error) => picker.pageErrors.push(`${userName}: ${error.message}`));
  await page.goto(`${picker.url}/${hash}`);
  await page.getByLabel('User name').fill(userName);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('#signed-in-user', { hasText: userName }).waitFor();
  await page.evaluate('window.sameDocument = true');
  return page;
}

export async function stillSameDocument(page: Page): Promise<boolean> {
  return (await page.evaluate('window.sameDocument === true')) === true;
}

/**
 * Lets a test hold a page's seat map stale for a moment, as a real race does between a commit and the next update:
 * the page is given no stream (404, as from a service without one) so it polls, and while `freeze` is in force its
 * availability reads wait; `thaw` lets them through. Call before the page opens the session.
 */
export async function freezableMap(page: Page): Promise<{ freeze(): void; thaw(): Promise<void> }> {
  let frozen = false;
  const parked: Route[] = [];
  await page.route(/\/availability\/stream(\?|$)/, (route) =>
    route.fulfill({ status: 404, contentType: 'application/problem+json', body: '{"title":"Not found","status":404}' }),
  );
  await page.route(/\/sessions\/[^/]+\/availability(\?|$)/, (route) => (frozen ? void parked.push(route) : route.continue()));
  return {
    freeze: () => {
      frozen = true;
    },
    thaw: async () => {
      frozen = false;
      await Promise.all(parked.splice(0).map((route) => route.continue()));
    },
  };
}

/** The seat button whose accessible name is exactly `name`, e.g. "Row A, seat 1, available". */
export function seat(page: Page, name: string) {
  return page.getByRole('button', { name, exact: true });
}

/** Calls the REST API directly (as another client would), failing on anything but 2xx. */
export async function api<T>(picker: Picker, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${picker.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}
