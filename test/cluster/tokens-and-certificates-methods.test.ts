// The tokens-and-certificates lab's checks judge the outcome, whatever the method, on a real kind
// cluster (the lab needs static pods): per exercise, other valid ways pass, and the shortcuts the
// exercise exists to refuse fail with a reason that points at what is wrong.
import { describe, expect, it } from 'vitest';
import lab from '../../checks/tokens-and-certificates/index.ts';
import { KindProvider } from '../../src/cluster/kind/index.ts';
import { checkLab, resetLab, solveLab } from '../../src/engine/session.ts';
import { kindAvailability, kindName } from '../helpers/kind.ts';
import { eventually } from '../helpers/cluster.ts';
import { labOn, reasonOf, statuses } from '../helpers/methods.ts';

const { real } = kindAvailability('tokens-and-certificates methods tests');

describe.runIf(real)('tokens-and-certificates on kind', () => {
  const { target, sh } = labOn(lab, kindName('t-tokens-certs'), 'kind');
  const check = (exercise: string, timeoutMs = 0) => checkLab(lab, exercise, target, { timeoutMs });
  /** A command on the control-plane machine, as over ssh. */
  const onKub1 = (command: string) => sh(new KindProvider().nodes.shell(target.name, 'kub1').run(command));

  it('tokens: kubectl and a YAML Secret pass; a kubeadm-made token and deleting every token fail', async () => {
    await resetLab(lab, 'tokens', target);
    onKub1('kubeadm token create --ttl 45m --description "rack 2"');
    expect(reasonOf(await check('tokens'), 'discovery-token')).toMatch(/may also authenticate/);

    const planted = onKub1(`kubeadm token list | awk '$2 == "<forever>" {print $1}'`).trim().split('.')[0];
    sh(`kubectl -n kube-system delete secret bootstrap-token-${planted}`);
    sh(`cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Secret
type: bootstrap.kubernetes.io/token
metadata: {name: bootstrap-token-d15c00, namespace: kube-system}
stringData:
  token-id: d15c00
  token-secret: 0123456789abcdef
  usage-bootstrap-signing: "true"
  expiration: $(date -u -d '+30 min' +%Y-%m-%dT%H:%M:%SZ)
  description: discovery for rack 2
EOF`);
    expect(statuses(await check('tokens', 10_000))).toEqual({ 'no-forever': 'pass', 'discovery-token': 'pass', signed: 'pass' });

    sh('kubectl -n kube-system delete secret --field-selector type=bootstrap.kubernetes.io/token');
    expect(reasonOf(await check('tokens'), 'no-forever')).toMatch(/deleted too$/);
    // The deleted tokens cannot come back; after a reset the exercise can be passed again all the same.
    await resetLab(lab, 'tokens', target);
    await solveLab(lab, 'tokens', target);
    expect(statuses(await check('tokens', 10_000))).toEqual({ 'no-forever': 'pass', 'discovery-token': 'pass', signed: 'pass' });
  });

  it('policy: kubectl edit passes in another spelling; a fresh configuration uploaded with kubeadm fails', async () => {
    await resetLab(lab, 'policy', target);
    sh(
      `KUBE_EDITOR="sed -i 's/^\\( *\\)certificateValidityPeriod: .*/\\1certificateValidityPeriod: 129600m/'" kubectl -n kube-system edit configmap kubeadm-config`,
    );
    expect(statuses(await check('policy'))).toEqual({ 'policy-set': 'pass', 'rest-kept': 'pass' });

    await resetLab(lab, 'policy', target);
    onKub1(
      `printf 'apiVersion: kubeadm.k8s.io/v1beta4\\nkind: ClusterConfiguration\\ncertificateValidityPeriod: 2160h\\n' > /root/fresh.yaml && kubeadm init phase upload-config kubeadm --config /root/fresh.yaml`,
    );
    const results = await check('policy');
    expect(statuses(results)).toEqual({ 'policy-set': 'pass', 'rest-kept': 'fail' });
    expect(reasonOf(results, 'rest-kept')).toMatch(/networking/);
  });

  it('renew: a renewal before the policy fails on its lifetime; renewing only the API server leaves etcd', async () => {
    await resetLab(lab, 'policy', target);
    await resetLab(lab, 'renew', target);
    onKub1('kubeadm certs renew all');
    // The servers load renewed files within seconds; wait for that rather than for every check's timeout.
    const early = await eventually(async () => {
      const results = await check('renew');
      return /365 days/.test(reasonOf(results, 'etcd')) && /365 days/.test(reasonOf(results, 'apiserver')) && results;
    });
    expect(reasonOf(early, 'apiserver')).toMatch(/valid for 365 days/);
    expect(reasonOf(early, 'etcd')).toMatch(/valid for 365 days/);

    await solveLab(lab, 'policy', target);
    await resetLab(lab, 'renew', target);
    onKub1('kubeadm certs renew apiserver');
    const one = await eventually(async () => {
      const results = await check('renew');
      return statuses(results).apiserver === 'pass' && results;
    });
    expect(statuses(one)).toEqual({ apiserver: 'pass', etcd: 'fail', restarted: 'fail' });
  });

  it('renew: deleting the mirror pods restarts nothing; moving the manifests out and back does', async () => {
    await solveLab(lab, 'policy', target);
    await resetLab(lab, 'renew', target);
    onKub1('kubeadm certs renew all');
    sh('kubectl -n kube-system delete pod -l tier=control-plane --wait=true');
    await eventually(async () => sh('kubectl -n kube-system get pods -l tier=control-plane -o name').trim().split('\n').length === 4);
    const deleted = await check('renew', 15_000);
    expect(statuses(deleted)).toEqual({ apiserver: 'pass', etcd: 'pass', restarted: 'fail' });
    expect(reasonOf(deleted, 'restarted')).toMatch(/has run since .*, before the renewal at/);

    onKub1(
      'mkdir -p /root/away && mv /etc/kubernetes/manifests/*.yaml /root/away/ && sleep 25 && mv /root/away/*.yaml /etc/kubernetes/manifests/',
    );
    // The API server is away while its manifest is: wait until the checks can reach it again.
    const back = await eventually(
      async () => {
        const results = await check('renew', 0);
        return statuses(results).restarted === 'pass' && results;
      },
      150_000,
      2_000,
    );
    expect(statuses(back)).toEqual({ apiserver: 'pass', etcd: 'pass', restarted: 'pass' });
  });
});
