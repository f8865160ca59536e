// The kind provider on real kind clusters, whenever this machine has Docker, the kind CLI and
// the node image; without them those tests skip and say which is missing. The kubeadm configs
// kind would write into the nodes are checked either way, by the pinned kubeadm itself.
import { spawnSync } from 'node:child_process';
import { renameSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { findKind, getClusters, probeKind } from '../../src/cluster/kind/cli.ts';
import { renderKindConfig, imageKubernetesVersion } from '../../src/cluster/kind/config.ts';
import { clusterContainers, imagePresent, probeDocker } from '../../src/cluster/kind/docker.ts';
import { KindProvider, nodeImage } from '../../src/cluster/kind/index.ts';
import { paths } from '../../src/cluster/kind/state.ts';
import { chooseProvider } from '../../src/cluster/providers.ts';
import { defaultShape, parseNodes, type ClusterShape } from '../../src/cluster/shape.ts';
import { clients, loadKubeConfig } from '../../src/kube/client.ts';
import { labs } from '../../src/engine/registry.ts';
import { allPassed } from '../../src/engine/run.ts';
import { checkLab, resetLab, solveLab, startLab } from '../../src/engine/session.ts';
import { silentProgress } from '../../src/progress.ts';
import { eventually, isolateState, kubelab } from '../helpers/cluster.ts';
import { buildKindSchema, hasGo, kindView } from '../kind-schema/run.ts';

isolateState();

const image = nodeImage();
const docker = probeDocker();
const kind = probeKind(findKind());
const hasImage = docker.ok && imagePresent(image);
const missing = [
  ...(docker.ok ? [] : [`Docker (${docker.reason})`]),
  ...(kind.ok ? [] : [`the kind CLI (${kind.reason}; go install sigs.k8s.io/kind@v0.33.0 or set KUBELAB_KIND)`]),
  ...(hasImage ? [] : [`the node image ${image} (${docker.ok ? 'not in Docker\'s image store: docker pull it, or set KUBELAB_KIND_IMAGE' : 'cannot be looked up without Docker'})`]),
];
if (missing.length) console.log(`kind cluster tests skipped: this machine lacks ${missing.join('; ')}`);

const shapes: ClusterShape[] = [
  defaultShape('kind-default'),
  { ...defaultShape('kind-big'), nodes: parseNodes('6', 250) },
  { ...defaultShape('kind-mixed'), nodes: [...parseNodes('3', 110).slice(0, 2), { name: 'kub3', role: 'worker', maxPods: 5 }] },
];

describe.runIf(hasGo())('kubeadm config that kind writes into each node', () => {
  let kubeadm = '';
  let schema = '';
  beforeAll(async () => {
    kubeadm = (await ensureBinaries()).path('kubeadm');
    schema = buildKindSchema();
  }, 300_000);

  const validate = (config: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'kubeadm-conf-')), 'kubeadm.conf');
    writeFileSync(file, config);
    const result = spawnSync(kubeadm, ['config', 'validate', '--config', file], { encoding: 'utf8', timeout: 30_000 });
    return { status: result.status, stderr: result.stderr };
  };

  it.each(shapes.map((s) => [s.name, s] as const))('%s: passes kubeadm v1.36.3\'s strict validation on every node', (_name, shape) => {
    for (const cgroupV1 of [true, false]) {
      const [view] = kindView(schema, [renderKindConfig(shape, { kubernetesVersion: 'v1.36.3', cgroupV1 })]);
      expect(view!.error).toBeUndefined();
      for (const node of view!.nodes!) {
        const result = validate(node.kubeadmConfig);
        expect(result.stderr.split('\n').filter((l) => /error/i.test(l)), `${node.container}`).toEqual([]);
        expect(result.status).toBe(0);
      }
    }
  });

  it('kubeadm refuses a misspelt kubelet field, so the check above can fail', () => {
    const [view] = kindView(schema, [renderKindConfig(shapes[0]!, { kubernetesVersion: 'v1.36.3', cgroupV1: true }).replace('maxPods:', 'maxPodz:')]);
    const result = validate(view!.nodes![0]!.kubeadmConfig);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unknown field "maxPodz"/);
  });
});

