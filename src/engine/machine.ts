// Commands on the control-plane machine, for reference solutions: run there as an administrator's
// would be over ssh. kubelab's control plane is always the notes' kub1.
import type { SolutionContext } from './model.ts';
import { UserError } from '../errors.ts';

export const CONTROL_PLANE_NODE = 'kub1';

/** `command` as it runs on the control-plane machine; only a cluster kubelab runs lets a lab reach it. */
export function onControlPlane(ctx: SolutionContext, command: string, lab: string): string {
  if (!ctx.node)
    throw new UserError('this step works on the control-plane machine, which only a cluster kubelab runs lets you reach', {
      fix: `kubelab start ${lab} --provider kind`,
    });
  return ctx.node(CONTROL_PLANE_NODE).run(command);
}
