// Data loader: the names the drain page watches (the workloads, the budget, the node, the
// watcher's record), taken from the lab's constants so that the page and the checks agree.
import { CACHE, DEPLOYMENT, MIN_AVAILABLE, NAMESPACE, NODE, ON_NODE, RECORD, REPLICAS, TOOLBOX } from '../../checks/drain/constants.ts';

process.stdout.write(
  JSON.stringify(
    {
      namespace: NAMESPACE,
      deployment: DEPLOYMENT,
      replicas: REPLICAS,
      minAvailable: MIN_AVAILABLE,
      onNode: ON_NODE,
      cache: CACHE,
      toolbox: TOOLBOX,
      node: NODE,
      record: RECORD,
    },
    null,
    2,
  ),
);
