// The kube-system tour's checks judge the outcome, whatever the method, on a real local cluster:
// per exercise, another valid way of getting there passes, and the shortcuts the exercise exists to
// refuse fail with a pointer that does not give the answer away.
import { describe, expect, it } from 'vitest';
import lab from '../../checks/kube-system-tour/index.ts';
import { WORKLOAD_IMAGE } from '../../src/cluster/workload.ts';
import { checkLab, resetLab, solveLab } from '../../src/engine/session.ts';
import { labOnLocal, reasonOf, statuses } from '../helpers/methods.ts';

const { target, sh } = labOnLocal(lab, 't-kube-system-tour-methods');
const check = (exercise: string, timeoutMs = 0) => checkLab(lab, exercise, target, { timeoutMs });

describe('inventory', () => {
  it('passes answers in a person’s spellings, corrected with kubectl edit’s merge patch', async () => {
    await resetLab(lab, 'inventory', target);
    sh(
      'kubectl create configmap kube-system-tour-answers -n kubelab --from-literal=etcd="Static Pod" --from-literal=CoreDNS=ReplicaSet --from-literal=kube-proxy=DS',
    );
    const before = await check('inventory');
    expect(statuses(before)).toEqual({ 'control-plane': 'fail', addons: 'fail' });
    // On the local provider the control plane runs as processes; a ReplicaSet is not what made it.
    expect(reasonOf(before, 'control-plane')).toMatch(/not how it runs on this cluster/);
    expect(reasonOf(before, 'addons')).toMatch(/what made the ReplicaSet/);
    const data = {
      etcd: 'no pod',
      'kube-apiserver': 'Process',
      'kube-controller-manager': 'process',
      'kube-scheduler': 'none',
      CoreDNS: 'Deployment',
    };
    sh(`kubectl patch configmap kube-system-tour-answers -n kubelab --type merge -p '${JSON.stringify({ data })}'`);
    expect(statuses(await check('inventory'))).toEqual({ 'control-plane': 'pass', addons: 'pass' });
  });

  it('fails the same word for everything without saying which are wrong', async () => {
    await resetLab(lab, 'inventory', target);
    const every = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'coredns', 'kube-proxy'];
    sh(`kubectl create configmap kube-system-tour-answers -n kubelab ${every.map((c) => `--from-literal=${c}=daemonset`).join(' ')}`);
    const results = await check('inventory');
    expect(statuses(results)).toEqual({ 'control-plane': 'fail', addons: 'fail' });
    expect(reasonOf(results, 'control-plane')).toMatch(/; found 4 of 4 are not how they run on this cluster$/);
    expect(reasonOf(results, 'addons')).toMatch(/; found 1 of 2 is not how it runs on this cluster$/);
  });
});

