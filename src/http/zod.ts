import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

/**
 * zod with zod-to-openapi's `.openapi()` method. Every schema of the HTTP layer imports `z` from here so the
 * extension (an idempotent patch of zod's prototype, not state of ours) is in place before any schema is built.
 */
extendZodWithOpenApi(z);

export { z };
