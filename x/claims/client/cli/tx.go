// Package cli has the claims commands that take structured input or keys:
// plans and claims from JSON files, enrolment and card checks with the
// payer's member id key.
package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/x/claims/client/claimsclient"
	"github.com/healthchain/healthd/x/claims/types"
)

// TxCmd returns `healthd tx claims` with the file-based commands; autocli adds the rest.
func TxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Plans, enrolment, prior authorisation, escrow (payers); claims and appeals (providers)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(createPlanCmd(), updatePlanCmd(), submitCmd(), enrollCmd())
	return cmd
}

// readJSON reads a message's fields from a proto-JSON file.
func readJSON(cdc codec.JSONCodec, path string, msg sdk.Msg) error {
	bz, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := cdc.UnmarshalJSON(bz, msg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// planFromFile is how create-plan reads its file: the terms of MsgCreatePlan,
// and the payer is the signer (a payer in the file is replaced).
func planFromFile(cdc codec.JSONCodec, path, payer string) (*types.MsgCreatePlan, error) {
	msg := &types.MsgCreatePlan{}
	if err := readJSON(cdc, path, msg); err != nil {
		return nil, err
	}
	msg.Payer = payer
	return msg, nil
}

// updateFromFile is how update-plan reads its file: the same format as
// create-plan, for plan id.
func updateFromFile(cdc codec.JSONCodec, path, payer string, id uint64) (*types.MsgUpdatePlan, error) {
	terms, err := planFromFile(cdc, path, payer)
	if err != nil {
		return nil, err
	}
	return &types.MsgUpdatePlan{
		Payer: terms.Payer, PlanID: id, Name: terms.Name, Services: terms.Services,
		Deductible: terms.Deductible, OutOfPocketMax: terms.OutOfPocketMax, ReviewThreshold: terms.ReviewThreshold,
	}, nil
}

// flagPatient names submit's patient in place of the file's.
const flagPatient = "patient"

// claimFromFile is how submit reads its file: the fields of MsgSubmitClaim,
// and the provider is the signer (a provider in the file is replaced).
func claimFromFile(cdc codec.JSONCodec, path, provider string) (*types.MsgSubmitClaim, error) {
	msg := &types.MsgSubmitClaim{}
	if err := readJSON(cdc, path, msg); err != nil {
		return nil, err
	}
	msg.Provider = provider
	return msg, nil
}

// planExample and claimExample are the shortest files create-plan and submit
// accept (tx_test.go checks that they do); x/claims/README.md describes every
// field and x/claims/testdata holds the walk-through's files.
const (
	planExample = `{"name": "Meridian Silver", "deductible": "100", "out_of_pocket_max": "3000", "review_threshold": "1000",
 "services": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowed_per_unit": "150", "copay": "20", "coinsurance_bps": 2000}]}`
	claimExample = `{"patient": "health1...", "coverage_id": "1", "service_date": "2026-12-01T00:00:00Z", "diagnoses": ["E11.9"],
 "lines": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "units": 1, "charge": "200"}]}`
)

func txRun(fill func(clientCtx client.Context, args []string) (sdk.Msg, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		clientCtx, err := client.GetClientTxContext(cmd)
		if err != nil {
			return err
		}
		msg, err := fill(clientCtx, args)
		if err != nil {
			return err
		}
		return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
	}
}

func createPlanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create-plan [plan.json] --from PAYER",
		Short: "Define a plan: services with allowed amounts, copay, coinsurance, prior authorisation; deductible, out-of-pocket maximum, review threshold",
		Long: `The file holds the fields of MsgCreatePlan in proto JSON; the payer is the signer (--from). For example:
` + planExample + `
Amounts are integers in the settlement denom's smallest unit (uhealth), written as JSON strings, and every
amount is required ("0" where there is none); coinsurance_bps is in basis points (2000 = 20%); system is
CODE_SYSTEM_CPT, CODE_SYSTEM_HCPCS or CODE_SYSTEM_NDC; prior_auth_required and manual_review are optional
(false). review_threshold "0" never pends. Unknown fields are refused.
Every field: x/claims/README.md ("Plan and claim files"); a complete plan: x/claims/testdata/plan.json.`,
		Example: fmt.Sprintf("%s tx claims create-plan x/claims/testdata/plan.json --from payer", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
			return planFromFile(clientCtx.Codec, args[0], clientCtx.GetFromAddress().String())
		}),
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func updatePlanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update-plan [plan-id] [plan.json] --from PAYER",
		Short: "Replace a plan's terms (same file format as create-plan); adjudicated claims keep theirs",
		Long: `plan-id is the number create-plan returned (healthd q claims plan [id]). The file replaces every term of
the plan: name, services, deductible, out-of-pocket maximum, review threshold (format: create-plan --help).`,
		Example: fmt.Sprintf("%s tx claims update-plan 1 x/claims/testdata/plan.json --from payer", version.AppName),
		Args:    cobra.ExactArgs(2),
		RunE: txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("plan id %q: %w", args[0], err)
			}
			return updateFromFile(clientCtx.Codec, args[1], clientCtx.GetFromAddress().String(), id)
		}),
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func submitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit [claim.json] --from PROVIDER",
		Short: "Submit a claim; it is adjudicated, and paid when approved, in the same transaction",
		Long: `The file holds the fields of MsgSubmitClaim in proto JSON; the provider is the signer (--from). For example:
` + claimExample + `
patient is the patient's account address; coverage_id the coverage enroll returned (healthd q claims coverage
[patient]); service_date an RFC 3339 time, not in the future and inside the coverage period; diagnoses 1..12
(param max_diagnoses) ICD-10-CM codes, with the dot (E11.9); lines 1..50 (param max_lines): system
CODE_SYSTEM_CPT, CODE_SYSTEM_HCPCS or CODE_SYSTEM_NDC, code, units 1..100000, and charge, an integer amount in
uhealth written as a JSON string; record_ids (optional) x/records ids of the patient's records. Unknown fields
are refused. Lines are numbered from 0 where a message names them (review --approve-lines 0 is the first).
The patient must have consented, for category Claim, to HPAYMT disclosure to the payer and to TREAT by you.
Every field: x/claims/README.md ("Plan and claim files"); a claim: x/claims/testdata/claim.json.`,
		Example: fmt.Sprintf("%s tx claims submit x/claims/testdata/claim.json --patient $P --from hospital --gas auto", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			patient, err := cmd.Flags().GetString(flagPatient)
			if err != nil {
				return err
			}
			return txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
				msg, err := claimFromFile(clientCtx.Codec, args[0], clientCtx.GetFromAddress().String())
				if err == nil && patient != "" {
					msg.Patient = patient
				}
				return msg, err
			})(cmd, args)
		},
	}
	cmd.Flags().String(flagPatient, "", "the patient's account address, in place of the file's patient (the example files in x/claims/testdata name a placeholder)")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func enrollCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "enroll [plan-id] [patient] [member-id] [start] [end] --from PAYER",
		Short: "Enrol a patient in a plan; only a MAC of the member id under your own key goes on chain",
		Long: `plan-id is one of your plans; patient the patient's account address; member-id your member id for the
patient, 1..80 printable ASCII characters without spaces. It is never sent: the chain gets HMAC-SHA256 of it
(with the patient's address) under a key derived from your signing key (--from), which nobody without that
key can compute or brute-force; "healthd q claims check-member" checks a card against it. start and end are
RFC 3339 times: a service date is covered from start (inclusive) to end (exclusive).`,
		Example: fmt.Sprintf("%s tx claims enroll 1 health1... MEM-000123 2026-01-01T00:00:00Z 2028-01-01T00:00:00Z --from payer", version.AppName),
		Args:    cobra.ExactArgs(5),
		RunE: txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("plan id %q: %w", args[0], err)
			}
			start, err := time.Parse(time.RFC3339, args[3])
			if err != nil {
				return nil, fmt.Errorf("start: %w", err)
			}
			end, err := time.Parse(time.RFC3339, args[4])
			if err != nil {
				return nil, fmt.Errorf("end: %w", err)
			}
			key, err := memberIDKey(clientCtx)
			if err != nil {
				return nil, err
			}
			return claimsclient.EnrollMsg(key, clientCtx.GetFromAddress().String(), id, args[1], args[2], start, end)
		}),
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// memberIDKey derives the --from key's member id key.
func memberIDKey(clientCtx client.Context) ([]byte, error) {
	if clientCtx.FromName == "" {
		return nil, errors.New("the member id key is derived from your signing key: --from must name a key in the keyring")
	}
	key, err := claimsclient.DeriveMemberIDKey(claimsclient.KeyringSigner(clientCtx.Keyring, clientCtx.FromName))
	if err != nil {
		return nil, fmt.Errorf("deriving the member id key of %s: %w", clientCtx.FromName, err)
	}
	return key, nil
}
