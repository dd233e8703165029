/**
 * If-None-Match (RFC 9110, 13.1.2) with the weak comparison it calls for: true when the header names `etag` or is `*`.
 * Evaluated by the origin whatever the request's Cache-Control says: a client sending `no-cache` (as fetch() does
 * with any conditional header) still gets its 304, unlike express's req.fresh.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}
