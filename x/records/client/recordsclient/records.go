package recordsclient

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/vault"
	"github.com/healthchain/healthd/x/records/types"
)

// PutResult is an anchored record version; `healthd records put` and
// `amend` print it as JSON.
type PutResult struct {
	ID         uint64 `json:"id"`
	Version    uint32 `json:"version"`
	Format     string `json:"format"`
	Kind       string `json:"kind"`
	Category   string `json:"category"`
	CID        string `json:"cid"`
	Commitment string `json:"commitment"`
	Size       int    `json:"size"`
}

func putResult(id uint64, version uint32, sl *Sealed) *PutResult {
	return &PutResult{
		ID: id, Version: version, Format: sl.Prepared.Format.String(), Kind: sl.Prepared.Kind, Category: sl.Category,
		CID: sl.CID, Commitment: hex.EncodeToString(sl.Commitment), Size: len(sl.Ciphertext),
	}
}

// RegisterKey publishes the account's derived age recipient on chain, unless
// the chain already holds it, and returns the identity.
func (s *Session) RegisterKey(ctx context.Context) (*age.X25519Identity, error) {
	id, err := s.Identity()
	if err != nil {
		return nil, err
	}
	if msgs := s.registerIfNeeded(ctx, id); len(msgs) > 0 {
		if _, err := s.broadcast(ctx, msgs...); err != nil {
			return nil, err
		}
	}
	return id, nil
}

// Put seals record (format detected when unspecified; category defaults to
// the one the record implies), anchors it on chain as authored by the
// session's account for patient, uploads the ciphertext to the vault and
// wraps the record key for the patient and the author. The chain is asked
// first (the transaction is simulated), so a refused anchor uploads nothing;
// invalid input is refused before either is asked. The author's own key is
// registered in the same transaction when the chain lacks it.
func (s *Session) Put(ctx context.Context, patient string, record []byte, format types.Format, category string) (*PutResult, error) {
	if _, err := sdk.AccAddressFromBech32(patient); err != nil {
		return nil, fmt.Errorf("patient %q: %w", patient, err)
	}
	sl, err := SealRecord(record, format, category)
	if err != nil {
		return nil, err
	}
	me, err := s.Identity()
	if err != nil {
		return nil, err
	}
	if _, err := s.Recipient(ctx, patient); err != nil {
		return nil, err
	}
	msgs := append(s.registerIfNeeded(ctx, me), &types.MsgAnchorRecord{
		Author: s.me, Patient: patient, Format: sl.Prepared.Format, Kind: sl.Prepared.Kind, Category: sl.Category,
		Commitment: sl.Commitment, CID: sl.CID, BlobSize: uint64(len(sl.Ciphertext)),
	})
	resps, err := s.simulateThenBroadcast(ctx, func() error { return s.upload(ctx, sl) }, msgs...)
	if err != nil {
		return nil, err
	}
	var res types.MsgAnchorRecordResponse
	if err := s.clientCtx.Codec.Unmarshal(resps[len(resps)-1].Value, &res); err != nil {
		return nil, err
	}
	if err := s.wrapFor(ctx, res.ID, sl.Key, patient, s.me); err != nil {
		return nil, err
	}
	return putResult(res.ID, 1, sl), nil
}

// Amend anchors record as a new version of record version id (which must be
// the current one, by the session's account), in id's format and, when
// category is empty, id's category; the old version stays and points to it.
// As with Put, the chain is asked before anything is uploaded.
func (s *Session) Amend(ctx context.Context, id uint64, record []byte, category string) (*PutResult, error) {
	old, err := s.Record(ctx, id)
	if err != nil {
		return nil, err
	}
	if category == "" {
		category = old.Category
	}
	sl, err := SealRecord(record, old.Format, category)
	if err != nil {
		return nil, err
	}
	resps, err := s.simulateThenBroadcast(ctx, func() error { return s.upload(ctx, sl) }, &types.MsgAmendRecord{
		Author: s.me, Supersedes: id, Kind: sl.Prepared.Kind, Category: sl.Category,
		Commitment: sl.Commitment, CID: sl.CID, BlobSize: uint64(len(sl.Ciphertext)),
	})
	if err != nil {
		return nil, err
	}
	var res types.MsgAmendRecordResponse
	if err := s.clientCtx.Codec.Unmarshal(resps[0].Value, &res); err != nil {
		return nil, err
	}
	if err := s.wrapFor(ctx, res.ID, sl.Key, old.Patient, s.me); err != nil {
		return nil, err
	}
	return putResult(res.ID, res.Version, sl), nil
}

