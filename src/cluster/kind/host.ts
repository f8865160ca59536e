import { type Dirent, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The host's cgroup version. A cgroup v2 host mounts one unified hierarchy whose root lists
 * its controllers in cgroup.controllers; v1 and hybrid hosts (v2 only under unified/) have no
 * such file at the root, and the kubelet treats both as v1.
 */
export function hostCgroupVersion(root = '/sys/fs/cgroup'): 1 | 2 {
  return existsSync(join(root, 'cgroup.controllers')) ? 2 : 1;
}

/**
 * Inotify instances a kind node uses: its systemd, containerd, kubelet and pods watch files.
 * Measured on a 2-core machine: 135 in use with 8 nodes running, about 16 each.
 */
const INOTIFY_PER_NODE = 20;

/**
 * Why this many kind nodes (all clusters on the machine together) would run out of inotify
 * instances, or undefined when they fit. With the kernel's default of 128 per user, the 8th
 * node's kube-proxy failed with "too many open files".
 */
export function inotifyShortage(nodes: number, limit = readLimit()): string | undefined {
  if (limit === undefined || nodes * INOTIFY_PER_NODE <= limit) return undefined;
  return `${nodes} kind nodes need about ${nodes * INOTIFY_PER_NODE} inotify instances, and fs.inotify.max_user_instances is ${limit}`;
}

function readLimit(file = '/proc/sys/fs/inotify/max_user_instances'): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/**
 * Thaws what a killed runc left frozen inside these containers. On cgroup v1, runc freezes a
 * container's cgroup while it changes device rules; when it dies in between (a timeout on a
 * loaded machine), the container's processes stay frozen in uninterruptible sleep, and Docker
 * can then neither kill nor remove the node container ("did not receive an exit event").
 * Returns how many cgroups it thawed; without the right to write there it thaws nothing.
 */
export function thawFrozen(containerIds: string[], root = '/sys/fs/cgroup/freezer/docker'): number {
  let thawed = 0;
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    try {
      if (readFileSync(join(dir, 'freezer.state'), 'utf8').trim() === 'FROZEN') {
        writeFileSync(join(dir, 'freezer.state'), 'THAWED');
        thawed += 1;
      }
    } catch {
      // not a freezer cgroup, or not ours to write
    }
    for (const entry of entries) if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  for (const id of containerIds) walk(join(root, id));
  return thawed;
}
