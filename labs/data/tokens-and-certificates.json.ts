// Data loader: what the tokens-and-certificates page quotes (the policy, the token lifetime, where
// the lab keeps its record), from the lab's constants so the page and the checks never disagree.
// It carries no answer.
import { BASELINE, DISCOVERY, POLICY } from '../../checks/tokens-and-certificates/constants.ts';
import { CONTROL_PLANE } from '../../src/engine/static-pods.ts';

process.stdout.write(JSON.stringify({ policy: POLICY, discovery: DISCOVERY, baseline: BASELINE, controlPlane: CONTROL_PLANE }, null, 2));