// Get reads record version id: it requests an access grant for purpose when
// the account has no live access (the patient and the author need none),
// fetches the account's wrapped key and the blob from the vault, decrypts it
// and checks the blob's CID and the record's commitment against the chain.
func (s *Session) Get(ctx context.Context, id uint64, purpose string) (*Opened, error) {
	r, err := s.Record(ctx, id)
	if err != nil {
		return nil, err
	}
	grant, err := s.ensureAccess(ctx, r, purpose)
	if err != nil {
		return nil, err
	}
	o, err := s.open(ctx, r)
	if err != nil {
		return nil, err
	}
	o.GrantID = grant
	return o, nil
}

// ensureAccess requests a grant when the account has no live one.
func (s *Session) ensureAccess(ctx context.Context, r types.Record, purpose string) (uint64, error) {
	chk, err := s.query.AccessCheck(ctx, &types.QueryAccessCheckRequest{RecordId: r.ID, Account: s.me})
	if err != nil {
		return 0, err
	}
	if chk.Allowed {
		return chk.GrantID, nil
	}
	if purpose == "" {
		return 0, fmt.Errorf("no live access to record %d (%s): give --purpose to request a grant", r.ID, chk.Basis)
	}
	resps, err := s.broadcast(ctx, &types.MsgRequestAccess{Grantee: s.me, RecordID: r.ID, Purpose: purpose})
	if err != nil {
		return 0, err
	}
	var res types.MsgRequestAccessResponse
	if err := s.clientCtx.Codec.Unmarshal(resps[0].Value, &res); err != nil {
		return 0, err
	}
	s.progress("access granted: grant %d until %s", res.GrantID, res.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))
	return res.GrantID, nil
}

// Verification is the chain's answer to whether a record file matches an
// anchored version.
type Verification struct {
	ID           uint64
	Match        bool
	Current      bool
	SupersededBy uint64
}

// Verify canonicalises record as Put did and asks the chain whether
// SHA-256(salt ‖ canonical bytes) is the commitment of record version id.
// The salt is secret: pass it, or pass nil to read it from the record in the
// vault (the account needs access). A mismatch is a Verification, not an
// error.
func (s *Session) Verify(ctx context.Context, id uint64, record, salt []byte) (*Verification, error) {
	if salt != nil {
		return Verify(ctx, s.query, id, record, salt)
	}
	return verify(ctx, s.query, id, record, func(r types.Record) ([]byte, error) {
		o, err := s.open(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("reading the salt from the vault: %w", err)
		}
		return o.Header.Salt, nil
	})
}

// Verify is Session.Verify for a caller who holds the salt: it needs no key,
// only the chain's records queries.
func Verify(ctx context.Context, q types.QueryClient, id uint64, record, salt []byte) (*Verification, error) {
	return verify(ctx, q, id, record, func(types.Record) ([]byte, error) { return salt, nil })
}

func verify(ctx context.Context, q types.QueryClient, id uint64, record []byte, saltOf func(types.Record) ([]byte, error)) (*Verification, error) {
	r, err := queryRecord(ctx, q, id)
	if err != nil {
		return nil, err
	}
	p, err := Prepare(record, r.Format)
	if err != nil {
		return nil, err
	}
	salt, err := saltOf(r)
	if err != nil {
		return nil, err
	}
	if len(salt) != types.SaltSize {
		return nil, fmt.Errorf("salt of %d bytes, want %d", len(salt), types.SaltSize)
	}
	v, err := q.Verify(ctx, &types.QueryVerifyRequest{Id: id, Commitment: hex.EncodeToString(types.Commitment(salt, p.Canonical))})
	if err != nil {
		return nil, err
	}
	return &Verification{ID: id, Match: v.Match, Current: v.Current, SupersededBy: v.SupersededBy}, nil
}

