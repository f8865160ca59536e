// The local provider against real upstream components: every assertion here is decided by
// the real kube-apiserver, kube-scheduler, kube-controller-manager and etcd.
import { existsSync, readdirSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ApisApi, CoreApi, PolicyV1Api, type V1Deployment } from '@kubernetes/client-node';
import { paths } from '../../src/cluster/local/state.ts';
import { readSupervisorStatus, type SupervisorStatus } from '../../src/cluster/local/processes.ts';
import { silentProgress } from '../../src/progress.ts';
import { statusOf } from '../../src/kube/client.ts';
import { eventually, isolateState, kubelab, shape, startCluster, type TestCluster } from '../helpers/cluster.ts';
import { up } from '../../src/cluster/lifecycle.ts';

const home = isolateState();
const NAME = 't-local';
let cluster: TestCluster;

function deployment(name: string, replicas: number): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'kuard', image: 'gcr.io/kuar-demo/kuard-amd64:blue' }] },
      },
    },
  };
}

async function podsOf(app: string) {
  return (await cluster.core.listNamespacedPod({ namespace: 'default', labelSelector: `app=${app}` })).items;
}

function supervisorStatus(): SupervisorStatus {
  return readSupervisorStatus(NAME)!;
}

beforeAll(async () => {
  // Small workers (10 pods each) so the max-pods limit is reached with few replicas.
  cluster = await startCluster(
    shape(NAME, [
      { name: 'kub1', role: 'control-plane', maxPods: 110 },
      { name: 'kub2', role: 'worker', maxPods: 10 },
      { name: 'kub3', role: 'worker', maxPods: 10 },
    ]),
  );
});

afterAll(async () => {
  await cluster?.provider.remove(NAME, silentProgress);
});

