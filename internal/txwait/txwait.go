// Package txwait makes every `healthd tx` command wait for its transaction's
// block and report what happened there, and turns chain errors into text a
// person reads.
package txwait

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
)

// A transaction command broadcasts in sync mode, which answers with the
// mempool check only: a transaction that fails in its block would print
// `code: 0`. Every `healthd tx` command therefore waits, by default, until the
// transaction is in a block and prints that result: what the block emitted on
// success, the registered error and a non-zero exit status on failure.
const (
	flagWait        = "wait"
	flagWaitTimeout = "wait-timeout"

	// waitPoll is how often the node is asked for the transaction.
	waitPoll = 250 * time.Millisecond
)

// Add adds --wait and --wait-timeout to every transaction command and
// wraps each runnable one so that it waits for inclusion.
func Add(txCmd *cobra.Command) {
	txCmd.PersistentFlags().Bool(flagWait, true,
		"wait until the transaction is in a block and print that result; --wait=false prints the mempool check only")
	txCmd.PersistentFlags().Duration(flagWaitTimeout, time.Minute,
		"how long --wait waits for the transaction to be included")
	wrapTxCommands(txCmd)
}

func wrapTxCommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		wrapTxCommands(sub)
	}
	if c.RunE == nil {
		return
	}
	run := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		wait, _ := cmd.Flags().GetBool(flagWait)
		if !wait {
			return run(cmd, args)
		}
		// autocli prints to the command's writer, the SDK's own commands
		// to the client context's: capture both.
		capture := &txCapture{out: cmd.OutOrStdout()}
		cmd.SetOut(capture)
		defer cmd.SetOut(capture.out)
		clientCtx := client.GetClientContextFromCmd(cmd).WithOutput(capture)
		if err := client.SetCmdClientContext(cmd, clientCtx); err != nil {
			return err
		}
		if err := run(cmd, args); err != nil {
			return err
		}
		if capture.res == nil { // nothing broadcast: generate-only, dry run, sign, multisign...
			return nil
		}
		return finishTx(cmd, capture)
	}
}

// txCapture passes output through, except a broadcast's TxResponse, which it
// keeps for finishTx.
type txCapture struct {
	out io.Writer
	res *broadcastResult
	raw []byte
}

// broadcastResult is the part of a TxResponse the wait needs.
type broadcastResult struct {
	TxHash    string `json:"txhash"`
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	RawLog    string `json:"raw_log"`
	Height    string `json:"height"`
}

func (w *txCapture) Write(p []byte) (int, error) {
	if w.res != nil && len(bytes.TrimSpace(p)) == 0 {
		return len(p), nil // the newline after a captured response
	}
	if res, ok := parseBroadcast(p); ok && w.res == nil {
		w.res, w.raw = res, append([]byte(nil), p...)
		return len(p), nil
	}
	return w.out.Write(p)
}

// parseBroadcast recognises a TxResponse printed as JSON or as YAML.
func parseBroadcast(p []byte) (*broadcastResult, bool) {
	js := bytes.TrimSpace(p)
	if len(js) == 0 {
		return nil, false
	}
	if js[0] != '{' {
		var err error
		if js, err = yaml.YAMLToJSON(js); err != nil {
			return nil, false
		}
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(js, &probe) != nil {
		return nil, false
	}
	if _, ok := probe["txhash"]; !ok {
		return nil, false
	}
	if _, ok := probe["raw_log"]; !ok {
		return nil, false
	}
	var res broadcastResult
	if json.Unmarshal(js, &res) != nil || res.TxHash == "" {
		return nil, false
	}
	return &res, true
}

// finishTx reports a mempool refusal, or waits for the block and reports
// what happened there.
func finishTx(cmd *cobra.Command, capture *txCapture) error {
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return err
	}
	res := capture.res
	if res.Code != 0 {
		if clientCtx.OutputFormat == flags.OutputFormatJSON { // scripts read the response; people read the error
			if _, err := capture.out.Write(capture.raw); err != nil {
				return err
			}
		}
		return txError{hash: res.TxHash, codespace: res.Codespace, code: res.Code, log: res.RawLog}
	}
	if res.Height != "" && res.Height != "0" { // already final (a sync broadcast never is)
		if _, err := capture.out.Write(capture.raw); err != nil {
			return err
		}
		return nil
	}
	timeout, _ := cmd.Flags().GetDuration(flagWaitTimeout)
	final, err := waitForTx(clientCtx, res.TxHash, timeout)
	if err != nil {
		return err
	}
	if clientCtx.OutputFormat == flags.OutputFormatJSON {
		if err := clientCtx.WithOutput(capture.out).PrintProto(final); err != nil {
			return err
		}
	} else if err := printTxSummary(capture.out, final); err != nil {
		return err
	}
	if final.Code != 0 {
		return txError{hash: final.TxHash, height: final.Height, codespace: final.Codespace, code: final.Code, log: final.RawLog}
	}
	return nil
}

// waitForTx polls the node until the transaction is in a block.
func waitForTx(clientCtx client.Context, hash string, timeout time.Duration) (*sdk.TxResponse, error) {
	deadline := time.Now().Add(timeout)
	for {
		res, err := authtx.QueryTx(clientCtx, hash)
		if err == nil {
			return res, nil
		}
		if !strings.Contains(err.Error(), "not found") {
			return nil, fmt.Errorf("transaction %s was accepted, but asking the node for its result failed: %w", hash, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("transaction %s was accepted but is not in a block after %s; "+
				"it may still be included: look it up with `healthd q tx %s`", hash, timeout, hash)
		}
		time.Sleep(waitPoll)
	}
}

// printTxSummary prints, as YAML, the outcome, the hash, the block, the gas
// and the events the chain's own modules emitted (the new ids are there),
// without the framework's bookkeeping events.
func printTxSummary(w io.Writer, res *sdk.TxResponse) error {
	result := "committed"
	if res.Code != 0 {
		result = "failed"
	}
	fmt.Fprintf(w, "result: %s\ntxhash: %s\nheight: %d\ngas_used: %d\n", result, res.TxHash, res.Height, res.GasUsed)
	type event struct {
		Type       string            `json:"type"`
		Attributes map[string]string `json:"attributes,omitempty"`
	}
	var events []event
	for _, e := range res.Events {
		if !strings.HasPrefix(e.Type, "healthd.") {
			continue
		}
		ev := event{Type: e.Type, Attributes: map[string]string{}}
		for _, a := range e.Attributes {
			if a.Key != "msg_index" {
				ev.Attributes[a.Key] = unquote(a.Value)
			}
		}
		events = append(events, ev)
	}
	if len(events) == 0 {
		return nil
	}
	bz, err := yaml.Marshal(map[string][]event{"events": events})
	if err != nil {
		return err
	}
	_, err = w.Write(bz)
	return err
}

// unquote turns a typed event's JSON-encoded string attribute into its text.
func unquote(v string) string {
	var s string
	if strings.HasPrefix(v, `"`) && json.Unmarshal([]byte(v), &s) == nil {
		return s
	}
	return v
}

// txError is a transaction refused at the mempool (height 0) or failed in a
// block; main prints it as the registered error and exits non-zero.
type txError struct {
	hash      string
	height    int64
	codespace string
	code      uint32
	log       string
}

func (e txError) Error() string {
	where := "refused before a block (nothing was stored, no fee was taken)"
	if e.height > 0 {
		where = fmt.Sprintf("failed in block %d (none of its changes were kept; the fee was charged)", e.height)
	}
	return fmt.Sprintf("transaction %s %s: %s [%s error %d]", e.hash, where, CleanError(e.log), e.codespace, e.code)
}
