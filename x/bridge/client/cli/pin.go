// Package cli holds the bridge's hand-written commands; AutoCLI makes the rest.
package cli

import (
	"bytes"
	"fmt"
	"strings"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/types/query"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	ibcexported "github.com/cosmos/ibc-go/v11/modules/core/exported"
	ibctm "github.com/cosmos/ibc-go/v11/modules/light-clients/07-tendermint"

	"github.com/healthchain/healthd/x/bridge/types"
)

const flagCounterpartyNode = "counterparty-node"

// PinCmd prints the pin of a counterparty for `tx bridge trust-counterparty`,
// after checking a light client of it on this chain against the
// counterparty's own node: the client's earliest consensus state must be the
// header the counterparty's node has at that height.
func PinCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "counterparty-pin [client-id] --counterparty-node tcp://host:26657",
		Short: "Check a light client against the counterparty's node and print the pin to trust it by",
		Long: "Reads the light client's chain id and earliest consensus state on this chain, fetches the header at that " +
			"height from the counterparty's node (one you trust: it answers for the counterparty), checks that app hash, " +
			"next validators hash and time agree, and prints the pin as JSON, the argument of `tx bridge trust-counterparty`.",
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
			qc := clienttypes.NewQueryClient(clientCtx)
			csRes, err := qc.ClientState(ctx, &clienttypes.QueryClientStateRequest{ClientId: args[0]})
			if err != nil {
				return err
			}
			var cs ibcexported.ClientState
			if err := clientCtx.InterfaceRegistry.UnpackAny(csRes.ClientState, &cs); err != nil {
				return err
			}
			tm, ok := cs.(*ibctm.ClientState)
			if !ok {
				return fmt.Errorf("%s is not a 07-tendermint client", args[0])
			}
			// The heights come in key order (text), not height order: take the lowest.
			var first *clienttypes.Height
			var pageKey []byte
			for {
				res, err := qc.ConsensusStateHeights(ctx, &clienttypes.QueryConsensusStateHeightsRequest{
					ClientId: args[0], Pagination: &query.PageRequest{Key: pageKey, Limit: 100},
				})
				if err != nil {
					return err
				}
				for _, h := range res.ConsensusStateHeights {
					if first == nil || h.LT(*first) {
						first = &h
					}
				}
				if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
					break
				}
				pageKey = res.Pagination.NextKey
			}
			if first == nil {
				return fmt.Errorf("%s has no consensus state", args[0])
			}
			consRes, err := qc.ConsensusState(ctx, &clienttypes.QueryConsensusStateRequest{
				ClientId: args[0], RevisionNumber: first.RevisionNumber, RevisionHeight: first.RevisionHeight,
			})
			if err != nil {
				return err
			}
			var consI ibcexported.ConsensusState
			if err := clientCtx.InterfaceRegistry.UnpackAny(consRes.ConsensusState, &consI); err != nil {
				return err
			}
			cons, ok := consI.(*ibctm.ConsensusState)
			if !ok {
				return fmt.Errorf("%s: not a 07-tendermint consensus state", args[0])
			}

			rpc, err := rpchttp.New(node, "/websocket")
			if err != nil {
				return err
			}
			height := int64(first.RevisionHeight)
			commit, err := rpc.Commit(ctx, &height)
			if err != nil {
				return fmt.Errorf("header %d from %s: %w", height, node, err)
			}
			hdr := commit.Header
			switch {
			case hdr.ChainID != tm.ChainId:
				return fmt.Errorf("the client is of chain %q, the node at %s is of %q", tm.ChainId, node, hdr.ChainID)
			case !bytes.Equal(hdr.AppHash, cons.Root.GetHash()), !bytes.Equal(hdr.NextValidatorsHash, cons.NextValidatorsHash), !hdr.Time.Equal(cons.Timestamp):
				return fmt.Errorf("%s does not start from %s's header at %d: do not trust it", args[0], hdr.ChainID, height)
			}
			pin := types.TrustedCounterparty{
				ChainID: tm.ChainId, RevisionNumber: first.RevisionNumber, RevisionHeight: first.RevisionHeight,
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
