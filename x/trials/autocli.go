package trials

import (
	"fmt"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/autocliargs"
	"github.com/healthchain/healthd/x/trials/client/cli"
	"github.com/healthchain/healthd/x/trials/types"
)

// AutoCLIOptions describes `healthd tx trials` and `healthd q trials`.
// Commitments are hex (or base64, or a file holding the bytes); CIDs are the
// vault's (healthd records put prints one).
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	pos := autocliargs.Pos
	app := version.AppName
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.trials.v1.Query",
			Short:                "Trials, protocol versions, enrolments, data anchors, SAE clocks, results and outcome switches",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Trial", Use: "trial [id]", Short: "Show a trial", PositionalArgs: pos("id")},
				{
					RpcMethod: "TrialByRegistryID", Use: "by-registry-id [registry-id]", Short: "Find a trial by its NCT or EU CT number",
					PositionalArgs: pos("registry_id"),
				},
				{RpcMethod: "Trials", Use: "trials", Short: "Every registered trial"},
				{RpcMethod: "TrialFHIR", Skip: true},     // `fhir` prints the resource itself
				{RpcMethod: "EnrolmentFHIR", Skip: true}, // `subject-fhir` likewise
				{RpcMethod: "Versions", Use: "versions [trial-id]", Short: "A trial's protocol versions and their approval", PositionalArgs: pos("trial_id")},
				{
					RpcMethod: "Enrolment", Use: "enrolment [trial-id] [subject]",
					Short:          "A subject's enrolment: site, consent, version consented to, and whether data may be recorded now",
					PositionalArgs: pos("trial_id", "subject"),
				},
				{
					RpcMethod: "EnrolmentCounts", Use: "enrolment-counts [trial-id]", Short: "Subjects enrolled per site and protocol version",
					PositionalArgs: pos("trial_id"),
				},
				{
					RpcMethod: "NeedingReconsent", Use: "needing-reconsent [trial-id]",
					Short:          "Enrolled subjects who must consent to the amended protocol before more data is recorded (pages by --offset)",
					PositionalArgs: pos("trial_id"),
				},
				{
					RpcMethod: "SubjectData", Use: "subject-data [trial-id] [subject]", Short: "A subject's case-report-form anchors, every version",
					PositionalArgs: pos("trial_id", "subject"),
				},
				{RpcMethod: "DataEntry", Use: "data-entry [id]", Short: "One case-report-form anchor", PositionalArgs: pos("id")},
				{RpcMethod: "SAEClock", Use: "sae [id]", Short: "An SAE reporting clock (and whether it is overdue)", PositionalArgs: pos("id")},
				{RpcMethod: "SAEClocks", Use: "saes [trial-id]", Short: "A trial's SAE reporting clocks", PositionalArgs: pos("trial_id")},
				{RpcMethod: "OverdueSAEs", Use: "overdue-saes", Short: "Open SAE clocks past their due time (missing reports), oldest first"},
				{RpcMethod: "LateSAEs", Use: "late-saes [trial-id]", Short: "SAE reports a trial's sponsor filed late", PositionalArgs: pos("trial_id")},
				{RpcMethod: "Results", Use: "results [trial-id]", Short: "A trial's reported results", PositionalArgs: pos("trial_id")},
				{
					RpcMethod: "OutcomeSwitches", Use: "outcome-switches [trial-id]",
					Short:          "Differences between pre-specified and reported outcomes, with the sponsor's reasons",
					PositionalArgs: pos("trial_id"),
				},
				{RpcMethod: "OverdueResults", Use: "overdue-results", Short: "Trials without results more than results_due_after past primary completion"},
				{RpcMethod: "Params", Use: "params", Short: "Module parameters"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "healthd.trials.v1.Msg",
			Short:   "Register, amend, approve, consent, enrol, record data, report SAEs, lock and report results",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "RegisterTrial",
					Use:       "register [registry-id] [title] [phase] [ethics-committee] [target-enrolment] [consent-category] [primary-completion] [protocol-commitment] [protocol-cid] --sites S ... --outcomes JSON ...",
					Short:     "Register a trial with its pre-specified outcomes and protocol version 1 (research sponsor)",
					Long: "registry-id: NCT + 8 digits, or an EU CT number YYYY-NNNNNN-NN-NN. phase: not-applicable, early-phase-1, phase-1, phase-1-phase-2, phase-2, phase-2-phase-3, phase-3, phase-4.\n" +
						"consent-category: the x/consent category a subject's consent to the site must cover (purpose CLINTRL or HRESCH).\n" +
						"--outcomes: one JSON object per outcome, primary first, e.g. '{\"kind\":\"OUTCOME_KIND_PRIMARY\",\"measure\":\"HbA1c change\",\"time_frame\":\"26 weeks\"}' or " +
						"'{\"kind\":\"OUTCOME_KIND_SECONDARY\",\"code_system\":\"CODE_SYSTEM_LOINC\",\"code\":\"4548-4\"}'.",
					Example: fmt.Sprintf("%s tx trials register NCT04368728 \"Drug X in type 2 diabetes\" phase-3 health1irb... 200 QuestionnaireResponse 2027-06-30T00:00:00Z "+
						"<sha256-hex> <cid> --sites health1hospital... --outcomes '{\"kind\":\"OUTCOME_KIND_PRIMARY\",\"measure\":\"HbA1c change\",\"time_frame\":\"26 weeks\"}' --from sponsor", app),
					PositionalArgs: pos("registry_id", "title", "phase", "ethics_committee", "target_enrolment", "consent_category", "primary_completion", "protocol_commitment", "protocol_cid"),
				},
				{
					RpcMethod: "AmendProtocol", Use: "amend [trial-id] [commitment] [cid] [--requires-reconsent]",
					Short:          "Submit a new protocol version, pending the ethics committee (sponsor)",
					PositionalArgs: pos("trial_id", "commitment", "cid"),
				},
				{
					RpcMethod: "ApproveVersion", Use: "approve [trial-id] [version]", Short: "Put a pending protocol version in force (the trial's ethics committee)",
					PositionalArgs: pos("trial_id", "version"),
				},
				{
					RpcMethod: "RejectVersion", Use: "reject [trial-id] [version]", Short: "Reject a pending protocol version (the trial's ethics committee)",
					PositionalArgs: pos("trial_id", "version"),
				},
				{
					RpcMethod: "ConsentToVersion", Use: "consent [trial-id] [site] [version]",
					Short: "Bind your live x/consent consent to the site (purpose CLINTRL or HRESCH, the trial's category) to the version in force (subject)",
					Example: fmt.Sprintf("%s tx consent grant health1you... health1hospital... CLINTRL --categories QuestionnaireResponse --end 2027-12-31T00:00:00Z --from you\n"+
						"%s tx trials consent 1 health1hospital... 1 --from you", app, app),
					PositionalArgs: pos("trial_id", "site", "version"),
				},
				{
					RpcMethod: "EnrolSubject", Use: "enrol [trial-id] [subject]", Short: "Enrol a subject who consented to the version in force (site)",
					PositionalArgs: pos("trial_id", "subject"),
				},
				{
					RpcMethod: "Withdraw", Use: "withdraw [trial-id]", Short: "Leave the trial: no new data from now on; data recorded before stays (subject)",
					PositionalArgs: pos("trial_id"),
				},
				{
					RpcMethod: "RecordData", Use: "record [trial-id] [subject] [visit] [commitment] [cid]",
					Short:          "Anchor a subject's case-report form for a visit (site); a change later is an amendment",
					PositionalArgs: pos("trial_id", "subject", "visit", "commitment", "cid"),
				},
				{
					RpcMethod: "AmendData", Use: "amend-data [trial-id] [subject] [visit] [commitment] [cid] [reason]",
					Short:          "Anchor a new version of a visit's form (reason: transcription-error, query-resolution, late-result, source-corrected, other)",
					PositionalArgs: pos("trial_id", "subject", "visit", "commitment", "cid", "reason"),
				},
				{
					RpcMethod: "ReportSAE", Use: "report-sae [trial-id] [--fatal-or-life-threatening] [--unexpected]",
					Short:          "Open a serious adverse event's reporting clock: 7 days if fatal or life-threatening and unexpected, 15 otherwise (site)",
					PositionalArgs: pos("trial_id"),
				},
				{
					RpcMethod: "SubmitSAEReport", Use: "submit-sae-report [sae-id] [commitment] [cid]", Short: "Close an SAE clock with the expedited report (sponsor)",
					PositionalArgs: pos("sae_id", "commitment", "cid"),
				},
				{
					RpcMethod: "LockDatabase", Use: "lock [trial-id] [commitment] [cid]", Short: "Lock the dataset: no enrolment, data or amendment after (sponsor)",
					PositionalArgs: pos("trial_id", "commitment", "cid"),
				},
				{
					RpcMethod: "ReportResults", Use: "report-results [trial-id] --outcomes JSON ... [--omissions JSON ...]",
					Short: "Report results per outcome; every difference from the pre-specified outcomes is an outcome switch and needs a reason (sponsor)",
					Long: "--outcomes: '{\"outcome\":{\"number\":1,\"kind\":\"OUTCOME_KIND_PRIMARY\"},\"commitment\":\"<base64>\",\"cid\":\"<cid>\"}' for a pre-specified outcome; " +
						"a new one has number 0, a measure and time frame (or a code) and a reason (SWITCH_REASON_...).\n" +
						"--omissions: '{\"number\":2,\"reason\":\"SWITCH_REASON_FEASIBILITY\"}' for a pre-specified outcome left out.",
					PositionalArgs: pos("trial_id"),
				},
				{RpcMethod: "UpdateParams", Skip: true},      // authority only, through a multisig or proposal
				{RpcMethod: "ReleaseRegistryID", Skip: true}, // authority only, through a proposal
			},
		},
	}
}

// GetQueryCmd returns `healthd q trials` with fhir, subject-fhir and digest;
// autocli adds the rest.
func (AppModule) GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Trials, protocol versions, enrolments, data anchors, SAE clocks, results and outcome switches",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(cli.QueryCmds()...)
	return cmd
}
