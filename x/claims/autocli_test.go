package claims_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoregistry"

	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/client/v2/autocli/flag"

	"github.com/cosmos/cosmos-sdk/client/flags"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"

	"github.com/healthchain/healthd/x/claims"
)

// errNoNode is what a query returns here once its arguments are parsed.
var errNoNode = errors.New("no node in this test")

// commands builds `claims` tx or query commands from AutoCLIOptions with
// autocli, as the node's CLI does; a field named in the options that the
// message does not have fails here.
func commands(t *testing.T, tx bool) *cobra.Command {
	t.Helper()
	files, err := proto.MergedRegistry()
	require.NoError(t, err)
	b := &autocli.Builder{
		Builder: flag.Builder{
			TypeResolver:          protoregistry.GlobalTypes,
			FileResolver:          files,
			AddressCodec:          addresscodec.NewBech32Codec("health"),
			ValidatorAddressCodec: addresscodec.NewBech32Codec("healthvaloper"),
			ConsensusAddressCodec: addresscodec.NewBech32Codec("healthvalcons"),
		},
		GetClientConn:     func(*cobra.Command) (grpc.ClientConnInterface, error) { return nil, errNoNode },
		AddQueryConnFlags: flags.AddQueryFlagsToCmd,
		AddTxConnFlags:    flags.AddTxFlagsToCmd,
	}
	require.NoError(t, b.ValidateAndComplete())
	opts := claims.AppModule{}.AutoCLIOptions()
	cmd := &cobra.Command{Use: "claims"}
	if tx {
		require.NoError(t, b.AddMsgServiceCommands(cmd, opts.Tx))
	} else {
		require.NoError(t, b.AddQueryServiceCommands(cmd, opts.Query))
	}
	return cmd
}

// run executes `claims args...` and returns its output and error.
func run(t *testing.T, tx bool, args ...string) (string, error) {
	t.Helper()
	cmd := commands(t, tx)
	out := &bytes.Buffer{}
	cmd.SetOut(out)
	cmd.SetErr(out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// TestReviewHelp: `review --help` says what --approve-lines takes and that
// lines count from 0, as the msg server reads approve_lines.
func TestReviewHelp(t *testing.T) {
	out, err := run(t, true, "review", "--help")
	require.NoError(t, err)
	require.Regexp(t, `--approve-lines uints +partial only`, out)
	require.Regexp(t, `--reason string +partial or deny`, out)
	for _, want := range []string{
		"partial only: the lines to approve, numbered from 0 (the first line is 0); comma-separated (0,2) or the flag repeated",
		"partial or deny: the CARC code of the denied lines",
		"--approve-lines 1 approves the second line",
		"tx claims review 2 partial --approve-lines 1 --reason 50 --from payer",
	} {
		require.Contains(t, out, want)
	}
}

// validValues returns the values autocli accepts for the enum argument at
// args' end, from the error it gives for a value that is not one.
func validValues(t *testing.T, tx bool, args ...string) []string {
	t.Helper()
	_, err := run(t, tx, append(args, "no-such-value")...)
	require.Error(t, err)
	_, list, ok := strings.Cut(err.Error(), "Valid values are: ")
	require.True(t, ok, err.Error())
	return strings.Split(list, ", ")
}

// TestEnumArgumentsInHelp: the values the help names for enum arguments are
// the ones autocli accepts (kebab-case names without the enum's prefix).
func TestEnumArgumentsInHelp(t *testing.T) {
	statuses := []string{"pended", "payable", "paid", "denied", "appealed", "withdrawn", "cancelled"}
	require.Subset(t, validValues(t, false, "by-status"), statuses)
	for _, s := range statuses {
		_, err := run(t, false, "by-status", s)
		require.ErrorIs(t, err, errNoNode, s) // parsed; only the node is missing
	}
	_, err := run(t, false, "by-status", "CLAIM_STATUS_PENDED")
	require.ErrorContains(t, err, "not a valid value")

	require.Subset(t, validValues(t, true, "review", "2"), []string{"approve", "partial", "deny"})
	require.Subset(t, validValues(t, true, "appeal", "2"),
		[]string{"medical-necessity", "coding-corrected", "prior-auth-obtained", "coverage-verified", "additional-records"})

	for _, c := range []struct {
		tx   bool
		args []string
		want string
	}{
		{false, []string{"by-status"}, "pended, payable, paid, denied, appealed, withdrawn or cancelled"},
		{true, []string{"review"}, "decision is approve (the plan pays every line it covers), partial ("},
		{true, []string{"appeal"}, "medical-necessity, coding-corrected, prior-auth-obtained, coverage-verified, additional-records"},
	} {
		out, err := run(t, c.tx, append(c.args, "--help")...)
		require.NoError(t, err)
		require.Contains(t, out, c.want)
	}
}
