// The pod-network lab's checks judge the end state on a real kind cluster (the lab changes the
// nodes' own network): flannel installed another way passes, and the shortcuts the exercise
// exists to refuse fail with a reason that points at what is wrong.
import { describe, expect, it } from 'vitest';
import apiVersions from '../../checks/api-versions/index.ts';
import lab from '../../checks/pod-network/index.ts';
import { KindProvider } from '../../src/cluster/kind/index.ts';
import type { CheckResult } from '../../src/engine/run.ts';
import { checkLab, resetLab, startLab } from '../../src/engine/session.ts';
import { eventually } from '../helpers/cluster.ts';
import { kindAvailability, kindName } from '../helpers/kind.ts';
import { labOn, reasonOf, statuses } from '../helpers/methods.ts';

const { real } = kindAvailability('pod-network methods tests');

describe.runIf(real)('pod-network on kind', () => {
  const { target, sh } = labOn(lab, kindName('t-pod-network'), 'kind');
  const check = () => checkLab(lab, 'flannel', target, { timeoutMs: 0 });
  /** Checks again until `done` holds: flannel and the kubelets take some seconds to show a change. */
  const settled = (done: (s: Record<string, string>, results: CheckResult[]) => boolean) =>
    eventually(
      async () => {
        const results = await check();
        return done(statuses(results), results) && results;
      },
      180_000,
      2_000,
    );
  /** flannel's manifest as the control-plane machine keeps it. */
  const manifest = () => sh(new KindProvider().nodes.shell(target.name, 'kub1').run('cat /kind/manifests/kube-flannel.yml'));

  it('upstream’s manifest as it comes (vxlan) makes a network, but not the one asked for; an edited ConfigMap counts once flanneld restarts', async () => {
    await resetLab(lab, 'flannel', target);
    const before = await check();
    expect(statuses(before)).toEqual({ 'nodes-ready': 'fail', 'flannel-everywhere': 'fail', 'host-gw': 'fail', 'pod-to-pod': 'fail' });
    expect(reasonOf(before, 'nodes-ready')).toMatch(/kub1, kub2, kub3: container runtime network not ready/);
    sh(`kubectl apply -f - <<'EOF'\n${manifest()}\nEOF`);
    const vxlan = await settled((s) => s['pod-to-pod'] === 'pass' && s['flannel-everywhere'] === 'pass');
    expect(statuses(vxlan)).toMatchObject({ 'nodes-ready': 'pass', 'host-gw': 'fail' });
    expect(reasonOf(vxlan, 'host-gw')).toMatch(/Backend\.Type is vxlan, not host-gw; kub1: flannel runs the vxlan backend/);
    // What kubectl edit saves: the ConfigMap alone changes, and flannel has not read it yet.
    sh(
      `kubectl -n kube-flannel get configmap kube-flannel-cfg -o json | sed 's/\\\\"Type\\\\": \\\\"vxlan\\\\"/\\\\"Type\\\\": \\\\"host-gw\\\\"/' | kubectl replace -f -`,
    );
    const edited = reasonOf(await check(), 'host-gw');
    expect(edited).toMatch(/kube-flannel-ds-\w+ on kub\d started before its ConfigMap last changed, so it runs what it read then/);
    expect(edited).toMatch(/kub1: flannel runs the vxlan backend/);
    // Writing flannel's annotation by hand changes nothing that runs, and the check still sees it.
    sh('kubectl annotate node --all --overwrite flannel.alpha.coreos.com/backend-type=host-gw');
    expect(reasonOf(await check(), 'host-gw')).toMatch(/started before its ConfigMap last changed/);
    sh(
      'kubectl -n kube-flannel rollout restart daemonset/kube-flannel-ds && kubectl -n kube-flannel rollout status daemonset/kube-flannel-ds --timeout=180s',
    );
    const done = await settled((s) => Object.values(s).every((v) => v === 'pass'));
    expect(reasonOf(done, 'pod-to-pod')).toBe('echo pods on 3 nodes reach each other round the ring');
  }, 600_000);

  it('a server-side apply over another network is refused for its Network', async () => {
    await resetLab(lab, 'flannel', target);
    const other = manifest()
      .replace('"Type": "vxlan"', '"Type": "host-gw"')
      .replace('"Network": "10.244.0.0/16"', '"Network": "10.244.0.0/15"');
    sh(`kubectl apply --server-side -f - <<'EOF'\n${other}\nEOF`);
    const results = await settled((s) => s['flannel-everywhere'] === 'pass');
    expect(reasonOf(results, 'host-gw')).toMatch(
      /kube-flannel\/kube-flannel-cfg: Network is 10\.244\.0\.0\/15, not the cluster's pod network 10\.244\.0\.0\/16/,
    );
  }, 600_000);

  it('bringing back the usual CNI, or moving the echo pods onto the nodes’ network, is no flannel', async () => {
    await resetLab(lab, 'flannel', target);
    sh(`kubectl -n kube-system patch daemonset kubelab-net --type merge -p '{"spec":{"template":{"spec":{"nodeSelector":null}}}}'`);
    sh('kubectl -n pod-network patch daemonset echo --type merge -p \'{"spec":{"template":{"spec":{"hostNetwork":true}}}}\'');
    const results = await settled((s) => s['nodes-ready'] === 'pass');
    expect(statuses(results)).toMatchObject({ 'flannel-everywhere': 'fail', 'host-gw': 'fail' });
    expect(reasonOf(results, 'flannel-everywhere')).toMatch(/no pod runs flanneld$/);
    const echo = await settled((_, r) => /uses the node's own network/.test(reasonOf(r, 'pod-to-pod') ?? ''));
    expect(reasonOf(echo, 'pod-to-pod')).toMatch(/kub\d: echo-\w+ uses the node's own network \(hostNetwork\), not the pod network/);
    // A reset puts the lab's own echo pods back on the pod network, and parks the usual CNI again.
    await resetLab(lab, 'flannel', target);
    sh('test "$(kubectl -n pod-network get daemonset echo -o jsonpath={.spec.template.spec.hostNetwork})" != true');
    expect(reasonOf(await check(), 'nodes-ready')).toMatch(/container runtime network not ready/);
  }, 600_000);

  it('another lab started afterwards gets the usual CNI back, and flannel gone', async () => {
    // startLab waits for every node Ready and every kube-system pod (CoreDNS too) Running.
    await startLab(apiVersions, target);
    expect(sh('kubectl -n kube-system get daemonset kubelab-net -o jsonpath={.spec.template.spec.nodeSelector}')).toBe('');
    expect(sh('kubectl get daemonsets -A -o name')).not.toMatch(/flannel|echo/);
    expect(sh("kubectl get nodes -o jsonpath='{.items[*].metadata.annotations}'")).not.toMatch(/flannel/);
  }, 600_000);
});
