// The max-pods lab judges the outcome, not the method, on a real local cluster: per exercise,
// other valid ways pass and shortcuts fail, and a wrong answer is told where to look, never the
// answer. The true answers are read here with kubectl, as a learner would, not from the lab.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import lab from '../../checks/max-pods/index.ts';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { chooseProvider } from '../../src/cluster/providers.ts';
import type { CheckResult } from '../../src/engine/run.ts';
import { checkLab, resetLab, startLab } from '../../src/engine/session.ts';
import { silentProgress } from '../../src/progress.ts';
import { eventually, isolateState, kubelab } from '../helpers/cluster.ts';

isolateState();
const NAME = 'mp-methods';
const target = { name: NAME, provider: 'local' };
const WORKERS = ['kub2', 'kub3', 'kub4', 'kub5', 'kub6'];
let kubeconfig = '';
let binDir = '';

/** A command in bash, as a learner types it, against the lab cluster with the pinned kubectl. */
function sh(command: string): string {
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', command], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: kubeconfig, PATH: `${binDir}:${process.env.PATH}` },
    timeout: 120_000,
  });
  expect(result.status, `${command}\n${result.stderr}`).toBe(0);
  return result.stdout.trim();
}

const fileOf = (node: string) => join(dirname(kubeconfig), 'nodes', node, 'kubelet', 'config.yaml');

function restartKubelet(node: string): void {
  const result = kubelab(['node', 'restart-kubelet', node, '--name', NAME]);
  expect(result.status, result.stderr).toBe(0);
}

async function check(exercise: string, timeoutMs = 0): Promise<Record<string, CheckResult>> {
  const results = await checkLab(lab, exercise, target, { timeoutMs });
  expect(results.filter((r) => r.status === 'error').map((r) => r.reason)).toEqual([]);
  return Object.fromEntries(results.map((r) => [r.check, r]));
}

const passing = (results: Record<string, CheckResult>) =>
  Object.values(results)
    .filter((r) => r.status !== 'pass')
    .map((r) => `${r.check}: ${r.reason}`);

/** What the cluster shows a learner: the numbers of Exercise 1, found with kubectl. */
function trueAnswers() {
  const ready = Number(sh(`kubectl get rs kuard -n kuard -o jsonpath='{.status.readyReplicas}'`));
  const maxPods = Number(sh(`kubectl get node kub2 -o jsonpath='{.status.allocatable.pods}'`));
  const count = (selector: string) => sh(`kubectl get pods -A --no-headers --field-selector=${selector} | wc -l`);
  const active = 'metadata.namespace!=kuard,spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed';
  const others = Number(count(`${active},spec.nodeName!=kub1`));
  return { ready, maxPods, others, othersAllNodes: Number(count(active)), minMaxPods: Math.ceil((800 + others) / WORKERS.length) };
}

