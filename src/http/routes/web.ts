import { resolve } from 'node:path';
import express, { type Express, type Response } from 'express';

/** The seat picker's static files (web/public, its scripts compiled into web/public/js by `npm run build`). */
export const WEB_ROOT = resolve(__dirname, '../../../web/public');

/** Only the service itself: no CDN, no inline script, no framing (the page is a ticket counter). */
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function pageHeaders(res: Response): void {
  res.locals.route = '/ui';
  res.set({
    'Content-Security-Policy': PAGE_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
}

/**
 * GET / (the page) and GET /ui/* (its styles and scripts), mounted on `app` itself (not in a router of their own,
 * which every API request would walk through). Nothing else is looked up on disk, so the API's paths, and the JSON
 * 404 for unknown ones, never touch the file system.
 */
export function serveWeb(app: Express, root = WEB_ROOT): void {
  app.get('/', (_req, res, next) => {
    pageHeaders(res);
    res.sendFile('index.html', { root }, (error) => error && next(error));
  });
  app.use(
    '/ui',
    express.static(root, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res) => pageHeaders(res as unknown as Response),
    }),
  );
}
