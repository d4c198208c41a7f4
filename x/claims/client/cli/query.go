package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/x/claims/client/claimsclient"
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
	cmd.AddCommand(claimResponseFHIRCmd(), eobFHIRCmd(), checkMemberCmd())
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

// queryContextWithKey is the query context plus the --from key, for the
// queries that need the caller's own key (derived keys never leave the client).
func queryContextWithKey(cmd *cobra.Command) (client.Context, error) {
	clientCtx, err := client.GetClientQueryContext(cmd)
	if err != nil {
		return clientCtx, err
	}
	from, _ := cmd.Flags().GetString(flags.FlagFrom)
	if from == "" {
		return clientCtx, errors.New("give --from: the key of the account that asks")
	}
	addr, name, _, err := client.GetFromFields(clientCtx, clientCtx.Keyring, from)
	if err != nil {
		return clientCtx, err
	}
	return clientCtx.WithFrom(from).WithFromAddress(addr).WithFromName(name), nil
}

func addKeyFlags(cmd *cobra.Command, usage string) {
	flags.AddQueryFlagsToCmd(cmd)
	cmd.Flags().String(flags.FlagFrom, "", usage)
	flags.AddKeyringFlags(cmd.Flags())
}

// patientCoverages reads every coverage of patient, page by page.
func patientCoverages(ctx context.Context, q types.QueryClient, patient string) ([]types.Coverage, error) {
	var (
		out  []types.Coverage
		next []byte
	)
	for {
		res, err := q.CoverageByPatient(ctx, &types.QueryCoverageByPatientRequest{Patient: patient, Pagination: &query.PageRequest{Key: next}})
		if err != nil {
			return nil, err
		}
		out = append(out, res.Coverages...)
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			return out, nil
		}
		next = res.Pagination.NextKey
	}
}

func checkMemberCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check-member [patient] [member-id] --from PAYER",
		Short: "Check a card: is member-id the member id of your coverages of the patient? (computed with your key, never sent)",
		Long: `The chain keeps a coverage's member id only as HMAC-SHA256 under a key derived from the payer's signing
key (enroll computes it). This command derives that key from --from, computes the MAC of member-id for the
patient and compares it with each of your coverages of the patient; the member id is not sent anywhere. It
prints every coverage of yours with "match" true or false, and "match": true when one matches. Coverages of
other payers are not shown: their MACs are under keys you do not hold.`,
		Example: fmt.Sprintf("%s q claims check-member health1... MEM-000123 --from payer", version.AppName),
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := queryContextWithKey(cmd)
			if err != nil {
				return err
			}
			key, err := memberIDKey(clientCtx)
			if err != nil {
				return err
			}
			covs, err := patientCoverages(cmd.Context(), types.NewQueryClient(clientCtx), args[0])
			if err != nil {
				return err
			}
			payer := clientCtx.GetFromAddress().String()
			checks, err := claimsclient.CheckMember(key, payer, args[1], covs)
			if err != nil {
				return err
			}
			match := false
			for _, c := range checks {
				match = match || c.Match
			}
			if checks == nil {
				checks = []claimsclient.MemberCheck{}
			}
			return printJSON(cmd, map[string]any{"patient": args[0], "payer": payer, "match": match, "coverages": checks})
		},
	}
	addKeyFlags(cmd, "the payer's key: the member id key is derived from it")
	return cmd
}

// printJSON prints v as indented JSON on stdout.
func printJSON(cmd *cobra.Command, v any) error {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(cmd.OutOrStdout(), string(out))
	return err
}
