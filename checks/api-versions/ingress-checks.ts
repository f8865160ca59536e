// The migrated Ingress judged by where it sends requests: the asked host and path, matched as a
// prefix on every controller, to the asked Service port; and its class named the way v1 names it.
import type { V1HTTPIngressPath, V1Ingress, V1Service } from '@kubernetes/client-node';
import { fail, pass, readObject, type Check, type CheckContext, type Observation } from '../../src/engine/sdk.ts';
import { APP, CLASS_ANNOTATION } from './constants.ts';
import { pathsFor, reachesPort } from './routing.ts';
import { readService } from './workload-checks.ts';

const { namespace, name, host, path } = APP;
const readIngress = (ctx: CheckContext) => readObject<V1Ingress>(ctx, 'networking.k8s.io/v1', 'Ingress', name, namespace);
const missing = () =>
  fail(
    `Ingress ${namespace}/${name}`,
    `no Ingress ${name} in namespace ${namespace} (kubectl apply -f <your file> says why it was refused)`,
  );

/** What the learner's rules route, in their own terms, for a failure message. */
function routes(ingress: V1Ingress): string {
  const paths = (ingress.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => `${r.host ?? '*'}${p.path ?? ''}`));
  return paths.length ? `rules for ${paths.join(', ')}` : 'no rules';
}

const PATH_TYPE_ADVICE: Record<string, string> = {
  Exact: `Exact matches ${path} alone, not ${path}/orders`,
  ImplementationSpecific: 'ImplementationSpecific leaves matching to each controller',
};

function judgePath(p: V1HTTPIngressPath, service: V1Service | undefined): Observation {
  const target = p.backend?.service;
  if (p.pathType !== 'Prefix')
    return fail(
      `${path} and everything under ${path}/ matched the same way on every controller`,
      `pathType ${p.pathType}: ${PATH_TYPE_ADVICE[p.pathType] ?? ''}`,
    );
  if (!reachesPort(p.backend, service, name, APP.servicePort)) {
    const given = target ? `Service ${target.name} port ${target.port?.number ?? target.port?.name}` : 'no Service backend';
    return fail(`requests sent to Service ${name} on its port ${APP.servicePort}`, `${given}${service ? '' : ` (and no Service ${name})`}`);
  }
  return pass(`${host}${path}/… goes to Service ${name}:${APP.servicePort}`);
}

export const ingressCheck: Check = {
  id: 'ingress',
  title: `Ingress ${name} routes ${host}${path} to Service ${name} port ${APP.servicePort}`,
  points: 2,
  hint: 'kubectl explain ingress.spec.rules.http.paths shows how networking.k8s.io/v1 writes a backend and which field it requires that v1beta1 did not',
  async run(ctx) {
    const ingress = await readIngress(ctx);
    if (!ingress) return missing();
    const paths = pathsFor(ingress, host, path);
    if (!paths.length) return fail(`a rule for host ${host}, path ${path}`, routes(ingress), [ingress]);
    const service = await readService(ctx);
    const verdicts = paths.map((p) => judgePath(p, service));
    const verdict = verdicts.find((v) => v.pass) ?? verdicts[0]!;
    return { ...verdict, evidence: [ingress] };
  },
};

export const ingressClassCheck: Check = {
  id: 'ingress-class',
  title: `Ingress ${name} names its class in spec.ingressClassName`,
  points: 1,
  hint: `kubectl explain ingress.spec.ingressClassName, and the warning the API server prints when it sees the ${CLASS_ANNOTATION} annotation; kubectl get ingressclass lists the classes`,
  async run(ctx) {
    const ingress = await readIngress(ctx);
    if (!ingress) return missing();
    const className = ingress.spec?.ingressClassName;
    if (className !== APP.ingressClass)
      return fail(
        `class ${APP.ingressClass}, as the legacy annotation chose, in spec.ingressClassName`,
        className ? `spec.ingressClassName ${className}` : 'no spec.ingressClassName',
        [ingress],
      );
    return ingress.metadata?.annotations?.[CLASS_ANNOTATION] !== undefined
      ? fail(`no ${CLASS_ANNOTATION} annotation once the field names the class`, 'the deprecated annotation is still there', [ingress])
      : pass(`Ingress ${name}: class ${APP.ingressClass}, in the field`);
  },
};
