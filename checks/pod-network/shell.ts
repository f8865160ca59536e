// The lab's commands on the control-plane machine, with this lab named in the fix when there is none.
import { onControlPlane as onMachine, type SolutionContext } from '../../src/engine/sdk.ts';

export const onControlPlane = (ctx: SolutionContext, command: string) => onMachine(ctx, command, 'pod-network');
