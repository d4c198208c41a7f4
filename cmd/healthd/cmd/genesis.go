package cmd

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/server"
	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	consortiumcli "github.com/healthchain/healthd/x/consortium/client/cli"
	"github.com/healthchain/healthd/x/consortium/types"
)

const (
	flagRoles = "roles"
	flagNPI   = "npi"
	flagGLN   = "gln"
	flagDEA   = "dea"
	// flagNodeID names a founder's node: "id" or "id@host:port".
	flagNodeID = "node-id"
)

// AddGenesisMemberCmd adds a founding member to genesis.json.
func AddGenesisMemberCmd(cdc codec.JSONCodec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-member [address] [name] --roles r1,r2 [--npi N] [--gln G] [--dea D] [--gs1-prefixes P1,P2] [--fins F1,F2] [--node-id ID[@host:port]]...",
		Short: "Add a founding member organisation, and its nodes, to genesis.json",
		Long: "Add a founding member to the consortium's genesis state. Founders must be members before their " +
			"gentx is collected: only active members may run a validator.\nRoles: " + strings.Join(types.RoleShortNames(), ", ") + ".\n" +
			"--node-id registers the member's nodes (`healthd comet show-node-id`), optionally with the address where each " +
			"accepts peers. Nodes refuse every peer no active member registered (filter_peers = true), so the founders' " +
			"validators must be named here to reach each other for the first block; other nodes are registered later " +
			"with `healthd tx consortium register-node`.",
		Example: `healthd genesis add-member health1... "St Mary Hospital" --roles hospital --npi 1234567893 --node-id $(healthd comet show-node-id)@10.0.0.1:26656`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			ac := clientCtx.TxConfig.SigningContext().AddressCodec()
			if _, err := ac.StringToBytes(args[0]); err != nil {
				return fmt.Errorf("%w: %q: %s", types.ErrInvalidAddress, args[0], err)
			}
			roleNames, _ := cmd.Flags().GetStringSlice(flagRoles)
			roles := make([]types.Role, 0, len(roleNames))
			for _, n := range roleNames {
				r, err := types.ParseRole(n)
				if err != nil {
					return err
				}
				roles = append(roles, r)
			}
			roles, err := types.NormalizeRoles(roles)
			if err != nil {
				return err
			}
			npi, _ := cmd.Flags().GetString(flagNPI)
			gln, _ := cmd.Flags().GetString(flagGLN)
			dea, _ := cmd.Flags().GetString(flagDEA)
			prefixes, _ := cmd.Flags().GetStringSlice(consortiumcli.FlagGS1Prefixes)
			if prefixes, err = types.NormalizeCompanyPrefixes(prefixes); err != nil {
				return err
			}
			fins, _ := cmd.Flags().GetStringSlice(consortiumcli.FlagFINs)
			if fins, err = types.NormalizeFINs(fins); err != nil {
				return err
			}
			m := types.Member{
				Address: args[0], Name: args[1], Roles: roles, NPI: npi, GLN: gln, DEA: dea, GS1CompanyPrefixes: prefixes, FINs: fins,
				Status: types.MemberStatus_MEMBER_STATUS_ACTIVE,
			}
			if err := m.Validate(ac); err != nil {
				return err
			}
			nodeIDs, _ := cmd.Flags().GetStringSlice(flagNodeID)
			nodes := make([]types.Node, 0, len(nodeIDs))
			for _, s := range nodeIDs {
				id, addr, err := types.ParseNodeAddress(s)
				if err != nil {
					return fmt.Errorf("--%s %s: %w", flagNodeID, s, err)
				}
				nodes = append(nodes, types.Node{NodeID: id, Member: args[0], Address: addr})
			}

			genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
			appState, appGenesis, err := genutiltypes.GenesisStateFromGenFile(genFile)
			if err != nil {
				return fmt.Errorf("read genesis: %w", err)
			}
			var gs types.GenesisState
			if raw, ok := appState[types.ModuleName]; ok {
				if err := cdc.UnmarshalJSON(raw, &gs); err != nil {
					return err
				}
			}
			gs.Members = append(gs.Members, m)
			gs.Nodes = append(gs.Nodes, nodes...)
			if err := gs.Validate(ac); err != nil {
				return err
			}
			if appState[types.ModuleName], err = cdc.MarshalJSON(&gs); err != nil {
				return err
			}
			if appGenesis.AppState, err = json.MarshalIndent(appState, "", "  "); err != nil {
				return err
			}
			return appGenesis.SaveAs(genFile)
		},
	}
	cmd.Flags().StringSlice(flagRoles, nil, "roles, comma separated: "+strings.Join(types.RoleShortNames(), ", "))
	cmd.Flags().String(flagNPI, "", "National Provider Identifier (10 digits)")
	cmd.Flags().String(flagGLN, "", "GS1 Global Location Number (13 digits)")
	cmd.Flags().String(flagDEA, "", "DEA registration number (2 letters, 7 digits)")
	cmd.Flags().StringSlice(consortiumcli.FlagGS1Prefixes, nil,
		"GS1 company prefixes (6 to 12 digits each, comma separated): a manufacturer registers only GTINs under them")
	cmd.Flags().StringSlice(consortiumcli.FlagFINs, nil,
		"ISBT 128 Facility Identification Numbers (5 characters each, comma separated): an OPO opens donations only under DINs beginning with one of them")
	cmd.Flags().StringSlice(flagNodeID, nil,
		"a node of the member, ID or ID@host:port (healthd comet show-node-id); repeat or separate with commas")
	_ = cmd.MarkFlagRequired(flagRoles)
	return cmd
}

