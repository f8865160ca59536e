// Exercise 2: a lifetime policy for certificates. kubeadm reads certificateValidityPeriod from the
// ClusterConfiguration it keeps in the cluster (kube-system/kubeadm-config) whenever it issues or
// renews a certificate, on any control-plane machine: set there, the policy outlives any one
// machine's files. Judged on the stored configuration, whatever wrote it (kubectl edit, patch,
// apply, kubeadm init phase upload-config), provided nothing else in it changed.
import { fail, pass, type CheckContext, type Exercise, type LabContext, type Observation } from '../../src/engine/sdk.ts';
import { baselineOrFix, readBaseline, restoreClusterConfiguration } from './baseline.ts';
import { kubeadmClusterConfiguration } from './cluster.ts';
import { POLICY } from './constants.ts';
import { changedSettings, clusterConfiguration, days, goDuration, POLICY_MS } from './judge.ts';

const where = `kube-system/${POLICY.configMap}`;

/** The policy written into the stored ClusterConfiguration, every other line kept. */
export const SET_POLICY = `kubectl -n kube-system get configmap ${POLICY.configMap} -o yaml | sed 's/^\\( *\\)${POLICY.setting}: .*/\\1${POLICY.setting}: ${POLICY.days * 24}h0m0s/' | kubectl apply -f -`;

async function configurations(
  ctx: CheckContext,
): Promise<{ before: Record<string, unknown>; now?: Record<string, unknown> } | Observation> {
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail(`the ClusterConfiguration the lab started with`, baseline);
  return {
    before: clusterConfiguration(baseline.clusterConfiguration) ?? {},
    now: clusterConfiguration(await kubeadmClusterConfiguration(ctx)),
  };
}

async function checkPolicy(ctx: CheckContext): Promise<Observation> {
  const c = await configurations(ctx);
  if ('pass' in c) return c;
  const wanted = `${POLICY.setting} of ${POLICY.days} days in the ClusterConfiguration of ${where}`;
  if (!c.now) return fail(wanted, `${where} holds no ${POLICY.key} that kubeadm can read`);
  const value = c.now[POLICY.setting];
  const ms = goDuration(value);
  if (ms === undefined)
    return fail(
      wanted,
      value === undefined ? `no ${POLICY.setting}` : `${POLICY.setting}: ${String(value)}, which is not a duration kubeadm reads`,
    );
  return ms === POLICY_MS
    ? pass(`${POLICY.setting}: ${String(value)} (${POLICY.days} days)`)
    : fail(wanted, `${POLICY.setting}: ${String(value)}, ${days(ms)}`);
}

async function checkRestKept(ctx: CheckContext): Promise<Observation> {
  const c = await configurations(ctx);
  if ('pass' in c) return c;
  if (!c.now) return fail('the rest of the ClusterConfiguration as it was', `${where} holds no ${POLICY.key} that kubeadm can read`);
  if (goDuration(c.now[POLICY.setting]) !== POLICY_MS)
    return fail('the rest of the ClusterConfiguration as it was, with the policy set', 'no policy set yet');
  const changed = changedSettings(c.before, c.now);
  return changed.length
    ? fail('only the policy changed', `${changed.join(', ')} changed too: kubeadm uses them for upgrades and new control-plane machines`)
    : pass('every other setting as the cluster was made');
}

export const policy: Exercise = {
  id: 'policy',
  title: 'A 90-day lifetime for every certificate kubeadm issues',
  task: `The cluster's certificates should live ${POLICY.days} days, not kubeadm's 365. Set that where every kubeadm command on any control-plane machine will read it, changing nothing else. (Renewing comes next.)`,
  checks: [
    {
      id: 'policy-set',
      title: `${POLICY.setting} says ${POLICY.days} days`,
      points: 2,
      hint: 'kubeadm certs check-expiration says where it reads its configuration from; kubeadm’s configuration reference (v1beta4) lists the ClusterConfiguration fields about validity, written as Go durations in hours',
      run: checkPolicy,
    },
    {
      id: 'rest-kept',
      title: 'Nothing else in the ClusterConfiguration changed',
      points: 1,
      hint: 'edit the stored configuration in place (kubectl edit keeps the rest) rather than writing a new one from scratch',
      run: checkRestKept,
    },
  ],
  solution: () => [SET_POLICY],
  async reset(ctx: LabContext) {
    const baseline = await readBaseline(ctx);
    if (baseline) await restoreClusterConfiguration(ctx, baseline);
  },
};
