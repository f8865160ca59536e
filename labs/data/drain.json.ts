// Data loader: the names the drain page watches (the workload, its budget, the node, the
// watcher's record), taken from the lab's constants so that the page and the checks agree.
import { DEPLOYMENT, MIN_AVAILABLE, NAMESPACE, NODE, RECORD, REPLICAS } from '../../checks/drain/constants.ts';

process.stdout.write(
  JSON.stringify(
    { namespace: NAMESPACE, deployment: DEPLOYMENT, replicas: REPLICAS, minAvailable: MIN_AVAILABLE, node: NODE, record: RECORD },
    null,
    2,
  ),
);
