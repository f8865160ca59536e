// The legacy application as it was written for the notes' era, and the same application migrated
// to the versions served today (the reference solution). The image is a parameter so that the page's
// data loader can build the legacy text without loading the SDK.
import { APP, CLASS_ANNOTATION, OLD_BINDING } from './constants.ts';

const { namespace, name } = APP;

const legacyDeployment = (image: string) => `apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: ${APP.replicas}
  template:
    metadata:
      labels:
        app: ${APP.label.app}
    spec:
      containers:
      - name: ${name}
        image: ${image}
        args: [netexec, --http-port=${APP.containerPort}]
        ports:
        - name: ${APP.portName}
          containerPort: ${APP.containerPort}
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    app: ${APP.label.app}
  ports:
  - name: ${APP.portName}
    port: ${APP.servicePort}
    targetPort: ${APP.portName}
`;

const legacyIngress = `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${namespace}
  annotations:
    ${CLASS_ANNOTATION}: ${APP.ingressClass}
spec:
  rules:
  - host: ${APP.host}
    http:
      paths:
      - path: ${APP.path}
        backend:
          serviceName: ${name}
          servicePort: ${APP.servicePort}
`;

const budget = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  minAvailable: ${APP.minAvailable}
  selector:
    matchLabels:
      app: ${APP.label.app}
`;

const cronJob = (apiVersion: string, image: string) => `apiVersion: ${apiVersion}
kind: CronJob
metadata:
  name: ${APP.cronJob}
  namespace: ${namespace}
spec:
  schedule: "${APP.schedule}"
  concurrencyPolicy: ${APP.concurrencyPolicy}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: ${APP.cronJob}
            image: ${image}
            args: [connect, ${name}.${namespace}.svc:${APP.servicePort}, --timeout=5s]
`;

/** The application as the learner receives it: five documents kubectl can no longer map. */
export function legacyManifest(image: string): string {
  return [legacyDeployment(image), service, legacyIngress, budget('policy/v1beta1'), cronJob('batch/v1beta1', image), OLD_BINDING].join(
    '---\n',
  );
}

const deployment = (image: string) =>
  legacyDeployment(image)
    .replace('extensions/v1beta1', 'apps/v1')
    .replace('  template:\n', `  selector:\n    matchLabels:\n      app: ${APP.label.app}\n  template:\n`);

const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  ingressClassName: ${APP.ingressClass}
  rules:
  - host: ${APP.host}
    http:
      paths:
      - path: ${APP.path}
        pathType: Prefix
        backend:
          service:
            name: ${name}
            port:
              number: ${APP.servicePort}
`;

/** The same application in the versions served today, with the fields those versions require. */
export function migratedManifest(image: string): string {
  const binding = OLD_BINDING.replace('rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1');
  return [deployment(image), service, ingress, budget('policy/v1'), cronJob('batch/v1', image), binding].join('---\n');
}