function answersManifest(data: Record<string, string>): string {
  const lines = Object.entries(data).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: max-pods-answers\n  namespace: kubelab\ndata:\n${lines.join('\n')}\n`;
}

beforeAll(async () => {
  binDir = (await ensureBinaries()).dir;
  kubeconfig = (await startLab(lab, target)).kubeconfig;
});

afterAll(async () => {
  await chooseProvider('auto', { name: NAME }).provider.remove(NAME, silentProgress);
});

describe('observe-stall', () => {
  it('shortcut: the notes’ wording, DESIRED for Ready, the control plane counted and the notes’ 250 each fail, with a pointer and not the answer', async () => {
    const truth = trueAnswers();
    sh(
      'kubectl create configmap max-pods-answers -n kubelab --from-literal=ready=800 --from-literal=reason="Insufficient pods" ' +
        `--from-literal=max-pods=${truth.maxPods} --from-literal=other-pods=${truth.othersAllNodes} --from-literal=min-max-pods=250`,
    );
    const results = await check('observe-stall');
    expect(results['max-pods']!.status).toBe('pass');
    const said: Record<string, [RegExp, number | string]> = {
      ready: [/DESIRED/, truth.ready],
      reason: [/notes’ day/, 'Too many pods'],
      'other-pods': [/control plane/, truth.others],
      'min-max-pods': [/not the smallest/, truth.minMaxPods],
    };
    for (const [key, [pointer, answer]] of Object.entries(said)) {
      expect(results[key]!.status, key).toBe('fail');
      expect(results[key]!.reason, key).toMatch(pointer);
      expect(`${results[key]!.reason} ${results[key]!.hint}`, key).not.toMatch(new RegExp(`\\b${answer}\\b`, 'i'));
    }
  });

  it('valid: a manifest applied with one slip, then that key corrected with kubectl patch, passes; the checks read the latest', async () => {
    const truth = trueAnswers();
    const answers = {
      ready: String(truth.ready - 1),
      reason: '5 Too many pods.',
      'max-pods': String(truth.maxPods),
      'other-pods': String(truth.others),
      'min-max-pods': String(truth.minMaxPods),
    };
    const applied = spawnSync('bash', ['-c', 'kubectl apply -f -'], {
      input: answersManifest(answers),
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: kubeconfig, PATH: `${binDir}:${process.env.PATH}` },
    });
    expect(applied.status, applied.stderr).toBe(0);
    const first = await check('observe-stall');
    expect(first.ready!.status).toBe('fail');
    expect(first.ready!.reason).toMatch(/READY column/);
    sh(`kubectl patch configmap max-pods-answers -n kubelab --type merge -p '{"data":{"ready":"${truth.ready}"}}'`);
    expect(passing(await check('observe-stall'))).toEqual([]);
    await resetLab(lab, 'observe-stall', target);
    expect((await check('observe-stall')).ready!.reason).toMatch(/no ConfigMap max-pods-answers/);
  });
});

describe('raise-max-pods', () => {
  it('shortcut: patching the Nodes’ status lets every replica run but fails, and a restart of the kubelet undoes it', async () => {
    for (const node of WORKERS)
      sh(
        `kubectl patch node ${node} --subresource=status --type=merge -p '{"status":{"capacity":{"pods":"250"},"allocatable":{"pods":"250"}}}'`,
      );
    await eventually(async () => sh(`kubectl get rs kuard -n kuard -o jsonpath='{.status.readyReplicas}'`) === '800', 120_000);
    const results = await check('raise-max-pods');
    expect(results['all-ready']!.status).toBe('pass');
    expect(results['kubelets-raised']!.status).toBe('fail');
    expect(results['kubelets-raised']!.reason).toMatch(
      /kub2, kub3, kub4, kub5, kub6: the Node reports 250 pods or more, but the kubelet runs with fewer/,
    );
    restartKubelet('kub2');
    expect(sh(`kubectl get node kub2 -o jsonpath='{.status.allocatable.pods}'`)).toBe('110');
    await resetLab(lab, 'raise-max-pods', target);
  });

  it('shortcut: scaling kuard down to what fits fails', async () => {
    sh(`kubectl scale rs kuard -n kuard --replicas=$(kubectl get rs kuard -n kuard -o jsonpath='{.status.readyReplicas}')`);
    await eventually(
      async () => sh('kubectl get pods -n kuard --field-selector=status.phase=Pending --no-headers | wc -l') === '0',
      120_000,
    );
    const results = await check('raise-max-pods');
    expect(results['all-ready']!.status).toBe('fail');
    expect(results['all-ready']!.reason).toMatch(/scaling it down hides the limit/);
    expect(results['kubelets-raised']!.status).toBe('fail');
    await resetLab(lab, 'raise-max-pods', target);
    expect(sh(`kubectl get rs kuard -n kuard -o jsonpath='{.spec.replicas}'`)).toBe('800');
  });

  it('valid: the file rewritten with a YAML library passes once the kubelets restart, not before; reset puts the files back', async () => {
    for (const node of WORKERS) {
      const doc = parseDocument(readFileSync(fileOf(node), 'utf8'));
      doc.set('maxPods', 250);
      writeFileSync(fileOf(node), doc.toString());
    }
    const edited = await check('raise-max-pods');
    expect(edited['kubelets-raised']!.status).toBe('fail');
    expect(edited['kubelets-raised']!.reason).toMatch(/reads its configuration file only when it starts/);
    for (const node of WORKERS) restartKubelet(node);
    expect(passing(await check('raise-max-pods', 60_000))).toEqual([]);
    await resetLab(lab, 'raise-max-pods', target);
    for (const node of WORKERS) expect(parseDocument(readFileSync(fileOf(node), 'utf8')).get('maxPods')).toBe(110);
    expect((await check('raise-max-pods'))['kubelets-raised']!.status).toBe('fail');
  });

  it('valid: maxPods set in kubeadm’s kubelet-config ConfigMap and copied into each node’s file, as kubeadm upgrade node does, passes; reset restores the ConfigMap', async () => {
    const read = () => sh(`kubectl get configmap kubelet-config -n kube-system -o jsonpath='{.data.kubelet}'`);
    const doc = parseDocument(read());
    doc.set('maxPods', 250);
    const edited = join(dirname(kubeconfig), 'kubelet-config-edited.yaml');
    writeFileSync(edited, doc.toString());
    sh(
      `kubectl create configmap kubelet-config -n kube-system --from-file=kubelet="${edited}" --dry-run=client -o yaml | kubectl apply -f -`,
    );
    expect(parseDocument(read()).get('maxPods')).toBe(250);
    // The ConfigMap alone changes no kubelet.
    expect((await check('raise-max-pods'))['kubelets-raised']!.status).toBe('fail');
    for (const node of WORKERS) {
      sh(`kubectl get configmap kubelet-config -n kube-system -o jsonpath='{.data.kubelet}' > "${fileOf(node)}"`);
      restartKubelet(node);
    }
    expect(passing(await check('raise-max-pods', 60_000))).toEqual([]);
    await resetLab(lab, 'raise-max-pods', target);
    expect(parseDocument(read()).has('maxPods')).toBe(false);
    expect((await check('raise-max-pods'))['kubelets-raised']!.status).toBe('fail');
  });
});
