package consent

import (
	"fmt"
	"strings"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/autocliargs"
	"github.com/healthchain/healthd/x/consent/client/cli"
	"github.com/healthchain/healthd/x/consent/types"
)

// AutoCLIOptions describes `healthd tx consent` and `healthd q consent`.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	pos := autocliargs.Pos
	purposes := strings.Join(types.PurposeCodes(), ", ")
	app := version.AppName
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.consent.v1.Query",
			Short:                "Consent checks, consents, guardians, audit history, FHIR export",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Check", Use: "check [patient] [grantee] [purpose] [category]",
					Short:          "May grantee access the patient's data of category for purpose now? Says which consent allows it, or why not",
					Long:           "Purposes (HL7 v3 PurposeOfUse): " + purposes + ".\nCategories: FHIR R4 resource types (Observation, DiagnosticReport, ...) or observation categories (laboratory, vital-signs, imaging, ...).",
					Example:        fmt.Sprintf("%s q consent check health1patient... health1lab... TREAT Observation", app),
					PositionalArgs: pos("patient", "grantee", "purpose", "category"),
				},
				{RpcMethod: "Consent", Use: "consent [id]", Short: "Show a consent", PositionalArgs: pos("id")},
				{RpcMethod: "ConsentFHIR", Skip: true}, // `fhir` below prints the resource itself
				{
					RpcMethod: "ConsentsByPatient", Use: "by-patient [patient]", Short: "A patient's consents, newest last (--status active|revoked|expired)",
					PositionalArgs: pos("patient"),
				},
				{
					RpcMethod: "ConsentsByGrantee", Use: "by-grantee [grantee]", Short: "Consents given to a grantee (--status active|revoked|expired)",
					PositionalArgs: pos("grantee"),
				},
				{
					RpcMethod: "AuditHistory", Use: "audit [patient]", Short: "A patient's consent history: grants, amendments, revocations, expiries, break-glass, guardians",
					PositionalArgs: pos("patient"),
				},
				{
					RpcMethod: "Guardians", Use: "guardians [patient]", Short: "A patient's guardians and their periods",
					PositionalArgs: pos("patient"),
				},
				{
					RpcMethod: "BreakGlass", Use: "break-glass [id]",
					Short:          "Show a break-glass access; its justification is sealed (break-glass-justification opens it)",
					PositionalArgs: pos("id"),
				},
				{RpcMethod: "Params", Use: "params", Short: "Module parameters"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.consent.v1.Msg",
			Short:                "Grant, amend and revoke consent (patient or guardian); appoint guardians; break glass (hospitals)",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "GrantConsent", Use: "grant [patient] [grantee] [purpose] --end TIME (--categories C ... | --all-categories)",
					Short: "Grant grantee access to the patient's data for a purpose until --end (signed by the patient or a guardian)",
					Long: "Purposes (HL7 v3 PurposeOfUse): " + purposes + ".\n" +
						"Categories: FHIR R4 resource types (Observation, DiagnosticReport, MedicationRequest, ...) or observation categories " +
						"(laboratory, vital-signs, imaging, ...); repeat --categories, or give --all-categories. An empty list is refused, never read as \"all\".\n" +
						"--end and --start are RFC 3339 times; the period may not exceed the max_duration param.",
					Example:        fmt.Sprintf("%s tx consent grant health1patient... health1lab... TREAT --categories Observation --categories laboratory --end 2027-06-30T00:00:00Z --from patient1", app),
					PositionalArgs: pos("patient", "grantee", "purpose"),
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"categories":     {Usage: "a FHIR resource type or observation category; repeat for several"},
						"all_categories": {Usage: "cover every category (explicit; an empty list never means all)"},
						"start":          {Usage: "start time, RFC 3339 (default: the block time)"},
						"end":            {Usage: "end time, RFC 3339 (required)"},
					},
				},
				{
					RpcMethod: "AmendConsent", Use: "amend [consent-id] --end TIME (--categories C ... | --all-categories)",
					Short:          "Narrow or widen an active consent's categories and move its end (within max_duration of its start)",
					PositionalArgs: pos("consent_id"),
				},
				{
					RpcMethod: "RevokeConsent", Use: "revoke [consent-id] [reason]",
					Short:          "Revoke a consent at once (reason: patient-request, guardian-request, care-ended, provider-changed, purpose-fulfilled, other)",
					Example:        fmt.Sprintf("%s tx consent revoke 7 patient-request --from patient1", app),
					PositionalArgs: pos("consent_id", "reason"),
				},
				{
					RpcMethod: "RevokeAllForGrantee", Use: "revoke-all [patient] [grantee] [reason]",
					Short:          "Revoke every active consent the patient gave grantee",
					PositionalArgs: pos("patient", "grantee", "reason"),
				},
				{
					RpcMethod: "AppointGuardian", Use: "appoint-guardian [guardian] [end]",
					Short:          "Let guardian grant, amend and revoke consents for you until end (RFC 3339)",
					PositionalArgs: pos("guardian", "end"),
				},
				{
					RpcMethod: "RemoveGuardian", Use: "remove-guardian [guardian]", Short: "End a guardianship at once",
					PositionalArgs: pos("guardian"),
				},
				// break-glass seals the justification on the client (client/cli).
				{RpcMethod: "BreakGlass", Skip: true},
				{RpcMethod: "UpdateParams", Skip: true}, // authority only, through a multisig or proposal
			},
		},
	}
}

// GetTxCmd returns `healthd tx consent` with break-glass; autocli adds the rest.
func (AppModule) GetTxCmd() *cobra.Command { return cli.TxCmd() }

// GetQueryCmd returns `healthd q consent` with the fhir and
// break-glass-justification commands; autocli adds the rest.
func (AppModule) GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Consent checks, consents, guardians, audit history, FHIR export",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(fhirCmd())
	cmd.AddCommand(cli.QueryCmds()...)
	return cmd
}

func fhirCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "fhir [id]",
		Short:   "Print a consent as a FHIR R4 Consent resource (JSON)",
		Example: fmt.Sprintf("%s q consent fhir 7 > consent-7.json", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			var id uint64
			if _, err := fmt.Sscan(args[0], &id); err != nil {
				return fmt.Errorf("consent id %q: %w", args[0], err)
			}
			res, err := types.NewQueryClient(clientCtx).ConsentFHIR(cmd.Context(), &types.QueryConsentFHIRRequest{Id: id})
			if err != nil {
				return err
			}
			cmd.Println(res.JSON)
			return nil
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}
