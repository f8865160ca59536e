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

/** Whether a pod runs flanneld, whatever its namespace, name or image: judged by the program. */
export function runsFlanneld(pod: V1Pod): boolean {
  return (pod.spec?.containers ?? []).some((c) => [...(c.command ?? []), ...(c.args ?? [])].some((word) => /(^|\/)flanneld$/.test(word)));
}

/** The ConfigMap a flanneld pod reads its net-conf.json from: the volume mounted at /etc/kube-flannel. */
export function netConfSource(pod: V1Pod): string | undefined {
  const container = (pod.spec?.containers ?? []).find((c) =>
    [...(c.command ?? []), ...(c.args ?? [])].some((w) => /(^|\/)flanneld$/.test(w)),
  );
  const mount = container?.volumeMounts?.find((m) => m.mountPath.replace(/\/$/, '') === FLANNEL.netConfMount);
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
    const conf = JSON.parse(text) as { Network?: unknown; Backend?: { Type?: unknown } };
    return {
      network: typeof conf.Network === 'string' ? conf.Network : undefined,
      backend: typeof conf.Backend?.Type === 'string' ? conf.Backend.Type : undefined,
    };
  } catch {
    return undefined;
  }
}

/** What is wrong with net-conf.json against the notes: host-gw over their pod network. */
export function netConfProblems(conf: NetConf | undefined, network: string): string[] {
  if (!conf) return [`flannel's ${FLANNEL.netConfKey} is missing or not JSON`];
  return [
    ...(conf.network === network ? [] : [`Network is ${conf.network ?? 'not set'}, not the cluster's pod network ${network}`]),
    ...((conf.backend ?? 'udp') === FLANNEL.backend
      ? []
      : [`Backend.Type is ${conf.backend ?? 'not set (flannel then uses udp)'}, not ${FLANNEL.backend}`]),
  ];
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
