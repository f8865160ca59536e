import { createServer } from 'node:net';
import { UserError } from '../../errors.ts';

/** The loopback ports one local cluster listens on; chosen once and kept in its state. */
export interface Ports {
  apiserver: number;
  etcdClient: number;
  etcdPeer: number;
  etcdMetrics: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

const portNames: (keyof Ports)[] = ['apiserver', 'etcdClient', 'etcdPeer', 'etcdMetrics', 'controllerManager', 'scheduler', 'kwok'];

function listenOn(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/** Free loopback ports, one per component. */
export async function allocatePorts(): Promise<Ports> {
  const ports: Partial<Ports> = {};
  const taken = new Set<number>();
  for (const name of portNames) {
    let port = 0;
    while (port === 0 || taken.has(port)) port = await listenOn(0, '127.0.0.1');
    taken.add(port);
    ports[name] = port;
  }
  return ports as Ports;
}

/** Before resuming a cluster: each of its ports must still be free. */
export async function checkPortsFree(ports: Ports): Promise<void> {
  for (const name of portNames) {
    try {
      await listenOn(ports[name], '127.0.0.1');
    } catch {
      throw new UserError(`port ${ports[name]} (${name}) of this cluster is already in use`, {
        fix: `stop what listens there (ss -ltnp 'sport = :${ports[name]}'), or delete and recreate the cluster`,
      });
    }
  }
}
