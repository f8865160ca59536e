// The kind provider on real kind clusters: real kubelets on containerd in node containers made
// from kubelab's own node image. CI has all it needs (.ci/run starts Docker and builds the image),
// so these tests run there; a machine without Docker, the kind CLI or the image skips them and
// says which is missing. The kubeadm configs kind writes into the nodes are checked either way.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificatesV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { findKind, getClusters } from '../../src/cluster/kind/cli.ts';
import { renderKindConfig } from '../../src/cluster/kind/config.ts';
import { clusterContainers } from '../../src/cluster/kind/docker.ts';
import { KindProvider } from '../../src/cluster/kind/index.ts';
import { paths, readRecord } from '../../src/cluster/kind/state.ts';
import { defaultShape, parseNodes, type ClusterShape } from '../../src/cluster/shape.ts';
import { caCertHash } from '../../src/join/ca-pin.ts';
import { requestCommonName } from '../../src/join/csr.ts';
import { clients, loadKubeConfig } from '../../src/kube/client.ts';
import { labs } from '../../src/engine/registry.ts';
import { silentProgress } from '../../src/progress.ts';
import { eventually, isolateState, kubelab } from '../helpers/cluster.ts';
import { kindAvailability, kindName } from '../helpers/kind.ts';
import { selfTest } from '../helpers/labs.ts';
import { buildKindSchema, hasGo, kindView } from '../kind-schema/run.ts';
import { up, setMaxPods } from '../../src/cluster/lifecycle.ts';

isolateState();

const { real, image, dockerOk, hasImage } = kindAvailability('kind cluster tests');

const patchesRoot = '/state/kind/x/patches';
const shapes: ClusterShape[] = [
  defaultShape('kind-default'),
  { ...defaultShape('kind-big'), nodes: parseNodes('6', 250) },
  { ...defaultShape('kind-mixed'), nodes: [...parseNodes('3', 110).slice(0, 2), { name: 'kub3', role: 'worker', maxPods: 5 }] },
];

function sh(command: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', input, timeout: 180_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

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

  it.each(shapes.map((s) => [s.name, s] as const))("%s: passes kubeadm v1.36.3's strict validation on every node", (_name, shape) => {
    for (const cgroupV1 of [true, false]) {
      const [view] = kindView(schema, [renderKindConfig(shape, { kubernetesVersion: 'v1.36.3', cgroupV1, patchesRoot })]);
      expect(view!.error).toBeUndefined();
      for (const node of view!.nodes!) {
        const result = validate(node.kubeadmConfig);
        expect(
          result.stderr.split('\n').filter((l) => /error/i.test(l)),
          `${node.container}`,
        ).toEqual([]);
        expect(result.status).toBe(0);
      }
    }
  });

  it('kubeadm refuses a misspelt kubelet field, so the check above can fail', () => {
    const [view] = kindView(schema, [
      renderKindConfig(shapes[0]!, { kubernetesVersion: 'v1.36.3', cgroupV1: true, patchesRoot }).replace('failCgroupV1:', 'failCgroupV2:'),
    ]);
    const result = validate(view!.nodes![0]!.kubeadmConfig);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unknown field "failCgroupV2"/);
  });
});

describe('the kind provider refuses in one line what it cannot do', () => {
  const oneLine = (result: { status: number; stderr: string }) => {
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(
      lines.filter((l) => /^\s+at /.test(l)),
      'no stack trace',
    ).toEqual([]);
    return lines.pop()!;
  };

  it('without Docker', () => {
    const line = oneLine(kubelab(['up', '--provider', 'kind', '--name', 'no-docker'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }));
    expect(line).toMatch(/^kubelab: the kind provider needs Docker: docker is not running .* — start Docker, or use --provider local$/);
  });

  it.runIf(dockerOk)('with a kind CLI that does not run', () => {
    const line = oneLine(kubelab(['up', '--provider', 'kind', '--name', 'no-kind'], { KUBELAB_KIND: '/nonexistent/kind' }));
    expect(line).toMatch(/^kubelab: \/nonexistent\/kind version failed .* — fix or remove that kind binary/);
  });

  it.runIf(real)('without the node image', () => {
    const line = oneLine(kubelab(['up', '--provider', 'kind', '--name', 'no-image'], { KUBELAB_KIND_IMAGE: 'kubelab/node:v0.0.0-absent' }));
    expect(line).toMatch(
      /^kubelab: the node image kubelab\/node:v0.0.0-absent is not in Docker's image store, and kubelab does not pull images — build it with kubelab image build/,
    );
    expect(readRecord('no-image')).toBeUndefined();
  });

  it.runIf(dockerOk)('image status names the image and says whether it is built', () => {
    const result = kubelab(['image', 'status']);
    expect(result.stdout.trim()).toBe(`${image}  ${hasImage ? 'built' : 'not built: run kubelab image build'}`);
    expect(result.status).toBe(hasImage ? 0 : 3);
  });
});

