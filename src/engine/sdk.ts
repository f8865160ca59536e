// The lab SDK: everything a lab in checks/<lab>/ may use from kubelab, behind one import path,
// so that labs never reach into the providers, the join code or the CLI, and those can change
// without breaking a lab. A lab that needs something else from kubelab adds it here.
export { defineLab, fail, pass } from './model.ts';
export type { Check, CheckContext, Exercise, Lab, LabContext, LabShape, NodeOperations, Observation, SolutionContext } from './model.ts';
export type { NodeShell } from '../cluster/provider.ts';
export { kubeletConfigz, type KubeletConfigz } from './kubelet.ts';
export { eventsWithReason, ignoreNotFound, isDaemonSetPod, isPodReady, lastApplied, podsPerNode, readObject, wordsOf } from './helpers.ts';
export { namespaceManifests } from './manifests.ts';
export { removeNamespace } from './namespaces.ts';
export { servedCertificate, servingCertificate } from './tls.ts';
export { podProxyGet, type ProxyAnswer } from './proxy.ts';
export { CONTROL_PLANE_NODE, onControlPlane } from './machine.ts';
export { CONTROL_PLANE, controlPlaneRunning, mirrorPodOf, staleComponents, type Running } from './static-pods.ts';
export { TOKEN_TYPE, tokenFacts, tokenSecrets, type TokenFacts } from './tokens.ts';
export { describeMismatch, matchObject } from './match.ts';
export { pollUntil, type Attempt, type PollOptions } from '../poll.ts';
export { UserError } from '../errors.ts';
export { statusOf } from '../kube/client.ts';
export { stateDir } from '../paths.ts';
export { $ } from '../shell.ts';
export { ensureBinaries, versions } from '../binaries/index.ts';

// The cluster facts labs build on: node roles and readiness, the default shape, the workload image.
export { isReady, KWOK_ANNOTATION, rolesOf, SHORTCUT_ANNOTATION } from '../cluster/nodes.ts';
export { isParkedNetwork, PARKED_NETWORK } from '../cluster/wait.ts';
export { DEFAULT_MAX_PODS, defaultShape, nthAddress, parseNodes } from '../cluster/shape.ts';
export { WORKLOAD_IMAGE, workloadContainer } from '../cluster/workload.ts';

// What a lab about joining nodes checks: the CA pin, CSR subjects, the kubelet client signer.
export { KUBELET_CLIENT_SIGNER } from '../join/bootstrap.ts';
export { caCertHash } from '../join/ca-pin.ts';
export { kubeConfigFor } from '../join/clients.ts';
export { requestCommonName } from '../join/csr.ts';
