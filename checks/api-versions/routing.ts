// What the migrated objects mean, as pure functions: which pods a label selector picks, and where
// an Ingress sends a host and path. The checks judge these meanings, not the YAML that produced them.
import type { V1HTTPIngressPath, V1Ingress, V1IngressBackend, V1LabelSelector, V1Service } from '@kubernetes/client-node';

/** Whether a label selector picks a pod with these labels, as the API server evaluates it. */
export function selects(selector: V1LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  const byLabel = Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = key in labels;
      if (operator === 'In') return has && values.includes(labels[key]!);
      if (operator === 'NotIn') return !has || !values.includes(labels[key]!);
      if (operator === 'Exists') return has;
      if (operator === 'DoesNotExist') return !has;
      return false;
    })
  );
}

/** An empty selector ({}): policy/v1 reads it as every pod of the namespace (policy/v1beta1 read it as none). */
export function isEmptySelector(selector: V1LabelSelector): boolean {
  return !Object.keys(selector?.matchLabels ?? {}).length && !(selector?.matchExpressions ?? []).length;
}

const trimSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/** The Ingress paths written for this host and path ("/api" and "/api/" are one Prefix path). */
export function pathsFor(ingress: V1Ingress, host: string, path: string): V1HTTPIngressPath[] {
  return (ingress.spec?.rules ?? [])
    .filter((rule) => rule.host === host)
    .flatMap((rule) => rule.http?.paths ?? [])
    .filter((p) => trimSlash(p.path ?? '/') === trimSlash(path));
}

/** Whether a backend reaches this Service's port, given by number or by the port's name. */
export function reachesPort(backend: V1IngressBackend | undefined, service: V1Service | undefined, name: string, port: number): boolean {
  const target = backend?.service;
  if (!target || target.name !== name || !service) return false;
  const servicePort = service.spec?.ports?.find((p) => (target.port?.name ? p.name === target.port.name : p.port === target.port?.number));
  return servicePort?.port === port;
}
