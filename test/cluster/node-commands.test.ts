// `kubelab node set-max-pods` and `kubelab node rebuild`, run as a user runs them, against a real
// control plane: the API server, the scheduler and kwok decide every outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../../src/progress.ts';
import { eventually, isolateState, kubelab, shape, startCluster, type TestCluster } from '../helpers/cluster.ts';

isolateState();
const NAME = 't-node';
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(shape(NAME));
});
afterAll(async () => cluster?.provider.remove(NAME, silentProgress));

function expectOneLineError(result: { status: number; stderr: string }, pattern: RegExp): void {
  expect(result.status).not.toBe(0);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

describe('kubelab node', () => {
  it('set-max-pods changes what the node reports, and the scheduler holds to it', async () => {
    const result = kubelab(['node', 'set-max-pods', 'kub2', '3', '--name', NAME]);
    expect(result.status, result.stderr).toBe(0);
    const kub2 = await cluster.core.readNode({ name: 'kub2' });
    expect(kub2.status?.allocatable?.pods).toBe('3');
    expect(kub2.status?.capacity?.pods).toBe('3');
    expect(cluster.provider.shapeOf(NAME)!.nodes.find((n) => n.name === 'kub2')!.maxPods).toBe(3);

    // Five pods pinned to kub2: it already runs kube-proxy (and maybe CoreDNS), so some must stay Pending.
    const onKub2 = (await cluster.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=kub2' })).items.length;
    for (let i = 0; i < 5; i++) {
      await cluster.core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: { name: `pinned-${i}`, labels: { app: 'pinned' } },
          spec: {
            nodeSelector: { 'kubernetes.io/hostname': 'kub2' },
            containers: [{ name: 'c', image: 'gcr.io/kuar-demo/kuard-amd64:blue' }],
          },
        },
      });
    }
    await eventually(async () => {
      const pods = (await cluster.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=pinned' })).items;
      return (
        pods.filter((p) => p.spec?.nodeName).length === 3 - onKub2 &&
        pods.filter((p) => p.status?.conditions?.some((c) => c.reason === 'Unschedulable')).length === 5 - (3 - onKub2)
      );
    });
    expect(kubelab(['node', 'set-max-pods', 'kub2', '110', '--name', NAME]).status).toBe(0);
    await eventually(async () =>
      (await cluster.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=pinned' })).items.every(
        (p) => p.status?.phase === 'Running',
      ),
    );
    await cluster.core.deleteCollectionNamespacedPod({ namespace: 'default', labelSelector: 'app=pinned', gracePeriodSeconds: 0 });
  });

  it('set-max-pods refuses bad input with one line', () => {
    for (const bad of ['abc', '0', '10001', '-5', '2.5'])
      expectOneLineError(kubelab(['node', 'set-max-pods', 'kub2', bad, '--name', NAME]), /max pods must be a whole number from 1 to 10000/);
    expectOneLineError(kubelab(['node', 'set-max-pods', 'kub9', '50', '--name', NAME]), /cluster "t-node" has no node "kub9"/);
    expectOneLineError(kubelab(['node', 'set-max-pods', 'kub2', '50', '--name', 'nosuch']), /no cluster named "nosuch"/);
  });

  it('rebuild refuses a node that is still registered, and one the cluster never had', () => {
    expectOneLineError(kubelab(['node', 'rebuild', 'kub2', '--name', NAME]), /node "kub2" is still registered.*kubectl delete node kub2/);
    expectOneLineError(kubelab(['node', 'rebuild', 'kub9', '--name', NAME]), /cluster "t-node" has no node "kub9"/);
  });

  it('rebuild registers a deleted node again: a new Node, Ready, with the same settings, running pods', async () => {
    expect(kubelab(['node', 'set-max-pods', 'kub3', '42', '--name', NAME]).status).toBe(0);
    const before = await cluster.core.readNode({ name: 'kub3' });
    expect(cluster.kubectl('delete', 'node', 'kub3').status).toBe(0);
    await eventually(async () => !(await cluster.core.listNode()).items.some((n) => n.metadata?.name === 'kub3'));

    const result = kubelab(['node', 'rebuild', 'kub3', '--name', NAME]);
    expect(result.status, result.stderr).toBe(0);
    const after = await cluster.core.readNode({ name: 'kub3' });
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(after.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(after.spec?.unschedulable).toBeFalsy();
    expect(after.status?.allocatable?.pods).toBe('42');
    expect(after.metadata?.labels?.['kubernetes.io/hostname']).toBe('kub3');

    await cluster.core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'on-rebuilt' },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': 'kub3' },
          containers: [{ name: 'c', image: 'gcr.io/kuar-demo/kuard-amd64:blue' }],
        },
      },
    });
    const pod = await eventually(async () => {
      const p = await cluster.core.readNamespacedPod({ name: 'on-rebuilt', namespace: 'default' });
      return p.status?.phase === 'Running' && p;
    });
    expect(pod.spec?.nodeName).toBe('kub3');
  });

  it('rebuild on a stopped cluster says how to start it', async () => {
    await cluster.provider.stop(NAME, silentProgress);
    expectOneLineError(
      kubelab(['node', 'rebuild', 'kub2', '--name', NAME]),
      /cluster "t-node" is not running — start it with: kubelab up --name t-node/,
    );
    expectOneLineError(kubelab(['node', 'set-max-pods', 'kub2', '50', '--name', NAME]), /unreachable/);
  });
});
