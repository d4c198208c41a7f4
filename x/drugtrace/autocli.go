package drugtrace

import (
	"fmt"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/autocliargs"
	"github.com/healthchain/healthd/x/drugtrace/client/cli"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

const unitHelp = "A unit is \"GTIN/serial\", a GS1 element string as printed under the DataMatrix " +
	"((01)…(21)…(10)…(17)…, or the raw scan without parentheses, FNC1-separated), or a GS1 Digital Link URI " +
	"(https://id.gs1.org/01/…/10/…/21/…?17=…). Quote element strings in the shell."

// AutoCLIOptions describes `healthd tx drugtrace` and `healthd q drugtrace`.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	app := version.AppName
	pos := autocliargs.Pos
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.drugtrace.v1.Query",
			Short:                "Products, units, histories (EPCIS), lots, verification verdicts, shipments, alerts",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Product", Use: "product [gtin]", Short: "Show a product", PositionalArgs: pos("gtin")},
				{RpcMethod: "Unit", Use: "unit [unit]", Short: "Show a unit: status, custodian, lot, expiry, container", Long: unitHelp, PositionalArgs: pos("unit")},
				{RpcMethod: "History", Skip: true}, // custom `history` below, with --epcis
				{RpcMethod: "EPCIS", Skip: true},
				{RpcMethod: "UnitsByLot", Use: "lot [gtin] [lot]", Short: "Units of a lot (paginated)", PositionalArgs: pos("gtin", "lot")},
				{
					RpcMethod: "Verify", Use: "verify [unit] [asker]",
					Short: "Authentic and saleable, or the precise reason not (recalled, quarantined, expired, already dispensed, lot or expiry not the label's, custody mismatch, ...)",
					Long: unitHelp + " With asker, a unit held by someone else is a custody mismatch. A real GTIN and serial whose label carries " +
						"another lot or expiry is a LOT_MISMATCH or EXPIRY_MISMATCH: a suspect pack.",
					Example:        fmt.Sprintf("%s q drugtrace verify '(01)09506000134352(17)271231(10)LOT1(21)SN0001' health1pharmacy...", app),
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "unit"}, {ProtoField: "asker", Optional: true}},
				},
				{RpcMethod: "Shipment", Use: "shipment [id]", Short: "Show a shipment", PositionalArgs: pos("id")},
				{RpcMethod: "Container", Use: "container [sscc]", Short: "Show a case or pallet and what it holds", PositionalArgs: pos("sscc")},
				{RpcMethod: "Alerts", Use: "alerts", Short: "Suspect-product alerts (second dispense, shipment by a non-custodian)"},
				{RpcMethod: "Params", Use: "params", Short: "Module parameters"},
				{
					RpcMethod: "ShipmentSettlement", Use: "settlement [shipment-id]",
					Short: "A shipment's hash-time-locked payment on Ethereum: hashlock, lock id, timelock, healthd deadline, status " +
						"(LOCKED, REVEALED with the preimage, LAPSED with the reason); expired: locked and the deadline passed",
					Example:        fmt.Sprintf("%s q drugtrace settlement 3", app),
					PositionalArgs: pos("shipment_id"),
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.drugtrace.v1.Msg",
			EnhanceCustomCommand: true,
			Short:                "Register products; commission, pack, ship, receive, dispense, decommission; quarantine, release, recall",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "RegisterProduct", Use: "register-product [gtin] [name]", Short: "Register a product (manufacturers)",
					PositionalArgs: pos("gtin", "name"),
					Example:        fmt.Sprintf("%s tx drugtrace register-product 09506000134352 \"Amoxicillin 500 mg capsules\" --ndc 0093-4155-73 --strength 500mg --form capsule --prescription-only --from manufacturer", app),
				},
				{
					RpcMethod: "Commission", Use: "commission [gtin] [lot] [expiry YYYY-MM-DD] [serial]...", Short: "Commission serialized units of a lot (up to max_batch_units)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "gtin"}, {ProtoField: "lot"}, {ProtoField: "expiry"}, {ProtoField: "serials", Varargs: true}},
				},
				{
					RpcMethod: "Pack", Use: "pack [sscc] --units U ... --containers SSCC ...", Short: "Pack units (and cases) into a case or pallet identified by an SSCC",
					PositionalArgs: pos("sscc"), Long: unitHelp,
				},
				{RpcMethod: "Unpack", Use: "unpack [sscc]", Short: "Empty a case or pallet", PositionalArgs: pos("sscc")},
				{
					RpcMethod: "Ship", Use: "ship [to] --containers SSCC ... --units U ...", Short: "Ship pallets, cases and loose units to a distributor, pharmacy or hospital",
					PositionalArgs: pos("to"), Long: unitHelp,
				},
				{
					RpcMethod: "Receive", Use: "receive [shipment-id]", Short: "Receive a shipment addressed to you (re-verifies every unit)",
					PositionalArgs: pos("shipment_id"),
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"settlement_preimage": {Usage: "a shipment with a locked settlement: its 32-byte preimage in hex, revealed by the receipt " +
							"(a refused receipt is in the block too, so simulate first: --gas auto)"},
					},
				},
				{
					RpcMethod: "LockShipmentSettlement", Use: "lock-settlement [shipment-id]",
					Short: "Record your hash-time-locked ERC-20 payment of a shipment in transit to you (the buyer); receive it later with --settlement-preimage",
					Long: "Lock the payment on Ethereum first (HashedTimelockERC20.lock, hashlock = sha256 of 32 random bytes, receiver the seller), " +
						"then record it here: --hashlock and --evm-lock-id are 32 bytes in hex, --evm-timelock the lock's unix time, " +
						"--evm-receiver and --evm-token 0x addresses, --evm-amount the amount in the token's base units. The healthd deadline " +
						"is evm-timelock less the evm_settlement_margin param (1 h by default), and must be more than evm_min_reveal_window " +
						"(10 min) away; until then the shipment is received only with the preimage. healthd does not see Ethereum: the " +
						"relay checks the lock there. See docs/settlement.md.",
					Example: fmt.Sprintf("%s tx drugtrace lock-settlement 3 --hashlock 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 "+
						"--evm-lock-id 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 --evm-timelock 1796000000 "+
						"--evm-receiver 0x1111111111111111111111111111111111111111 --evm-token 0x2222222222222222222222222222222222222222 "+
						"--evm-amount 5000000 --from pharmacy", app),
					PositionalArgs: pos("shipment_id"),
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"hashlock":     {Usage: "sha256 of the preimage: 32 bytes in hex"},
						"evm_lock_id":  {Usage: "the contract's lockId (Locked event): 32 bytes in hex"},
						"evm_timelock": {Usage: "the lock's timelock, unix seconds"},
						"evm_receiver": {Usage: "the lock's receiver (the seller's Ethereum address), 0x and 40 hex digits"},
						"evm_token":    {Usage: "the ERC-20 token's address, 0x and 40 hex digits"},
						"evm_amount":   {Usage: "the locked amount in the token's base units (a positive integer)"},
					},
				},
				{
					RpcMethod: "ConfirmShipmentSettlement", Use: "confirm-settlement [shipment-id] [hashlock-hex]",
					Short:          "Confirm, as the shipment's sender, that the buyer's recorded lock is on Ethereum as recorded (healthd-evm-relay show checks it); the shipment is received, revealing the preimage, only once confirmed",
					Example:        fmt.Sprintf("%s tx drugtrace confirm-settlement 3 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 --from distributor", app),
					PositionalArgs: pos("shipment_id", "hashlock"),
				},
				{RpcMethod: "RefuseShipment", Use: "refuse [shipment-id]", Short: "Refuse a shipment: custody returns to the sender", PositionalArgs: pos("shipment_id")},
				{RpcMethod: "Dispense", Skip: true}, // custom `dispense`: a prescription of the pharmacy's own goes as a commitment
				{RpcMethod: "Decommission", Use: "decommission [unit] [reason]", Short: "Decommission a unit (destroyed, stolen, sample, expired)", PositionalArgs: pos("unit", "reason")},
				{RpcMethod: "Quarantine", Use: "quarantine [--unit U | --gtin G --lot L]", Short: "Quarantine a suspect unit (custodian, regulator) or a lot (regulator, manufacturer)"},
				{RpcMethod: "Release", Use: "release [--unit U | --gtin G --lot L]", Short: "Clear a quarantine (regulator or manufacturer)"},
				{RpcMethod: "ConfirmIllegitimate", Use: "confirm-illegitimate [unit]", Short: "Confirm a quarantined unit illegitimate (regulator or manufacturer)", PositionalArgs: pos("unit")},
				{
					RpcMethod: "Recall", Use: "recall [gtin] [lot] [class] [reason]", Short: "Recall a lot: blocks shipping and dispensing of all its units at once (manufacturer, regulator)",
					Long: "Recall a lot with its class and reason code, from fixed lists (no free text). The recall is sent to the hospital " +
						"chains over the bridge as CLASS_<class>:<REASON>.\n\n" + types.RecallHelp(),
					Example:        fmt.Sprintf("%s tx drugtrace recall 09506000134352 LOT24A ii contamination --from manufacturer", app),
					PositionalArgs: pos("gtin", "lot", "class", "reason_code"),
				},
				{RpcMethod: "UpdateParams", Skip: true},
			},
		},
	}
}

