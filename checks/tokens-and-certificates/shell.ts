// The one place that knows how to reach the control-plane machine: the lab's commands run there,
// as an administrator's would over ssh.
import { UserError, type SolutionContext } from '../../src/engine/sdk.ts';
import { CONTROL_PLANE_NODE } from './constants.ts';

/** A command on the control-plane machine, as `run` there would run it. */
export function onControlPlane(ctx: SolutionContext, command: string): string {
  if (!ctx.node)
    throw new UserError('this step works on the control-plane machine, which only a cluster kubelab runs lets you reach', {
      fix: 'kubelab start tokens-and-certificates --provider kind',
    });
  return ctx.node(CONTROL_PLANE_NODE).run(command);
}
