// The kubeadm-init checks judge the outcome, not the method: per exercise, on a real local
// cluster, one valid way that the reference solution does not take passes, and one shortcut
// that does not reach the asked end state fails (the named checks fail, none errors).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import lab from '../../checks/kubeadm-init/index.ts';
import type { CheckResult } from '../../src/engine/run.ts';
import { checkLab, resetLab, startLab } from '../../src/engine/session.ts';
import { runCommands } from '../../src/engine/solution.ts';
import { resolveTarget } from '../../src/target.ts';
import { isolateState, kubelab } from '../helpers/cluster.ts';
import { expectPassing } from '../helpers/labs.ts';

isolateState();
const target = { name: 't-kubeadm-init-methods', provider: 'local' };

/** Runs shell commands as the learner's shell would (KUBECONFIG, the pinned kubectl and kubeadm, kubelab). */
async function sh(...commands: string[]): Promise<void> {
  await runCommands(commands, resolveTarget(target, 'write'), () => {});
}

const check = (exercise: string, timeoutMs: number) => checkLab(lab, exercise, target, { timeoutMs });

/** The named checks failed (as a judgement, not an error) and no other check errored. */
function expectFailed(results: CheckResult[], failing: string[]): void {
  const seen = results.map((r) => `${r.check}: ${r.status} — ${r.reason}`).join('\n');
  expect(
    results.filter((r) => r.status === 'error'),
    seen,
  ).toEqual([]);
  for (const id of failing) expect(results.find((r) => r.check === id)?.status, seen).toBe('fail');
}

/** A scratch directory for commands that write files. */
const scratch = 'cd "$(mktemp -d)"';
const CLUSTER_KUBEADM = '--config "$(dirname "$KUBECONFIG")/kubeadm.yaml"';
const CA_HASH_HEX =
  'openssl x509 -pubkey -noout -in "$(dirname "$KUBECONFIG")/pki/ca.crt" | openssl pkey -pubin -outform der | sha256sum | cut -d" " -f1';

beforeAll(async () => {
  await startLab(lab, target);
});

afterAll(() => {
  kubelab(['delete', '--name', target.name]);
});

