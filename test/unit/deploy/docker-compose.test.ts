import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isClusterMode, loadConfig } from '../../../src/config';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  ports?: string[];
}

const compose = parse(readFileSync(join(__dirname, '../../../docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const apps = ['app1', 'app2', 'app3'];

describe('docker-compose.yml', () => {
  it('runs Postgres, Redis, a KRaft Kafka from the official image, three app instances and a load balancer on 3000', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app1', 'app2', 'app3', 'kafka', 'lb', 'postgres', 'redis']);
    expect(compose.services.kafka.image).toMatch(/^apache\/kafka:4\./);
    expect(compose.services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.lb.ports).toContain('3000:80');
  });

  it.each(apps)('gives %s an environment that the service itself accepts as cluster mode', (name) => {
    const env = compose.services[name].environment ?? {};
    const config = loadConfig(env);
    expect(isClusterMode(config)).toBe(true);
    expect(config.instanceId).toBe(name);
    expect(config.database.kind).toBe('postgres');
  });

  it.each(apps)('runs %s with bearer tokens, trusting exactly the load balancer in front, metrics on an unexposed port', (name) => {
    const config = loadConfig(compose.services[name].environment ?? {});
    expect(config.auth.mode).toBe('jwt');
    expect(config.auth.mode === 'jwt' && config.auth.keys.kind).toBe('hs256');
    expect(config.trustProxy).toBe(1);
    expect(config.metricsPort).toBe(9464);
    expect(compose.services.lb.ports).not.toEqual(expect.arrayContaining([expect.stringContaining('9464')]));
  });

  it('has nginx replace the client X-Forwarded-For with the address it saw (one trusted hop)', () => {
    const nginx = readFileSync(join(__dirname, '../../../deploy/nginx.conf'), 'utf8');
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(nginx).not.toMatch(/proxy_add_x_forwarded_for/);
  });

  it('gives every service a healthcheck, except the load balancer which waits for healthy apps', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name !== 'lb') expect(service.healthcheck?.test).toBeDefined();
    }
  });

  it('gives each app instance its own INSTANCE_ID', () => {
    const ids = apps.map((a) => compose.services[a].environment?.INSTANCE_ID);
    expect(new Set(ids).size).toBe(3);
  });
});
