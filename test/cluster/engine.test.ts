// The engine's guarantees on a real cluster: checks run read-only, and timeouts report what they saw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { checkerKubeConfig } from '../../src/engine/identity.ts';
import { adminContext, checkContext } from '../../src/engine/context.ts';
import { ignoreNotFound } from '../../src/engine/helpers.ts';
import { removeNamespace } from '../../src/engine/namespaces.ts';
import { resolveTarget } from '../../src/target.ts';
import { defineLab, fail } from '../../src/engine/model.ts';
import { runCheck } from '../../src/engine/run.ts';
import { silentProgress } from '../../src/progress.ts';
import { isolateState, kubelab, shape, startCluster, type TestCluster } from '../helpers/cluster.ts';

isolateState();
const NAME = 't-engine';
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(shape(NAME, [{ name: 'kub1', role: 'control-plane', maxPods: 110 }]));
});
afterAll(async () => cluster?.provider.remove(NAME, silentProgress));

describe('checker engine', () => {
  it("on a context kubelab did not create, checks read with the user's credentials and create nothing", async () => {
    const result = kubelab(['check', 'api-versions', '--context', cluster.access.context], { KUBECONFIG: cluster.access.kubeconfig });
    expect(result.status, result.stderr).toBe(1); // unsolved: the checks ran and failed
    // Unsolved on a fresh cluster: every check ran and none passed.
    expect(result.stdout).toMatch(/^0\/\d+ checks passed/m);
    const namespaces = (await cluster.core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(namespaces).not.toContain('kubelab-system');
  });

  it('runs checks under an identity the API server refuses writes from (403)', async () => {
    const ctx = checkContext(await checkerKubeConfig(cluster.kc));
    const nodes = await ctx.core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['kub1']);
    const secrets = await ctx.core.listNamespacedSecret({ namespace: 'kube-system' });
    expect(secrets.items.length).toBeGreaterThan(0);
    const write = await ctx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-a-checker' } } }).then(
      () => 201,
      (e: unknown) => (e instanceof ApiException ? e.code : -1),
    );
    expect(write).toBe(403);
    const del = await ctx.core.deleteNode({ name: 'kub1' }).then(
      () => 200,
      (e: unknown) => (e instanceof ApiException ? e.code : -1),
    );
    expect(del).toBe(403);
    await expect(cluster.core.readNode({ name: 'kub1' })).resolves.toBeTruthy();
  });

  it('polls until the timeout and reports the last state it observed', async () => {
    let looks = 0;
    const lab = defineLab({
      id: 'probe',
      title: 'probe',
      summary: '',
      shape: {},
      setup: async () => {},
      exercises: [
        {
          id: 'e',
          title: 'e',
          task: 't',
          solve: async () => {},
          reset: async () => {},
          checks: [{ id: 'c', title: 'never', points: 1, hint: 'h', timeoutMs: 1200, run: async () => fail('a thing', `look ${++looks}`) }],
        },
      ],
    });
    const ctx = checkContext(await checkerKubeConfig(cluster.kc));
    const result = await runCheck(lab, lab.exercises[0]!, lab.exercises[0]!.checks[0]!, ctx, { pollMs: 200 });
    expect(result.status).toBe('fail');
    expect(looks).toBeGreaterThan(3);
    expect(result.reason).toBe(`expected a thing; found look ${looks} (still so after 1 s)`);
  });

  it("a lab's namespace goes at teardown even when no kubelet lets its pods go: they are deleted by force once patience ends", async () => {
    // A Node that nothing plays: its pod can never be confirmed stopped, as on a hung kubelet.
    await cluster.core.createNode({ body: { metadata: { name: 'ghost' } } });
    await cluster.core.createNamespace({ body: { metadata: { name: 'stuck' } } });
    await cluster.core.createNamespacedPod({
      namespace: 'stuck',
      body: { metadata: { name: 'held' }, spec: { nodeName: 'ghost', containers: [{ name: 'c', image: 'none' }] } },
    });
    const ctx = await adminContext(resolveTarget({ name: NAME, provider: 'local' }, 'write'));
    await expect(removeNamespace(ctx, 'stuck', { patienceMs: 60_000, timeoutMs: 4_000 })).rejects.toThrow(
      /waiting for namespace stuck to be deleted \(last seen: pods left: 1 on ghost\)/,
    );
    await removeNamespace(ctx, 'stuck', { patienceMs: 0, timeoutMs: 60_000 });
    expect(await ignoreNotFound(cluster.core.readNamespace({ name: 'stuck' }))).toBeUndefined();
    await cluster.core.deleteNode({ name: 'ghost' });
  });

  it('the CLI names an unreachable cluster and how to start it', async () => {
    await cluster.provider.stop(NAME, silentProgress);
    const result = kubelab(['check', 'api-versions', '--name', NAME]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(
      new RegExp(`^kubelab: the cluster of context "kubelab-${NAME}" is unreachable .* — start it with: kubelab up --name ${NAME}$`),
    );
  });
});