describe.runIf(real)('kind provider on a real kind cluster', () => {
  const provider = new KindProvider();
  const name = kindName('kind-ops');
  const shape = defaultShape(name);
  const kc = () => loadKubeConfig(provider.access(name).kubeconfig);
  let kubectlPath = '';
  const kubectl = (args: string[], input?: string) => sh(kubectlPath, ['--kubeconfig', paths(name).kubeconfig, ...args], input);

  beforeAll(async () => {
    kubectlPath = (await ensureBinaries()).path('kubectl');
  });

  afterAll(async () => {
    await provider.remove(name, silentProgress);
    expect(await clusterContainers(name)).toEqual([]);
  }, 300_000);

  it("up: kub1..kub3 Ready on containerd under their shape names, kubeconfig on loopback under kubelab's state", async () => {
    const access = await up(provider, shape, silentProgress);
    expect(access).toEqual({ name, kubeconfig: paths(name).kubeconfig, context: `kind-${name}` });
    expect(kc().getCurrentCluster()?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const nodes = (await clients(kc()).core.listNode()).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(['kub1', 'kub2', 'kub3']);
    expect(nodes.map((n) => n.status?.allocatable?.pods)).toEqual(['110', '110', '110']);
    expect(nodes.map((n) => n.status?.nodeInfo?.containerRuntimeVersion)).toEqual(Array(3).fill(expect.stringMatching(/^containerd:\/\//)));
    expect(nodes.map((n) => n.status?.nodeInfo?.kubeletVersion)).toEqual(['v1.36.3', 'v1.36.3', 'v1.36.3']);
    expect((await clusterContainers(name)).map((c) => c.name)).toEqual([`${name}-control-plane`, `${name}-worker`, `${name}-worker2`]);
    // Max pods lives in each kubelet's own configuration file (a kubeadm patch), not in a flag.
    expect(sh('docker', ['exec', `${name}-worker`, 'grep', '^maxPods:', '/var/lib/kubelet/config.yaml']).stdout.trim()).toBe(
      'maxPods: 110',
    );
    expect(sh('docker', ['exec', `${name}-worker`, 'cat', '/var/lib/kubelet/kubeadm-flags.env']).stdout).not.toMatch(/max-pods/);
  }, 600_000);

  it("runs real containers: a pod's log shows its server, and pods reach each other across nodes", async () => {
    const agnhost = sh('docker', ['exec', `${name}-control-plane`, 'crictl', 'images', '-o', 'json']).stdout.match(
      /registry\.k8s\.io\/e2e-test-images\/agnhost:[\d.]+/,
    )?.[0];
    expect(agnhost).toBeDefined();
    const pod = (node: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: web-${node}, labels: {app: web}}\nspec:\n  nodeName: ${node}\n  containers:\n  - {name: web, image: "${agnhost}", args: [netexec, --http-port=8080]}\n`;
    for (const node of ['kub2', 'kub3']) expect(kubectl(['apply', '-f', '-'], pod(node)).status).toBe(0);
    expect(kubectl(['wait', '--for=condition=Ready', 'pod/web-kub2', 'pod/web-kub3', '--timeout=120s']).status).toBe(0);
    const logs = await eventually(async () => {
      const out = kubectl(['logs', 'web-kub3']).stdout;
      return /Started HTTP server on port 8080/.test(out) ? out : undefined;
    });
    expect(logs).toMatch(/Started HTTP server on port 8080/);
    const ip = kubectl(['get', 'pod', 'web-kub3', '-o', 'jsonpath={.status.podIP}']).stdout.trim();
    const reply = kubectl(['exec', 'web-kub2', '--', '/agnhost', 'connect', `${ip}:8080`, '--timeout=5s']);
    expect(reply.stderr).toBe('');
    expect(reply.status).toBe(0);
    expect(kubectl(['delete', 'pod', 'web-kub2', 'web-kub3', '--wait=false']).status).toBe(0);
  }, 300_000);

  it("setMaxPods edits the kubelet's configuration file and restarts it; the Node reports it", async () => {
    await setMaxPods(provider, name, 'kub2', 7);
    expect((await clients(kc()).core.readNode({ name: 'kub2' })).status?.allocatable?.pods).toBe('7');
    expect(sh('docker', ['exec', `${name}-worker`, 'grep', '^maxPods:', '/var/lib/kubelet/config.yaml']).stdout.trim()).toBe('maxPods: 7');
    expect(provider.shapeOf(name)?.nodes.find((n) => n.name === 'kub2')?.maxPods).toBe(7);
    expect(readFileSync(join(paths(name).patches, 'kub2', 'kubeletconfiguration+strategic.yaml'), 'utf8')).toBe('maxPods: 7\n');
  }, 300_000);

  it('joinNode: a new container joins with kubeadm join, a bootstrap token and the CA hash; its CSR is approved', async () => {
    const token = (await provider.execKubeadm(name, ['token', 'create', '--ttl', '10m'])).trim();
    const ca = sh('docker', ['exec', `${name}-control-plane`, 'cat', '/etc/kubernetes/pki/ca.crt']).stdout;
    const lines: string[] = [];
    const result = await provider.nodes.join(name, {
      token,
      caCertHashes: [caCertHash(ca)],
      nodeName: 'kub4',
      onStep: (l) => lines.push(l),
    });
    expect(result.node).toBe('kub4');
    expect(lines.join('\n')).toMatch(/This node has joined the cluster/);
    const node = await clients(kc()).core.readNode({ name: 'kub4' });
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    const csrs = (await kc().makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
    const mine = csrs.filter((c) => requestCommonName(Buffer.from(c.spec.request, 'base64').toString('utf8')) === 'system:node:kub4');
    expect(mine.map((c) => c.spec.username)).toEqual([`system:bootstrap:${token.split('.')[0]}`]);
    expect(mine[0]!.status?.conditions?.map((c) => c.type)).toContain('Approved');
    expect((await clusterContainers(name)).map((c) => c.name)).toContain(readRecord(name)!.containers!.kub4);
  }, 300_000);

  it('joinNode refuses a wrong CA hash in one line, and leaves no container behind', async () => {
    const token = (await provider.execKubeadm(name, ['token', 'create', '--ttl', '10m'])).trim();
    const before = (await clusterContainers(name)).length;
    await expect(provider.nodes.join(name, { token, caCertHashes: [`sha256:${'0'.repeat(64)}`], nodeName: 'kub5' })).rejects.toThrow(
      /kubeadm join of kub5 failed: .*/,
    );
    expect((await clusterContainers(name)).length).toBe(before);
  }, 300_000);

  it('rebuildNode: a deleted node comes back in a fresh container, joined again with its own max pods', async () => {
    const { core } = clients(kc());
    const oldId = sh('docker', ['inspect', '--format', '{{.Id}}', `${name}-worker`]).stdout.trim();
    await core.deleteNode({ name: 'kub2' });
    await provider.nodes.rebuild(name, 'kub2');
    const node = await core.readNode({ name: 'kub2' });
    expect(node.status?.allocatable?.pods).toBe('7');
    expect(sh('docker', ['inspect', '--format', '{{.Id}}', `${name}-worker`]).stdout.trim()).not.toBe(oldId);
  }, 300_000);

  it("removeNode: the Node, its container and the container's /var volume go", async () => {
    const container = readRecord(name)!.containers!.kub4!;
    const volumes = sh('docker', [
      'inspect',
      '--format',
      '{{range .Mounts}}{{if eq .Destination "/var"}}{{.Name}}{{end}}{{end}}',
      container,
    ]).stdout.trim();
    expect(volumes).not.toBe('');
    await provider.nodes.remove(name, 'kub4');
    expect(sh('docker', ['volume', 'inspect', volumes]).status).not.toBe(0);
    await expect(clients(kc()).core.readNode({ name: 'kub4' })).rejects.toThrow();
    expect((await clusterContainers(name)).map((c) => c.name)).not.toContain(container);
    expect(provider.shapeOf(name)?.nodes.map((n) => n.name)).toEqual(['kub1', 'kub2', 'kub3']);
  }, 300_000);

  it('down stops the node containers, up resumes them with every object kept', async () => {
    const { core } = clients(kc());
    await core.createNamespace({ body: { metadata: { name: 'kept' } } });
    await provider.stop(name, silentProgress);
    expect((await clusterContainers(name)).every((c) => c.state !== 'running')).toBe(true);
    expect((await provider.status(name)).running).toBe(false);
    await up(provider, provider.shapeOf(name)!, silentProgress);
    expect((await provider.status(name)).nodes.every((n) => n.ready)).toBe(true);
    expect((await clients(kc()).core.readNamespace({ name: 'kept' })).metadata?.name).toBe('kept');
  }, 600_000);

  it("delete refuses a kind cluster without kubelab's record", async () => {
    renameSync(paths(name).dir, `${paths(name).dir}.away`);
    try {
      await expect(provider.remove(name, silentProgress)).rejects.toThrow(
        `refusing to delete kind cluster "${name}": kubelab did not create it`,
      );
    } finally {
      renameSync(`${paths(name).dir}.away`, paths(name).dir);
    }
    expect(await getClusters(findKind()!)).toContain(name);
  });
});

describe.runIf(real)('the course on one kind cluster', () => {
  const name = kindName('kind-labs');
  const target = { name, provider: 'kind' };

  afterAll(async () => {
    // Right after the heaviest lab: deletion must leave nothing behind.
    await new KindProvider().remove(name, silentProgress);
    expect(await clusterContainers(name)).toEqual([]);
  }, 600_000);

  it.each(labs.map((lab) => [lab.id, lab] as const))(
    'lab %s: fails before solve, passes after, fails again after reset',
    async (_id, lab) => {
      await selfTest(lab, target, 180_000);
    },
    1_800_000,
  );
});
