package txwait

import (
	"bytes"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

func TestCleanError(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"simulation with build path and gas": {
			"rpc error: code = Unknown desc = rpc error: code = Unknown desc = failed to execute message; message index: 0: id 99: consent not found [/work/main/x/consent/keeper/check.go:145] with gas used: '53212': unknown request",
			"id 99: consent not found",
		},
		"second message named": {
			"failed to execute message; message index: 2: signer is not the author",
			"message 2: signer is not the author",
		},
		"repeated prefix": {
			"element string: element string: AI (17): expiry 281331 is not a date",
			"element string: AI (17): expiry 281331 is not a date",
		},
		"positional enum": {
			`invalid argument "bogus" for "--1" flag: bogus is not a valid value for enum healthd.consent.v1.RevocationReason. Valid values are: other, unspecified, care-ended, patient-request`,
			`argument 2 ("bogus") is not valid: "bogus" is not one of care-ended, other, patient-request`,
		},
		"plain error unchanged":       {"key not found", "key not found"},
		"unknown request alone stays": {"unknown request", "unknown request"},
	} {
		t.Run(name, func(t *testing.T) { require.Equal(t, tc.want, CleanError(tc.in)) })
	}
}

// TestCaptureKeepsOnlyTheBroadcastResponse: a broadcast's response, JSON or
// YAML, is kept back (with its trailing newline); anything else a command
// prints passes through.
func TestCaptureKeepsOnlyTheBroadcastResponse(t *testing.T) {
	for name, resp := range map[string]string{
		"json": `{"height":"0","txhash":"ABC","codespace":"consent","code":5,"raw_log":"unknown purpose of use"}`,
		"yaml": "code: 5\ncodespace: consent\nheight: \"0\"\nraw_log: unknown purpose of use\ntxhash: ABC\n",
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			c := &txCapture{out: &out}
			_, _ = c.Write([]byte(`{"body":{"messages":[]}}`)) // a generated tx: not a response
			_, _ = c.Write([]byte("\n"))
			_, _ = c.Write([]byte(resp))
			_, _ = c.Write([]byte("\n"))
			require.Equal(t, "{\"body\":{\"messages\":[]}}\n", out.String())
			require.NotNil(t, c.res)
			require.Equal(t, broadcastResult{TxHash: "ABC", Code: 5, Codespace: "consent", RawLog: "unknown purpose of use", Height: "0"}, *c.res)
		})
	}
}

func TestTxErrorSaysWhereItFailed(t *testing.T) {
	refused := txError{hash: "ABC", codespace: "consent", code: 5, log: "unknown purpose of use"}.Error()
	require.Contains(t, refused, "refused before a block")
	require.True(t, strings.HasSuffix(refused, "unknown purpose of use [consent error 5]"), refused)
	failed := txError{hash: "ABC", height: 7, codespace: "consent", code: 3,
		log: "failed to execute message; message index: 0: signer is neither the patient nor a guardian"}.Error()
	require.Contains(t, failed, "failed in block 7")
	require.True(t, strings.HasSuffix(failed, ": signer is neither the patient nor a guardian [consent error 3]"), failed)
}

// TestSummaryShowsTheModulesEvents: the summary names the outcome and the
// chain's own events with their attributes unquoted, not the framework's.
func TestSummaryShowsTheModulesEvents(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, printTxSummary(&out, &sdk.TxResponse{TxHash: "ABC", Height: 9, GasUsed: 80222, Events: []abci.Event{
		{Type: "coin_spent", Attributes: []abci.EventAttribute{{Key: "amount", Value: "1uhealth"}}},
		{Type: "healthd.consent.v1.EventConsentGranted", Attributes: []abci.EventAttribute{
			{Key: "consent_id", Value: `"2"`}, {Key: "purpose", Value: `"TREAT"`}, {Key: "msg_index", Value: "0"}}},
	}}))
	require.Equal(t, "result: committed\ntxhash: ABC\nheight: 9\ngas_used: 80222\nevents:\n- attributes:\n    consent_id: \"2\"\n    purpose: TREAT\n  type: healthd.consent.v1.EventConsentGranted\n", out.String())
}