describe('local provider', () => {
  it('serves discovery like a real API server: core v1 and the named groups', async () => {
    const core = await cluster.kc.makeApiClient(CoreApi).getAPIVersions();
    expect(core.versions).toContain('v1');
    const groups = await cluster.kc.makeApiClient(ApisApi).getAPIVersions();
    const groupVersions = groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion));
    for (const gv of [
      'apps/v1',
      'rbac.authorization.k8s.io/v1',
      'batch/v1',
      'policy/v1',
      'certificates.k8s.io/v1',
      'coordination.k8s.io/v1',
    ]) {
      expect(groupVersions).toContain(gv);
    }
    expect(groupVersions).not.toContain('rbac.authorization.k8s.io/v1beta1');
  });

  it("starts the API server at Go's default GOGC and lowers it to 25 once started", async () => {
    const log = readFileSync(join(paths(NAME).logs, 'kube-apiserver.log'), 'utf8');
    expect(log).toMatch(/"Golang settings" GOGC=""/);
    // Go's runtime reports its GOGC among the API server's own metrics.
    const gogc = () => /^go_gc_gogc_percent (\d+)$/m.exec(cluster.kubectl('get', '--raw', '/metrics').stdout)?.[1];
    expect(await eventually(async () => gogc() === '25' && '25', 60_000, 1000)).toBe('25');
  });

  it('looks like a kubeadm cluster: kubeadm-config, cluster-info, a bootstrap token, CoreDNS and kube-proxy', async () => {
    const kubeadmConfig = await cluster.core.readNamespacedConfigMap({ name: 'kubeadm-config', namespace: 'kube-system' });
    expect(kubeadmConfig.data?.ClusterConfiguration).toContain('podSubnet: 10.244.0.0/16');
    expect(kubeadmConfig.data?.ClusterConfiguration).toContain('serviceSubnet: 10.10.0.0/16');
    const clusterInfo = await cluster.core.readNamespacedConfigMap({ name: 'cluster-info', namespace: 'kube-public' });
    expect(clusterInfo.data?.kubeconfig).toContain('certificate-authority-data');
    const secrets = await cluster.core.listNamespacedSecret({
      namespace: 'kube-system',
      fieldSelector: 'type=bootstrap.kubernetes.io/token',
    });
    expect(secrets.items.length).toBe(1);
    const dns = await cluster.core.readNamespacedService({ name: 'kube-dns', namespace: 'kube-system' });
    expect(dns.spec?.clusterIP).toBe('10.10.0.10');
    const kub1 = await cluster.core.readNode({ name: 'kub1' });
    expect(kub1.metadata?.labels).toHaveProperty('node-role.kubernetes.io/control-plane');
    expect(kub1.spec?.taints).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
    const proxies = await cluster.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy' });
    expect(proxies.items.map((p) => p.spec?.nodeName).sort()).toEqual(['kub1', 'kub2', 'kub3']);
  });

  it('runs a Deployment: its pods become Running on kwok nodes with pod IPs from the pod CIDR', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('web', 3) });
    const pods = await eventually(async () => {
      const items = await podsOf('web');
      return items.length === 3 && items.every((p) => p.status?.phase === 'Running') && items;
    });
    for (const pod of pods) {
      expect(['kub2', 'kub3']).toContain(pod.spec?.nodeName);
      expect(pod.status?.podIP).toMatch(/^10\.244\./);
    }
    await cluster.apps.deleteNamespacedDeployment({ name: 'web', namespace: 'default' });
    await eventually(async () => (await podsOf('web')).length === 0);
  });

  it('leaves pods Pending with FailedScheduling "Too many pods" once allocatable pods run out', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('crowd', 30) });
    onTestFinished(async () => {
      await cluster.apps.deleteNamespacedDeployment({ name: 'crowd', namespace: 'default' }).catch(() => {});
      await eventually(async () => (await podsOf('crowd')).length === 0);
    });
    const event = await eventually(async () => {
      const events = await cluster.core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'reason=FailedScheduling' });
      return events.items.find((e) => /Too many pods/.test(e.message ?? ''));
    });
    // kub1 is excluded by its control-plane taint, the workers by the pod limit.
    expect(event.message).toMatch(/0\/3 nodes are available: 1 node\(s\) had untolerated taint/);
    // Each worker fills to exactly its allocatable 10 pods, DaemonSet and DNS pods included:
    // the arithmetic behind the source notes' 544 of 800.
    const { crowd, onWorkers } = await eventually(async () => {
      const all = (await cluster.core.listPodForAllNamespaces()).items;
      const crowd = all.filter((p) => p.metadata?.labels?.app === 'crowd');
      const onWorkers = all.filter((p) => ['kub2', 'kub3'].includes(p.spec?.nodeName ?? ''));
      return crowd.length === 30 && onWorkers.length === 20 && { crowd, onWorkers };
    });
    const systemOnWorkers = onWorkers.filter((p) => p.metadata?.namespace === 'kube-system').length;
    expect(systemOnWorkers).toBeGreaterThanOrEqual(2); // a kube-proxy per worker, maybe CoreDNS too
    expect(crowd.filter((p) => p.spec?.nodeName).length).toBe(20 - systemOnWorkers);
    expect(crowd.filter((p) => p.status?.phase === 'Pending' && !p.spec?.nodeName).length).toBe(30 - (20 - systemOnWorkers));
  });

  it('drains a node through the Eviction API, and a PodDisruptionBudget blocks a breaking eviction', async () => {
    const policy = cluster.kc.makeApiClient(PolicyV1Api);
    await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('guarded', 4) });
    await policy.createNamespacedPodDisruptionBudget({
      namespace: 'default',
      body: { metadata: { name: 'guarded' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'guarded' } } } },
    });
    await eventually(async () => (await podsOf('guarded')).filter((p) => p.status?.phase === 'Running').length === 4);
    await eventually(
      async () =>
        (await policy.readNamespacedPodDisruptionBudget({ name: 'guarded', namespace: 'default' })).status?.disruptionsAllowed === 1,
    );

    const drain = cluster.kubectl('drain', 'kub2', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s');
    expect(drain.status, drain.stderr).toBe(0);
    expect(drain.stdout).toMatch(/evicted/);
    const kub2 = await cluster.core.readNode({ name: 'kub2' });
    expect(kub2.spec?.unschedulable).toBe(true);
    const onKub2 = (await cluster.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=kub2' })).items;
    expect(onKub2.filter((p) => !p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet'))).toEqual([]);
    await eventually(async () => (await podsOf('guarded')).filter((p) => p.status?.phase === 'Running').length === 4);

    // A budget of minAvailable 1 over a single replica: evicting it must be refused (HTTP 429).
    await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('solo', 1) });
    await policy.createNamespacedPodDisruptionBudget({
      namespace: 'default',
      body: { metadata: { name: 'solo' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'solo' } } } },
    });
    const [solo] = await eventually(async () => {
      const items = await podsOf('solo');
      return items[0]?.status?.phase === 'Running' && items;
    });
    await eventually(
      async () => (await policy.readNamespacedPodDisruptionBudget({ name: 'solo', namespace: 'default' })).status?.observedGeneration === 1,
    );
    const refused = await cluster.core
      .createNamespacedPodEviction({
        name: solo!.metadata!.name!,
        namespace: 'default',
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: solo!.metadata!.name!, namespace: 'default' } },
      })
      .then(() => 201, statusOf);
    expect(refused).toBe(429);
    expect(cluster.kubectl('uncordon', 'kub2').status).toBe(0);
  });

  it('brings kube-apiserver and etcd back after kill -9, and loses no object', async () => {
    await cluster.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'survivor' }, data: { written: 'before the crash' } },
    });
    for (const component of ['kube-apiserver', 'etcd']) {
      const before = supervisorStatus().components.find((c) => c.name === component)!;
      process.kill(before.pid!, 'SIGKILL');
      const after = await eventually(async () => {
        const state = supervisorStatus().components.find((c) => c.name === component)!;
        return state.pid !== null && state.pid !== before.pid && state.restarts === before.restarts + 1 && state;
      }, 30_000);
      expect(after.lastExit).toBe('signal SIGKILL');
      const survivor = await eventually(() => cluster.core.readNamespacedConfigMap({ name: 'survivor', namespace: 'default' }), 60_000);
      expect(survivor.data?.written).toBe('before the crash');
    }
    // The cluster still works end to end after both crashes.
    await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after-crash' } } });
  });

  it('keeps every object across down and up, and stops every process on down', async () => {
    const pids = supervisorStatus().components.map((c) => c.pid!);
    const before = (await podsOf('guarded')).map((p) => p.metadata!.name!).sort();
    await cluster.provider.stop(NAME, silentProgress);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(paths(NAME).supervisorPid)).toBe(false);

    await up(cluster.provider, cluster.provider.shapeOf(NAME)!, silentProgress);
    const survivor = await cluster.core.readNamespacedConfigMap({ name: 'survivor', namespace: 'default' });
    expect(survivor.data?.written).toBe('before the crash');
    expect((await podsOf('guarded')).map((p) => p.metadata!.name!).sort()).toEqual(before);
    await eventually(async () => (await podsOf('guarded')).every((p) => p.status?.phase === 'Running'));
  });

  it('status reports components, nodes and context', () => {
    const result = kubelab(['status', '--name', NAME, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.context).toBe(`kubelab-${NAME}`);
    expect(status.components.map((c: { healthy: boolean }) => c.healthy)).toEqual([true, true, true, true, true]);
    expect(status.nodes.map((n: { name: string; allocatablePods: number }) => `${n.name}:${n.allocatablePods}`)).toEqual([
      'kub1:110',
      'kub2:10',
      'kub3:10',
    ]);
  });

  it('delete refuses a directory kubelab did not create, and removes its own', async () => {
    const foreign = join(home, 'clusters', 'foreign');
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(foreign, 'precious.txt'), 'keep me');
    const refused = kubelab(['delete', '--name', 'foreign']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/kubelab did not create it/);
    expect(readFileSync(join(foreign, 'precious.txt'), 'utf8')).toBe('keep me');

    // Even when the supervisor itself was killed, delete leaves no component running.
    const pids = supervisorStatus().components.map((c) => c.pid!);
    process.kill(supervisorStatus().pid, 'SIGKILL');
    await cluster.provider.remove(NAME, silentProgress);
    expect(existsSync(paths(NAME).dir)).toBe(false);
    const running = (pid: number) => existsSync(`/proc/${pid}`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    expect(pids.filter(running)).toEqual([]);
    // Nor any of the supervisor's own loops, which a killed supervisor leaves in its process group.
    const dir = paths(NAME).dir;
    const ours = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p) && running(Number(p)))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
        } catch {
          return false;
        }
      });
    expect(ours).toEqual([]);
  });
});
