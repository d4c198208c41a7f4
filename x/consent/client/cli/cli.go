// Package cli holds the consent commands that need the caller's key on the
// client: break glass seals its justification before it is sent, and only
// its readers can open it. autocli adds the other commands.
package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"filippo.io/age"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/sigkey"
	"github.com/healthchain/healthd/x/consent/client/consentclient"
	"github.com/healthchain/healthd/x/consent/types"
	"github.com/healthchain/healthd/x/records/client/recordsclient"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// TxCmd returns `healthd tx consent` with break-glass; autocli adds the rest.
func TxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Grant, amend and revoke consent (patient or guardian); appoint guardians; break glass (hospitals)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(breakGlassCmd())
	return cmd
}

// QueryCmds are the query commands of this package, for `healthd q consent`.
func QueryCmds() []*cobra.Command {
	return []*cobra.Command{justificationCmd()}
}

func breakGlassCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "break-glass [patient] [justification] --from HOSPITAL",
		Short: "Open emergency (ETREAT) access to a patient without consent: hospitals only, time-boxed, rate-limited, always audited",
		Long: `Justifications: patient-unconscious (or unconscious), life-threatening, no-capacity-no-guardian,
critical-continuity-of-care.
The justification says something about the patient's health, so it never goes on chain in clear: it is
committed to here (SHA-256 with a random salt) and encrypted with the salt to your key (derived from your
signing key) and to the encryption keys the patient and the patient's live guardians registered in x/records
(` + version.AppName + ` records keys register). Only they read it (` + version.AppName + ` q consent break-glass-justification [id]).`,
		Example: fmt.Sprintf("%s tx consent break-glass health1patient... life-threatening --from hospital", version.AppName),
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			warn := func(format string, a ...any) { _, _ = fmt.Fprintf(cmd.ErrOrStderr(), format+"\n", a...) }
			msg, err := sealBreakGlass(cmd.Context(), clientCtx, args[0], args[1], warn)
			if err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// sealBreakGlass builds the break-glass message: the justification checked
// and sealed to the member (the signer), the patient and the patient's live
// guardians, each of the latter two when they registered an encryption key.
func sealBreakGlass(ctx context.Context, clientCtx client.Context, patient, justification string, warn func(string, ...any)) (*types.MsgBreakGlass, error) {
	j, err := types.ParseJustification(justification)
	if err != nil {
		return nil, err
	}
	msg := &types.MsgBreakGlass{Member: clientCtx.GetFromAddress().String(), Patient: patient}
	if err := msg.ValidateBasic(); err != nil && !errors.Is(err, types.ErrInvalidJustification) {
		return nil, err
	}
	if clientCtx.FromName == "" {
		return nil, errors.New("the justification is encrypted for you too, with the key derived from your signing key: --from must name a key in the keyring")
	}
	me, err := recordsclient.DeriveIdentity(sigkey.KeyringSigner(clientCtx.Keyring, clientCtx.FromName))
	if err != nil {
		return nil, err
	}
	recipients := []age.Recipient{me.Recipient()}
	readers, err := patientReaders(ctx, clientCtx, patient, time.Now())
	if err != nil {
		return nil, err
	}
	recipients = append(recipients, readers...)
	if len(readers) == 0 {
		warn("the patient %s has no encryption key on chain (nor has a live guardian): only you will read the justification", patient)
	}
	sealed, err := consentclient.SealJustification(j, recipients...)
	if err != nil {
		return nil, err
	}
	msg.JustificationCommitment, msg.JustificationCiphertext = sealed.Commitment, sealed.Ciphertext
	return msg, nil
}

// patientReaders are the registered encryption keys of the patient and of
// the patient's guardians whose guardianship is live at now.
func patientReaders(ctx context.Context, clientCtx client.Context, patient string, now time.Time) ([]age.Recipient, error) {
	accounts := []string{patient}
	res, err := types.NewQueryClient(clientCtx).Guardians(ctx, &types.QueryGuardiansRequest{Patient: patient})
	if err != nil {
		return nil, fmt.Errorf("reading the guardians of %s: %w", patient, err)
	}
	for _, g := range res.Guardians {
		if now.Before(g.End) {
			accounts = append(accounts, g.Guardian)
		}
	}
	var out []age.Recipient
	for _, a := range accounts {
		r, err := registeredRecipient(ctx, clientCtx, a)
		if err != nil {
			return nil, err
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out, nil
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

func justificationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "break-glass-justification [id] --from PATIENT|GUARDIAN|MEMBER",
		Short: "Decrypt a break-glass access's justification (its patient, their guardians and the member only) and check it against the chain's commitment",
		Long: `A break-glass justification is on chain only as a salted commitment and a ciphertext encrypted to the
member's key and to the encryption keys the patient and their live guardians had registered when the glass was
broken. This command derives --from's key, decrypts it, checks it against the commitment and prints it with
the salt: with the salt, anyone it is shown to can check it against the chain.`,
		Example: fmt.Sprintf("%s q consent break-glass-justification 1 --from patient", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			from, _ := cmd.Flags().GetString(flags.FlagFrom)
			if from == "" {
				return errors.New("give --from: the key of the patient, a guardian or the member; the justification is encrypted to it")
			}
			_, name, _, err := client.GetFromFields(clientCtx, clientCtx.Keyring, from)
			if err != nil {
				return err
			}
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("break-glass id %q: a positive whole number", args[0])
			}
			res, err := types.NewQueryClient(clientCtx).BreakGlass(cmd.Context(), &types.QueryBreakGlassRequest{Id: id})
			if err != nil {
				return err
			}
			key, err := recordsclient.DeriveIdentity(sigkey.KeyringSigner(clientCtx.Keyring, name))
			if err != nil {
				return err
			}
			opened, err := consentclient.OpenBreakGlass(res.BreakGlass, key)
			if err != nil {
				return fmt.Errorf("break-glass %d: %w", id, err)
			}
			bz, err := json.MarshalIndent(map[string]any{
				"break_glass_id": id, "patient": res.BreakGlass.Patient, "member": res.BreakGlass.Member,
				"justification": types.JustificationName(opened.Code),
				"commitment":    hex.EncodeToString(res.BreakGlass.JustificationCommitment), "salt": hex.EncodeToString(opened.Salt), "verified": true,
			}, "", "  ")
			if err != nil {
				return err
			}
			cmd.Println(string(bz))
			return nil
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	cmd.Flags().String(flags.FlagFrom, "", "the patient's, a guardian's or the member's key: its encryption key is derived from it")
	flags.AddKeyringFlags(cmd.Flags())
	return cmd
}
