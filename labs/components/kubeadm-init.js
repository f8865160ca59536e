// Helpers for the kubeadm init page: turn the objects kubeadm leaves behind into table rows.
// Pure functions of the objects the kube.js cells return, plus one guard for kinds a built
// site's snapshot may lack.
import {parse} from "yaml";

/** The settings of kubeadm's ClusterConfiguration that the notes' flags decide, from ConfigMap kube-system/kubeadm-config. */
export function clusterConfigurationRows(configMap) {
  const text = configMap?.data?.ClusterConfiguration;
  if (!text) return [];
  const config = parse(text) ?? {};
  const net = config.networking ?? {};
  return [
    {setting: "networking.podSubnet", value: net.podSubnet, "set by": "--pod-network-cidr"},
    {setting: "networking.serviceSubnet", value: net.serviceSubnet, "set by": "--service-cidr"},
    {setting: "networking.dnsDomain", value: net.dnsDomain, "set by": "--service-dns-domain (default)"},
    {setting: "kubernetesVersion", value: config.kubernetesVersion, "set by": "--kubernetes-version"},
    {setting: "controlPlaneEndpoint", value: config.controlPlaneEndpoint, "set by": "--control-plane-endpoint"},
    {setting: "certificatesDir", value: config.certificatesDir, "set by": "--cert-dir"}
  ];
}

/** One row per token that has signed cluster-info, and the API server its kubeconfig names. */
export function clusterInfoRows(configMap) {
  const data = configMap?.data ?? {};
  const server = (parse(data.kubeconfig ?? "") ?? {}).clusters?.[0]?.cluster?.server ?? "";
  return Object.keys(data)
    .filter((key) => key.startsWith("jws-kubeconfig-"))
    .sort()
    .map((key) => {
      const [header, , signature] = data[key].split(".");
      let alg = "";
      try {
        alg = JSON.parse(atob(header.replace(/-/g, "+").replace(/_/g, "/"))).alg;
      } catch {
        alg = "?";
      }
      return {key, "token id": key.slice("jws-kubeconfig-".length), algorithm: alg, signature: `${signature.slice(0, 12)}…`, "kubeconfig server": server};
    });
}

function age(timestamp) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(timestamp).getTime()) / 1000));
  return seconds < 120 ? `${seconds}s` : seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${Math.round(seconds / 3600)}h`;
}

/** The columns `kubectl get csr` shows. */
export function csrRow(csr) {
  const conditions = (csr.status?.conditions ?? []).filter((c) => c.status !== "False").map((c) => c.type);
  if (csr.status?.certificate) conditions.push("Issued");
  return {
    name: csr.metadata?.name,
    age: age(csr.metadata?.creationTimestamp),
    signer: csr.spec?.signerName,
    requestor: csr.spec?.username,
    condition: conditions.join(",") || "Pending"
  };
}

/** What the learner recorded in an answers ConfigMap, with certificates shortened to their first line. */
export function answerRows(configMap) {
  return Object.entries(configMap?.data ?? {}).map(([key, value]) => ({
    key,
    value: value.startsWith("-----BEGIN") ? `${value.split("\n")[0]} (${value.length} bytes)` : value
  }));
}

/**
 * A kube.js watch that yields {items} and, when the kind cannot be read (a built site whose
 * snapshot lacks it), one {items: [], note} instead of failing the cell.
 */
export async function* watchOrNote(kube, apiVersion, kind, options) {
  try {
    for await (const items of kube.watch(apiVersion, kind, options)) yield {items};
  } catch (error) {
    yield {items: [], note: error.message};
  }
}
