import { serve } from '@hono/node-server';
import { createSimulator } from '@bookstrap/ils-simulators';
import { Hono } from 'hono';

/**
 * The bench's simulator process (P3 on loopback): the Alma simulator with limits lifted and a
 * bare Hono route (the loopback floor), each on a 127.0.0.1 port, so the service and the
 * simulator are measured as separate processes. Tells the parent its ports, and its own CPU
 * time whenever asked.
 */
const sim = createSimulator({ vendor: 'alma', limits: { perSecond: 1_000_000 } });
const bare = new Hono().get('/x', (c) => c.json({ ok: true }));
const listen = (fetch: (request: Request) => Response | Promise<Response>) =>
  new Promise<number>((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port));
    process.on('disconnect', () => server.close());
  });
const [simPort, barePort] = await Promise.all([listen(sim.app.fetch), listen(bare.fetch)]);
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
process.on('disconnect', () => {
  sim.close();
  process.exit(0);
});
process.send?.({ simPort, barePort });