// Share unwraps the record key of record version id with the account's
// identity (the patient's) and wraps it for account to, with the key to
// registered on chain. to still needs a live access grant, which the chain
// gives only under the patient's consent, before the vault serves it the blob.
func (s *Session) Share(ctx context.Context, id uint64, to string) error {
	if _, err := sdk.AccAddressFromBech32(to); err != nil {
		return fmt.Errorf("to %q: %w", to, err)
	}
	key, err := s.unwrap(ctx, id)
	if err != nil {
		return err
	}
	return s.wrapFor(ctx, id, key, to)
}

// EraseResult is what Erase did.
type EraseResult struct {
	// IDs are the versions erased, oldest first.
	IDs []uint64
	// AlreadyErased: the chain had erased the record before; nothing was done.
	AlreadyErased bool
}

// Erase erases the record id belongs to, every version of it, in the one
// safe order: the chain first simulates MsgEraseRecord (a signer who is not
// the patient is refused before anything is destroyed), then the vault
// destroys each version's blob and wrapped keys, then the chain erases the
// anchors. The other order would strand the blobs: once the chain has
// erased a record it names no CID, and the vault, which erases by CID,
// cannot find them. A failure part-way is safe to retry: the vault's erasure
// is idempotent, and the chain's comes last. The chain's erasure names the
// newest version erased in the vault: if the author amended the record
// meanwhile, the chain refuses, and running erase again erases the new
// version too.
func (s *Session) Erase(ctx context.Context, id uint64) (*EraseResult, error) {
	return eraseRecord(ctx, id, eraseSteps{
		versions: func(ctx context.Context, id uint64) ([]uint64, uint32, error) {
			res, err := s.query.Versions(ctx, &types.QueryVersionsRequest{Id: id})
			if err != nil {
				return nil, 0, err
			}
			ids := make([]uint64, 0, len(res.Versions))
			var latest uint32
			for _, v := range res.Versions {
				ids = append(ids, v.ID)
				latest = max(latest, v.Version)
			}
			return ids, latest, nil
		},
		vaultErase: s.vault.Erase,
		simulateThenSend: func(ctx context.Context, latest uint32, between func() error) ([]uint64, error) {
			anys, err := s.simulateThenBroadcast(ctx, between, &types.MsgEraseRecord{Signer: s.me, RecordID: id, LatestVersion: latest})
			if err != nil {
				return nil, err
			}
			var res types.MsgEraseRecordResponse
			if len(anys) != 1 || s.clientCtx.Codec.Unmarshal(anys[0].Value, &res) != nil {
				return nil, errors.New("the chain erased the record but its answer does not parse")
			}
			return res.ErasedIDs, nil
		},
	})
}

// eraseSteps are the calls an erasure makes, apart so that their order can
// be tested.
type eraseSteps struct {
	// versions lists the versions of the record id belongs to, and the
	// latest version number.
	versions func(ctx context.Context, id uint64) ([]uint64, uint32, error)
	// vaultErase erases one version's blob and keys in the vault.
	vaultErase func(ctx context.Context, id uint64) error
	// simulateThenSend simulates MsgEraseRecord naming the latest version,
	// runs between, then sends it.
	simulateThenSend func(ctx context.Context, latest uint32, between func() error) ([]uint64, error)
}

func eraseRecord(ctx context.Context, id uint64, steps eraseSteps) (*EraseResult, error) {
	ids, latest, err := steps.versions(ctx, id)
	if isErased(err) {
		return &EraseResult{AlreadyErased: true}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("record %d: %w", id, err)
	}
	erased, err := steps.simulateThenSend(ctx, latest, func() error {
		for _, v := range ids {
			err := steps.vaultErase(ctx, v)
			var verr *vault.Error
			if errors.As(err, &verr) && verr.Reason == vault.ReasonErased {
				continue // erased already: by an earlier try, or on chain meanwhile
			}
			if err != nil {
				return fmt.Errorf("vault, version %d: %w (nothing was erased on chain; run erase again)", v, err)
			}
		}
		return nil
	})
	if err != nil && strings.Contains(err.Error(), types.ErrNotLatestVersion.Error()) {
		return nil, fmt.Errorf("record %d was amended after version %d, which this run erased in the vault: run erase again to erase the new version too: %w",
			id, latest, err)
	}
	if err != nil {
		return nil, err
	}
	return &EraseResult{IDs: erased}, nil
}

// isErased reports whether a query error says the record was erased.
func isErased(err error) bool {
	return err != nil && status.Code(err) == codes.NotFound && strings.Contains(err.Error(), types.ErrRecordErased.Error())
}
