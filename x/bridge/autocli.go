package bridge

import (
	"github.com/spf13/cobra"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/cosmos/cosmos-sdk/client"

	"github.com/healthchain/healthd/internal/autocliargs"
	"github.com/healthchain/healthd/x/bridge/client/cli"
	"github.com/healthchain/healthd/x/bridge/types"
)

// AutoCLIOptions describes `healthd tx bridge` and `healthd q bridge`.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	pos := autocliargs.Pos
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.bridge.v1.Query",
			Short:                "Prescriptions, medication histories, verifications and recall notices carried over IBC",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "The chain's bridge role, trusted counterparties (pinned headers) and packet timeout"},
				{RpcMethod: "Prescription", Use: "prescription [id]", Short: "A prescription (hospital chain: its own id; pharma chain: the open prescription's id)", PositionalArgs: pos("id")},
				{RpcMethod: "PrescriptionsByPatient", Use: "prescriptions [patient]", Short: "A patient's prescriptions", PositionalArgs: pos("patient")},
				{RpcMethod: "MedicationHistory", Use: "medications [patient]", Short: "Units dispensed to a patient (hospital chain)", PositionalArgs: pos("patient")},
				{RpcMethod: "Verification", Use: "verification [id]", Short: "A product verification request and its verdict", PositionalArgs: pos("id")},
				{RpcMethod: "RecallNotice", Use: "recall [gtin] [lot]", Short: "A recall notice received, with the patients it reached", PositionalArgs: pos("gtin", "lot")},
				{RpcMethod: "Undelivered", Use: "undelivered", Short: "Dispense confirmations and recall notices that timed out or were refused"},
				{RpcMethod: "Pending", Use: "pending", Short: "Packets sent and not yet acknowledged or timed out"},
				{RpcMethod: "ClientOrigin", Use: "client-origin [client-id]", Short: "The header a light client was created from (what its counterparty's pin must be)", PositionalArgs: pos("client_id")},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "healthd.bridge.v1.Msg",
			Short:   "Send prescriptions and verification requests over the bridge",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "SendPrescription", Use: "send-prescription [channel-id] [patient] [quantity] [valid-until]",
					Short:          "Issue an e-prescription to the pharma chain (--gtin or --ndc, --refills); valid-until is RFC 3339",
					PositionalArgs: pos("channel_id", "patient", "quantity", "valid_until"),
				},
				{RpcMethod: "ResendPrescription", Use: "resend-prescription [id]", Short: "Send an undelivered prescription again", PositionalArgs: pos("id")},
				{
					RpcMethod: "RequestVerification", Use: "verify [channel-id] [unit]",
					Short:          "Ask the pharma chain for a unit's verdict (GTIN/serial, GS1 element string or Digital Link)",
					PositionalArgs: pos("channel_id", "unit"),
				},
				{RpcMethod: "ResendNotice", Use: "resend-notice [id]", Short: "Send a timed-out dispense confirmation or recall notice again", PositionalArgs: pos("id")},
				{RpcMethod: "UpdateParams", Skip: true},
				{
					RpcMethod: "TrustCounterparty", Use: "trust-counterparty [pin-json]",
					Short:          "Authority: trust a counterparty chain pinned to a header (the JSON `q bridge counterparty-pin` prints)",
					PositionalArgs: pos("counterparty"),
				},
				{
					RpcMethod: "RetireChannel", Use: "retire-channel [channel-id]",
					Short: "Authority: stop using a bridge channel, so a new one to the same counterparty may open", PositionalArgs: pos("channel_id"),
				},
			},
		},
	}
}

// GetQueryCmd returns `healthd q bridge` with counterparty-pin; autocli adds the rest.
func (AppModule) GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Prescriptions, medication histories, verifications and recall notices carried over IBC",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(cli.PinCmd())
	return cmd
}
