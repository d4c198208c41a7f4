package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"filippo.io/age"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/vault"
	"github.com/healthchain/healthd/x/records/types"
)

const (
	flagPatient  = "patient"
	flagCategory = "category"
	flagFormat   = "format"
	flagVault    = "vault"
	flagOut      = "out"
	flagPurpose  = "purpose"
	flagID       = "id"
	flagSalt     = "salt"
	flagTo       = "to"
	flagForce    = "force"

	// DefaultVault is the vault the localnet starts.
	DefaultVault = "http://127.0.0.1:8088"
	// MaxRecordSize bounds a record file.
	MaxRecordSize = 256 << 20
)

// Cmd returns `healthd records`.
func Cmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "records",
		Short: "Put, get, verify, share and erase medical records: encrypted in the vault, anchored on chain",
		Long: `Records stay off chain, encrypted under a fresh key per record. The chain holds a salted
commitment (SHA-256 of a 32-byte salt and the record's canonical bytes), the CIDv1 of the
encrypted blob, and every access grant. Record keys are wrapped to the age X25519 keys that
accounts derive from their own signing key (healthd records keys register).`,
		RunE: client.ValidateCmd,
	}
	cmd.AddCommand(putCmd(), amendCmd(), getCmd(), verifyCmd(), shareCmd(), eraseCmd(), keysCmd())
	return cmd
}

func addVaultFlag(cmd *cobra.Command) {
	def := os.Getenv("HEALTHD_VAULT")
	if def == "" {
		def = DefaultVault
	}
	cmd.Flags().String(flagVault, def, "vault URL (env HEALTHD_VAULT)")
}

func txCommand(cmd *cobra.Command) *cobra.Command {
	flags.AddTxFlagsToCmd(cmd)
	addVaultFlag(cmd)
	// These commands sign and wait for their own transactions: estimate gas by default.
	for name, def := range map[string]string{flags.FlagGas: flags.GasFlagAuto, flags.FlagGasAdjustment: "1.5"} {
		f := cmd.Flags().Lookup(name)
		_ = f.Value.Set(def)
		f.DefValue = def
	}
	return cmd
}

// session is what one command needs: the client context, the vault, the
// chain's records queries and the caller's identity.
type session struct {
	cmd       *cobra.Command
	clientCtx client.Context
	vault     *vault.Client
	query     types.QueryClient
	me        string
}

func newSession(cmd *cobra.Command) (*session, error) {
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return nil, err
	}
	if clientCtx.FromName == "" {
		return nil, errors.New("give --from: the key that signs")
	}
	signer, err := vault.KeyringSigner(clientCtx.Keyring, clientCtx.FromName)
	if err != nil {
		return nil, err
	}
	url, _ := cmd.Flags().GetString(flagVault)
	return &session{
		cmd: cmd, clientCtx: clientCtx.WithSkipConfirmation(true),
		vault: &vault.Client{BaseURL: url, ChainID: clientCtx.ChainID, Signer: signer},
		query: types.NewQueryClient(clientCtx), me: signer.Address(),
	}, nil
}

func (s *session) ctx() context.Context { return s.cmd.Context() }

// identity derives the caller's age identity from its signing key.
func (s *session) identity() (*age.X25519Identity, error) {
	return DeriveIdentity(func(msg []byte) ([]byte, error) {
		sig, _, err := s.clientCtx.Keyring.Sign(s.clientCtx.FromName, msg, signing.SignMode_SIGN_MODE_DIRECT)
		return sig, err
	})
}

// recipient returns an account's published age recipient.
func (s *session) recipient(addr string) (age.Recipient, error) {
	res, err := s.query.EncryptionKey(s.ctx(), &types.QueryEncryptionKeyRequest{Owner: addr})
	if status.Code(err) == codes.NotFound {
		return nil, fmt.Errorf("%s has no encryption key on chain: that account runs `%s records keys register`", addr, version.AppName)
	}
	if err != nil {
		return nil, err
	}
	return age.ParseX25519Recipient(res.Key.Recipient)
}

// registerIfNeeded returns a message publishing the caller's key when the
// chain does not hold it yet.
func (s *session) registerIfNeeded(id *age.X25519Identity) []sdk.Msg {
	res, err := s.query.EncryptionKey(s.ctx(), &types.QueryEncryptionKeyRequest{Owner: s.me})
	if err == nil && res.Key.Recipient == id.Recipient().String() {
		return nil
	}
	return []sdk.Msg{&types.MsgRegisterEncryptionKey{Owner: s.me, Recipient: id.Recipient().String()}}
}

