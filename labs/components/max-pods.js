// Helpers for the max-pods page: how each worker's pod slots are used, counted the way the
// scheduler counts them. Pure functions of the objects the kube.js cells return, and of where
// kuard runs ({namespace, label: {key, value}}, from data/max-pods.json: the lab's constants).

const isKuard = (where) => (pod) => pod.metadata?.namespace === where.namespace && pod.metadata?.labels?.[where.label.key] === where.label.value;
const isActive = (pod) => pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";
const isControlPlane = (node) => "node-role.kubernetes.io/control-plane" in (node.metadata?.labels ?? {});
const isReady = (pod) => pod.status?.phase === "Running" && (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

/** One row per worker: allocatable pods, kuard pods and other pods bound to it, free slots. */
export function workerLoad(nodes, pods, where) {
  const active = pods.filter(isActive);
  return nodes
    .filter((n) => !isControlPlane(n))
    .map((node) => {
      const name = node.metadata?.name;
      const here = active.filter((p) => p.spec?.nodeName === name);
      const kuard = here.filter(isKuard(where)).length;
      const allocatable = Number(node.status?.allocatable?.pods ?? 0);
      return {node: name, allocatable, kuard, other: here.length - kuard, free: Math.max(0, allocatable - here.length)};
    })
    .sort((a, b) => a.node.localeCompare(b.node));
}

/** The same rows in long form, for a stacked bar chart: one row per worker and kind of pod. */
export function stackRows(load) {
  return load.flatMap((w) => [
    {node: w.node, pods: "other (DaemonSet, DNS)", count: w.other},
    {node: w.node, pods: "kuard", count: w.kuard}
  ]);
}

/** kuard pods in total, Ready, and still waiting for a node. */
export function kuardSummary(pods, where) {
  const kuard = pods.filter(isKuard(where)).filter(isActive);
  return {total: kuard.length, ready: kuard.filter(isReady).length, pending: kuard.filter((p) => !p.spec?.nodeName).length};
}

/** The sum the notes did by hand: each worker's allocatable pods minus the other pods on it. */
export function arithmetic(load) {
  const slots = load.reduce((sum, w) => sum + w.allocatable, 0);
  const other = load.reduce((sum, w) => sum + w.other, 0);
  return {workers: load.length, slots, other, room: load.reduce((sum, w) => sum + Math.max(0, w.allocatable - w.other), 0)};
}
