// kind-schema reads kind cluster configs the way `kind create cluster --config` does and
// prints, as JSON, what kind makes of each: the load-and-validate error, or each node's
// container name and the kubeadm config kind would write to /kind/kubeadm.conf in it.
// kubelab's unit tests run it on every config kubelab generates; it needs no Docker. (The kind
// CLI cannot stand in for it: `kind create cluster` decodes --config strictly before it needs
// Docker, but checks roles and subnets, and applies the kubeadm patches, only after `docker
// info` succeeds.)
//
// Usage: go run . -kubernetes-version v1.36.3 config.yaml...
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/kind/pkg/cluster/constants"
	"sigs.k8s.io/kind/pkg/cluster/internal/kubeadm"
	"sigs.k8s.io/kind/pkg/cluster/internal/providers/common"
	"sigs.k8s.io/kind/pkg/internal/apis/config"
	"sigs.k8s.io/kind/pkg/internal/apis/config/encoding"
	"sigs.k8s.io/kind/pkg/internal/patch"
)

type node struct {
	Role          string            `json:"role"`
	Container     string            `json:"container"`
	Labels        map[string]string `json:"labels,omitempty"`
	KubeadmConfig string            `json:"kubeadmConfig"`
}

type result struct {
	File       string            `json:"file"`
	Error      string            `json:"error,omitempty"`
	Name       string            `json:"name,omitempty"`
	Networking config.Networking `json:"networking"`
	Nodes      []node            `json:"nodes,omitempty"`
}

func main() {
	version := flag.String("kubernetes-version", "v1.36.3", "the node image's Kubernetes version")
	clusterName := flag.String("name", "", "the --name given to kind create cluster (overrides the config's name)")
	flag.Parse()
	results := []result{}
	for _, file := range flag.Args() {
		results = append(results, check(file, *clusterName, *version))
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func check(file, name, version string) result {
	r := result{File: file}
	cfg, err := encoding.Load(file)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	if name != "" {
		cfg.Name = name
	}
	if err := cfg.Validate(); err != nil {
		r.Error = err.Error()
		return r
	}
	r.Name, r.Networking = cfg.Name, cfg.Networking
	namer := common.MakeNodeNamer(cfg.Name)
	for i := range cfg.Nodes {
		n := &cfg.Nodes[i]
		container := namer(string(n.Role))
		rendered, err := kubeadmConfig(cfg, n, container, fmt.Sprintf("192.0.2.%d", i+2), version)
		if err != nil {
			r.Error = fmt.Sprintf("node %s: %v", container, err)
			return r
		}
		r.Nodes = append(r.Nodes, node{Role: string(n.Role), Container: container, Labels: n.Labels, KubeadmConfig: rendered})
	}
	return r
}

// kubeadmConfig follows kind's config action (pkg/cluster/internal/create/actions/config):
// render kind's template for the node, then apply the cluster's and the node's patches.
// The node address is from the documentation range: it is only written, never dialled.
func kubeadmConfig(cfg *config.Cluster, n *config.Node, container, address, version string) (string, error) {
	data := kubeadm.ConfigData{
		NodeProvider:         "docker",
		ClusterName:          cfg.Name,
		ControlPlaneEndpoint: fmt.Sprintf("%s-control-plane:%d", cfg.Name, common.APIServerInternalPort),
		APIBindPort:          common.APIServerInternalPort,
		APIServerAddress:     cfg.Networking.APIServerAddress,
		Token:                kubeadm.Token,
		PodSubnet:            cfg.Networking.PodSubnet,
		KubeProxyMode:        string(cfg.Networking.KubeProxyMode),
		ServiceSubnet:        cfg.Networking.ServiceSubnet,
		IPFamily:             cfg.Networking.IPFamily,
		FeatureGates:         cfg.FeatureGates,
		RuntimeConfig:        cfg.RuntimeConfig,
		KubernetesVersion:    version,
		NodeName:             container,
		NodeAddress:          address,
		ControlPlane:         string(n.Role) == constants.ControlPlaneNodeRoleValue,
	}
	var labels []string
	for k, v := range n.Labels {
		labels = append(labels, k+"="+v)
	}
	data.NodeLabels = strings.Join(labels, ",")
	rendered, err := kubeadm.Config(data)
	if err != nil {
		return "", err
	}
	rendered, err = patch.KubeYAML(rendered, cfg.KubeadmConfigPatches, cfg.KubeadmConfigPatchesJSON6902)
	if err != nil {
		return "", err
	}
	if len(n.KubeadmConfigPatches) > 0 || len(n.KubeadmConfigPatchesJSON6902) > 0 {
		rendered, err = patch.KubeYAML(rendered, n.KubeadmConfigPatches, n.KubeadmConfigPatchesJSON6902)
		if err != nil {
			return "", err
		}
	}
	return strings.ReplaceAll(rendered, "metadata:\n  name: config\n", ""), nil
}
