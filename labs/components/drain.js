// Helpers for the drain page: read the availability record the lab's watcher keeps in
// ConfigMap kubelab/drain-availability (see checks/drain/watcher/record.ts), and shape it for Plot.

/** The record in a ConfigMap, or null when there is none yet. */
export function parseRecord(configMap) {
  const d = configMap?.data;
  if (!d?.timeline) return null;
  try {
    return {
      node: d.node,
      deployment: d.deployment,
      budget: Number(d.budget),
      startedAt: Date.parse(d.startedAt),
      heartbeat: Date.parse(d.heartbeat),
      timeline: JSON.parse(d.timeline)
    };
  } catch {
    return null;
  }
}

/**
 * The timeline as points of a step line, with a last point at `now` so the line reaches the
 * present: the state of the last sample still holds.
 */
export function availabilityPoints(record, now = Date.now()) {
  const points = record.timeline.map((s) => ({time: new Date(s.t), available: s.available, desired: s.desired}));
  const last = points.at(-1);
  if (last && now > last.time.getTime()) points.push({...last, time: new Date(now)});
  return points;
}

/** Stretches of time with the node in one state (schedulable, cordoned, absent), for a band under the line. */
export function nodePhases(record, now = Date.now()) {
  const phases = [];
  for (const s of record.timeline) {
    const open = phases.at(-1);
    if (open && open.state === s.node) continue;
    if (open) open.end = new Date(s.t);
    phases.push({state: s.node, start: new Date(s.t), end: new Date(now)});
  }
  return phases;
}

/** Stretches with fewer available replicas than the budget. */
export function belowBudget(record) {
  const result = [];
  let open = null;
  for (const s of record.timeline) {
    if (s.available < record.budget) {
      if (open) open.available = Math.min(open.available, s.available);
      else {
        open = {from: new Date(s.t), to: null, available: s.available};
        result.push(open);
      }
    } else if (open) {
      open.to = new Date(s.t);
      open = null;
    }
  }
  return result;
}

/** How many pods of the Deployment run on each node, for a table. */
export function podsPerNode(pods) {
  const counts = new Map();
  for (const pod of pods) {
    const node = pod.spec?.nodeName ?? "(Pending)";
    counts.set(node, (counts.get(node) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([node, pods]) => ({node, pods}));
}