// SetGenesisAuthorityCmd writes the chain authority into the consensus params of
// genesis.json. Every module then accepts governance messages signed by that
// account (a multisig of the founders) instead of the x/gov module account.
func SetGenesisAuthorityCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "set-authority [address]",
		Short: "Make an account (typically a k-of-n multisig of the founders) the chain authority",
		Long: "Set consensus_params.authority in genesis.json. While it is set, every module's authority-only message " +
			"(admitting members, parameter changes, upgrades) must be signed by this account; when empty, by x/gov.",
		Example: "healthd keys add authority --multisig hospital,lab,pharmacy,payer --multisig-threshold 3\n" +
			"healthd genesis set-authority $(healthd keys show authority -a)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			if _, err := clientCtx.TxConfig.SigningContext().AddressCodec().StringToBytes(args[0]); err != nil {
				return fmt.Errorf("invalid authority address %q: %w", args[0], err)
			}
			if _, err := sdk.AccAddressFromBech32(args[0]); err != nil {
				return err
			}
			genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
			appGenesis, err := genutiltypes.AppGenesisFromFile(genFile)
			if err != nil {
				return fmt.Errorf("read genesis: %w", err)
			}
			if appGenesis.Consensus == nil || appGenesis.Consensus.Params == nil {
				return fmt.Errorf("genesis %s has no consensus params", genFile)
			}
			appGenesis.Consensus.Params.Authority.Authority = args[0]
			return appGenesis.SaveAs(genFile)
		},
	}
}

// SetGenesisBridgeCmd gives the chain its bridge role and trusted
// counterparties in genesis.json: which flows it originates, and to which
// chains, each pinned to a header, a bridge channel may open.
func SetGenesisBridgeCmd(cdc codec.JSONCodec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-bridge [hospital|pharma|off] [--trusted-counterparty PIN-JSON]...",
		Short: "Set the chain's x/bridge role and the counterparty chains a bridge channel may open to",
		Long: "A hospital chain sends prescriptions and verification requests and receives dispense confirmations and " +
			"recall notices; a pharma chain the reverse. A bridge channel opens only over a light client of a trusted " +
			"counterparty that was created from the counterparty's pinned header: chain id, height, app hash, " +
			"next validators hash and time, checked by the authority (`healthd q bridge counterparty-pin` prints it from a " +
			"light client and the counterparty's node). Light clients are created by anyone, so no client id is trusted " +
			"by name. With no pin (the usual case at genesis, before the counterparty's light client exists) no channel " +
			"opens until the authority sends `tx bridge trust-counterparty`.",
		Example: "healthd genesis set-bridge hospital\n" +
			`healthd genesis set-bridge hospital --trusted-counterparty '{"chain_id":"pharma-1","revision_number":"1",` +
			`"revision_height":"57","app_hash":"9A…","next_validators_hash":"4F…","timestamp":"2026-03-02T09:30:00Z"}'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			role, ok := map[string]bridgetypes.ChainRole{
				"hospital": bridgetypes.ChainRole_CHAIN_ROLE_HOSPITAL,
				"pharma":   bridgetypes.ChainRole_CHAIN_ROLE_PHARMA,
				"off":      bridgetypes.ChainRole_CHAIN_ROLE_UNSPECIFIED,
			}[args[0]]
			if !ok {
				return fmt.Errorf("role %q: want hospital, pharma or off", args[0])
			}
			raw, _ := cmd.Flags().GetStringArray(flagTrustedCounterparty)
			pins := make([]bridgetypes.TrustedCounterparty, 0, len(raw))
			for _, r := range raw {
				var tc bridgetypes.TrustedCounterparty
				if err := cdc.UnmarshalJSON([]byte(r), &tc); err != nil {
					return fmt.Errorf("--%s %s: %w", flagTrustedCounterparty, r, err)
				}
				pins = append(pins, tc)
			}
			genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
			appState, appGenesis, err := genutiltypes.GenesisStateFromGenFile(genFile)
			if err != nil {
				return fmt.Errorf("read genesis: %w", err)
			}
			gs := bridgetypes.DefaultGenesisState()
			if raw, ok := appState[bridgetypes.ModuleName]; ok {
				if err := cdc.UnmarshalJSON(raw, gs); err != nil {
					return err
				}
			}
			gs.Params.Role, gs.Params.TrustedCounterparties = role, pins
			if err := gs.Validate(); err != nil {
				return err
			}
			if appState[bridgetypes.ModuleName], err = cdc.MarshalJSON(gs); err != nil {
				return err
			}
			if appGenesis.AppState, err = json.MarshalIndent(appState, "", "  "); err != nil {
				return err
			}
			return appGenesis.SaveAs(genFile)
		},
	}
	cmd.Flags().StringArray(flagTrustedCounterparty, nil, "a counterparty chain pinned to a header, as JSON (repeat for several)")
	return cmd
}

const flagTrustedCounterparty = "trusted-counterparty"
