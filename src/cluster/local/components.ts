import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Binaries } from '../../binaries/index.ts';
import type { Component } from '../../binaries/versions.ts';
import { KWOK_ANNOTATION } from '../nodes.ts';
import type { ClusterShape } from '../shape.ts';
import type { HealthCheck } from './health.ts';
import type { Ports } from './ports.ts';
import { paths } from './state.ts';

const kwokOptions = fileURLToPath(new URL('./kwok.yaml', import.meta.url));

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  /** Written to logs/<name>.log. */
  log: string;
  /** Started only once this answers: the API server's /readyz, for its clients. */
  startAfter?: HealthCheck;
}

/** Start order; the supervisor stops them in reverse. */
export const componentNames = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
export type ComponentName = (typeof componentNames)[number];

interface StaticPod {
  spec: { containers: { command: string[] }[] };
}

/**
 * The command lines kubeadm wrote into its static-pod manifests, run as local
 * processes: the flags are kubeadm's own; only the kubeconfig directory (fixed at
 * /etc/kubernetes inside kubeadm) is moved into the cluster's state directory.
 */
export async function specsFromManifests(name: string, shape: ClusterShape, ports: Ports, binaries: Binaries): Promise<ComponentSpec[]> {
  const p = paths(name);
  const specs: ComponentSpec[] = [];
  for (const file of (await readdir(p.manifests)).sort()) {
    const pod = parse(await readFile(join(p.manifests, file), 'utf8')) as StaticPod;
    const [command, ...args] = pod.spec.containers[0]!.command;
    specs.push({
      name: command!,
      command: binaries.path(command as Component),
      args: args.map((arg) => arg.replaceAll('/etc/kubernetes/', `${p.kubeconfigDir}/`)),
      log: join(p.logs, `${command}.log`),
    });
  }
  specs.push({
    name: 'kwok',
    command: binaries.path('kwok'),
    args: [
      // kwok plays every node's kubelet, so it uses the cluster-admin credentials kubeadm reserves for the control plane.
      `--kubeconfig=${join(p.kubeconfigDir, 'super-admin.conf')}`,
      `--config=${binaries.kwokStages}`,
      `--config=${kwokOptions}`,
      `--manage-nodes-with-annotation-selector=${KWOK_ANNOTATION}=fake`,
      `--server-address=127.0.0.1:${ports.kwok}`,
      // Nodes report a loopback address, so nothing ever dials an address off this machine.
      '--node-ip=127.0.0.1',
      '--node-lease-duration-seconds=40',
      `--cidr=${firstSlash24(shape.podSubnet)}`,
    ],
    log: join(p.logs, 'kwok.log'),
  });
  const apiReady = healthChecks(name, ports)['kube-apiserver'];
  return componentNames
    .map((n) => specs.find((s) => s.name === n)!)
    .filter(Boolean)
    .map((spec) => (spec.name === 'etcd' || spec.name === 'kube-apiserver' ? spec : { ...spec, startAfter: apiReady }));
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const shellArray = (items: string[]) => `(${items.map(shellQuote).join(' ')})`;

/** components.sh, which supervisor.sh sources: the components in start order, one function each. */
export function componentsScript(specs: ComponentSpec[]): string {
  return [
    '# Written by kubelab for supervisor.sh; rewritten at each start.',
    // Go's collector lets a heap grow to twice what is live before it collects (GOGC=100); at
    // 25 a lab cluster holds about 60 MiB less over its five processes, at the cost of more
    // frequent, small collections. Start-up runs at 100, though: it makes much short-lived
    // garbage, and collecting it at 25 took the API server about 2 s more CPU on 2 cores. The
    // binary lowers its own GOGC 15 s after it starts. GOGC in kubelab's environment wins.
    `[ -n "\${GOGC:-}" ] || export KUBELAB_GOGC_SETTLED=25 KUBELAB_GOGC_SETTLE_AFTER=15s`,
    `names=${shellArray(specs.map((s) => s.name))}`,
    `logs=${shellArray(specs.map((s) => s.log))}`,
    `ready_urls=${shellArray(specs.map((s) => s.startAfter?.url ?? ''))}`,
    `ready_cas=${shellArray(specs.map((s) => s.startAfter?.tls?.ca ?? ''))}`,
    ...specs.map((s, i) => `run_${i}() { exec ${[s.command, ...s.args].map(shellQuote).join(' ')}; }`),
    '',
  ].join('\n');
}

export async function writeComponents(name: string, shape: ClusterShape, ports: Ports, binaries: Binaries): Promise<void> {
  await writeFile(paths(name).components, componentsScript(await specsFromManifests(name, shape, ports, binaries)));
}

function firstSlash24(cidr: string): string {
  const [address] = cidr.split('/');
  return `${address}/24`;
}

/** How to tell each component is serving. */
export function healthChecks(name: string, ports: Ports): Record<ComponentName, HealthCheck> {
  const p = paths(name);
  return {
    etcd: { url: `http://127.0.0.1:${ports.etcdMetrics}/health` },
    'kube-apiserver': { url: `https://127.0.0.1:${ports.apiserver}/readyz`, tls: { ca: join(p.pki, 'ca.crt') } },
    'kube-controller-manager': { url: `https://127.0.0.1:${ports.controllerManager}/healthz` },
    'kube-scheduler': { url: `https://127.0.0.1:${ports.scheduler}/healthz` },
    kwok: { url: `http://127.0.0.1:${ports.kwok}/healthz` },
  };
}
