// Exercise: the notes' kubeadm init flags, written as the configuration file kubeadm prefers,
// which the real kubeadm must accept. Any way of recording it passes; a copy of the
// ClusterConfiguration stored in kube-system/kubeadm-config does not, for it holds no
// InitConfiguration: the advertise address and node name belong to one machine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $, ensureBinaries, fail, pass, versions, type CheckContext, type Exercise, type Observation } from '../../src/engine/sdk.ts';
import { answers, deleteAnswers, noAnswers, recordCommand } from './answers.ts';
import { CLUSTER_SETTINGS, kubeadmDocuments, NODE_SETTINGS, notesConfigFile, settingsProblem } from './config-file.ts';
import { ANSWERS } from './constants.ts';

const FILE_KEY = 'kubeadm.yaml';

/** The recorded file: under kubeadm.yaml, or the only key there is. */
async function recordedFile(ctx: CheckContext): Promise<string | Observation> {
  const data = await answers(ctx, ANSWERS.config);
  if (!data) return fail(`your configuration file in ConfigMap ${ANSWERS.config}`, noAnswers(ANSWERS.config));
  const keys = Object.keys(data);
  const text = data[FILE_KEY] ?? (keys.length === 1 ? data[keys[0]!] : undefined);
  if (!text?.trim()) return fail(`the file under key ${FILE_KEY}`, `keys ${keys.join(', ') || '(none)'}`);
  return text;
}

/** kubeadm's own verdict on the file: the first line of its complaint, or undefined when it accepts it. */
async function kubeadmVerdict(text: string): Promise<string | undefined> {
  const kubeadm = (await ensureBinaries()).path('kubeadm');
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-kubeadm-config-'));
  try {
    await writeFile(join(dir, FILE_KEY), text);
    const result = await $({ nothrow: true, timeout: 30_000 })`${kubeadm} config validate --config ${join(dir, FILE_KEY)}`;
    if (result.exitCode === 0) return undefined;
    if (result.exitCode === null) return 'nothing in 30 s: without kubernetesVersion, kubeadm asks the internet which release is current';
    const said = `${result.stderr}`.split('\n').find((l) => l.startsWith('error')) ?? `exit ${result.exitCode}`;
    return said.replace(/^error:\s*/, '').replaceAll(dir, '.');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function checkAccepted(ctx: CheckContext): Promise<Observation> {
  const text = await recordedFile(ctx);
  if (typeof text !== 'string') return text;
  const complaint = await kubeadmVerdict(text);
  return complaint === undefined
    ? pass('kubeadm config validate accepts your file')
    : fail('a file kubeadm config validate accepts', `kubeadm says: ${complaint}`);
}

async function checkSettings(ctx: CheckContext, which: 'cluster' | 'node'): Promise<Observation> {
  const text = await recordedFile(ctx);
  if (typeof text !== 'string') return text;
  const docs = kubeadmDocuments(text);
  if (typeof docs === 'string') return fail('kubeadm configuration documents', docs);
  const expected = which === 'cluster' ? CLUSTER_SETTINGS : NODE_SETTINGS;
  const problem = settingsProblem(docs, expected);
  if (problem === undefined) return pass(expected.map((e) => `${e.path} ${e.value}`).join(', '));
  const what = which === 'cluster' ? 'the pod and service ranges of the notes' : 'the advertise address and node name of the notes’ kub1';
  return fail(what, problem);
}

const configFile = notesConfigFile(versions.kubernetes);

export const initConfig: Exercise = {
  id: 'init-config',
  title: 'Write the notes’ kubeadm init as a configuration file',
  task: `Turn the notes' kubeadm init flags into a kubeadm configuration file (start from kubeadm config print init-defaults), check it with kubeadm config validate, and record it under key ${FILE_KEY} in ConfigMap ${ANSWERS.config} (namespace kubelab).`,
  checks: [
    {
      id: 'kubeadm-accepts',
      title: 'kubeadm config validate accepts the file',
      points: 1,
      hint: `kubeadm config validate --config ${FILE_KEY} says what it does not like; record the file with ${recordCommand(ANSWERS.config, `--from-file=${FILE_KEY}`)}`,
      run: checkAccepted,
    },
    {
      id: 'cluster-settings',
      title: 'ClusterConfiguration holds the notes’ pod and service ranges',
      points: 2,
      hint: 'kubeadm config print init-defaults shows where the service range goes; the pod range sits next to it (kubeadm.k8s.io/v1beta4 reference: networking)',
      run: (ctx) => checkSettings(ctx, 'cluster'),
    },
    {
      id: 'node-settings',
      title: 'InitConfiguration holds kub1’s advertise address and node name',
      points: 2,
      hint: 'kube-system/kubeadm-config has only the ClusterConfiguration; what init-defaults prints as 1.2.3.4 and "node" is per machine, in the InitConfiguration document',
      run: (ctx) => checkSettings(ctx, 'node'),
    },
  ],
  solution: () => [
    `cd "$(mktemp -d)" &&
cat > ${FILE_KEY} <<'EOF' &&
${configFile}
EOF
kubeadm config validate --config ${FILE_KEY} &&
${recordCommand(ANSWERS.config, `--from-file=${FILE_KEY}`)}`,
  ],
  reset: (ctx) => deleteAnswers(ctx, ANSWERS.config),
};
