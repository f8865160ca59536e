// Exercise: find out what the cluster serves, with the tools a learner has on any cluster
// (kubectl api-versions, api-resources, explain), and record it. Judged against live discovery,
// so the answers are right for whatever Kubernetes the cluster runs.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { fail, pass, readObject, type Check, type CheckContext, type Exercise } from '../../src/engine/sdk.ts';
import { answerForKind, judgeRequired, judgeRetired } from './answers.ts';
import { ANSWERS, LEGACY_KINDS, NOTES_API_VERSIONS } from './constants.ts';
import { servedVersions, servesKind } from './discovery.ts';

/** What `kubectl explain deployment.spec` marks -required- in apps/v1: fixed for as long as v1 is. */
const REQUIRED_DEPLOYMENT_FIELDS = ['selector', 'template'];

const where = `ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}`;

async function answers(ctx: CheckContext): Promise<Record<string, string> | undefined> {
  return (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', ANSWERS.name, ANSWERS.namespace))?.data ?? undefined;
}

const retiredCheck: Check = {
  id: 'retired',
  title: 'The notes’ group/versions this cluster no longer serves',
  points: 2,
  hint: `put the notes’ list next to kubectl api-versions: every line of the notes that kubectl api-versions does not print goes under key "${ANSWERS.key}"`,
  async run(ctx) {
    const data = await answers(ctx);
    if (data?.[ANSWERS.key] === undefined)
      return fail(`key "${ANSWERS.key}" in ${where}`, data ? `no key "${ANSWERS.key}"` : `no ${where}`);
    const verdict = judgeRetired(data[ANSWERS.key], NOTES_API_VERSIONS, await servedVersions(ctx));
    return verdict.ok
      ? pass('every retired group/version of the notes named, and none that is still served')
      : fail('each of the notes’ group/versions that kubectl api-versions no longer lists, and no other', verdict.found, [data]);
  },
};

async function judgeKind(ctx: CheckContext, served: Set<string>, kind: string, given: string | undefined): Promise<string | undefined> {
  if (given === undefined) return `no key "${kind}"`;
  if (!served.has(given)) return `${kind}: "${given}" is not served here (kubectl api-versions)`;
  if (!(await servesKind(ctx, given, kind)))
    return `${kind}: ${given} has no ${kind} (kubectl api-resources shows each kind with its group/version)`;
  return undefined;
}

const kindsCheck: Check = {
  id: 'current-versions',
  title: 'The group/version that serves each kind of the legacy manifest today',
  points: 2,
  hint: 'kubectl api-resources lists every kind the API server serves, with the group/version it is served in (the APIVERSION column)',
  async run(ctx) {
    const data = await answers(ctx);
    if (!data) return fail(`keys ${LEGACY_KINDS.join(', ')} in ${where}`, `no ${where}`);
    const served = await servedVersions(ctx);
    const problems = [];
    for (const kind of LEGACY_KINDS) {
      const problem = await judgeKind(ctx, served, kind, answerForKind(data, kind));
      if (problem) problems.push(problem);
    }
    return problems.length
      ? fail(`for each of ${LEGACY_KINDS.join(', ')}, a group/version that serves it now`, problems.join('; '), [data])
      : pass(`all ${LEGACY_KINDS.length} kinds named with a group/version that serves them`);
  },
};

const requiredCheck: Check = {
  id: 'required-fields',
  title: 'The fields an apps/v1 Deployment’s spec cannot do without',
  points: 1,
  hint: `kubectl explain deployment.spec marks the fields the API server insists on with -required-; record their names under key "${ANSWERS.requiredKey}"`,
  async run(ctx) {
    const data = await answers(ctx);
    const given = data?.[ANSWERS.requiredKey];
    if (given === undefined)
      return fail(`key "${ANSWERS.requiredKey}" in ${where}`, data ? `no key "${ANSWERS.requiredKey}"` : `no ${where}`);
    const verdict = judgeRequired(given, REQUIRED_DEPLOYMENT_FIELDS);
    return verdict.ok
      ? pass('the required fields of a Deployment’s spec named')
      : fail('the field names kubectl explain deployment.spec marks -required-', verdict.found, [data]);
  },
};

/** Reads each answer from the cluster, as a learner at a shell would, and records them in one go. */
function recordAnswers(): string {
  const notes = NOTES_API_VERSIONS.join(' \\\n    ');
  const kinds = LEGACY_KINDS.map((kind) => `  --from-literal=${kind}="$(version_of ${kind})" \\`).join('\n');
  return `# the notes' group/versions that kubectl api-versions no longer prints
retired=$(comm -23 <(printf '%s\\n' \\
    ${notes} | sort) <(kubectl api-versions | sort) | xargs)
# the APIVERSION column of kubectl api-resources, for one kind
version_of() { kubectl api-resources --no-headers | awk -v kind="$1" '$NF == kind { print $(NF-2) }'; }
# the fields kubectl explain marks -required-
required=$(kubectl explain deployment.spec | awk '/-required-/ { print $1 }' | xargs)
kubectl create configmap ${ANSWERS.name} -n ${ANSWERS.namespace} \\
  --from-literal=${ANSWERS.key}="$retired" \\
${kinds}
  --from-literal=${ANSWERS.requiredKey}="$required" \\
  --dry-run=client -o yaml | kubectl apply -f -`;
}

export const retiredVersions: Exercise = {
  id: 'retired-versions',
  title: 'Find out what your cluster serves',
  task: `Record in ConfigMap ${ANSWERS.name} (namespace ${ANSWERS.namespace}): under "${ANSWERS.key}", every group/version of the notes’ list that your cluster no longer serves; under each kind of the legacy manifest (${LEGACY_KINDS.join(', ')}), the group/version that serves it now; under "${ANSWERS.requiredKey}", the fields kubectl explain marks required in an apps/v1 Deployment’s spec.`,
  checks: [retiredCheck, kindsCheck, requiredCheck],
  solution: () => [recordAnswers()],
  async reset(ctx) {
    await ctx.kubectl(['delete', 'configmap', ANSWERS.name, '-n', ANSWERS.namespace, '--ignore-not-found']);
  },
};
