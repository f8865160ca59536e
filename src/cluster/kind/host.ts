import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The host's cgroup version. A cgroup v2 host mounts one unified hierarchy whose root lists
 * its controllers in cgroup.controllers; v1 and hybrid hosts (v2 only under unified/) have no
 * such file at the root, and the kubelet treats both as v1.
 */
export function hostCgroupVersion(root = '/sys/fs/cgroup'): 1 | 2 {
  return existsSync(join(root, 'cgroup.controllers')) ? 2 : 1;
}
