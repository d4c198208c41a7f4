package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/cometbft/cometbft/p2p"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/x/consortium/types"
)

// Flags of register-node.
const (
	FlagNodeKey     = "node-key"
	FlagNodeAddress = "node-address"
)

// BuildRegisterNode builds member's registration of the node whose
// node_key.json is at keyFile, signed by the node key for chainID, and runs its
// stateless checks.
func BuildRegisterNode(member, keyFile, addr, chainID string) (*types.MsgRegisterNode, error) {
	if chainID == "" {
		return nil, errors.New("the chain id is required (--chain-id, or `healthd config chain-id`): the node key signs it")
	}
	nodeKey, err := p2p.LoadNodeKey(keyFile)
	if err != nil {
		return nil, fmt.Errorf("read the node key: %w", err)
	}
	return types.NewMsgRegisterNode(member, addr, chainID, nodeKey.PrivKey)
}

// RegisterNodeCmd is `healthd tx consortium register-node`: the member signs
// the transaction, the node's key signs the registration, so a member can
// register only a node whose key it holds.
func RegisterNodeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register-node [--node-key FILE] [--node-address host:port] --from member",
		Short: "Register a node you run, so that the members' nodes accept it as a peer",
		Long: "Register a CometBFT node of yours. The members' nodes refuse every peer whose node id no active member " +
			"registered (filter_peers = true), and disconnect a node when its registration is removed or its member " +
			"suspended. The node's key (its config/node_key.json; by default the one under --home) signs the " +
			"registration for this member and chain, so the id cannot be another organisation's; the transaction is " +
			"signed by the member (--from), which must be active. --node-address publishes where the node accepts " +
			"peers (host:port), for the other members' persistent_peers. Registering the same node again replaces " +
			"its address. A member registers at most max_nodes_per_member nodes (`healthd q consortium params`).",
		Example: fmt.Sprintf("%s tx consortium register-node --from distributor\n"+
			"%s tx consortium register-node --node-key /srv/sentry/config/node_key.json --node-address sentry1.example.org:26656 --from hospital",
			version.AppName, version.AppName),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			keyFile, _ := cmd.Flags().GetString(FlagNodeKey)
			if keyFile == "" {
				keyFile = filepath.Join(clientCtx.HomeDir, "config", "node_key.json")
			}
			addr, _ := cmd.Flags().GetString(FlagNodeAddress)
			msg, err := BuildRegisterNode(clientCtx.GetFromAddress().String(), keyFile, addr, clientCtx.ChainID)
			if err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagNodeKey, "", "the node's node_key.json (default: config/node_key.json under --home)")
	cmd.Flags().String(FlagNodeAddress, "", "where the node accepts peers, host:port (optional)")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}
