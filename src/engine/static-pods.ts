// kubeadm's control plane as its kubelet runs it: one static pod per component, shown in the API as
// a mirror pod labelled component=<name>, tier=control-plane. When each container last started is
// what tells a restart from a mirror pod made again.
import type { V1Pod } from '@kubernetes/client-node';

export const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

export interface Running {
  component: string;
  /** When its container started, or undefined when none runs. */
  startedAt?: Date;
  ready: boolean;
}

/** The mirror pod of a control-plane component, if its kubelet publishes one. */
export const mirrorPodOf = (component: string, pods: V1Pod[]) =>
  pods.find((p) => p.metadata?.labels?.component === component && p.metadata?.labels?.tier === 'control-plane');

/** Each of the given components' containers, read off its mirror pod. */
export function controlPlaneRunning(pods: V1Pod[], components: readonly string[] = CONTROL_PLANE): Running[] {
  return components.map((component) => {
    const status = mirrorPodOf(component, pods)?.status?.containerStatuses?.[0];
    const started = status?.state?.running?.startedAt;
    return { component, startedAt: started ? new Date(started) : undefined, ready: status?.ready === true };
  });
}

/** Why each component still runs with what it loaded before `since`, or is not back yet. */
export function staleComponents(running: Running[], since: Date, event: string): string[] {
  return running.flatMap((r) => {
    if (!r.startedAt) return [`${r.component} is not running`];
    if (r.startedAt.getTime() < since.getTime())
      return [`${r.component} has run since ${r.startedAt.toISOString()}, before the ${event} at ${since.toISOString()}`];
    return r.ready ? [] : [`${r.component} restarted but is not ready yet`];
  });
}
