// Package cli has the claims commands that take structured input or keys:
// plans and claims from JSON files, enrolment and card checks with the
// payer's member id key.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"filippo.io/age"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/x/claims/client/claimsclient"
	"github.com/healthchain/healthd/x/claims/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
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
func readJSON(cdc codec.JSONCodec, path string, msg proto.Message) error {
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
		Settlement: terms.Settlement,
	}, nil
}

// flagSettlement sets a plan's settlement method in place of the file's.
const flagSettlement = "settlement"

// settlementMethods are the values of --settlement.
var settlementMethods = map[string]types.SettlementMethod{
	"escrow":   types.SettlementMethod_SETTLEMENT_METHOD_ESCROW,
	"evm-htlc": types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC,
}

// settlementFlag returns the method --settlement names, and whether it was given.
func settlementFlag(cmd *cobra.Command) (types.SettlementMethod, bool, error) {
	if !cmd.Flags().Changed(flagSettlement) {
		return 0, false, nil
	}
	v, err := cmd.Flags().GetString(flagSettlement)
	if err != nil {
		return 0, false, err
	}
	m, ok := settlementMethods[v]
	if !ok {
		return 0, false, fmt.Errorf("--%s %q: want escrow or evm-htlc", flagSettlement, v)
	}
	return m, true, nil
}

const settlementUsage = "how the plan's claims are paid: escrow (from your escrow on healthd, the default) or evm-htlc " +
	"(an ERC-20 locked on Ethereum; claims the engine would approve are pended until you lock-settlement and approve " +
	"with the preimage; docs/settlement.md); replaces the file's settlement field"

// flagPatient names submit's patient in place of the file's.
const flagPatient = "patient"

// claimFromFile is how submit reads its file: a ClaimFile (the fields of
// MsgSubmitClaim with the diagnoses in clear), and the provider is the signer
// (a provider in the file is replaced).
func claimFromFile(cdc codec.JSONCodec, path, provider string) (*types.ClaimFile, error) {
	f := &types.ClaimFile{}
	if err := readJSON(cdc, path, f); err != nil {
		return nil, err
	}
	f.Provider = provider
	return f, nil
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
	return txRunMsgs(func(_ context.Context, clientCtx client.Context, args []string) ([]sdk.Msg, error) {
		msg, err := fill(clientCtx, args)
		return []sdk.Msg{msg}, err
	})
}