describe('node-agent', () => {
  const manifest = (extra: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
${extra}
      containers:
      - {name: agent, image: ${WORKLOAD_IMAGE}, args: [pause]}
`;

  it('names the control plane’s taint when the DaemonSet does not tolerate it, and the missing priority', async () => {
    await resetLab(lab, 'node-agent', target);
    sh(`kubectl create -f - <<'EOF'\n${manifest('      priorityClassName: system-cluster-critical')}EOF`);
    const results = await check('node-agent');
    expect(statuses(results)).toEqual({ 'on-every-node': 'fail', 'node-critical': 'fail' });
    expect(reasonOf(results, 'on-every-node')).toMatch(/kub1: taint node-role.kubernetes.io\/control-plane:NoSchedule keeps its pod off/);
    expect(reasonOf(results, 'node-critical')).toMatch(/; found priorityClassName system-cluster-critical$/);
  });

  it('passes a server-side apply that tolerates every taint, as kube-proxy does', async () => {
    await resetLab(lab, 'node-agent', target);
    const spec = '      priorityClassName: system-node-critical\n      tolerations: [{operator: Exists}]';
    sh(`kubectl apply --server-side -f - <<'EOF'\n${manifest(spec)}EOF`);
    expect(statuses(await check('node-agent', 60_000))).toEqual({ 'on-every-node': 'pass', 'node-critical': 'pass' });
  });
});

describe('dns-outage', () => {
  it('refuses a stand-in pod that only carries CoreDNS’s label, and a Service pointed elsewhere', async () => {
    await resetLab(lab, 'dns-outage', target);
    sh(`kubectl -n kube-system run fake-dns --image=${WORKLOAD_IMAGE} --labels=k8s-app=kube-dns -- pause`);
    sh('kubectl -n kube-system wait --for=condition=Ready pod/fake-dns --timeout=60s');
    let results = await check('dns-outage', 5_000);
    expect(statuses(results)).toEqual({ 'dns-answers': 'fail', 'two-replicas': 'fail' });
    expect(reasonOf(results, 'dns-answers')).toMatch(/is pod fake-dns, which Deployment kube-system\/coredns did not make/);
    sh('kubectl -n kube-system delete pod fake-dns --now');

    sh(`kubectl -n kube-system patch service kube-dns --type merge -p '{"spec":{"selector":{"k8s-app":"something-else"}}}'`);
    results = await check('dns-outage');
    expect(reasonOf(results, 'dns-answers')).toMatch(/its selector is now/);
    sh(`kubectl -n kube-system patch service kube-dns --type merge -p '{"spec":{"selector":{"k8s-app":"kube-dns"}}}'`);
  });

  it('counts one replica as half done, and passes CoreDNS made anew by kubeadm init phase addon coredns', async () => {
    await resetLab(lab, 'dns-outage', target);
    sh('kubectl -n kube-system scale deployment coredns --replicas=1');
    const half = await check('dns-outage', 5_000);
    expect(statuses(half)).toEqual({ 'dns-answers': 'pass', 'two-replicas': 'fail' });
    // kubeadm keeps the replica count of a Deployment it finds, so it is deleted first.
    sh('kubectl -n kube-system delete deployment coredns --wait=true');
    sh('kubeadm init phase addon coredns --config "$(dirname "$KUBECONFIG")/kubeadm.yaml" --kubeconfig "$KUBECONFIG"');
    expect(statuses(await check('dns-outage', 60_000))).toEqual({ 'dns-answers': 'pass', 'two-replicas': 'pass' });
  });
});

describe('restore-kube-proxy', () => {
  const deleteProxy =
    'kubectl -n kube-system delete daemonset kube-proxy --wait=true && kubectl -n kube-system delete configmap kube-proxy';

  it('refuses a copy put back with kubectl, though it is identical', async () => {
    await resetLab(lab, 'restore-kube-proxy', target);
    const saved = sh('kubectl -n kube-system get daemonset/kube-proxy configmap/kube-proxy -o yaml');
    sh(deleteProxy);
    sh(`kubectl create -f - <<'EOF'\n${saved}\nEOF`);
    const results = await check('restore-kube-proxy');
    expect(statuses(results)['restored-by-kubeadm']).toBe('fail');
    expect(reasonOf(results, 'restored-by-kubeadm')).toMatch(/was written by kubectl-create, not by kubeadm/);
  });

  it('names the settings kubeadm got wrong without the cluster’s configuration, then passes once they are fixed', async () => {
    await resetLab(lab, 'restore-kube-proxy', target);
    sh(deleteProxy);
    sh('kubeadm init phase addon kube-proxy --kubeconfig "$KUBECONFIG" --kubernetes-version "$(kubeadm version -o short)"');
    const results = await check('restore-kube-proxy', 10_000);
    expect(statuses(results)).toEqual({ 'restored-by-kubeadm': 'pass', 'cluster-settings': 'fail', 'proxies-ready': 'pass' });
    expect(reasonOf(results, 'cluster-settings')).toMatch(/config.conf: clusterCIDR: "" \(the cluster's is "10.244.0.0\/16"\)/);
    expect(reasonOf(results, 'cluster-settings')).toMatch(/kubeconfig.conf: clusters.0.cluster.server/);
    // Run again with the configuration init ran with: kubeadm updates what it made, in place.
    sh('kubeadm init phase addon kube-proxy --config "$(dirname "$KUBECONFIG")/kubeadm.yaml" --kubeconfig "$KUBECONFIG"');
    const fixed = await check('restore-kube-proxy', 30_000);
    expect(fixed.filter((r) => r.status !== 'pass').map((r) => `${r.check}: ${r.reason}`)).toEqual([]);
  });

  it('a reset puts kube-proxy back as the lab recorded it, and the checks fail again', async () => {
    await solveLab(lab, 'restore-kube-proxy', target);
    await resetLab(lab, 'restore-kube-proxy', target);
    const results = await check('restore-kube-proxy');
    expect(statuses(results)).toEqual({ 'restored-by-kubeadm': 'fail', 'cluster-settings': 'fail', 'proxies-ready': 'fail' });
    expect(sh('kubectl -n kube-system get daemonset kube-proxy -o name').trim()).toBe('daemonset.apps/kube-proxy');
  });
});
