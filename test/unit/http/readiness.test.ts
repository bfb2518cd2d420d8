import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { freePort } from '../../helpers/postfix';
import { memoryLogger } from '../digest/fixture';

/** /readyz follows the readiness registry; /healthz is liveness and stays 200 whatever is down. */
let http: HttpServer;
let base: string;

beforeAll(async () => {
  http = createHttpServer({ port: await freePort(25900, 25999), host: '127.0.0.1', log: memoryLogger() });
  const { port } = await http.listen();
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await http.close();
});

const get = async (path: string): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: await res.json() };
};

it('turns /readyz to 503 with the reason while a component is not ready, and back', async () => {
  expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready', components: {} } });
  http.readiness.set('store', true);
  http.health.set('scheduler', true);
  expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready', components: { store: true } } });

  http.readiness.set('store', false, 'database unreachable');
  http.health.set('scheduler', false, 'cannot reach the store');
  expect(await get('/readyz')).toEqual({
    status: 503,
    body: { status: 'not-ready', components: { store: false }, problems: { store: 'database unreachable' } },
  });
  expect(await get('/healthz')).toEqual({
    status: 200,
    body: { status: 'degraded', components: { scheduler: false }, problems: { scheduler: 'cannot reach the store' } },
  });

  http.readiness.set('store', true, 'ignored when ready');
  expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready', components: { store: true } } });
});