func (s *session) record(id uint64) (types.Record, error) {
	res, err := s.query.Record(s.ctx(), &types.QueryRecordRequest{Id: id})
	if err != nil {
		return types.Record{}, fmt.Errorf("record %d: %w", id, err)
	}
	return res.Record, nil
}

func (s *session) print(v any) error {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(s.cmd.OutOrStdout(), string(out))
	return err
}

func readRecordFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxRecordSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, MaxRecordSize)
	}
	return b, nil
}

func parseID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("record id %q: a positive integer", s)
	}
	return id, nil
}

// sealed is a record encrypted and ready to anchor.
type sealed struct {
	prepared   *Prepared
	category   string
	commitment []byte
	ciphertext []byte
	cid        string
	key        *age.X25519Identity
}

// seal validates, commits to and encrypts a record file.
func seal(b []byte, format types.Format, category string) (*sealed, error) {
	p, err := Prepare(b, format)
	if err != nil {
		return nil, err
	}
	if category == "" {
		category = p.Category
	}
	if category == "" {
		return nil, fmt.Errorf("a %s %s implies no consent category: give --category (a FHIR resource type or an observation category)", p.Format, p.Kind)
	}
	if err := types.ValidateCategory(category); err != nil {
		return nil, err
	}
	salt, err := NewSalt()
	if err != nil {
		return nil, err
	}
	env, err := Envelope(Header{Format: p.Format, Kind: p.Kind, Category: category, Salt: salt}, b)
	if err != nil {
		return nil, err
	}
	ct, key, err := Seal(env)
	if err != nil {
		return nil, err
	}
	return &sealed{prepared: p, category: category, commitment: Commitment(salt, p.Canonical), ciphertext: ct, cid: unixfs.SumBytes(ct), key: key}, nil
}

// upload stores the ciphertext in the vault and checks the vault's CID.
func (s *session) upload(sl *sealed) error {
	cid, err := s.vault.PutBlob(s.ctx(), sl.ciphertext)
	if err != nil {
		return fmt.Errorf("vault upload: %w", err)
	}
	if cid != sl.cid {
		return fmt.Errorf("the vault stored CID %s, the client computed %s", cid, sl.cid)
	}
	return nil
}

// wrapFor wraps the record key for each account and stores it in the vault.
func (s *session) wrapFor(id uint64, key *age.X25519Identity, accounts ...string) error {
	for _, acc := range accounts {
		to, err := s.recipient(acc)
		if err != nil {
			return err
		}
		wrapped, err := WrapKey(key, to)
		if err != nil {
			return err
		}
		if err := s.vault.PutKey(s.ctx(), id, acc, wrapped); err != nil {
			return fmt.Errorf("storing the record key for %s: %w", acc, err)
		}
	}
	return nil
}

type putResult struct {
	ID         uint64 `json:"id"`
	Version    uint32 `json:"version"`
	Format     string `json:"format"`
	Kind       string `json:"kind"`
	Category   string `json:"category"`
	CID        string `json:"cid"`
	Commitment string `json:"commitment"`
	Size       int    `json:"size"`
}

func putCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "put [file] --patient ADDR [--category C] --from AUTHOR",
		Short: "Validate, encrypt, upload and anchor a record (FHIR R4 JSON, HL7 v2, DICOM) in one step",
		Long: `put validates the file (FHIR R4 through google/fhir/go; HL7 v2 and DICOM through healthd's
parsers), canonicalises it (RFC 8785 JSON with FHIR decimals kept as written; HL7 v2 segments
ended by CR; DICOM as is), draws a 32-byte salt, encrypts the record under a fresh key, uploads
the ciphertext to the vault, anchors the commitment and CID on chain, and wraps the record key
for the patient and the author. Invalid input is refused before anything is uploaded or anchored.
The author must be an active hospital or laboratory member; the patient must have registered an
encryption key.`,
		Example: fmt.Sprintf("%s records put glucose.json --patient health1... --from lab", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			patient, _ := cmd.Flags().GetString(flagPatient)
			if _, err := sdk.AccAddressFromBech32(patient); err != nil {
				return fmt.Errorf("--patient %q: %w", patient, err)
			}
			format, err := formatFlag(cmd)
			if err != nil {
				return err
			}
			category, _ := cmd.Flags().GetString(flagCategory)
			b, err := readRecordFile(args[0])
			if err != nil {
				return err
			}
			sl, err := seal(b, format, category)
			if err != nil {
				return err
			}
			me, err := s.identity()
			if err != nil {
				return err
			}
			if _, err := s.recipient(patient); err != nil {
				return err
			}
			msgs := append(s.registerIfNeeded(me), &types.MsgAnchorRecord{
				Author: s.me, Patient: patient, Format: sl.prepared.Format, Kind: sl.prepared.Kind, Category: sl.category,
				Commitment: sl.commitment, CID: sl.cid, BlobSize: uint64(len(sl.ciphertext)),
			})
			// The chain checks the anchor first; only then is the blob uploaded.
			resps, err := simulateThenBroadcast(s.ctx(), s.clientCtx, cmd.Flags(), func() error { return s.upload(sl) }, msgs...)
			if err != nil {
				return err
			}
			var res types.MsgAnchorRecordResponse
			if err := s.clientCtx.Codec.Unmarshal(resps[len(resps)-1].Value, &res); err != nil {
				return err
			}
			if err := s.wrapFor(res.ID, sl.key, patient, s.me); err != nil {
				return err
			}
			return s.print(putResult{
				ID: res.ID, Version: 1, Format: sl.prepared.Format.String(), Kind: sl.prepared.Kind, Category: sl.category,
				CID: sl.cid, Commitment: hex.EncodeToString(sl.commitment), Size: len(sl.ciphertext),
			})
		},
	}
	cmd.Flags().String(flagPatient, "", "the patient's account (required)")
	cmd.Flags().String(flagCategory, "", "consent category; defaults from the record (resource type, laboratory for ORU, imaging for DICOM)")
	cmd.Flags().String(flagFormat, "auto", "fhir, hl7v2, dicom or auto")
	_ = cmd.MarkFlagRequired(flagPatient)
	return txCommand(cmd)
}

func formatFlag(cmd *cobra.Command) (types.Format, error) {
	f, _ := cmd.Flags().GetString(flagFormat)
	if f == "" || f == "auto" {
		return types.Format_FORMAT_UNSPECIFIED, nil
	}
	return types.ParseFormat(f)
}

func amendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "amend [id] [file] --from AUTHOR",
		Short: "Anchor a new version of a record; the old version stays and points to it",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			old, err := s.record(id)
			if err != nil {
				return err
			}
			category, _ := cmd.Flags().GetString(flagCategory)
			if category == "" {
				category = old.Category
			}
			b, err := readRecordFile(args[1])
			if err != nil {
				return err
			}
			sl, err := seal(b, old.Format, category)
			if err != nil {
				return err
			}
			resps, err := simulateThenBroadcast(s.ctx(), s.clientCtx, cmd.Flags(), func() error { return s.upload(sl) }, &types.MsgAmendRecord{
				Author: s.me, Supersedes: id, Kind: sl.prepared.Kind, Category: sl.category,
				Commitment: sl.commitment, CID: sl.cid, BlobSize: uint64(len(sl.ciphertext)),
			})
			if err != nil {
				return err
			}
			var res types.MsgAmendRecordResponse
			if err := s.clientCtx.Codec.Unmarshal(resps[0].Value, &res); err != nil {
				return err
			}
			if err := s.wrapFor(res.ID, sl.key, old.Patient, s.me); err != nil {
				return err
			}
			return s.print(putResult{
				ID: res.ID, Version: res.Version, Format: sl.prepared.Format.String(), Kind: sl.prepared.Kind, Category: sl.category,
				CID: sl.cid, Commitment: hex.EncodeToString(sl.commitment), Size: len(sl.ciphertext),
			})
		},
	}
	cmd.Flags().String(flagCategory, "", "consent category (default: the amended version's)")
	return txCommand(cmd)
}

// opened is a record fetched, decrypted and checked against its anchor.
type opened struct {
	record types.Record
	header Header
	bytes  []byte
}

