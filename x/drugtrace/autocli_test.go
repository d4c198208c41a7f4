package drugtrace_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/client/v2/autocli/flag"

	"github.com/cosmos/cosmos-sdk/client/flags"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"

	"github.com/healthchain/healthd/x/drugtrace"
)

// txCmd builds `tx drugtrace` from AutoCLIOptions as the node's CLI does,
// with no node behind it.
func txCmd(t *testing.T) *cobra.Command {
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
		GetClientConn:     func(*cobra.Command) (grpc.ClientConnInterface, error) { return nil, errors.New("no node in this test") },
		AddQueryConnFlags: flags.AddQueryFlagsToCmd,
		AddTxConnFlags:    flags.AddTxFlagsToCmd,
	}
	require.NoError(t, b.ValidateAndComplete())
	cmd := &cobra.Command{Use: "drugtrace"}
	require.NoError(t, b.AddMsgServiceCommands(cmd, drugtrace.AppModule{}.AutoCLIOptions().Tx))
	return cmd
}

func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := txCmd(t)
	out := &bytes.Buffer{}
	cmd.SetOut(out)
	cmd.SetErr(out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// TestRecallCLI: `tx drugtrace recall` lists the classes and reason codes in
// its help and takes them by those names; anything else is refused before a
// transaction is built, with the valid values.
func TestRecallCLI(t *testing.T) {
	help, err := execute(t, "recall", "--help")
	require.NoError(t, err)
	for _, want := range []string{"recall [gtin] [lot] [class] [reason]", "  i ", "  ii ", "  iii ", "contamination", "counterfeit-suspected",
		"mislabelling", "other-safety", "CLASS_<class>:<REASON>"} {
		require.Contains(t, help, want)
	}

	// The names in the help are the ones autocli takes: build the message
	// from the arguments as the command would, without signing it.
	files, err := proto.MergedRegistry()
	require.NoError(t, err)
	desc, err := files.FindDescriptorByName("healthd.drugtrace.v1.MsgRecall")
	require.NoError(t, err)
	md := desc.(protoreflect.MessageDescriptor)
	var opts *autocliv1.RpcCommandOptions
	for _, o := range (drugtrace.AppModule{}).AutoCLIOptions().Tx.RpcCommandOptions {
		if o.RpcMethod == "Recall" {
			opts = o
		}
	}
	require.NotNil(t, opts)
	valid := map[[2]string][2]protoreflect.EnumNumber{
		{"ii", "contamination"}:         {2, 1},
		{"i", "counterfeit-suspected"}:  {1, 12},
		{"iii", "failed-specification"}: {3, 5},
		{"iii", "other-safety"}:         {3, 13},
	}
	for args, want := range valid {
		ctx := context.Background()
		binder, err := (&flag.Builder{TypeResolver: protoregistry.GlobalTypes, FileResolver: files,
			AddressCodec: addresscodec.NewBech32Codec("health")}).AddMessageFlags(&ctx, pflag.NewFlagSet("recall", pflag.ContinueOnError), dynamicpb.NewMessageType(md), opts)
		require.NoError(t, err)
		msg, err := binder.BuildMessage([]string{"09506000134352", "LOT24A", args[0], args[1]})
		require.NoError(t, err, "%v", args)
		require.Equal(t, want[0], msg.Get(md.Fields().ByName("class")).Enum(), "%v", args)
		require.Equal(t, want[1], msg.Get(md.Fields().ByName("reason_code")).Enum(), "%v", args)
	}
	for _, args := range [][]string{{"II", "contamination"}, {"class-ii", "contamination"}, {"ii", "CONTAMINATION"}, {"ii", "bad batch"}} {
		_, err := execute(t, append([]string{"recall", "09506000134352", "LOT24A"}, args...)...)
		require.ErrorContains(t, err, "not a valid value for enum", "%v", args)
	}
	_, err = execute(t, "recall", "09506000134352", "LOT24A", "contamination")
	require.Error(t, err, "three arguments")
}
