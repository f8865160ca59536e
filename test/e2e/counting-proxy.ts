// A byte-counting TCP proxy in front of an API server, for the tests that prove a refused request
// sends nothing on to the cluster, and the raw HTTP answers those tests read.
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

/** Reads a whole HTTP/1.1 answer as it came off the socket: status, headers (lower-cased names), body. */
export function parseAnswer(data: string): Answer {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(data);
  if (!match) throw new Error(`no HTTP answer: ${JSON.stringify(data.slice(0, 200))}`);
  const [headText = '', bodyText = ''] = data.split('\r\n\r\n', 2);
  const headers = Object.fromEntries(
    headText
      .split('\r\n')
      .slice(1)
      .map((l) => [l.split(':')[0]!.toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(match[1]), headers, body: bodyText };
}
