import request from 'supertest';
import { testApp } from './fakes';

/** The seat picker is served by the API's own app, without changing any API answer. */
describe('the seat picker’s files', () => {
  it('serves the page at / with a policy that allows only the service itself', async () => {
    const res = await request(testApp().app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<script type="module" src="/ui/js/main.js"></script>');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the styles under /ui and no file outside web/public', async () => {
    const { app } = testApp();
    const css = await request(app).get('/ui/styles.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    for (const path of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/..%2fpackage.json', '/package.json', '/ui/.gitignore']) {
      const res = await request(app).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  it('leaves unknown API paths to the JSON 404 and POST / to the API', async () => {
    const { app } = testApp();
    for (const res of [await request(app).get('/sessionz'), await request(app).post('/').send({}), await request(app).get('/ui/nope.js')]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
