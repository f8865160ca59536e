// Data loader: where the max-pods page finds kuard and the learner's answers, taken from the
// lab's constants so that the page and the checks count the same pods.
import { ANSWERS, LABEL, NAMESPACE } from '../../checks/max-pods/constants.ts';

process.stdout.write(JSON.stringify({ kuard: { namespace: NAMESPACE, label: LABEL }, answers: ANSWERS }, null, 2));
