package recordsclient

import (
	"context"
	"errors"
	"fmt"

	"filippo.io/age"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/vault"
	"github.com/healthchain/healthd/x/records/types"
)

// Config is what a Session is built from.
type Config struct {
	// Client is the connection to the chain (node, chain id, codec, tx
	// config, account retriever) and the signing key: FromName in Keyring.
	Client client.Context
	// TxFactory returns the factory a transaction is built with (gas, fees,
	// sign mode, timeout). It is called once per transaction, so that
	// settings such as a timeout start when the transaction is built, and
	// only when one is: a session that never broadcasts never calls it. The
	// CLI passes tx.NewFactoryCLI over its flags. Nil: the session reads the
	// chain and talks to the vault but cannot broadcast.
	TxFactory func() (tx.Factory, error)
	// VaultURL is the vault's root URL.
	VaultURL string
	// Progress, when set, receives notes on what a call did besides its
	// result (an access grant obtained); the CLI prints them on stderr.
	Progress func(format string, args ...any)
}

// Session is one account's connection to the chain and the vault: it signs
// transactions and vault requests with the account's key and derives the
// account's record encryption identity from it.
type Session struct {
	clientCtx client.Context
	txFactory func() (tx.Factory, error)
	vault     *vault.Client
	query     types.QueryClient
	me        string
	progress  func(format string, args ...any)
}

// NewSession opens a session for the key cfg.Client.FromName.
func NewSession(cfg Config) (*Session, error) {
	if cfg.Client.FromName == "" {
		return nil, errors.New("a session needs a signing key: the client context names none (FromName)")
	}
	signer, err := vault.KeyringSigner(cfg.Client.Keyring, cfg.Client.FromName)
	if err != nil {
		return nil, err
	}
	progress := cfg.Progress
	if progress == nil {
		progress = func(string, ...any) {}
	}
	return &Session{
		clientCtx: cfg.Client.WithSkipConfirmation(true),
		txFactory: cfg.TxFactory,
		vault:     &vault.Client{BaseURL: cfg.VaultURL, ChainID: cfg.Client.ChainID, Signer: signer},
		query:     types.NewQueryClient(cfg.Client),
		me:        signer.Address(),
		progress:  progress,
	}, nil
}

// Address is the session's account.
func (s *Session) Address() string { return s.me }

// Identity derives the account's age identity from its signing key (see
// DeriveIdentity): the same key gives the same identity every time.
func (s *Session) Identity() (*age.X25519Identity, error) {
	return DeriveIdentity(func(msg []byte) ([]byte, error) {
		sig, _, err := s.clientCtx.Keyring.Sign(s.clientCtx.FromName, msg, signing.SignMode_SIGN_MODE_DIRECT)
		return sig, err
	})
}

// Recipient returns an account's age recipient as published on chain.
func (s *Session) Recipient(ctx context.Context, addr string) (age.Recipient, error) {
	res, err := s.query.EncryptionKey(ctx, &types.QueryEncryptionKeyRequest{Owner: addr})
	if status.Code(err) == codes.NotFound {
		return nil, fmt.Errorf("%s has no encryption key on chain: that account runs `%s records keys register`", addr, version.AppName)
	}
	if err != nil {
		return nil, err
	}
	return age.ParseX25519Recipient(res.Key.Recipient)
}

// Record returns the anchor of record version id.
func (s *Session) Record(ctx context.Context, id uint64) (types.Record, error) {
	return queryRecord(ctx, s.query, id)
}

func queryRecord(ctx context.Context, q types.QueryClient, id uint64) (types.Record, error) {
	res, err := q.Record(ctx, &types.QueryRecordRequest{Id: id})
	if err != nil {
		return types.Record{}, fmt.Errorf("record %d: %w", id, err)
	}
	return res.Record, nil
}

// registerIfNeeded returns a message publishing the account's key when the
// chain does not hold it yet.
func (s *Session) registerIfNeeded(ctx context.Context, id *age.X25519Identity) []sdk.Msg {
	res, err := s.query.EncryptionKey(ctx, &types.QueryEncryptionKeyRequest{Owner: s.me})
	if err == nil && res.Key.Recipient == id.Recipient().String() {
		return nil
	}
	return []sdk.Msg{&types.MsgRegisterEncryptionKey{Owner: s.me, Recipient: id.Recipient().String()}}
}

// upload stores the ciphertext in the vault and checks the vault's CID.
func (s *Session) upload(ctx context.Context, sl *Sealed) error {
	cid, err := s.vault.PutBlob(ctx, sl.Ciphertext)
	if err != nil {
		return fmt.Errorf("vault upload: %w", err)
	}
	if cid != sl.CID {
		return fmt.Errorf("the vault stored CID %s, the client computed %s", cid, sl.CID)
	}
	return nil
}

// wrapFor wraps the record key for each account and stores it in the vault.
func (s *Session) wrapFor(ctx context.Context, id uint64, key *age.X25519Identity, accounts ...string) error {
	for _, acc := range accounts {
		to, err := s.Recipient(ctx, acc)
		if err != nil {
			return err
		}
		wrapped, err := WrapKey(key, to)
		if err != nil {
			return err
		}
		if err := s.vault.PutKey(ctx, id, acc, wrapped); err != nil {
			return fmt.Errorf("storing the record key for %s: %w", acc, err)
		}
	}
	return nil
}

// unwrap fetches the account's wrapped key of record id from the vault and
// unwraps it with the account's identity.
func (s *Session) unwrap(ctx context.Context, id uint64) (*age.X25519Identity, error) {
	wrapped, err := s.vault.GetKey(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	me, err := s.Identity()
	if err != nil {
		return nil, err
	}
	return UnwrapKey(wrapped, me)
}

// open gets the account's wrapped key and the blob from the vault, decrypts
// the blob and checks its CID and commitment against the anchor r.
func (s *Session) open(ctx context.Context, r types.Record) (*Opened, error) {
	wrapped, err := s.vault.GetKey(ctx, r.ID)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	blob, _, err := s.vault.GetBlob(ctx, r.ID)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	// The blob is checked before the account's key is used.
	if err := checkCID(r, blob); err != nil {
		return nil, err
	}
	me, err := s.Identity()
	if err != nil {
		return nil, err
	}
	key, err := UnwrapKey(wrapped, me)
	if err != nil {
		return nil, err
	}
	return openChecked(r, blob, key)
}
