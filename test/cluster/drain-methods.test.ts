// The drain lab judges outcomes, by any valid method: on a real local cluster, for each exercise,
// another way than the reference solution passes, and a shortcut that skips what the exercise
// is about fails. Commands run as a learner types them, in bash with the pinned tools.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import drain from '../../checks/drain/index.ts';
import { DEPLOYMENT, NAMESPACE, NODE, RECORD, REPLICAS, TOOLBOX } from '../../checks/drain/constants.ts';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { LocalProvider } from '../../src/cluster/local/index.ts';
import { WORKLOAD_IMAGE } from '../../src/cluster/workload.ts';
import { adminContext } from '../../src/engine/context.ts';
import { checkLab, resetLab, startLab } from '../../src/engine/session.ts';
import { resolveTarget } from '../../src/target.ts';
import { silentProgress } from '../../src/progress.ts';
import { isolateState, kubelab } from '../helpers/cluster.ts';
import { expectFailing, expectPassing } from '../helpers/labs.ts';

isolateState();
const NAME = 't-drain-methods';
const target = { name: NAME, provider: 'local' };
const provider = new LocalProvider({ timeoutMs: 180_000 });
let env: NodeJS.ProcessEnv = {};

/** A learner's shell line; returns its exit status and what it printed. */
function sh(command: string): { status: number; out: string } {
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', command], { encoding: 'utf8', env, timeout: 300_000 });
  return { status: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
}
function ok(command: string): string {
  const { status, out } = sh(command);
  expect(status, `${command}\n${out}`).toBe(0);
  return out;
}

const check = (exercise: string) => checkLab(drain, exercise, target, { timeoutMs: 5_000 });
const result = async (exercise: string, id: string) =>
  (await checkLab(drain, exercise, target, { timeoutMs: 0 })).find((r) => r.check === id)!;
const reset = () => resetLab(drain, undefined, target);

/** Evicts every pod on the node but DaemonSet pods through the Eviction API, one at a time, retrying while the budget refuses. */
const EVICT_ONE_BY_ONE = `
for pod in $(kubectl get pods -A --field-selector spec.nodeName=${NODE} -o jsonpath='{range .items[?(@.metadata.ownerReferences[0].kind!="DaemonSet")]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'); do
  ns=\${pod%/*}; name=\${pod#*/}
  until echo "{\\"apiVersion\\":\\"policy/v1\\",\\"kind\\":\\"Eviction\\",\\"metadata\\":{\\"name\\":\\"$name\\",\\"namespace\\":\\"$ns\\"}}" |
        kubectl create --raw "/api/v1/namespaces/$ns/pods/$name/eviction" -f - >/dev/null; do sleep 1; done
done
until [ -z "$(kubectl get pods -A --field-selector spec.nodeName=${NODE} -o jsonpath='{range .items[?(@.metadata.ownerReferences[0].kind!="DaemonSet")]}{.metadata.name}{end}')" ]; do sleep 1; done`;

const SPARE = `kubectl scale deployment ${DEPLOYMENT} -n ${NAMESPACE} --replicas=${REPLICAS + 1} && kubectl rollout status deployment ${DEPLOYMENT} -n ${NAMESPACE} --timeout=180s`;
const DRAIN = `kubectl drain ${NODE} --ignore-daemonsets --delete-emptydir-data --force --timeout=300s`;

beforeAll(async () => {
  const binaries = await ensureBinaries();
  await startLab(drain, target);
  const access = provider.access(NAME);
  env = { ...process.env, KUBECONFIG: access.kubeconfig, KUBELAB_CLUSTER: NAME, PATH: `${binaries.dir}:${process.env.PATH}` };
});

afterAll(async () => {
  await provider.remove(NAME, silentProgress);
});

describe('drain-node', () => {
  it('kubectl drain is refused with 429 while the budget allows no eviction', () => {
    const refused = sh(`kubectl drain ${NODE} --ignore-daemonsets --delete-emptydir-data --force --timeout=15s`);
    expect(refused.status).not.toBe(0);
    expect(refused.out).toContain("Cannot evict pod as it would violate the pod's disruption budget");
    expect(refused.out).toContain('will retry after 5s');
  });

  it('passes with a spare replica and the pods evicted one by one through the Eviction API', async () => {
    ok(SPARE);
    ok(EVICT_ONE_BY_ONE);
    expectPassing(await check('drain-node'), 'evicted by hand through the Eviction API');
  });

  it('fails when drain deletes instead of evicting (--disable-eviction)', async () => {
    await reset();
    ok(SPARE);
    ok(`${DRAIN} --disable-eviction`);
    const results = await check('drain-node');
    expectFailing(results, '--disable-eviction');
    expect(results.find((r) => r.check === 'evicted')?.reason).toMatch(/was deleted without an eviction/);
  });

  it('fails when the budget is lowered to let the drain through', async () => {
    await reset();
    ok(`kubectl patch pdb ${DEPLOYMENT} -n ${NAMESPACE} --type=merge -p '{"spec":{"minAvailable":${REPLICAS - 1}}}'`);
    ok(DRAIN);
    const kept = await result('drain-node', 'kept-serving');
    expect(kept.status, kept.reason).toBe('fail');
    expect(kept.reason).toMatch(/found 5 available at/);
  });
});

describe('restore-toolbox', () => {
  it('fails when the toolbox was deleted by hand and run again, without a drain', async () => {
    await reset();
    ok(`kubectl delete pod ${TOOLBOX} -n ${NAMESPACE} && kubectl run ${TOOLBOX} -n ${NAMESPACE} --image=${WORKLOAD_IMAGE} -- pause`);
    const recreated = await result('restore-toolbox', 'recreated');
    expect(recreated.status).toBe('fail');
    expect(recreated.reason).toMatch(/was deleted without an eviction/);
  });

  it('fails when the new toolbox is pinned to the cordoned node', async () => {
    await reset();
    ok(`${SPARE} && ${DRAIN}`);
    ok(`kubectl run ${TOOLBOX} -n ${NAMESPACE} --image=${WORKLOAD_IMAGE} --overrides='{"spec":{"nodeName":"${NODE}"}}' -- pause`);
    const placed = await result('restore-toolbox', 'placed');
    expect(placed.status).toBe('fail');
    expect(placed.reason).toMatch(/which is cordoned/);
  });

  it('passes with the toolbox run by a Deployment instead of a bare pod', async () => {
    ok(`kubectl delete pod ${TOOLBOX} -n ${NAMESPACE} --wait=true`);
    ok(`kubectl create deployment ${TOOLBOX} -n ${NAMESPACE} --image=${WORKLOAD_IMAGE} -- /agnhost pause`);
    ok(`kubectl rollout status deployment ${TOOLBOX} -n ${NAMESPACE} --timeout=180s`);
    expectPassing(await check('restore-toolbox'), 'a Deployment toolbox');
  });
});

describe('rebuild-node', () => {
  it('fails when kubelab node rebuild brings the node back', async () => {
    await reset();
    ok(`${SPARE} && ${DRAIN} && kubectl delete node ${NODE}`);
    const rebuilt = kubelab(['node', 'rebuild', NODE, '--name', NAME]);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    const rejoined = await result('rebuild-node', 'rejoined');
    expect(rejoined.status).toBe('fail');
    // The Node kubelab made carries its mark, so the check names the shortcut rather than a missing CSR.
    expect(rejoined.reason).toMatch(/kubelab brought kub2 back \(kubelab node rebuild\), not a join of yours/);
  });

  it('passes with a token made by kubeadm token create and a CA hash computed with openssl', async () => {
    ok(`kubectl delete node ${NODE}`);
    const token = ok('kubeadm token create --ttl 30m --description "rebuild of kub2" --kubeconfig "$KUBECONFIG"').trim();
    const hash = ok(
      `kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d | openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1`,
    ).trim();
    const joined = kubelab([
      'node',
      'join',
      '--token',
      token,
      '--discovery-token-ca-cert-hash',
      `sha256:${hash}`,
      '--node-name',
      NODE,
      '--name',
      NAME,
    ]);
    expect(joined.status, joined.stderr).toBe(0);
    expectPassing(await check('rebuild-node'), 'joined with a token of its own');
  });
});

describe('teardown', () => {
  it('leaves the cluster ready for another lab, even with kub2 deleted and the others cordoned', async () => {
    ok(`kubectl cordon ${NODE} kub3 && kubectl delete node ${NODE}`);
    await drain.teardown!(await adminContext(resolveTarget(target, 'write')));
    expect(sh(`kubectl get namespace ${NAMESPACE}`).status).not.toBe(0);
    expect(sh(`kubectl get configmap ${RECORD.name} -n ${RECORD.namespace}`).status).not.toBe(0);
    expect(ok(`kubectl get nodes -o jsonpath='{.items[*].spec.unschedulable}'`).trim()).toBe('');
    expect(ok(`kubectl get node ${NODE} -o name`).trim()).toBe(`node/${NODE}`);
  });
});
