// The api-versions checks judge the outcome, whatever the method, on a real local cluster: per
// exercise, one other valid way of getting there passes, and one shortcut fails with a pointer that
// does not give the answer away.
import { describe, expect, it } from 'vitest';
import { retiredOf } from '../../checks/api-versions/answers.ts';
import { NOTES_API_VERSIONS } from '../../checks/api-versions/constants.ts';
import lab from '../../checks/api-versions/index.ts';
import { migratedManifest } from '../../checks/api-versions/manifests.ts';
import { WORKLOAD_IMAGE } from '../../src/cluster/workload.ts';
import { checkLab, resetLab } from '../../src/engine/session.ts';
import { labOnLocal, reasonOf, statuses } from '../helpers/methods.ts';

const { target, sh } = labOnLocal(lab, 't-api-versions-methods');

describe('retired-versions', () => {
  const served = () => new Set(sh('kubectl api-versions').split('\n').filter(Boolean));

  it('passes an answer first recorded wrong, then corrected with kubectl patch, in a person’s spellings', async () => {
    await resetLab(lab, 'retired-versions', target);
    sh(
      `kubectl create configmap api-versions-answers -n kubelab --from-literal=retired="extensions/v1beta1" --from-literal=required=replicas`,
    );
    const before = await checkLab(lab, 'retired-versions', target, { timeoutMs: 0 });
    expect(statuses(before)).toEqual({ retired: 'fail', 'current-versions': 'fail', 'required-fields': 'fail' });

    const retired = retiredOf(NOTES_API_VERSIONS, served());
    const data = {
      retired: retired.join(', '),
      deployments: 'apps/v1',
      ingress: 'networking.k8s.io/v1',
      PodDisruptionBudget: 'policy/v1',
      cronjob: 'batch/v1',
      clusterrolebindings: 'rbac.authorization.k8s.io/v1',
      required: 'spec.template, spec.selector',
    };
    sh(`kubectl patch configmap api-versions-answers -n kubelab --type merge -p '${JSON.stringify({ data })}'`);
    const after = await checkLab(lab, 'retired-versions', target, { timeoutMs: 0 });
    expect(after.map((r) => `${r.check}: ${r.status} ${r.reason}`).filter((r) => !r.includes(': pass'))).toEqual([]);
  });

  it('fails a pasted list and guessed versions, without naming the right ones', async () => {
    await resetLab(lab, 'retired-versions', target);
    const everything = [...served()].join(' ');
    sh(
      `kubectl create configmap api-versions-answers -n kubelab --from-literal=retired="${everything}" --from-literal=Deployment=extensions/v1beta1 --from-literal=Ingress=apps/v1 --from-literal=required="selector template replicas" --dry-run=client -o yaml | kubectl apply -f -`,
    );
    const results = await checkLab(lab, 'retired-versions', target, { timeoutMs: 0 });
    expect(statuses(results)).toEqual({ retired: 'fail', 'current-versions': 'fail', 'required-fields': 'fail' });
    expect(reasonOf(results, 'retired')).toMatch(/is still served/);
    expect(reasonOf(results, 'current-versions')).toContain('Deployment: "extensions/v1beta1" is not served here');
    expect(reasonOf(results, 'current-versions')).toContain('Ingress: apps/v1 has no Ingress');
    expect(reasonOf(results, 'current-versions')).not.toContain('networking.k8s.io/v1');
    expect(reasonOf(results, 'required-fields')).toContain('replicas is not marked required');
  });
});

describe('migrate-manifest', () => {
  const documents = migratedManifest(WORKLOAD_IMAGE).split('---\n');
  const [deployment, service] = [documents[0]!, documents[1]!];

  it('passes kubectl create -f, server-side apply and imperative kubectl create, with nothing applied client-side', async () => {
    await resetLab(lab, 'migrate-manifest', target);
    sh(`kubectl create -f - <<'EOF'\n${deployment}EOF`);
    sh(`kubectl apply --server-side -f - <<'EOF'\n${service}EOF`);
    sh('kubectl create ingress web -n shop --class=nginx --rule="shop.example.com/api*=web:http"');
    sh('kubectl create pdb web -n shop --selector=app=web --min-available=1');
    sh(`kubectl create cronjob smoke-test -n shop --image=${WORKLOAD_IMAGE} --schedule="30 2 * * *" -- /agnhost connect web.shop.svc:80`);
    sh(`kubectl patch cronjob smoke-test -n shop -p '{"spec":{"concurrencyPolicy":"Forbid"}}'`);
    sh('kubectl create clusterrolebinding flannel --clusterrole=flannel --serviceaccount=kube-system:flannel');
    sh('kubectl rollout status deployment/web -n shop --timeout=120s');
    const results = await checkLab(lab, 'migrate-manifest', target, { timeoutMs: 30_000 });
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.check}: ${r.reason}`)).toEqual([]);
    expect(sh(`kubectl get deployment,service,ingress,pdb,cronjob -n shop -o jsonpath='{.items[*].metadata.annotations}'`)).not.toContain(
      'last-applied-configuration',
    );
  });

  it('fails an Exact path, a kept class annotation and an empty budget selector, the rest passing', async () => {
    await resetLab(lab, 'migrate-manifest', target);
    const shortcut = migratedManifest(WORKLOAD_IMAGE)
      .replace('pathType: Prefix', 'pathType: Exact')
      .replace('  ingressClassName: nginx\n', '')
      .replace(
        '  name: web\n  namespace: shop\nspec:\n  rules:',
        '  name: web\n  namespace: shop\n  annotations:\n    kubernetes.io/ingress.class: nginx\nspec:\n  rules:',
      )
      .replace('  minAvailable: 1\n  selector:\n    matchLabels:\n      app: web\n', '  minAvailable: 1\n  selector: {}\n');
    expect(shortcut).toContain('selector: {}');
    expect(shortcut).toContain('kubernetes.io/ingress.class');
    sh(`kubectl apply -f - <<'EOF'\n${shortcut}EOF`);
    sh('kubectl rollout status deployment/web -n shop --timeout=120s');
    const results = await checkLab(lab, 'migrate-manifest', target, { timeoutMs: 5_000 });
    expect(statuses(results)).toEqual({
      deployment: 'pass',
      service: 'pass',
      ingress: 'fail',
      'ingress-class': 'fail',
      budget: 'fail',
      cronjob: 'pass',
      binding: 'pass',
    });
    expect(reasonOf(results, 'ingress')).toContain('pathType Exact');
    expect(reasonOf(results, 'ingress-class')).toContain('no spec.ingressClassName');
    expect(reasonOf(results, 'budget')).toContain('empty selector');
  });

  it('fails once the objects are deleted', async () => {
    sh('kubectl delete deployment,ingress -n shop --all');
    const results = await checkLab(lab, 'migrate-manifest', target, { timeoutMs: 0 });
    expect(statuses(results)).toMatchObject({ deployment: 'fail', ingress: 'fail', 'ingress-class': 'fail', budget: 'fail' });
    await resetLab(lab, 'migrate-manifest', target);
  });
});
