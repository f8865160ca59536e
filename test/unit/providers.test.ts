// Provider choice, and the refusals of the kind and existing providers, without any cluster.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ExistingProvider } from '../../src/cluster/existing/index.ts';
import { probeKind } from '../../src/cluster/kind/cli.ts';
import { probeDocker } from '../../src/cluster/kind/docker.ts';
import { KindProvider } from '../../src/cluster/kind/index.ts';
import { paths as kindPaths, writeRecord } from '../../src/cluster/kind/state.ts';
import { autoChoice, chooseProvider, probeKindSupport, type KindProbe } from '../../src/cluster/providers.ts';
import { defaultShape } from '../../src/cluster/shape.ts';
import { UserError } from '../../src/errors.ts';
import { silentProgress } from '../../src/progress.ts';
import { isolateState } from '../helpers/cluster.ts';
import { setMaxPods } from '../../src/cluster/lifecycle.ts';

const home = isolateState();
const scratch = mkdtempSync(join(tmpdir(), 'providers-'));

function script(name: string, body: string): string {
  const file = join(scratch, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('auto choice', () => {
  const ok = (version: string) => ({ ok: true, version }) as const;
  const no = (reason: string) => ({ ok: false, reason }) as const;
  const probe = (p: Partial<KindProbe>): KindProbe => ({
    docker: ok('28.2.2'),
    kind: ok('v0.33.0'),
    image: 'kindest/node:v1.36.3',
    imagePresent: true,
    ...p,
  });

  it('takes kind when docker, kind and the node image are all here', () => {
    expect(autoChoice(probe({}))).toEqual({
      name: 'kind',
      reason: 'auto: docker 28.2.2, kind v0.33.0 and kindest/node:v1.36.3 are here, using kind',
    });
  });

  it('falls back to local and says which one is missing', () => {
    const noDocker = autoChoice(probe({ docker: no('docker is not running (Cannot connect to the Docker daemon)') }));
    expect(noDocker).toEqual({
      name: 'local',
      reason: 'auto: docker is not running (Cannot connect to the Docker daemon), using the embedded local provider',
    });
    expect(autoChoice(probe({ kind: no('the kind CLI is not installed') }))).toMatchObject({
      name: 'local',
      reason: expect.stringMatching(/docker 28.2.2 runs but the kind CLI is not installed/),
    });
    expect(autoChoice(probe({ imagePresent: false }))).toMatchObject({
      name: 'local',
      reason: expect.stringMatching(/node image kindest\/node:v1.36.3 is not built \(kubelab image build makes it; kubelab never pulls\)/),
    });
  });

  it('on this machine: decides quickly, once per process, and reports why', () => {
    const started = Date.now();
    const first = chooseProvider('auto');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(first.reason).toMatch(/^auto: /);
    // This machine has no Docker daemon: auto must fall back to the local provider.
    if (!probeKindSupport().docker.ok) expect(first.provider.name).toBe('local');
    const again = Date.now();
    expect(probeKindSupport()).toBe(probeKindSupport());
    expect(Date.now() - again).toBeLessThan(50);
  });
});

describe('probing docker and kind', () => {
  it('a missing docker binary', () => {
    expect(probeDocker(join(scratch, 'no-such-docker'))).toEqual({
      ok: false,
      reason: `${join(scratch, 'no-such-docker')} is not installed`,
    });
  });

  it('a docker CLI whose daemon does not answer', () => {
    const docker = script(
      'docker-down',
      'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
    );
    expect(probeDocker(docker)).toEqual({
      ok: false,
      reason: 'docker is not running (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)',
    });
  });

  it('gives up on a docker that hangs, within its time limit', () => {
    const docker = script('docker-hangs', 'sleep 20');
    const started = Date.now();
    expect(probeDocker(docker, 500)).toEqual({ ok: false, reason: 'docker info did not answer within 0.5 s' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reads the kind version, and says when there is no kind', () => {
    const kind = script('kind', 'echo "kind v0.33.0 go1.26.8 linux/amd64"');
    expect(probeKind(kind)).toEqual({ ok: true, version: 'v0.33.0' });
    expect(probeKind(undefined)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/kind v0.30.0 is not built yet \(kubelab image build builds it; or set KUBELAB_KIND\)/),
    });
  });
});

describe('choosing a provider', () => {
  it('refuses an unknown provider in one line', () => {
    expect(() => chooseProvider('minikube')).toThrow(/unknown provider "minikube"/);
  });

  it('takes each provider by name', () => {
    expect(chooseProvider('local').provider.name).toBe('local');
    expect(chooseProvider('kind', { image: 'my/node:v1.36.3' }).provider).toMatchObject({ name: 'kind', image: 'my/node:v1.36.3' });
    expect(chooseProvider('existing', { context: 'prod' }).provider.name).toBe('existing');
    expect(() => chooseProvider('existing')).toThrow(/needs a context/);
  });

  it('auto: a --context means the existing provider', () => {
    expect(chooseProvider('auto', { context: 'prod' })).toMatchObject({
      provider: { name: 'existing' },
      reason: 'auto: --context prod names a cluster kubelab did not create',
    });
  });

  it('auto: a cluster kubelab created keeps its provider', async () => {
    mkdirSync(kindPaths('made-by-kind').dir, { recursive: true });
    await writeRecord({
      createdBy: 'kubelab',
      provider: 'kind',
      image: 'kindest/node:v1.36.3',
      kindVersion: 'v0.33.0',
      createdAt: '',
      shape: defaultShape('made-by-kind'),
      created: true,
    });
    expect(chooseProvider('auto', { name: 'made-by-kind' })).toMatchObject({
      provider: { name: 'kind' },
      reason: 'auto: kubelab created cluster "made-by-kind" with kind',
    });
    const localDir = join(home, 'clusters', 'made-locally');
    mkdirSync(localDir, { recursive: true });
    writeFileSync(
      join(localDir, 'kubelab-cluster.json'),
      JSON.stringify({
        createdBy: 'kubelab',
        provider: 'local',
        shape: defaultShape('made-locally'),
        ports: { apiserver: 1, etcdClient: 2, etcdPeer: 3, etcdMetrics: 4, controllerManager: 5, scheduler: 6, kwok: 7 },
      }),
    );
    expect(chooseProvider('auto', { name: 'made-locally' })).toMatchObject({
      provider: { name: 'local' },
      reason: expect.stringMatching(/with the local provider/),
    });
  });
});

describe('kind provider without Docker work', () => {
  it('deletes nothing it did not create', async () => {
    const dir = kindPaths('foreign').dir;
    mkdirSync(dir, { recursive: true });
    await expect(new KindProvider().remove('foreign', silentProgress)).rejects.toThrow(/refusing to touch .*kubelab did not create it/);
    const said: string[] = [];
    await new KindProvider().remove('absent', { ...silentProgress, done: (m) => said.push(m) });
    expect(said).toEqual(['no kind cluster named "absent"; nothing to delete']);
  });

  it('node operations need a cluster kubelab made', async () => {
    await expect(setMaxPods(new KindProvider(), 'absent', 'kub2', 20)).rejects.toThrow(/no cluster named "absent"/);
    await expect(new KindProvider().execKubeadm('absent', ['version'])).rejects.toThrow(UserError);
  });
});

describe('existing provider', () => {
  // A kubeconfig whose server is a closed loopback port: reachable by nothing, harmless to dial.
  const kubeconfig = join(scratch, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'x' } }],
      contexts: [{ name: 'theirs', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'theirs',
    }),
  );
  const readOnly = new ExistingProvider({ context: 'theirs', kubeconfig });

  it.each([
    ['provision', () => readOnly.provision(defaultShape(), silentProgress), 'bring up'],
    ['start', () => readOnly.start('theirs', silentProgress), 'bring up'],
    ['stop', () => readOnly.stop('theirs', silentProgress), 'stop'],
    ['remove', () => readOnly.remove('theirs', silentProgress), 'delete from'],
  ] as const)('%s refuses in one line without --yes', async (_op, call, verb) => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`refusing to ${verb} context "theirs": kubelab did not create it`);
    expect((error as UserError).fix).toBe('add --yes if you mean it (--context theirs --yes)');
  });

  it('status reads the context and reports an API server that does not answer', async () => {
    const status = await readOnly.status('theirs');
    expect(status).toMatchObject({ name: 'theirs', provider: 'existing', running: false, context: 'theirs', kubeconfig, nodes: [] });
    expect(status.components[0]).toMatchObject({
      name: 'kube-apiserver',
      healthy: false,
      detail: expect.stringMatching(/^https:\/\/127.0.0.1:1 unreachable/),
    });
  });

  it('even with --yes, never stops a cluster it does not run, nor reaches into its machines', async () => {
    const allowed = new ExistingProvider({ context: 'theirs', kubeconfig, allowChanges: true });
    await expect(allowed.stop('theirs', silentProgress)).rejects.toThrow(/cannot stop context "theirs"/);
    await expect(allowed.start('theirs', silentProgress)).rejects.toThrow(/not ready: https:\/\/127.0.0.1:1 unreachable/);
    await expect(setMaxPods(allowed, 'theirs', 'kub2', 5)).rejects.toThrow(
      /kubelab cannot reach a kubelet's configuration in context "theirs"/,
    );
    await expect(allowed.nodes.rebuild('theirs', 'kub2')).rejects.toThrow(/kubelab cannot rebuild a node in context "theirs"/);
    expect(allowed.capabilities).toEqual([]);
  });

  it('names a context the kubeconfig lacks', async () => {
    await expect(new ExistingProvider({ context: 'nope', kubeconfig }).status('nope')).rejects.toThrow(/has no context "nope"/);
  });
});
