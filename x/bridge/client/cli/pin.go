// Package cli holds the bridge's hand-written commands; AutoCLI makes the rest.
package cli

import (
	"fmt"
	"strings"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"

	"github.com/healthchain/healthd/x/bridge/types"
)

const flagCounterpartyNode = "counterparty-node"

// PinCmd prints the pin of a counterparty for `tx bridge trust-counterparty`,
// after checking a light client of it on this chain against the
// counterparty's own node: the header the client was created from (as this
// chain recorded it when the client was created) must be the header the
// counterparty's node has at that height.
func PinCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "counterparty-pin [client-id] --counterparty-node tcp://host:26657",
		Short: "Check a light client against the counterparty's node and print the pin to trust it by",
		Long: "Reads the header the light client was created from (recorded by this chain in the block that created " +
			"it), fetches the header at that height from the counterparty's node (one you trust: it answers for the " +
			"counterparty), checks that chain id, app hash, next validators hash and time agree, and prints the pin as " +
			"JSON, the argument of `tx bridge trust-counterparty`.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			node, _ := cmd.Flags().GetString(flagCounterpartyNode)
			if node == "" {
				return fmt.Errorf("--%s is required", flagCounterpartyNode)
			}
			ctx := cmd.Context()
			res, err := types.NewQueryClient(clientCtx).ClientOrigin(ctx, &types.QueryClientOriginRequest{ClientId: args[0]})
			if err != nil {
				return err
			}
			origin := res.Origin.Origin

			rpc, err := rpchttp.New(node, "/websocket")
			if err != nil {
				return err
			}
			height := int64(origin.RevisionHeight)
			commit, err := rpc.Commit(ctx, &height)
			if err != nil {
				return fmt.Errorf("header %d from %s: %w", height, node, err)
			}
			hdr := commit.Header
			switch {
			case hdr.ChainID != origin.ChainID:
				return fmt.Errorf("the client is of chain %q, the node at %s is of %q", origin.ChainID, node, hdr.ChainID)
			case clienttypes.ParseChainID(hdr.ChainID) != origin.RevisionNumber:
				return fmt.Errorf("%s starts at revision %d, the chain id %q is of revision %d", args[0], origin.RevisionNumber, hdr.ChainID, clienttypes.ParseChainID(hdr.ChainID))
			case !strings.EqualFold(fmt.Sprintf("%X", []byte(hdr.AppHash)), origin.AppHash),
				!strings.EqualFold(fmt.Sprintf("%X", []byte(hdr.NextValidatorsHash)), origin.NextValidatorsHash),
				!hdr.Time.Equal(origin.Timestamp):
				return fmt.Errorf("%s was not created from %s's header at %d: do not trust it", args[0], hdr.ChainID, height)
			}
			pin := types.TrustedCounterparty{
				ChainID: origin.ChainID, RevisionNumber: origin.RevisionNumber, RevisionHeight: origin.RevisionHeight,
				AppHash: strings.ToUpper(fmt.Sprintf("%X", hdr.AppHash)), NextValidatorsHash: fmt.Sprintf("%X", []byte(hdr.NextValidatorsHash)),
				Timestamp: hdr.Time.UTC(),
			}
			if err := pin.Validate(); err != nil {
				return err
			}
			bz, err := clientCtx.Codec.MarshalJSON(&pin)
			if err != nil {
				return err
			}
			return clientCtx.PrintRaw(bz)
		},
	}
	cmd.Flags().String(flagCounterpartyNode, "", "RPC address of a node of the counterparty chain")
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}
