// What the workshop's end-to-end tests share: the byte-counting proxy (counting-proxy.ts), raw
// HTTPS requests written byte for byte, `kubelab workshop serve` as a process with the links it
// prints, and Chromium pinned to the workshop's certificate.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { chromium, type BrowserContext } from 'playwright-core';
import { packageRoot } from '../../src/paths.ts';
import { CHROMIUM_FLAGS, chromiumPath } from './browser.ts';
import { parseAnswer, type Answer } from './counting-proxy.ts';

export { countingProxy, type Answer, type CountingProxy } from './counting-proxy.ts';

export const EXAMPLE_LABS = join(packageRoot, 'examples', 'labs');

/** One HTTP/1.1 request over TLS, written as given (Host, Origin, framing), trusting only `ca`. */
export function rawTls(port: number, ca: string, head: string, body: string | Buffer = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: undefined });
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('error', () => {}); // a refused upload may be cut off mid-write; the answer is what counts
    socket.on('close', () => {
      try {
        resolve(parseAnswer(data));
      } catch (error) {
        reject(error);
      }
    });
    socket.once('secureConnect', () => {
      socket.write(head);
      socket.write(body);
    });
  });
}

/** The SHA-256 of the certificate's public key, as Chromium's --ignore-certificate-errors-spki-list takes it. */
export function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

export interface PinnedChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium (a fresh profile) that trusts this one self-signed certificate and no other. */
export async function pinnedChromium(cert: string): Promise<PinnedChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'kubelab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_FLAGS, `--ignore-certificate-errors-spki-list=${spkiHash(cert)}`],
    viewport: { width: 1280, height: 1000 },
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface WorkshopServe {
  child: ChildProcess;
  url: string;
  port: number;
  fingerprint: string;
  instructor: string;
  learners: Record<string, string>;
  output(): string;
  interrupt(): Promise<number | null>;
}

/** `kubelab workshop serve` as an instructor runs it; resolves once it printed every link. */
export async function startWorkshopServe(args: string[], waitMs = 400_000): Promise<WorkshopServe> {
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'kubelab.js'), 'workshop', 'serve', ...args], {
    env: { ...process.env, KUBELAB_REEXEC: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + waitMs;
  while (!/Learners \(send each[^\n]*\n(\s+\S+\s+https:\S+\n)+/.test(output) || !/Instructor: /.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`kubelab workshop serve did not print its links:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 300));
  const url = /Workshop "[^"]+" on (https:\/\/\S+)/.exec(output)![1]!;
  const learners = Object.fromEntries(
    [...output.matchAll(/^\s+(\S+)\s+(https:\/\/\S+\/workshop\/learner\/\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  return {
    child,
    url,
    port: Number(new URL(url).port),
    fingerprint: /fingerprint[^\n]*:\n\s+([0-9A-F:]+)/.exec(output)![1]!,
    instructor: /Instructor: (\S+)/.exec(output)![1]!,
    learners,
    output: () => output,
    async interrupt() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** The token in a learner's join link. */
export function tokenOf(link: string): string {
  return /kubelab=here\.([\w-]+)/.exec(link)![1]!;
}
