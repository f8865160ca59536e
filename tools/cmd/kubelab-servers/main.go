// Command kubelab-servers holds only the long-running components of a local
// cluster (kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok).
// Go runs every linked package's initialisation in every process, so a server
// started from kubelab-components also pays for kubelet's, kubectl's and
// kubeadm's: about 30 MiB more over a local cluster's five processes. The
// entries are the same as in kubelab-components.
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones, as upstream kube-apiserver and kube-controller-manager do

	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kwokcmd "sigs.k8s.io/kwok/pkg/kwok/cmd"

	"kubelab.dev/tools/internal/multicall"
)

func main() {
	multicall.Main("kubelab-servers", map[string]func(){
		"kube-apiserver":          func() { os.Exit(cli.Run(apiserver.NewAPIServerCommand())) },
		"kube-controller-manager": func() { os.Exit(cli.Run(controllermanager.NewControllerManagerCommand())) },
		"kube-scheduler":          func() { os.Exit(cli.Run(scheduler.NewSchedulerCommand())) },
		"etcd":                    func() { etcdmain.Main(os.Args) },
		"kwok":                    func() { multicall.Kwok(kwokcmd.NewCommand) },
		"kwok-controller":         func() { multicall.Kwok(kwokcmd.NewCommand) }, // the name kwokctl gives it
	})
}