// fetch gets the caller's wrapped key and the blob from the vault, decrypts
// the blob and checks its CID and commitment against the chain.
func (s *session) fetch(r types.Record) (*opened, error) {
	wrapped, err := s.vault.GetKey(s.ctx(), r.ID)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	blob, _, err := s.vault.GetBlob(s.ctx(), r.ID)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	if cid := unixfs.SumBytes(blob); cid != r.CID {
		return nil, fmt.Errorf("integrity: the vault's blob has CID %s, the chain anchored %s", cid, r.CID)
	}
	me, err := s.identity()
	if err != nil {
		return nil, err
	}
	key, err := UnwrapKey(wrapped, me)
	if err != nil {
		return nil, err
	}
	env, err := Unseal(blob, key)
	if err != nil {
		return nil, err
	}
	h, b, err := OpenEnvelope(env)
	if err != nil {
		return nil, err
	}
	p, err := Prepare(b, r.Format)
	if err != nil {
		return nil, fmt.Errorf("the decrypted record no longer validates: %w", err)
	}
	if c := Commitment(h.Salt, p.Canonical); string(c) != string(r.Commitment) {
		return nil, fmt.Errorf("integrity: the decrypted record's commitment %x does not match the anchored %x", c, r.Commitment)
	}
	return &opened{record: r, header: h, bytes: b}, nil
}

// ensureAccess requests a grant when the caller has no live one.
func (s *session) ensureAccess(r types.Record, purpose string) (uint64, error) {
	chk, err := s.query.AccessCheck(s.ctx(), &types.QueryAccessCheckRequest{RecordId: r.ID, Account: s.me})
	if err != nil {
		return 0, err
	}
	if chk.Allowed {
		return chk.GrantId, nil
	}
	if purpose == "" {
		return 0, fmt.Errorf("no live access to record %d (%s): give --purpose to request a grant", r.ID, chk.Basis)
	}
	resps, err := broadcastAndWait(s.ctx(), s.clientCtx, s.cmd.Flags(), &types.MsgRequestAccess{Grantee: s.me, RecordID: r.ID, Purpose: purpose})
	if err != nil {
		return 0, err
	}
	var res types.MsgRequestAccessResponse
	if err := s.clientCtx.Codec.Unmarshal(resps[0].Value, &res); err != nil {
		return 0, err
	}
	say("access granted: grant %d until %s", res.GrantID, res.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))
	return res.GrantID, nil
}

func getCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get [id] --out FILE [--purpose P] --from KEY",
		Short: "Request access if needed, fetch from the vault, decrypt, verify against the chain, write the file",
		Long: `get checks on chain whether the caller may read the record (the patient and the author may; anyone
else needs a live access grant). Without one, --purpose requests it: the patient's consent must cover
the purpose and the record's category, and the grant is added to the patient's accounting of
disclosures. The blob's CID and the record's salted commitment are checked before the file is written.`,
		Example: fmt.Sprintf("%s records get 3 --purpose TREAT --out glucose.json --from hospital", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			out, _ := cmd.Flags().GetString(flagOut)
			force, _ := cmd.Flags().GetBool(flagForce)
			purpose, _ := cmd.Flags().GetString(flagPurpose)
			if out == "" {
				return errors.New("give --out FILE")
			}
			if _, err := os.Stat(out); err == nil && !force {
				return fmt.Errorf("%s exists: give --force to overwrite", out)
			}
			r, err := s.record(id)
			if err != nil {
				return err
			}
			grant, err := s.ensureAccess(r, purpose)
			if err != nil {
				return err
			}
			o, err := s.fetch(r)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, o.bytes, 0o600); err != nil {
				return err
			}
			return s.print(map[string]any{
				"id": r.ID, "kind": r.Kind, "category": r.Category, "out": out, "bytes": len(o.bytes),
				"verified": true, "grant_id": grant, "salt": hex.EncodeToString(o.header.Salt),
			})
		},
	}
	cmd.Flags().String(flagOut, "", "file to write (required)")
	cmd.Flags().String(flagPurpose, "", "purpose of use for an access request (TREAT, HPAYMT, ...)")
	cmd.Flags().Bool(flagForce, false, "overwrite --out")
	return txCommand(cmd)
}

func verifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify [file] --id ID [--salt HEX] --from KEY",
		Short: "Check a file against a record's anchored commitment",
		Long: `verify canonicalises the file as put did and compares SHA-256(salt || canonical bytes) with the
record's commitment on chain. The salt is secret: give it with --salt, or let verify read it from
the record in the vault (the caller needs access). It fails when any byte of the record's content
differs.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			query := types.NewQueryClient(clientCtx)
			idStr, _ := cmd.Flags().GetString(flagID)
			id, err := parseID(idStr)
			if err != nil {
				return err
			}
			res, err := query.Record(cmd.Context(), &types.QueryRecordRequest{Id: id})
			if err != nil {
				return fmt.Errorf("record %d: %w", id, err)
			}
			r := res.Record
			b, err := readRecordFile(args[0])
			if err != nil {
				return err
			}
			p, err := Prepare(b, r.Format)
			if err != nil {
				return err
			}
			saltHex, _ := cmd.Flags().GetString(flagSalt)
			var salt []byte
			if saltHex != "" {
				if salt, err = hex.DecodeString(saltHex); err != nil || len(salt) != SaltSize {
					return fmt.Errorf("--salt: %d bytes of hex", SaltSize)
				}
			} else {
				s, err := newSession(cmd)
				if err != nil {
					return fmt.Errorf("without --salt, verify reads the salt from the vault: %w", err)
				}
				o, err := s.fetch(r)
				if err != nil {
					return fmt.Errorf("reading the salt from the vault: %w", err)
				}
				salt = o.header.Salt
			}
			c := hex.EncodeToString(Commitment(salt, p.Canonical))
			v, err := query.Verify(cmd.Context(), &types.QueryVerifyRequest{Id: id, Commitment: c})
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(map[string]any{"id": id, "match": v.Match, "current": v.Current, "superseded_by": v.SupersededBy}, "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(out))
			if !v.Match {
				return fmt.Errorf("%s does NOT match record %d", args[0], id)
			}
			return nil
		},
	}
	cmd.Flags().String(flagID, "", "record id (required)")
	cmd.Flags().String(flagSalt, "", "the record's salt, hex (default: read it from the vault with --from's access)")
	_ = cmd.MarkFlagRequired(flagID)
	return txCommand(cmd)
}

func shareCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "share [id] --to ADDR --from PATIENT",
		Short: "Wrap a record's key for another account (after granting it consent)",
		Long: `share unwraps the record key with the patient's key and wraps it again for the account given with
--to, using the encryption key that account registered. The account still needs a live access grant,
which the chain gives only under the patient's consent, before the vault serves it the blob.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			to, _ := cmd.Flags().GetString(flagTo)
			if _, err := sdk.AccAddressFromBech32(to); err != nil {
				return fmt.Errorf("--to %q: %w", to, err)
			}
			wrapped, err := s.vault.GetKey(s.ctx(), id)
			if err != nil {
				return fmt.Errorf("vault: %w", err)
			}
			me, err := s.identity()
			if err != nil {
				return err
			}
			key, err := UnwrapKey(wrapped, me)
			if err != nil {
				return err
			}
			if err := s.wrapFor(id, key, to); err != nil {
				return err
			}
			return s.print(map[string]any{"id": id, "shared_with": to})
		},
	}
	cmd.Flags().String(flagTo, "", "account to share the record key with (required)")
	_ = cmd.MarkFlagRequired(flagTo)
	return txCommand(cmd)
}

func eraseCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "erase [id] --from PATIENT",
		Short: "Destroy a record's encrypted blob and wrapped keys in the vault (the patient only)",
		Long: `erase asks the vault to delete the blob and every wrapped key of the record. The anchor stays on
chain; its commitment is salted with a secret salt, so it reveals nothing about the content afterwards.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			if err := s.vault.Erase(s.ctx(), id); err != nil {
				return fmt.Errorf("vault: %w", err)
			}
			return s.print(map[string]any{"id": id, "erased": true})
		},
	}
	return txCommand(cmd)
}

func keysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "The account's record encryption key, derived from its signing key",
		RunE:  client.ValidateCmd,
	}
	show := &cobra.Command{
		Use:   "show --from KEY",
		Short: "Print the age recipient derived from the key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := s.identity()
			if err != nil {
				return err
			}
			return s.print(map[string]any{"account": s.me, "recipient": id.Recipient().String()})
		},
	}
	register := &cobra.Command{
		Use:   "register --from KEY",
		Short: "Publish the derived age recipient on chain so that record keys can be wrapped for this account",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := s.identity()
			if err != nil {
				return err
			}
			msgs := s.registerIfNeeded(id)
			if len(msgs) > 0 {
				if _, err := broadcastAndWait(s.ctx(), s.clientCtx, cmd.Flags(), msgs...); err != nil {
					return err
				}
			}
			return s.print(map[string]any{"account": s.me, "recipient": id.Recipient().String(), "registered": true})
		},
	}
	cmd.AddCommand(txCommand(show), txCommand(register))
	return cmd
}
