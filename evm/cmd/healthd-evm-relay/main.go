// Command healthd-evm-relay carries healthd's settlement reveals to the
// Ethereum HTLC contract (run), and gives a payer or a pharmacy the Ethereum
// half of a settlement: lock, refund, show. See docs/evm-relay.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: healthd-evm-relay <command> [flags]

  run      follow healthd and the HTLC contract, withdraw what healthd reveals
  lock     lock tokens under a fresh random hashlock (a payer or a pharmacy)
  refund   take back a lock's tokens after its timelock (the lock's sender)
  show     print a lock as the contract holds it

Keys come from go-ethereum keystore files (--keystore FILE --password-file FILE),
never from flags. 'healthd-evm-relay <command> -h' lists a command's flags.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmds := map[string]func(context.Context, []string) error{"run": cmdRun, "lock": cmdLock, "refund": cmdRefund, "show": cmdShow}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err := cmd(ctx, os.Args[2:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
