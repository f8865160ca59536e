// How the pod network is judged, as pure functions of API objects, so the unit tests need no
// cluster. Each verdict says what is wrong, never what to type.
import type { V1ConfigMap, V1Node, V1Pod } from '@kubernetes/client-node';
import ipaddr from 'ipaddr.js';
import { FLANNEL } from './constants.ts';

/** Why nodes are not Ready, in the kubelet's words, nodes with the same reason named together. */
export function notReadyReasons(nodes: V1Node[]): string[] {
  const byMessage = new Map<string, string[]>();
  for (const n of nodes) {
    const message = n.status?.conditions?.find((c) => c.type === 'Ready')?.message ?? 'no Ready condition';
    byMessage.set(message, [...(byMessage.get(message) ?? []), n.metadata?.name ?? '?']);
  }
  return [...byMessage].map(([message, names]) => `${names.join(', ')}: ${message}`);
}

type Container = NonNullable<V1Pod['spec']>['containers'][number];

/**
 * Whether a container runs flanneld, whatever its pod, namespace or image is called: the program
 * named in its command line (also inside a shell wrapper), or, for a container that leaves the
 * program to its image's entrypoint, flanneld's own --kube-subnet-mgr among its arguments.
 */
function isFlanneld(c: Container): boolean {
  const words = [...(c.command ?? []), ...(c.args ?? [])].flatMap((w) => w.split(/\s+/));
  return words.some((w) => /(^|\/)flanneld$/.test(w)) || words.includes('--kube-subnet-mgr');
}

export const runsFlanneld = (pod: V1Pod): boolean => (pod.spec?.containers ?? []).some(isFlanneld);

/** The ConfigMap a flanneld pod reads net-conf.json from: mounted at /etc/kube-flannel, or that one file there. */
export function netConfSource(pod: V1Pod): string | undefined {
  const container = (pod.spec?.containers ?? []).find(isFlanneld);
  const paths = [FLANNEL.netConfMount, `${FLANNEL.netConfMount}/${FLANNEL.netConfKey}`];
  const mount = container?.volumeMounts?.find((m) => paths.includes(m.mountPath.replace(/\/$/, '')));
  return pod.spec?.volumes?.find((v) => v.name === mount?.name)?.configMap?.name;
}

export interface NetConf {
  network?: string;
  backend?: string;
}

/** net-conf.json as flannel reads it (Network, Backend.Type); undefined when it is not JSON. */
export function parseNetConf(configMap: V1ConfigMap | undefined): NetConf | undefined {
  const text = configMap?.data?.[FLANNEL.netConfKey];
  if (!text) return undefined;
  try {
    const conf: unknown = JSON.parse(text);
    const network = field(conf, 'Network');
    const type = field(field(conf, 'Backend'), 'Type');
    return { network: typeof network === 'string' ? network : undefined, backend: typeof type === 'string' ? type : undefined };
  } catch {
    return undefined;
  }
}

/** A JSON object's field as Go's encoding/json (which flannel uses) finds it: the exact name first, then any case. */
function field(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const record = object as Record<string, unknown>;
  if (name in record) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

/** What is wrong with net-conf.json against the notes: host-gw over their pod network. */
export function netConfProblems(conf: NetConf | undefined, network: string): string[] {
  if (!conf) return [`flannel's ${FLANNEL.netConfKey} is missing or not JSON`];
  return [
    ...(conf.network === network ? [] : [`Network is ${conf.network ?? 'not set'}, not the cluster's pod network ${network}`]),
    ...(conf.backend === FLANNEL.backend ? [] : [`Backend.Type is ${conf.backend || 'not set'}, not ${FLANNEL.backend}`]),
  ];
}

/** When a ConfigMap last changed: the latest write its managed fields record, else its creation. */
export function lastChanged(configMap: V1ConfigMap): Date | undefined {
  const times = [configMap.metadata?.creationTimestamp, ...(configMap.metadata?.managedFields ?? []).map((f) => f.time)]
    .filter((t): t is Date => t !== undefined)
    .map((t) => new Date(t).getTime());
  return times.length ? new Date(Math.max(...times)) : undefined;
}

/** flanneld pods whose container started before their ConfigMap last changed: they run what they read then. */
export function staleFlanneld(pods: V1Pod[], changed: Date): string[] {
  return pods.flatMap((p) => {
    const started = p.status?.containerStatuses?.find((s) => s.state?.running)?.state?.running?.startedAt;
    if (!started || new Date(started).getTime() >= changed.getTime()) return [];
    return [`${p.metadata?.name} on ${p.spec?.nodeName} started before its ConfigMap last changed, so it runs what it read then`];
  });
}

/** Nodes where flannel does not run host-gw, by the backend flannel itself wrote on the Node when it started there. */
export function backendProblems(nodes: V1Node[]): string[] {
  return nodes.flatMap((n) => {
    const backend = n.metadata?.annotations?.[FLANNEL.backendAnnotation];
    if (backend === FLANNEL.backend) return [];
    return [`${n.metadata?.name}: ${backend ? `flannel runs the ${backend} backend` : 'flannel has not started there'}`];
  });
}

/** Whether an address lies in a CIDR (both IPv4 or both IPv6). */
export function inCidr(address: string, cidr: string): boolean {
  try {
    const ip = ipaddr.parse(address);
    const range = ipaddr.parseCIDR(cidr);
    return ip.kind() === range[0].kind() && ip.match(range);
  } catch {
    return false;
  }
}

/** What keeps each node's echo pod from being a pod on the pod network: missing, not running, or off the node's podCIDR. */
export function echoProblems(nodes: V1Node[], pods: V1Pod[]): string[] {
  return nodes.flatMap((node) => {
    const name = node.metadata?.name ?? '';
    const pod = pods.find((p) => p.spec?.nodeName === name && p.metadata?.deletionTimestamp === undefined);
    if (!pod) return [`${name}: no echo pod`];
    if (pod.spec?.hostNetwork) return [`${name}: ${pod.metadata?.name} uses the node's own network (hostNetwork), not the pod network`];
    const ip = pod.status?.podIP;
    if (pod.status?.phase !== 'Running' || !ip) {
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      return [`${name}: ${pod.metadata?.name} is ${waiting ?? pod.status?.phase ?? 'not started'}`];
    }
    const cidr = node.spec?.podCIDR;
    if (cidr && !inCidr(ip, cidr)) return [`${name}: ${pod.metadata?.name} has ${ip}, outside the node's podCIDR ${cidr}`];
    return [];
  });
}

/** Each node's echo pod dials the next node's, round the ring: every node sends and receives once. */
export function ring<T>(items: T[]): [T, T][] {
  return items.length < 2 ? [] : items.map((item, i) => [item, items[(i + 1) % items.length]!]);
}

/** What agnhost's /dial answered: the names that replied, or why none did. */
export function dialVerdict(body: string, expected: string): string | undefined {
  try {
    const answer = JSON.parse(body) as { responses?: string[]; errors?: string[] };
    if (answer.responses?.includes(expected)) return undefined;
    if (answer.errors?.length) return answer.errors[0]!.replace(/\s+/g, ' ').slice(0, 160);
    return `answered ${JSON.stringify(answer.responses ?? [])}, not ${expected}`;
  } catch {
    return `not an answer from agnhost: ${body.replace(/\s+/g, ' ').slice(0, 120)}`;
  }
}
