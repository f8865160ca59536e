// What the cluster commands do (up, status, down, delete, list, env, kubectl, binaries, serve,
// build), loaded only when one of them runs; serve and build load the site, the bridge and the
// labs only when they run.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureBinaries } from '../binaries/index.ts';
import { up } from '../cluster/lifecycle.ts';
import type { ClusterStatus } from '../cluster/provider.ts';
import { chooseProvider } from '../cluster/providers.ts';
import { DEFAULT_MAX_PODS, defaultShape, parseNodes, validateShape, type ClusterShape } from '../cluster/shape.ts';
import { removeCheckerIdentity } from '../engine/identity.ts';
import { UserError } from '../errors.ts';
import { loadKubeConfig } from '../kube/client.ts';
import { tracingProgress, type Progress } from '../progress.ts';
import { resolveTarget, type ClusterTarget } from '../target.ts';

function intOption(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new UserError(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

export interface UpOptions extends ClusterTarget {
  name: string;
  nodes?: string;
  maxPods?: string;
  podCidr?: string;
  serviceCidr?: string;
  advertiseAddress?: string;
}

/** The shape from flags; with no shape flags an existing cluster keeps its own. */
function shapeFromFlags(options: UpOptions, existing: ClusterShape | undefined): ClusterShape {
  const flagged = options.nodes ?? options.maxPods ?? options.podCidr ?? options.serviceCidr ?? options.advertiseAddress;
  if (existing && flagged === undefined) return existing;
  const shape = existing ? structuredClone(existing) : defaultShape(options.name);
  const maxPods = options.maxPods === undefined ? DEFAULT_MAX_PODS : intOption(options.maxPods, '--max-pods');
  if (options.nodes) shape.nodes = parseNodes(options.nodes, maxPods);
  else if (options.maxPods !== undefined) shape.nodes = shape.nodes.map((n) => ({ ...n, maxPods }));
  if (options.podCidr) shape.podSubnet = options.podCidr;
  if (options.serviceCidr) shape.serviceSubnet = options.serviceCidr;
  if (options.advertiseAddress) shape.advertiseAddress = options.advertiseAddress;
  return validateShape(shape);
}

function printStatus(status: ClusterStatus): void {
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  console.log(`cluster   ${status.name} (${status.running ? 'running' : 'stopped'})`);
  console.log(`provider  ${status.provider}${status.reason ? ` — ${status.reason}` : ''}`);
  console.log(`context   ${status.context}  (KUBECONFIG=${status.kubeconfig})`);
  console.log('components');
  for (const c of status.components) {
    const restarts = c.restarts ? `, ${c.restarts} restart${c.restarts === 1 ? '' : 's'}` : '';
    console.log(`  ${mark(c.healthy)} ${c.name.padEnd(24)} ${c.detail}${c.pid ? ` (pid ${c.pid}${restarts})` : restarts}`);
  }
  if (status.nodes.length) {
    console.log('nodes');
    for (const n of status.nodes) {
      const state = [n.ready ? 'Ready' : 'NotReady', ...(n.schedulable ? [] : ['SchedulingDisabled'])].join(',');
      console.log(
        `  ${mark(n.ready)} ${n.name.padEnd(12)} ${state.padEnd(26)} ${(n.roles.join(',') || '<none>').padEnd(14)} pods ${n.allocatablePods}`,
      );
    }
  }
}

/** The target's fields alone, without the other options of the command. */
function targetOf(options: ClusterTarget): ClusterTarget {
  return { name: options.name, provider: options.provider, context: options.context, yes: options.yes, image: options.image };
}

export async function upCommand(options: UpOptions & { trace?: boolean }, progress: Progress): Promise<void> {
  const traced = options.trace ? tracingProgress(progress) : undefined;
  const shown = traced ?? progress;
  shown.mark?.('command parsed');
  const { provider, access, createdByKubelab } = resolveTarget(options, 'create');
  const started = Date.now();
  if (createdByKubelab) await up(provider, shapeFromFlags(options, provider.shapeOf(access.name)), shown);
  else await provider.start(access.name, shown);
  shown.done(`cluster "${access.name}" is ready in ${((Date.now() - started) / 1000).toFixed(1)} s — context ${access.context}`);
  if (traced) console.error(`timeline (seconds since the process started):\n${traced.timeline()}`);
  console.log(`export KUBECONFIG=${access.kubeconfig}`);
}

export async function statusCommand(options: ClusterTarget & { json?: boolean }, _progress: Progress): Promise<void> {
  const { provider, reason, access } = resolveTarget(options, 'read');
  const status = { ...(await provider.status(access.name)), reason };
  if (options.json) console.log(JSON.stringify(status, null, 2));
  else printStatus(status);
  if (!status.running) process.exitCode = 3;
}

export async function downCommand(options: ClusterTarget, progress: Progress): Promise<void> {
  const { provider, access } = resolveTarget(options, 'read');
  await provider.stop(access.name, progress);
}

export async function deleteCommand(options: ClusterTarget, progress: Progress): Promise<void> {
  // 'create': a cluster that does not exist is not an error here; the provider says so.
  const { provider, access, createdByKubelab } = resolveTarget(options, 'create');
  await provider.remove(access.name, progress);
  if (!createdByKubelab) {
    await removeCheckerIdentity(loadKubeConfig(access.kubeconfig, access.context));
    progress.done(`removed kubelab's checker identity from context "${access.context}"`);
  }
}

export async function listCommand(options: { provider: string }, _progress: Progress): Promise<void> {
  const providers = options.provider === 'auto' ? ['local', 'kind'] : [options.provider];
  const names = await Promise.all(providers.map((p) => chooseProvider(p, { name: '' }).provider.list()));
  for (const name of [...new Set(names.flat())].sort()) console.log(name);
}

export async function envCommand(options: ClusterTarget, progress: Progress): Promise<void> {
  const { access } = resolveTarget(options, 'read');
  const binaries = await ensureBinaries(progress);
  console.log(`export KUBECONFIG=${access.kubeconfig}`);
  console.log(`# kubelab commands (node join, check …) then act on this cluster without --name`);
  console.log(`export KUBELAB_CLUSTER=${access.name}`);
  console.log(`# the pinned kubectl and kubeadm, matching the cluster's version`);
  console.log(`export PATH=${binaries.dir}:$PATH`);
}

export async function kubectlCommand(args: string[], progress: Progress): Promise<void> {
  const { access } = resolveTarget({}, 'read');
  const binaries = await ensureBinaries(progress);
  const result = spawnSync(binaries.path('kubectl'), args, {
    stdio: 'inherit',
    env: { ...process.env, KUBECONFIG: access.kubeconfig },
  });
  process.exitCode = result.status ?? 1;
}

export async function binariesCommand(progress: Progress): Promise<void> {
  console.log((await ensureBinaries(progress)).dir);
}

export async function serveCommand(
  options: ClusterTarget & { port: string; bridgePort?: string; open: boolean },
  progress: Progress,
): Promise<void> {
  const port = intOption(options.port, '--port');
  const bridgePort = options.bridgePort === undefined ? 0 : intOption(options.bridgePort, '--bridge-port');
  if (port < 1 || port > 65535 || bridgePort > 65535) throw new UserError('ports must be from 1 to 65535');
  const { serve } = await import('../serve.ts');
  await serve({ target: targetOf(options), port, bridgePort, open: options.open }, progress);
}

export async function buildCommand(options: ClusterTarget & { output: string }, progress: Progress): Promise<void> {
  const { build } = await import('../serve.ts');
  await build({ target: targetOf(options), output: resolve(options.output) }, progress);
}
