// Loaded with NODE_OPTIONS=--import into every Node process of a site build (Framework and
// its data loaders): records, and refuses, any connection or DNS lookup that is not for
// loopback. The test then asserts that the record is empty. Plain JavaScript, so that it
// loads before any TypeScript support does.
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import net from 'node:net';

const log = process.env.KUBELAB_OFFLINE_LOG;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|0:0:0:0:0:0:0:1|::ffff:127(\.\d{1,3}){3})$/i;

function refuse(what) {
  if (log) appendFileSync(log, `${process.pid} ${process.argv.slice(1, 3).join(' ')}: ${what}\n`);
  return new Error(`offline guard: refused ${what}`);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const [first, second] = args;
  const options = Array.isArray(first) ? first[0] : first;
  let host;
  if (options && typeof options === 'object') host = options.path ? undefined : (options.host ?? 'localhost');
  else if (typeof first === 'number' || /^\d+$/.test(String(first))) host = typeof second === 'string' ? second : 'localhost';
  if (host !== undefined && !LOOPBACK.test(host.replace(/^\[|\]$/g, ''))) {
    const error = refuse(`connection to ${host}`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

for (const api of [dns, dns.promises]) {
  const lookup = api.lookup;
  api.lookup = function (hostname, ...rest) {
    if (!LOOPBACK.test(String(hostname))) {
      const error = refuse(`DNS lookup of ${hostname}`);
      const callback = rest.find((a) => typeof a === 'function');
      if (callback) return process.nextTick(() => callback(error));
      return Promise.reject(error);
    }
    return lookup.call(this, hostname, ...rest);
  };
}
