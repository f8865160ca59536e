// Data loader: what the kube-system tour's page quotes (the components it asks about, the names it
// uses, where answers go), from the lab's constants so that the page and the checks never disagree.
// It carries no answer.
import { ADDONS, AGENT, ANSWERS, CONTROL_PLANE, DNS, HOW, PROXY } from '../../checks/kube-system-tour/constants.ts';
import { WORKLOAD_IMAGE } from '../../src/cluster/workload.ts';

process.stdout.write(
  JSON.stringify(
    {
      controlPlane: CONTROL_PLANE,
      addons: ADDONS,
      how: HOW,
      answers: ANSWERS,
      agent: { name: AGENT.name, namespace: AGENT.namespace },
      dns: DNS,
      proxy: PROXY,
      image: WORKLOAD_IMAGE,
    },
    null,
    2,
  ),
);
