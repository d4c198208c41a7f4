// Package cli has the claims commands that take structured input: plans and
// claims from JSON files, enrolment with a hashed member id.
package cli

import (
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
		Long: `The file holds the fields of MsgCreatePlan in proto JSON, without the payer:
{"name": "Meridian Silver", "deductible": "500", "out_of_pocket_max": "3000", "review_threshold": "1000",
 "services": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowed_per_unit": "150", "copay": "20",
               "coinsurance_bps": 2000, "prior_auth_required": false, "manual_review": false}]}`,
		Example: fmt.Sprintf("%s tx claims create-plan plan.json --from payer", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
			msg := &types.MsgCreatePlan{}
			if err := readJSON(clientCtx.Codec, args[0], msg); err != nil {
				return nil, err
			}
			msg.Payer = clientCtx.GetFromAddress().String()
			return msg, nil
		}),
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func updatePlanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update-plan [plan-id] [plan.json] --from PAYER",
		Short: "Replace a plan's terms (same file format as create-plan); adjudicated claims keep theirs",
		Args:  cobra.ExactArgs(2),
		RunE: txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("plan id %q: %w", args[0], err)
			}
			var terms types.MsgCreatePlan
			if err := readJSON(clientCtx.Codec, args[1], &terms); err != nil {
				return nil, err
			}
			return &types.MsgUpdatePlan{
				Payer: clientCtx.GetFromAddress().String(), PlanID: id, Name: terms.Name, Services: terms.Services,
				Deductible: terms.Deductible, OutOfPocketMax: terms.OutOfPocketMax, ReviewThreshold: terms.ReviewThreshold,
			}, nil
		}),
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func submitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit [claim.json] --from PROVIDER",
		Short: "Submit a claim; it is adjudicated, and paid when approved, in the same transaction",
		Long: `The file holds the fields of MsgSubmitClaim in proto JSON, without the provider:
{"patient": "health1...", "coverage_id": "1", "service_date": "2026-11-20T00:00:00Z",
 "diagnoses": ["E11.9"], "record_ids": ["3"],
 "lines": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "units": 1, "charge": "200"}]}
The patient must have consented to HPAYMT disclosure of Claim data to the payer.`,
		Args: cobra.ExactArgs(1),
		RunE: txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
			msg := &types.MsgSubmitClaim{}
			if err := readJSON(clientCtx.Codec, args[0], msg); err != nil {
				return nil, err
			}
			msg.Provider = clientCtx.GetFromAddress().String()
			return msg, nil
		}),
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func enrollCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "enroll [plan-id] [patient] [member-id] [start] [end] --from PAYER",
		Short: "Enrol a patient in a plan; only a salted hash of the member id goes on chain",
		Args:  cobra.ExactArgs(5),
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
			return &types.MsgEnroll{
				Payer: clientCtx.GetFromAddress().String(), PlanID: id, Patient: args[1],
				MemberIDHash: types.MemberIDHash(args[1], args[2]), Start: start, End: end,
			}, nil
		}),
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}
