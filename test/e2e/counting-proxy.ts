// A byte-counting TCP proxy in front of an API server, for the tests that prove a refused request
// sends nothing on to the cluster, and the shape of a raw HTTP answer they read.
import { connect, createServer, type Socket } from 'node:net';

export interface CountingProxy {
  port: number;
  /** Bytes sent towards the API server. */
  bytes: number;
  close(): Promise<void>;
}

export async function countingProxy(target: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const proxy: CountingProxy = { port: 0, bytes: 0, close: async () => {} };
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => (proxy.bytes += chunk.length));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  proxy.close = () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}
