// Package multicall is what kubelab's two multi-call binaries share: choosing the
// command by the name the binary was called by, and starting kwok as its own main
// package does.
package multicall

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"sigs.k8s.io/kwok/pkg/config"
	"sigs.k8s.io/kwok/pkg/log"
	"sigs.k8s.io/kwok/pkg/utils/signals"
)

// Main runs the command named by the symlink the binary was called through or,
// failing that, by its first argument.
func Main(binary string, commands map[string]func()) {
	settleGC()
	if run, ok := commands[filepath.Base(os.Args[0])]; ok {
		run()
		return
	}
	if len(os.Args) > 1 {
		if run, ok := commands[os.Args[1]]; ok {
			os.Args = append([]string{os.Args[1]}, os.Args[2:]...)
			run()
			return
		}
	}
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: %s <%s> [args...] (or call it through a symlink of that name)\n", binary, names)
	os.Exit(2)
}

// Kwok starts a kwok command (kwok or kwokctl) as kwok's own main package does.
func Kwok(newCommand func(context.Context) *cobra.Command) {
	// Kubernetes' packages register a non-boolean --version on the global pflag set
	// at init; cobra would merge it into kwok's commands and break kwok's own --version.
	pflag.CommandLine = pflag.NewFlagSet(os.Args[0], pflag.ExitOnError)
	flagset := pflag.NewFlagSet("global", pflag.ContinueOnError)
	flagset.ParseErrorsAllowlist.UnknownFlags = true
	flagset.Usage = func() {}
	ctx := signals.SetupSignalContext()
	ctx, logger := log.InitFlags(ctx, flagset)
	ctx, err := config.InitFlags(ctx, flagset)
	if err != nil {
		_, _ = os.Stderr.Write([]byte(flagset.FlagUsages()))
		logger.Error("Init config flags", "err", err)
		os.Exit(1)
	}
	command := newCommand(ctx)
	command.PersistentFlags().AddFlagSet(flagset)
	if err := command.ExecuteContext(ctx); err != nil {
		logger.Error("Execute exit", "err", err)
		os.Exit(1)
	}
}

// settleGC lowers the collector's target (GOGC) once a process has started, when
// KUBELAB_GOGC_SETTLED and KUBELAB_GOGC_SETTLE_AFTER say to what and when: a
// server's start-up makes much short-lived garbage, and collecting it at a low
// GOGC cost the API server about 2 s of CPU on a 2-core machine, while what a
// cluster holds afterwards is what decides how many fit on one machine.
func settleGC() {
	percent, err := strconv.Atoi(os.Getenv("KUBELAB_GOGC_SETTLED"))
	if err != nil {
		return
	}
	after, err := time.ParseDuration(os.Getenv("KUBELAB_GOGC_SETTLE_AFTER"))
	if err != nil {
		return
	}
	go func() {
		time.Sleep(after)
		debug.SetGCPercent(percent)
		debug.FreeOSMemory() // collect now and hand the start-up's heap back at once
	}()
}