// txRunMsgs is txRun for commands that ask the chain first and may send more
// than one message.
func txRunMsgs(fill func(ctx context.Context, clientCtx client.Context, args []string) ([]sdk.Msg, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		clientCtx, err := client.GetClientTxContext(cmd)
		if err != nil {
			return err
		}
		msgs, err := fill(cmd.Context(), clientCtx, args)
		if err != nil {
			return err
		}
		return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msgs...)
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
		RunE: func(cmd *cobra.Command, args []string) error {
			method, set, err := settlementFlag(cmd)
			if err != nil {
				return err
			}
			return txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
				msg, err := planFromFile(clientCtx.Codec, args[0], clientCtx.GetFromAddress().String())
				if err == nil && set {
					msg.Settlement = method
				}
				return msg, err
			})(cmd, args)
		},
	}
	cmd.Flags().String(flagSettlement, "", settlementUsage)
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
		RunE: func(cmd *cobra.Command, args []string) error {
			method, set, err := settlementFlag(cmd)
			if err != nil {
				return err
			}
			return txRun(func(clientCtx client.Context, args []string) (sdk.Msg, error) {
				id, err := strconv.ParseUint(args[0], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("plan id %q: %w", args[0], err)
				}
				msg, err := updateFromFile(clientCtx.Codec, args[1], clientCtx.GetFromAddress().String(), id)
				if err == nil && set {
					msg.Settlement = method
				}
				return msg, err
			})(cmd, args)
		},
	}
	cmd.Flags().String(flagSettlement, "", settlementUsage)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func submitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit [claim.json] --from PROVIDER",
		Short: "Submit a claim; it is adjudicated, and paid when approved, in the same transaction; the diagnoses go encrypted",
		Long: `The file holds the fields of MsgSubmitClaim in proto JSON, with the diagnoses in clear; the provider is the
signer (--from). For example:
` + claimExample + `
patient is the patient's account address; coverage_id the coverage enroll returned (healthd q claims coverage
[patient]); service_date an RFC 3339 time, not in the future and inside the coverage period; diagnoses 1..12
(param max_diagnoses) ICD-10-CM codes, with the dot (E11.9); lines 1..50 (param max_lines): system
CODE_SYSTEM_CPT, CODE_SYSTEM_HCPCS or CODE_SYSTEM_NDC, code, units 1..100000, and charge, an integer amount in
uhealth written as a JSON string; record_ids (optional) x/records ids of the patient's records. Unknown fields
are refused. Lines are numbered from 0 where a message names them (review --approve-lines 0 is the first).
The diagnoses never go on chain in clear: they are checked here, committed to (SHA-256 with a random salt) and
encrypted to the payer's encryption key (registered in x/records; enroll registers it) and yours, so that only
the payer and you read them (healthd q claims diagnoses [claim-id]).
The patient must have consented, for category Claim, to HPAYMT disclosure to the payer and to TREAT by you.
Every field: x/claims/README.md ("Plan and claim files"); a claim: x/claims/testdata/claim.json.`,
		Example: fmt.Sprintf("%s tx claims submit x/claims/testdata/claim.json --patient $P --from hospital --gas auto", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			patient, err := cmd.Flags().GetString(flagPatient)
			if err != nil {
				return err
			}
			return txRunMsgs(func(ctx context.Context, clientCtx client.Context, args []string) ([]sdk.Msg, error) {
				f, err := claimFromFile(clientCtx.Codec, args[0], clientCtx.GetFromAddress().String())
				if err != nil {
					return nil, err
				}
				if patient != "" {
					f.Patient = patient
				}
				msg, err := sealClaim(ctx, clientCtx, f)
				if err != nil {
					return nil, err
				}
				return []sdk.Msg{msg}, nil
			})(cmd, args)
		},
	}
	cmd.Flags().String(flagPatient, "", "the patient's account address, in place of the file's patient (the example files in x/claims/testdata name a placeholder)")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// sealClaim checks a claim file as the chain checked claims when the
// diagnoses were on chain (ValidateBasic, max_diagnoses), then seals the
// diagnoses for the coverage's payer and the provider (the signer).
func sealClaim(ctx context.Context, clientCtx client.Context, f *types.ClaimFile) (*types.MsgSubmitClaim, error) {
	if err := f.ValidateBasic(); err != nil {
		return nil, err
	}
	q := types.NewQueryClient(clientCtx)
	params, err := q.Params(ctx, &types.QueryParamsRequest{})
	if err != nil {
		return nil, fmt.Errorf("reading the claims params: %w", err)
	}
	if err := types.ValidateDiagnoses(f.Diagnoses, params.Params.MaxDiagnoses); err != nil {
		return nil, err
	}
	payer, err := coveragePayer(ctx, q, f.Patient, f.CoverageID)
	if err != nil {
		return nil, err
	}
	payerKey, err := registeredRecipient(ctx, clientCtx, payer)
	if err != nil {
		return nil, err
	}
	if payerKey == nil {
		return nil, fmt.Errorf("the payer %s has no encryption key on chain, so the diagnoses cannot be encrypted for it: "+
			"the payer runs `%s records keys register --from ...` (enroll registers it)", payer, version.AppName)
	}
	if clientCtx.FromName == "" {
		return nil, errors.New("the diagnoses are encrypted for you too, with the key derived from your signing key: --from must name a key in the keyring")
	}
	me, err := claimsclient.Identity(claimsclient.KeyringSigner(clientCtx.Keyring, clientCtx.FromName))
	if err != nil {
		return nil, err
	}
	recipients := []age.Recipient{payerKey, me.Recipient()}
	// The patient reads their own diagnoses (a right of access) when they
	// have an encryption key on chain.
	patientKey, err := registeredRecipient(ctx, clientCtx, f.Patient)
	if err != nil {
		return nil, err
	}
	if patientKey != nil {
		recipients = append(recipients, patientKey)
	}
	sealed, err := claimsclient.SealDiagnoses(f.Diagnoses, params.Params.MaxDiagnoses, recipients...)
	if err != nil {
		return nil, err
	}
	return claimsclient.SubmitMsg(f, sealed), nil
}

