// The drain lab's availability watcher on a real cluster: it records what happens, the lab's
// checks fail on what it recorded when a learner breaks the rules, and it never outlives its
// record or its cluster.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import drain from '../../checks/drain/index.ts';
import { MIN_AVAILABLE, NAMESPACE, NODE, ON_NODE, RECORD, TOOLBOX } from '../../checks/drain/constants.ts';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { LocalProvider } from '../../src/cluster/local/index.ts';
import { loadKubeConfig } from '../../src/kube/client.ts';
import { readRecord } from '../../checks/drain/watcher/launch.ts';
import type { AvailabilityRecord } from '../../checks/drain/watcher/record.ts';
import { checkLab, resetLab, startLab } from '../../src/engine/session.ts';
import { silentProgress } from '../../src/progress.ts';
import { eventually, isolateState } from '../helpers/cluster.ts';
import { up } from '../../src/cluster/lifecycle.ts';

isolateState();
const NAME = 't-drain-watch';
const target = { name: NAME, provider: 'local' };
const provider = new LocalProvider({ timeoutMs: 180_000 });
const started: number[] = [];

const kc = () => {
  const access = provider.access(NAME);
  return loadKubeConfig(access.kubeconfig, access.context);
};
const record = async (): Promise<AvailabilityRecord> => (await readRecord(kc(), RECORD))!;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
let kubectlPath = '';
const kubectl = (...args: (string | { input: string })[]) => {
  const input = args.find((a) => typeof a === 'object')?.input;
  const words = args.filter((a) => typeof a === 'string');
  const result = spawnSync(kubectlPath, ['--kubeconfig', provider.access(NAME).kubeconfig, ...words], {
    encoding: 'utf8',
    timeout: 60_000,
    input,
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
};
async function resultOf(exercise: string, check: string) {
  return (await checkLab(drain, exercise, target, { timeoutMs: 0 })).find((r) => r.check === check)!;
}

beforeAll(async () => {
  kubectlPath = (await ensureBinaries()).path('kubectl');
  await startLab(drain, target);
  started.push((await record()).pid);
});

afterAll(async () => {
  await provider.remove(NAME, silentProgress);
  // No watcher may outlive its cluster (nor these tests).
  await eventually(async () => started.every((pid) => !alive(pid)), 30_000);
});

describe('drain availability watcher', () => {
  it('starts with the lab and records the Deployment and the node as they are', async () => {
    const r = await record();
    expect(alive(r.pid)).toBe(true);
    expect(r.target).toEqual({ namespace: NAMESPACE, deployment: 'kuard', node: NODE });
    expect(r.budget).toBe(MIN_AVAILABLE);
    expect(r.timeline[0]).toMatchObject({ available: 6, desired: 6, node: 'schedulable' });
    // Two kuard replicas, the cache and the toolbox.
    expect(r.timeline[0]!.nodePods).toBeGreaterThanOrEqual(ON_NODE + 2);
    expect(r.departures).toEqual([]);
    const node = await kc().makeApiClient(CoreV1Api).readNode({ name: NODE });
    expect(r.nodeUid).toBe(node.metadata?.uid);
  });

  it('records a cordon within moments', async () => {
    kubectl('cordon', NODE);
    await eventually(async () => (await record()).timeline.at(-1)?.node === 'cordoned', 10_000);
    expect((await resultOf('drain-node', 'cordoned')).status).toBe('pass');
    // Cordoned but not drained: the drain check names the pods still there.
    const drained = await resultOf('drain-node', 'drained');
    expect(drained.status).toBe('fail');
    expect(drained.reason).toMatch(/at least \d+ stayed \(now: .*drain\/kuard-/);
  });

  it('records an eviction with the reason the API server gives it', async () => {
    // The toolbox has no budget, so the Eviction API lets it go at once.
    kubectl('create', '--raw', `/api/v1/namespaces/${NAMESPACE}/pods/${TOOLBOX}/eviction`, '-f', '-', {
      input: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: TOOLBOX, namespace: NAMESPACE } }),
    });
    const left = await eventually(async () => (await record()).departures.find((d) => d.pod === `${NAMESPACE}/${TOOLBOX}`), 10_000);
    expect(left.reason).toBe('EvictionByEvictionAPI');
  });

  it('catches pods deleted outright: no eviction, availability below the budget, and the checks say so', async () => {
    // kubectl delete does not ask the PodDisruptionBudget, unlike an eviction.
    kubectl('delete', 'pods', '-n', NAMESPACE, '-l', 'app=kuard', '--wait=false');
    await eventually(async () => ((await record()).lowest?.available ?? 6) < MIN_AVAILABLE, 20_000);
    const evicted = await resultOf('drain-node', 'evicted');
    expect(evicted.status).toBe('fail');
    expect(evicted.reason).toMatch(/drain\/kuard-[a-z0-9-]+ was deleted without an eviction/);
    const budget = await resultOf('rebuild-node', 'budget-held');
    expect(budget.status).toBe('fail');
    expect(budget.reason).toMatch(/expected ≥ 6 of 6 replicas available throughout; found \d+ drop\(s\), down to [0-5] available/);
  });

  it('flags a node deleted while it still ran pods', async () => {
    await resetLab(drain, undefined, target);
    const r = await record();
    started.push(r.pid);
    expect(r.timeline.every((s) => s.available >= MIN_AVAILABLE)).toBe(true);
    kubectl('delete', 'node', NODE);
    await eventually(async () => (await record()).timeline.at(-1)?.node === 'absent', 10_000);
    const deleted = await resultOf('rebuild-node', 'deleted-when-empty');
    expect(deleted.status).toBe('fail');
    expect(deleted.reason).toMatch(/deleted at .* while still schedulable, holding [1-9]\d* pods outside DaemonSets/);
    expect((await resultOf('rebuild-node', 'rejoined')).reason).toMatch(/kub2 is not registered/);
  });

  it('hands the record over to a newer watcher, and the old one exits', async () => {
    const old = (await record()).pid;
    await resetLab(drain, undefined, target);
    const fresh = await record();
    started.push(fresh.pid);
    expect(fresh.pid).not.toBe(old);
    await eventually(async () => !alive(old), 15_000);
    expect(alive(fresh.pid)).toBe(true);
  });

  it('stops when the cluster goes down, and the budget check then reports the gap', async () => {
    const { pid } = await record();
    await provider.stop(NAME, silentProgress);
    await eventually(async () => !alive(pid), 30_000);
    await up(provider, provider.shapeOf(NAME)!, silentProgress);
    const budget = await eventually(async () => {
      const result = await resultOf('rebuild-node', 'budget-held');
      return /it stopped/.test(result.reason) && result;
    }, 30_000);
    expect(budget.status).toBe('fail');
  });
});