describe('kubeadm-init accepts other valid methods and refuses shortcuts', () => {
  it('init-config: a hand-written file, cluster settings first, server-side applied under another key, passes', async () => {
    await resetLab(lab, 'init-config', target);
    await sh(`kubectl apply --server-side -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: kubeadm-init-config, namespace: kubelab}
data:
  init.yaml: |
    apiVersion: kubeadm.k8s.io/v1beta4
    kind: ClusterConfiguration
    kubernetesVersion: v1.36.3
    networking: {serviceSubnet: 10.10.0.0/16, podSubnet: 10.244.0.0/16}
    ---
    apiVersion: kubeadm.k8s.io/v1beta4
    kind: InitConfiguration
    nodeRegistration: {name: kub1}
    localAPIEndpoint: {advertiseAddress: 10.10.10.101}
EOF`);
    expectPassing(await check('init-config', 0), 'init-config by server-side apply');
  });

  it('init-config: a copy of kube-system/kubeadm-config has no machine settings, and fails', async () => {
    await resetLab(lab, 'init-config', target);
    await sh(`${scratch} &&
kubectl -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' > kubeadm.yaml &&
kubectl create configmap kubeadm-init-config -n kubelab --from-file=kubeadm.yaml`);
    expectFailed(await check('init-config', 0), ['node-settings']);
  });

  it('certificates: flags instead of a config file, recorded with create and then patched, pass', async () => {
    await resetLab(lab, 'certificates', target);
    await sh(`${scratch} &&
kubeadm init phase certs all --cert-dir "$PWD/pki" --kubernetes-version v1.36.3 \\
  --apiserver-advertise-address 10.10.10.101 --service-cidr 10.10.0.0/16 \\
  --apiserver-cert-extra-sans kub1,k8s-api.example.net,10.10.10.100 &&
kubectl create configmap kubeadm-init-certs -n kubelab --from-file=pki/apiserver.crt --from-file=pki/ca.crt --from-literal=cas=ca &&
kubectl patch configmap kubeadm-init-certs -n kubelab --type merge -p '{"data":{"cas":"ca, etcd/ca, front-proxy-ca"}}'`);
    expectPassing(await check('certificates', 0), 'certificates by flags');
  });

  it('certificates: the running cluster’s own PKI is not one you generated, and fails', async () => {
    await resetLab(lab, 'certificates', target);
    await sh(`PKI="$(dirname "$KUBECONFIG")/pki" &&
kubectl create configmap kubeadm-init-certs -n kubelab --from-file="$PKI/apiserver.crt" --from-file="$PKI/ca.crt" --from-literal=cas="kubernetes etcd-ca front-proxy-ca"`);
    expectFailed(await check('certificates', 0), ['own-pki', 'load-balancer-sans']);
  });

  it('renew-certificate: a regenerated certificate from the same configuration passes', async () => {
    await resetLab(lab, 'renew-certificate', target);
    await sh(`PKI="$(dirname "$KUBECONFIG")/pki" && OLD="$(mktemp -d)" &&
mv "$PKI/apiserver.crt" "$PKI/apiserver.key" "$OLD/" &&
kubeadm init phase certs apiserver ${CLUSTER_KUBEADM}`);
    expectPassing(await check('renew-certificate', 60_000), 'renew-certificate by regeneration');
  });

  it('renew-certificate: renewing another certificate leaves the served one as it was, and fails', async () => {
    await resetLab(lab, 'renew-certificate', target);
    await sh(`kubeadm certs renew apiserver-kubelet-client ${CLUSTER_KUBEADM}`);
    // Long enough for a renewed serving certificate to be picked up, were there one.
    expectFailed(await check('renew-certificate', 10_000), ['renewed', 'names-kept']);
  });

  it('cluster-info: the hash of the PKI’s ca.crt in capitals, an answer corrected with patch, passes', async () => {
    await resetLab(lab, 'cluster-info', target);
    await sh(`SERVER=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}') &&
HASH=$(${CA_HASH_HEX} | tr a-f A-F) &&
kubectl create configmap kubeadm-init-discovery -n kubelab --from-literal=cluster-info-status=200 \\
  --from-literal=kubeadm-config-status=401 --from-literal=ca-cert-hash="sha256:$HASH" &&
CODE=$(curl -sk -o /dev/null -w '%{http_code}' "$SERVER/api/v1/namespaces/kube-system/configmaps/kubeadm-config") &&
kubectl patch configmap kubeadm-init-discovery -n kubelab --type merge -p "{\\"data\\":{\\"kubeadm-config-status\\":\\"$CODE\\"}}"`);
    expectPassing(await check('cluster-info', 0), 'cluster-info corrected by patch');
  });

  it('cluster-info: the hash of the whole certificate is not the pin, and fails', async () => {
    await resetLab(lab, 'cluster-info', target);
    await sh(`HASH=$(openssl x509 -in "$(dirname "$KUBECONFIG")/pki/ca.crt" -outform der | sha256sum | cut -d' ' -f1) &&
kubectl create configmap kubeadm-init-discovery -n kubelab --from-literal=cluster-info-status=200 \\
  --from-literal=kubeadm-config-status=403 --from-literal=ca-cert-hash="sha256:$HASH"`);
    expectFailed(await check('cluster-info', 0), ['ca-cert-hash']);
  });

  it('bootstrap-token: a token Secret written by hand passes', async () => {
    await resetLab(lab, 'bootstrap-token', target);
    await sh(`kubectl apply -f - <<EOF
apiVersion: v1
kind: Secret
metadata: {name: bootstrap-token-hand01, namespace: kube-system}
type: bootstrap.kubernetes.io/token
stringData:
  token-id: hand01
  token-secret: 0123456789abcdef
  description: join kub4
  expiration: $(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
  usage-bootstrap-authentication: "true"
  usage-bootstrap-signing: "true"
  auth-extra-groups: system:bootstrappers:kubeadm:default-node-token
EOF`);
    expectPassing(await check('bootstrap-token', 30_000), 'bootstrap-token as a Secret');
  });

  it('bootstrap-token: kubeadm’s default lifetime is not the asked one, and fails', async () => {
    await resetLab(lab, 'bootstrap-token', target);
    await sh('kubeadm token create --description "join kub4" --kubeconfig "$KUBECONFIG"');
    expectFailed(await check('bootstrap-token', 0), ['token-ttl']);
  });

  it('join-worker: a token of one’s own chosen value, deleted with kubectl, passes, and the token exercise still passes', async () => {
    await resetLab(lab, 'join-worker', target);
    await resetLab(lab, 'bootstrap-token', target);
    await sh(`TOKEN=$(kubeadm token generate) &&
kubeadm token create "$TOKEN" --ttl 2h --description "join kub4" --kubeconfig "$KUBECONFIG" &&
kubelab node join --token "$TOKEN" --discovery-token-ca-cert-hash "sha256:$(${CA_HASH_HEX})" --node-name kub4 &&
kubectl -n kube-system delete secret "bootstrap-token-\${TOKEN%%.*}"`);
    expectPassing(await check('join-worker', 30_000), 'join-worker with kubectl delete');
    // The token is gone; what kub4's request names is all that is left to judge it by.
    expectPassing(await check('bootstrap-token', 0), 'bootstrap-token after its token joined kub4 and was deleted');
  });

  it('join-worker: a Node registered by hand has no certificate request behind it, and fails', async () => {
    await resetLab(lab, 'join-worker', target);
    await sh(`kubectl create -f - <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: kub4
  annotations: {kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: kub4, type: kwok}
EOF`);
    expectFailed(await check('join-worker', 5_000), ['csr-approved', 'token-deleted']);
  });

  it('join-worker: joining with the token the cluster started with fails', async () => {
    await resetLab(lab, 'join-worker', target);
    await sh(`TOKEN=$(kubeadm token list --kubeconfig "$KUBECONFIG" -o jsonpath='{.token}{"\\n"}' | head -1) &&
kubelab node join --token "$TOKEN" --discovery-token-ca-cert-hash "sha256:$(${CA_HASH_HEX})" --node-name kub4`);
    expectFailed(await check('join-worker', 5_000), ['csr-approved']);
    await resetLab(lab, 'join-worker', target);
  });
});
