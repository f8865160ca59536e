// The module path sits under sigs.k8s.io/kind/pkg/cluster on purpose: Go then lets this
// program import kind's internal config loader, validator and kubeadm-config renderer, the
// same code `kind create cluster` runs before it talks to Docker.
module sigs.k8s.io/kind/pkg/cluster/kubelabschema

go 1.24

require sigs.k8s.io/kind v0.30.0

require (
	al.essio.dev/pkg/shellescape v1.5.1 // indirect
	github.com/BurntSushi/toml v1.4.0 // indirect
	github.com/evanphx/json-patch/v5 v5.6.0 // indirect
	github.com/pelletier/go-toml v1.9.5 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	go.yaml.in/yaml/v3 v3.0.4 // indirect
	sigs.k8s.io/yaml v1.4.0 // indirect
)
