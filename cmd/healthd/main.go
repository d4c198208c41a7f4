// Command healthd runs a healthd node and is its command-line client.
package main

import (
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/cmd/healthd/cmd"
	"github.com/healthchain/healthd/internal/txwait"
)

func main() {
	// Release builds set these with -ldflags; a plain `go build` still names itself.
	if version.AppName == "" || version.AppName == "<appd>" {
		version.AppName = app.Name
	}
	if version.Name == "" {
		version.Name = app.Name
	}
	if err := svrcmd.Execute(cmd.NewRootCmd(), "HEALTHD", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", txwait.CleanError(err.Error()))
		os.Exit(1)
	}
}
