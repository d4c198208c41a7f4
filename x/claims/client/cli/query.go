package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/x/claims/types"
)

// QueryCmd returns `healthd q claims` with the FHIR exports, which print the
// FHIR R4 JSON itself (not a JSON string inside YAML); autocli adds the rest.
func QueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Plans, coverage, claims, explanations of benefits, accumulators, escrow",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(claimResponseFHIRCmd(), eobFHIRCmd())
	return cmd
}

func claimResponseFHIRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "claim-response-fhir [id]",
		Short:   "Print a claim's adjudication as a FHIR R4 ClaimResponse (JSON)",
		Example: fmt.Sprintf("%s q claims claim-response-fhir 7 > claim-response-7.json", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("claim id %q: a positive whole number", args[0])
			}
			res, err := types.NewQueryClient(clientCtx).ClaimResponseFHIR(cmd.Context(), &types.QueryClaimResponseFHIRRequest{Id: id})
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

func eobFHIRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eob-fhir [patient] [from] [to]",
		Short: "Print a patient's explanation of benefits for service dates in [from, to) as a FHIR R4 Bundle of ExplanationOfBenefit (JSON)",
		Example: fmt.Sprintf("%s q claims eob-fhir health1... 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z > eob.json",
			version.AppName),
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			var period [2]time.Time
			for i, raw := range args[1:] {
				if period[i], err = time.Parse(time.RFC3339, raw); err != nil {
					return fmt.Errorf("%q is not an RFC 3339 time (2026-01-01T00:00:00Z)", raw)
				}
			}
			res, err := types.NewQueryClient(clientCtx).ExplanationOfBenefitFHIR(cmd.Context(),
				&types.QueryExplanationOfBenefitsRequest{Patient: args[0], From: period[0], To: period[1]})
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
