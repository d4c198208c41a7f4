package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/healthchain/healthd/evm/relay"
)

// confirmFlags is a repeatable --confirm RECEIVER=KEY: the relay confirms,
// with healthd key KEY, the locks that pay Ethereum address RECEIVER.
type confirmFlags map[string]string

func (c confirmFlags) String() string {
	var out []string
	for a, k := range c {
		out = append(out, a+"="+k)
	}
	return strings.Join(out, ",")
}

func (c confirmFlags) Set(v string) error {
	addr, key, ok := strings.Cut(v, "=")
	if !ok || !common.IsHexAddress(addr) || key == "" {
		return fmt.Errorf("want RECEIVER=KEY (an Ethereum address and a healthd key name), got %q", v)
	}
	c[common.HexToAddress(addr).Hex()] = key
	return nil
}

// cliConfirmer confirms locks with the healthd binary's own command
// (`healthd tx claims|drugtrace confirm-settlement`), signing with a key of
// the receiver's healthd keyring: the relay does not link the chain's code
// (its dependencies clash with go-ethereum's), and the key never leaves the
// keyring.
type cliConfirmer struct {
	bin, home, keyringBackend, chainID, node string
	keys                                     confirmFlags
}

func (c *cliConfirmer) For(receiver string) bool { _, ok := c.keys[receiver]; return ok }

// Confirm sends the confirmation and waits for CheckTx (broadcast sync):
// healthd's Confirmed event, read by the relay from the block, is what
// marks the lock confirmed.
func (c *cliConfirmer) Confirm(ctx context.Context, receiver, flow, ref, hashlock string) error {
	module := "claims"
	if flow == relay.FlowShipment {
		module = "drugtrace"
	}
	key, ok := c.keys[receiver]
	if !ok {
		return fmt.Errorf("no healthd key for receiver %s", receiver)
	}
	args := []string{"tx", module, "confirm-settlement", ref, hashlock, "--from", key,
		"--keyring-backend", c.keyringBackend, "--chain-id", c.chainID, "--node", c.node,
		"-y", "-o", "json", "--gas", "auto", "--gas-adjustment", "1.5"}
	if c.home != "" {
		args = append(args, "--home", c.home)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", c.bin, strings.Join(args[:5], " "), err, strings.TrimSpace(errb.String()+out.String()))
	}
	var res struct {
		Code   uint32 `json:"code"`
		RawLog string `json:"raw_log"`
		TxHash string `json:"txhash"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return fmt.Errorf("%s: unreadable answer %q", c.bin, out.String())
	}
	if res.Code != 0 {
		return fmt.Errorf("confirm-settlement %s %s refused: code %d: %s", module, ref, res.Code, res.RawLog)
	}
	return nil
}
