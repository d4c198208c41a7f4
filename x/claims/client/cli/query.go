package cli

import (
	"context"
	"encoding/hex"
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
	cmd.AddCommand(claimResponseFHIRCmd(), eobFHIRCmd(), checkMemberCmd(), diagnosesCmd())
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
		Long: `The chain holds no diagnoses in clear, so its ExplanationOfBenefit resources have no diagnosis element.
With --from, the bundle is rendered here from the same claims, and the diagnoses of the claims encrypted to
that key (the payer's and the provider's) are decrypted, checked against their commitments and added.`,
		Example: fmt.Sprintf("%[1]s q claims eob-fhir health1... 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z > eob.json\n"+
			"%[1]s q claims eob-fhir health1... 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z --from payer > eob-with-diagnoses.json",
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
			req := &types.QueryExplanationOfBenefitsRequest{Patient: args[0], From: period[0], To: period[1]}
			if from, _ := cmd.Flags().GetString(flags.FlagFrom); from != "" {
				return eobWithDiagnoses(cmd, req)
			}
			res, err := types.NewQueryClient(clientCtx).ExplanationOfBenefitFHIR(cmd.Context(), req)
			if err != nil {
				return err
			}
			cmd.Println(res.JSON)
			return nil
		},
	}
	addKeyFlags(cmd, "optional: a payer's or provider's key; the diagnoses of its claims are decrypted and added")
	return cmd
}

// eobWithDiagnoses renders the bundle the chain would, from the same claims,
// with the diagnoses the --from key opens.
func eobWithDiagnoses(cmd *cobra.Command, req *types.QueryExplanationOfBenefitsRequest) error {
	clientCtx, err := queryContextWithKey(cmd)
	if err != nil {
		return err
	}
	res, err := types.NewQueryClient(clientCtx).ExplanationOfBenefits(cmd.Context(), req)
	if err != nil {
		return err
	}
	id, err := claimsclient.Identity(claimsclient.KeyringSigner(clientCtx.Keyring, clientCtx.FromName))
	if err != nil {
		return err
	}
	claims := make([]types.Claim, len(res.Benefits))
	diagnoses := map[uint64][]string{}
	for i, b := range res.Benefits {
		claims[i] = b.Claim
		opened, err := claimsclient.OpenClaimDiagnoses(b.Claim, id)
		switch {
		case errors.Is(err, claimsclient.ErrNotRecipient):
		case err != nil:
			_, _ = fmt.Fprintf(cmd.ErrOrStderr(), "claim %d: diagnoses left out: %v\n", b.Claim.ID, err)
		default:
			diagnoses[b.Claim.ID] = opened.Codes
		}
	}
	bz, err := types.ExplanationOfBenefitBundleFHIR(claims, diagnoses)
	if err != nil {
		return err
	}
	cmd.Println(string(bz))
	return nil
}

func diagnosesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "diagnoses [claim-id] --from PAYER|PROVIDER",
		Short: "Decrypt a claim's diagnoses (the claim's payer, provider and patient only) and check them against the chain's commitment",
		Long: `A claim's ICD-10-CM codes are on chain only as a salted commitment and a ciphertext encrypted to the
payer's and the provider's encryption keys (x/records). This command derives --from's key, decrypts them,
checks them against the commitment and prints them with the salt: with the salt, anyone the codes are shown
to can check them against the chain.`,
		Example: fmt.Sprintf("%s q claims diagnoses 1 --from payer", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := queryContextWithKey(cmd)
			if err != nil {
				return err
			}
			claimID, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("claim id %q: a positive whole number", args[0])
			}
			res, err := types.NewQueryClient(clientCtx).Claim(cmd.Context(), &types.QueryClaimRequest{Id: claimID})
			if err != nil {
				return err
			}
			id, err := claimsclient.Identity(claimsclient.KeyringSigner(clientCtx.Keyring, clientCtx.FromName))
			if err != nil {
				return err
			}
			opened, err := claimsclient.OpenClaimDiagnoses(res.Claim, id)
			if err != nil {
				return fmt.Errorf("claim %d: %w", claimID, err)
			}
			return printJSON(cmd, map[string]any{
				"claim_id": claimID, "diagnoses": opened.Codes,
				"commitment": hex.EncodeToString(res.Claim.DiagnosesCommitment), "salt": hex.EncodeToString(opened.Salt), "verified": true,
			})
		},
	}
	addKeyFlags(cmd, "the claim's payer's or provider's key: its encryption key is derived from it")
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