describe.runIf(!docker.ok)('the kind provider without Docker', () => {
  it('says so in one line', () => {
    const result = kubelab(['up', '--provider', 'kind', '--name', 'no-docker']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n').pop()).toMatch(/^kubelab: the kind provider needs Docker: .* — start Docker, or use --provider local$/);
  });

  it('auto picks local and says why', () => {
    const chosen = chooseProvider('auto');
    expect(chosen.provider.name).toBe('local');
    expect(chosen.reason).toMatch(/^auto: .*docker.*, using the embedded local provider$/);
  });
});

describe.runIf(missing.length === 0)('kind provider on a real kind cluster', () => {
  const provider = new KindProvider({ timeoutMs: 600_000 });
  const name = 'kind-ops';
  const shape = defaultShape(name);

  afterAll(async () => {
    await provider.delete(name, silentProgress);
  });

  it('up: kub1..kub3 Ready under their shape names, kubeconfig on loopback under kubelab\'s state', async () => {
    const access = await provider.up(shape, silentProgress);
    expect(access).toEqual({ name, kubeconfig: paths(name).kubeconfig, context: `kind-${name}` });
    const kc = loadKubeConfig(access.kubeconfig, access.context);
    expect(kc.getCurrentCluster()?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const nodes = (await clients(kc).core.listNode()).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(['kub1', 'kub2', 'kub3']);
    expect(nodes.map((n) => n.status?.allocatable?.pods)).toEqual(['110', '110', '110']);
    expect((await clusterContainers(name)).map((c) => c.name)).toEqual([`${name}-control-plane`, `${name}-worker`, `${name}-worker2`]);
  }, 600_000);

  it('setMaxPods changes the kubelet and the Node reports it', async () => {
    await provider.setMaxPods(name, 'kub2', 7);
    const { core } = clients(loadKubeConfig(provider.access(name).kubeconfig));
    expect((await core.readNode({ name: 'kub2' })).status?.allocatable?.pods).toBe('7');
    expect(provider.shapeOf(name)?.nodes.find((n) => n.name === 'kub2')?.maxPods).toBe(7);
  }, 180_000);

  it('rebuildNode brings back a deleted Node', async () => {
    const { core } = clients(loadKubeConfig(provider.access(name).kubeconfig));
    await core.deleteNode({ name: 'kub3' });
    await provider.rebuildNode(name, 'kub3');
    await eventually(async () => (await core.readNode({ name: 'kub3' })).metadata?.name === 'kub3');
  }, 180_000);

  it('execKubeadm runs the image\'s kubeadm in the control plane', async () => {
    const version = imageKubernetesVersion(image);
    const out = await provider.execKubeadm(name, ['version', '-o', 'short']);
    if (version) expect(out.trim()).toBe(version);
    else expect(out).toMatch(/^v1\./);
  });

  it('down stops the node containers, up resumes them', async () => {
    await provider.down(name, silentProgress);
    expect((await clusterContainers(name)).every((c) => c.state !== 'running')).toBe(true);
    expect((await provider.status(name)).running).toBe(false);
    await provider.up(provider.shapeOf(name)!, silentProgress);
    expect((await provider.status(name)).nodes.every((n) => n.ready)).toBe(true);
  }, 600_000);

  it('delete refuses a kind cluster without kubelab\'s record', async () => {
    renameSync(paths(name).dir, `${paths(name).dir}.away`);
    try {
      await expect(provider.delete(name, silentProgress)).rejects.toThrow(/refusing to delete kind cluster "kind-ops": kubelab did not create it/);
    } finally {
      renameSync(`${paths(name).dir}.away`, paths(name).dir);
    }
    expect(await getClusters(findKind()!)).toContain(name);
  });
});

describe.runIf(missing.length === 0)('lab self-tests on kind', () => {
  const name = 'kind-labs';
  afterAll(async () => {
    await new KindProvider().delete(name, silentProgress);
  });

  it.each(labs.map((lab) => [lab.id, lab] as const))('lab %s: fails before solve, passes after, fails again after reset', async (_id, lab) => {
    const target = { name, provider: 'kind' };
    await startLab(lab, target);
    for (const exercise of lab.exercises) {
      const before = await checkLab(lab, exercise.id, target);
      expect(allPassed(before), `${exercise.id} passed before solve`).toBe(false);
      await solveLab(lab, exercise.id, target);
      const after = await checkLab(lab, exercise.id, target, { timeoutMs: 180_000 });
      expect(after.filter((r) => r.status !== 'pass').map((r) => `${r.check}: ${r.reason}`), exercise.id).toEqual([]);
      await resetLab(lab, exercise.id, target);
      const again = await checkLab(lab, exercise.id, target);
      expect(allPassed(again), `${exercise.id} still passed after reset`).toBe(false);
    }
  }, 1_200_000);
});
