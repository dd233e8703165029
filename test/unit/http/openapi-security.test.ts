import request from 'supertest';
import { BEARER_SCHEME, buildOpenApiDocument } from '../../../src/http/openapi';
import { testApp } from './fakes';

const doc = JSON.parse(JSON.stringify(buildOpenApiDocument({ maxSeats: 5 })));

const API: ReadonlyArray<[string, string]> = [
  ['post', '/sessions'],
  ['get', '/sessions'],
  ['get', '/sessions/{id}'],
  ['get', '/sessions/{id}/availability'],
  ['post', '/reservations'],
  ['get', '/reservations/{id}'],
  ['get', '/reservations/user/{userId}'],
  ['post', '/reservations/confirm-payment'],
  ['post', '/reservations/{id}/cancel'],
  ['get', '/sales'],
  ['get', '/sales/user/{userId}'],
];
const ADMIN_ONLY: ReadonlyArray<[string, string]> = [
  ['post', '/sessions'],
  ['get', '/sales'],
  ['get', '/metrics'],
];

describe('the OpenAPI document and authentication', () => {
  it('declares an HTTP bearer (JWT) security scheme', () => {
    expect(doc.components.securitySchemes[BEARER_SCHEME]).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it.each(API)('requires the bearer token on %s %s and documents 401 with WWW-Authenticate', (method, path) => {
    const op = doc.paths[path][method];
    expect(op.security).toEqual([{ [BEARER_SCHEME]: [] }]);
    expect(op.responses['401'].headers['WWW-Authenticate']).toBeDefined();
  });

  it.each(ADMIN_ONLY)('documents %s %s as admin only, with 403', (method, path) => {
    const op = doc.paths[path][method];
    expect(op.description).toMatch(/admin role/);
    expect(op.responses['403']).toBeDefined();
    expect(op.security).toEqual([{ [BEARER_SCHEME]: [] }]);
  });

  it.each(['/health/live', '/health/ready', '/api-docs', '/api-docs.json'])('leaves %s open to all (security: [])', (path) => {
    expect(doc.paths[path].get.security).toEqual([]);
  });

  it("serves a Swagger UI whose Authorize dialog offers the bearer scheme and keeps the token across reloads", async () => {
    const init = await request(testApp().app).get('/api-docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('"securitySchemes"');
    expect(init.text).toContain(`"${BEARER_SCHEME}"`);
    expect(init.text).toMatch(/"persistAuthorization":\s*true/);
  });
});