// coveragePayer is the payer of the patient's coverage id.
func coveragePayer(ctx context.Context, q types.QueryClient, patient string, id uint64) (string, error) {
	covs, err := patientCoverages(ctx, q, patient)
	if err != nil {
		return "", fmt.Errorf("reading the coverages of %s: %w", patient, err)
	}
	for _, c := range covs {
		if c.ID == id {
			return c.Payer, nil
		}
	}
	return "", fmt.Errorf("coverage %d is not one of %s's (%s q claims coverage %s): %w", id, patient, version.AppName, patient, types.ErrCoveragePatient)
}

// registeredRecipient is the account's age recipient registered in x/records,
// nil when it has none.
func registeredRecipient(ctx context.Context, clientCtx client.Context, addr string) (*age.X25519Recipient, error) {
	res, err := recordstypes.NewQueryClient(clientCtx).EncryptionKey(ctx, &recordstypes.QueryEncryptionKeyRequest{Owner: addr})
	if status.Code(err) == codes.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the encryption key of %s: %w", addr, err)
	}
	return age.ParseX25519Recipient(res.Key.Recipient)
}

func enrollCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "enroll [plan-id] [patient] [member-id] [start] [end] --from PAYER",
		Short: "Enrol a patient in a plan; only a MAC of the member id under your own key goes on chain",
		Long: `plan-id is one of your plans; patient the patient's account address; member-id your member id for the
patient, 1..80 printable ASCII characters without spaces. It is never sent: the chain gets HMAC-SHA256 of it
(with the patient's address) under a key derived from your signing key (--from), which nobody without that
key can compute or brute-force; "healthd q claims check-member" checks a card against it. start and end are
RFC 3339 times: a service date is covered from start (inclusive) to end (exclusive).
When the chain has no encryption key of yours (x/records), the same transaction registers the one derived
from your signing key: providers encrypt the diagnoses of your claims to it.`,
		Example: fmt.Sprintf("%s tx claims enroll 1 health1... MEM-000123 2026-01-01T00:00:00Z 2028-01-01T00:00:00Z --from payer", version.AppName),
		Args:    cobra.ExactArgs(5),
		RunE: txRunMsgs(func(ctx context.Context, clientCtx client.Context, args []string) ([]sdk.Msg, error) {
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
			msg, err := claimsclient.EnrollMsg(key, clientCtx.GetFromAddress().String(), id, args[1], args[2], start, end)
			if err != nil {
				return nil, err
			}
			register, err := registerIfMissing(ctx, clientCtx)
			if err != nil {
				return nil, err
			}
			return append(register, msg), nil
		}),
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// registerIfMissing returns the message that publishes the signer's x/records
// encryption key when the chain has none for it: providers encrypt claims'
// diagnoses to the payer's key, so a payer that enrols needs one. Offline,
// nothing is asked or added.
func registerIfMissing(ctx context.Context, clientCtx client.Context) ([]sdk.Msg, error) {
	if clientCtx.Offline {
		return nil, nil
	}
	from := clientCtx.GetFromAddress().String()
	have, err := registeredRecipient(ctx, clientCtx, from)
	if err != nil || have != nil {
		return nil, err
	}
	id, err := claimsclient.Identity(claimsclient.KeyringSigner(clientCtx.Keyring, clientCtx.FromName))
	if err != nil {
		return nil, err
	}
	_, _ = fmt.Fprintf(os.Stderr, "registering your encryption key (x/records) in the same transaction: providers encrypt claims' diagnoses to it\n")
	return []sdk.Msg{&recordstypes.MsgRegisterEncryptionKey{Owner: from, Recipient: id.Recipient().String()}}, nil
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
