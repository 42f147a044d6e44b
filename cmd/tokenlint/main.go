// Command tokenlint lints Kubernetes manifests for service-account token
// hygiene. See README.md.
package main

import (
	"os"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/cmd/cli"
)

func main() {
	// Charts render in child processes of tokenlint itself: in one, this
	// renders and exits.
	analyzer.ServeRenderChild()
	cli.TuneGC(os.Getenv)
	os.Exit(cli.Run(os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv}))
}
