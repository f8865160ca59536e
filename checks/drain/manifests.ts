// The lab's objects, as YAML a learner could apply: kuard and its budget, the cache that keeps
// scratch data in an emptyDir, and the toolbox pod someone started by hand.
import { namespaceManifests, WORKLOAD_IMAGE, workloadContainer } from '../../src/engine/sdk.ts';
import { CACHE, DEPLOYMENT, MIN_AVAILABLE, NAMESPACE, RECORD, TOOLBOX } from './constants.ts';

/** Pods that stop within seconds, so that a drain on real kubelets does not wait out the default 30 s. */
const GRACE = 'terminationGracePeriodSeconds: 5';

export const NAMESPACES = namespaceManifests(NAMESPACE, RECORD.namespace);

export const kuard = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${DEPLOYMENT}
  namespace: ${NAMESPACE}
  labels:
    app: kuard
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: kuard
  template:
    metadata:
      labels:
        app: kuard
    spec:
      ${GRACE}
      containers:
${workloadContainer('kuard', '      ')}
`;

export const BUDGET = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${DEPLOYMENT}
  namespace: ${NAMESPACE}
spec:
  minAvailable: ${MIN_AVAILABLE}
  selector:
    matchLabels:
      app: kuard
`;

export const CACHE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${CACHE}
  namespace: ${NAMESPACE}
  labels:
    app: ${CACHE}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${CACHE}
  template:
    metadata:
      labels:
        app: ${CACHE}
    spec:
      ${GRACE}
      containers:
${workloadContainer(CACHE, '      ')}
        volumeMounts:
        - name: scratch
          mountPath: /scratch
      volumes:
      - name: scratch
        emptyDir: {}
`;

export const TOOLBOX_POD = `apiVersion: v1
kind: Pod
metadata:
  name: ${TOOLBOX}
  namespace: ${NAMESPACE}
  labels:
    app: ${TOOLBOX}
spec:
  ${GRACE}
  containers:
  - name: ${TOOLBOX}
    image: ${WORKLOAD_IMAGE}
    imagePullPolicy: IfNotPresent
    args: [pause]
`;
