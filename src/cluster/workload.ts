// The container the labs run. The source notes used kuard, which only a registry serves; kubelab
// runs agnhost instead, Kubernetes' own e2e test workload built from the pinned source, under
// its upstream name. kind nodes made by `kubelab image build` hold it already, so it is never
// pulled; on the local provider kwok plays the kubelet and no container starts at all.
export const WORKLOAD_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.63.0';

/** An HTTP server on 8080 that answers /hostname, /echo and /healthz, like kuard's. */
export const WORKLOAD_ARGS = ['netexec', '--http-port=8080'];

/** The container spec, as YAML lines at the given indent, for the labs' manifests. */
export function workloadContainer(name: string, indent: string): string {
  return [
    `- name: ${name}`,
    `  image: ${WORKLOAD_IMAGE}`,
    '  imagePullPolicy: IfNotPresent',
    `  args: [${WORKLOAD_ARGS.join(', ')}]`,
    '  ports:',
    '  - containerPort: 8080',
    '    name: http',
  ]
    .map((line) => indent + line)
    .join('\n');
}
