package organs

import (
	"fmt"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/autocliargs"
	"github.com/healthchain/healthd/x/organs/client/cli"
	"github.com/healthchain/healthd/x/organs/types"
)

const dinHelp = "A donation is named by its ISBT 128 DIN with the check character (G123498654321H), or by the " +
	"barcode data content (=G12349865432177). An organ type is one of the params' codes (HEART, LUNG_L, LUNG_R, LIVER, " +
	"PANCREAS, INTESTINE, KIDNEY_L, KIDNEY_R by default). The actor is a member or an account it named as staff."

const shortHelp = "Organ donation: donations under ISBT 128 DINs, two-person ABO, match-run offers, custody hand-offs, logger readings, transplant within the cold-ischaemia limit"

// AutoCLIOptions describes `healthd tx organs` and `healthd q organs`.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	app := version.AppName
	pos := autocliargs.Pos
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "healthd.organs.v1.Query",
			Short:   shortHelp,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Case", Use: "case [din]", Short: "A donation: OPO, authorisation basis, ABO entries, organs", Long: dinHelp, PositionalArgs: pos("din")},
				{
					RpcMethod: "Organ", Use: "organ [din] [organ-type]", Long: dinHelp,
					Short:          "An organ's timeline: status, cold-ischaemia time and limit, offers with their outcomes, custody chain, outcome",
					PositionalArgs: pos("din", "organ_type"),
				},
				{RpcMethod: "OrganFHIR", Use: "fhir [din] [organ-type]", Short: "An organ as a FHIR R4 BiologicallyDerivedProduct (JSON)", PositionalArgs: pos("din", "organ_type")},
				{RpcMethod: "Custody", Use: "custody [din] [organ-type]", Short: "An organ's custody chain: every hand-off, who offered, who accepted, when", PositionalArgs: pos("din", "organ_type")},
				{RpcMethod: "Offers", Use: "offers [din] [organ-type]", Short: "An organ's match run with each offer's outcome and code", PositionalArgs: pos("din", "organ_type")},
				{RpcMethod: "Readings", Use: "readings [din] [organ-type] [--excursions-only]", Short: "An organ's logger readings (paginated)", PositionalArgs: pos("din", "organ_type")},
				{RpcMethod: "Overrides", Use: "overrides", Short: "Transplants done past the cold-ischaemia limit or after an excursion, with the surgeon's coded reason"},
				{RpcMethod: "Logger", Use: "logger [logger-id]", Short: "A registered temperature logger", PositionalArgs: pos("logger")},
				{RpcMethod: "Staff", Use: "staff [account]", Short: "The member an account acts for", PositionalArgs: pos("account")},
				{RpcMethod: "Params", Use: "params", Short: "Organ types and their cold-ischaemia limits, temperature range, offer timeout, caps"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.organs.v1.Msg",
			Short:                shortHelp,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "SetStaff", Use: "set-staff [account] [--remove]", Short: "Name an account that acts for your organisation (a coordinator, a surgeon, a driver), or remove it", PositionalArgs: pos("account")},
				{RpcMethod: "RegisterLogger", Skip: true}, // custom: the key comes from the keyring
				{
					RpcMethod: "OpenCase", Use: "open-case [din] [--donor ADDRESS --donor-salt HEX | --authorisation-commitment HEX]",
					Long: dinHelp + " The DIN's facility code (its first 5 characters, the FIN) must be registered to your organisation " +
						"(healthd q consortium member-by-fin). A living donor's case keeps the consent and SHA-256(donor salt ‖ donor account bytes), " +
						"never the account: draw the 32-byte salt at random (openssl rand -hex 32) and keep it.",
					Short:          "Open a donation (OPO): a living donor who granted you a DONAT consent, or the commitment to a deceased donor's authorisation",
					Example:        fmt.Sprintf("%s tx organs open-case G123498654321H --authorisation-commitment 5d41402abc4b2a76b9719d911017c592aa4e8b3f5e8b3f5e8b3f5e8b3f5e8b3f --from opo", app),
					PositionalArgs: pos("din"),
				},
				{RpcMethod: "RecordABO", Use: "record-abo [din] [abo]", Short: "Record the donor's blood group (o, a, b, ab): usable once a second account confirms it", PositionalArgs: pos("din", "abo")},
				{RpcMethod: "ConfirmABO", Use: "confirm-abo [din] [abo]", Short: "Confirm the donor's blood group from your own source (another account of the same OPO)", PositionalArgs: pos("din", "abo")},
				{
					RpcMethod: "RecoverOrgan", Use: "recover [din] [organ-type] [cross-clamp RFC3339] [--logger ID]", Long: dinHelp,
					Short:          "Record an organ's recovery and cross-clamp time: its cold-ischaemia clock starts",
					PositionalArgs: pos("din", "organ_type", "cross_clamp"),
				},
				{RpcMethod: "PostMatchRun", Skip: true}, // custom: candidates in a compact form
				{RpcMethod: "Offer", Use: "offer [din] [organ-type] [rank]", Short: "Offer the organ to the next candidate of the match run", PositionalArgs: pos("din", "organ_type", "rank")},
				{
					RpcMethod: "RespondOffer", Use: "respond [din] [organ-type] [rank] [--accept | --decline-reason CODE]",
					Short:          "Accept an offer, or decline it with a code (the candidate's transplant centre)",
					PositionalArgs: pos("din", "organ_type", "rank"),
				},
				{
					RpcMethod: "SkipCandidate", Use: "skip [din] [organ-type] [rank] [reason]",
					Short:          "Move past a candidate: timeout (an offer unanswered past the offer timeout) or a bypass code for one not yet offered",
					PositionalArgs: pos("din", "organ_type", "rank", "reason"),
				},
				{RpcMethod: "HandOff", Use: "hand-off [din] [organ-type] [to] [--logger ID]", Short: "Offer custody to a courier or the accepting centre (the holder)", PositionalArgs: pos("din", "organ_type", "to")},
				{RpcMethod: "AcceptHandOff", Use: "accept-hand-off [din] [organ-type]", Short: "Take custody offered to you", PositionalArgs: pos("din", "organ_type")},
				{RpcMethod: "CancelHandOff", Use: "cancel-hand-off [din] [organ-type]", Short: "Withdraw a pending hand-off (the holder)", PositionalArgs: pos("din", "organ_type")},
				{RpcMethod: "PostReadings", Skip: true}, // custom: signed with the logger's key
				{
					RpcMethod: "Transplant", Use: "transplant [din] [organ-type] [recipient-commitment-hex] [reperfusion RFC3339] [--override CODE]",
					Short:          "Record reperfusion (the accepting centre, holding the organ); past the limit or after an excursion it needs --override",
					PositionalArgs: pos("din", "organ_type", "recipient_commitment", "reperfusion"),
				},
				{RpcMethod: "Discard", Use: "discard [din] [organ-type] [reason]", Short: "Discard the organ with a coded reason (the holder)", PositionalArgs: pos("din", "organ_type", "reason")},
				{RpcMethod: "UpdateParams", Skip: true},
			},
		},
	}
}

// GetTxCmd returns `healthd tx organs` with the commands that do a client-side
// step (post-match-run, register-logger, post-readings); autocli adds the rest.
func (AppModule) GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      shortHelp,
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(cli.MatchRunCmd(), cli.RegisterLoggerCmd(), cli.ReadingsCmd())
	return cmd
}