// GetQueryCmd returns `healthd q drugtrace` with the history command; autocli adds the rest.
func (AppModule) GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Products, units, histories (EPCIS), lots, verification verdicts, shipments, alerts",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(historyCmd(), cli.ProofCmd())
	return cmd
}

// GetTxCmd returns `healthd tx drugtrace` with dispense, which commits to the
// pharmacy's prescription reference; autocli adds the rest.
func (AppModule) GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Register products; commission, pack, ship, receive, dispense, decommission; quarantine, release, recall",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(cli.DispenseCmd())
	return cmd
}

func historyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history [unit] [--epcis]",
		Short: "A unit's events in order, including the containers it travelled in; --epcis prints an EPCIS 2.0 JSON document",
		Long:  unitHelp,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			qc := types.NewQueryClient(clientCtx)
			if epcis, _ := cmd.Flags().GetBool("epcis"); epcis {
				res, err := qc.EPCIS(cmd.Context(), &types.QueryEPCISRequest{Unit: args[0]})
				if err != nil {
					return err
				}
				cmd.Println(res.JSON)
				return nil
			}
			page, err := client.ReadPageRequest(cmd.Flags())
			if err != nil {
				return err
			}
			res, err := qc.History(cmd.Context(), &types.QueryHistoryRequest{Unit: args[0], Pagination: page})
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res)
		},
	}
	cmd.Flags().Bool("epcis", false, "print an EPCIS 2.0 JSON document")
	flags.AddQueryFlagsToCmd(cmd)
	flags.AddPaginationFlagsToCmd(cmd, "history")
	return cmd
}
