// Exercise: which of the notes' group/versions the API server no longer serves, judged against
// live discovery, so the answer is right for whatever Kubernetes the cluster runs.
import { ApisApi, CoreApi, type V1ConfigMap } from '@kubernetes/client-node';
import { fail, pass, readObject, wordsOf, type CheckContext, type Exercise } from '../../src/engine/sdk.ts';
import { ANSWERS, NOTES_API_VERSIONS } from './constants.ts';

/** Every group/version the API server serves now, as `kubectl api-versions` lists them. */
async function servedVersions(kc: CheckContext['kc']): Promise<string[]> {
  const core = await kc.makeApiClient(CoreApi).getAPIVersions();
  const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
  return [...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))].sort();
}

async function retired(kc: CheckContext['kc']): Promise<{ expected: string[]; served: Set<string> }> {
  const served = new Set(await servedVersions(kc));
  return { expected: NOTES_API_VERSIONS.filter((v) => !served.has(v)).sort(), served };
}

async function checkAnswer(ctx: CheckContext) {
  const { expected, served } = await retired(ctx.kc);
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', ANSWERS.name, ANSWERS.namespace);
  if (!cm) return fail(`ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}`, 'no such ConfigMap');
  const answered = wordsOf(cm.data?.[ANSWERS.key]);
  const missing = expected.filter((v) => !answered.includes(v));
  const wrong = answered.filter((v) => !expected.includes(v));
  if (!missing.length && !wrong.length) return pass(`all ${expected.length} retired group/versions named, none still served`);
  const found = [
    missing.length ? `${missing.length} missing (e.g. ${missing[0]})` : '',
    wrong.length
      ? `${wrong.length} wrong (${wrong.slice(0, 3).join(', ')} ${wrong.some((w) => served.has(w)) ? 'is still served' : 'is not in the notes'})`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
  return fail(`${expected.length} retired group/versions`, found, [{ answered, servedNow: [...served] }]);
}

export const retiredVersions: Exercise = {
  id: 'retired-versions',
  title: 'Which of the notes’ group/versions are gone?',
  task: `Compare the notes’ list with \`kubectl api-versions\` on your cluster. Record every group/version of the notes that is no longer served, separated by spaces, under key "${ANSWERS.key}" of ConfigMap ${ANSWERS.name} in namespace ${ANSWERS.namespace}.`,
  checks: [
    {
      id: 'answer-matches-discovery',
      title: 'The recorded answer matches live discovery',
      points: 3,
      hint: `kubectl api-versions | sort > now.txt, compare with the notes' list, then kubectl create configmap ${ANSWERS.name} -n ${ANSWERS.namespace} --from-literal=${ANSWERS.key}="..."`,
      run: checkAnswer,
    },
  ],
  async solve(ctx) {
    const { expected } = await retired(ctx.kc);
    await ctx.apply(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${ANSWERS.name}\n  namespace: ${ANSWERS.namespace}\ndata:\n  ${ANSWERS.key}: "${expected.join(' ')}"\n`,
    );
  },
  async reset(ctx) {
    await ctx.kubectl(['delete', 'configmap', ANSWERS.name, '-n', ANSWERS.namespace, '--ignore-not-found']);
  },
};
