// Package keeper holds patient consents, guardianships, break-glass access and
// the audit trail, and answers consent checks in constant time.
package keeper

import (
	"context"
	"math"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/internal/seqs"
	"github.com/healthchain/healthd/x/consent/types"
)

// QuadKey indexes (patient, grantee, purpose, category).
type QuadKey = collections.Quad[sdk.AccAddress, sdk.AccAddress, string, string]

// ConsentIndexes are the secondary indexes of Consents: the paginated
// listings of every consent a patient gave or a grantee holds, whatever its
// status.
type ConsentIndexes struct {
	Patient *indexes.Multi[sdk.AccAddress, uint64, types.Consent]
	Grantee *indexes.Multi[sdk.AccAddress, uint64, types.Consent]
}

// IndexesList implements collections.Indexes.
func (i ConsentIndexes) IndexesList() []collections.Index[uint64, types.Consent] {
	return []collections.Index[uint64, types.Consent]{i.Patient, i.Grantee}
}

// Keeper owns the consent state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	consortium   types.ConsortiumKeeper

	Schema        collections.Schema
	Params        collections.Item[types.Params]
	ConsentSeq    collections.Sequence
	BreakGlassSeq collections.Sequence
	AuditSeq      collections.Sequence
	// Consents holds every consent ever granted, by ID; nothing is deleted.
	Consents *collections.IndexedMap[uint64, types.Consent, ConsentIndexes]
	// Active maps (patient, grantee, purpose, category or "*") to the one active
	// consent covering it: a check is two reads of this map. Not an index: it
	// holds active consents only.
	Active collections.Map[QuadKey, uint64]
	// Latest maps the same key to the newest consent that ever covered it, so a
	// failed check can say "revoked" or "expired" without scanning. Not an
	// index: it keeps a category an amendment dropped, and only the newest id.
	Latest collections.Map[QuadKey, uint64]
	// ActiveByPair lists the active consents from a patient to a grantee.
	// Not an index: it holds active consents only.
	ActiveByPair collections.KeySet[collections.Triple[sdk.AccAddress, sdk.AccAddress, uint64]]
	// ExpiryQueue orders active consents by end time for the end-blocker.
	// Not an index: it holds active consents only.
	ExpiryQueue  collections.KeySet[collections.Pair[time.Time, uint64]]
	Guardians    collections.Map[collections.Pair[sdk.AccAddress, sdk.AccAddress], types.Guardianship]
	BreakGlasses collections.Map[uint64, types.BreakGlass]
	// ActiveBreakGlass maps (patient, member) to the newest break-glass
	// access. Not an index: it holds one access per key, the newest.
	ActiveBreakGlass collections.Map[collections.Pair[sdk.AccAddress, sdk.AccAddress], uint64]
	RateWindows      collections.Map[sdk.AccAddress, types.RateWindow]
	// Audit is each patient's history, in order.
	Audit collections.Map[collections.Pair[sdk.AccAddress, uint64], types.AuditEntry]
}

// NewKeeper builds the keeper. authority is the fallback authority (x/gov).
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string, consortium types.ConsortiumKeeper) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(errorsmod.Wrapf(err, "consent: invalid authority address %q", authority))
	}
	sb := collections.NewSchemaBuilder(storeService)
	quad := collections.QuadKeyCodec(sdk.AccAddressKey, sdk.AccAddressKey, collections.StringKey, collections.StringKey)
	pairAddr := collections.PairKeyCodec(sdk.AccAddressKey, sdk.AccAddressKey)
	// addr decodes a stored (canonical) address for an index key.
	addr := func(s string) (sdk.AccAddress, error) { return addressCodec.StringToBytes(s) }
	k := Keeper{
		cdc: cdc, addressCodec: addressCodec, authority: authority, consortium: consortium,
		Params:        collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		ConsentSeq:    collections.NewSequence(sb, types.ConsentSeqKey, "consent_seq"),
		BreakGlassSeq: collections.NewSequence(sb, types.BreakGlassSeqKey, "break_glass_seq"),
		AuditSeq:      collections.NewSequence(sb, types.AuditSeqKey, "audit_seq"),
		Consents: collections.NewIndexedMap(sb, types.ConsentsKey, "consents", collections.Uint64Key, codec.CollValue[types.Consent](cdc), ConsentIndexes{
			Patient: indexes.NewMulti(sb, types.ByPatientKey, "by_patient", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, c types.Consent) (sdk.AccAddress, error) { return addr(c.Patient) }),
			Grantee: indexes.NewMulti(sb, types.ByGranteeKey, "by_grantee", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, c types.Consent) (sdk.AccAddress, error) { return addr(c.Grantee) }),
		}),
		Active: collections.NewMap(sb, types.ActiveKey, "active", quad, collections.Uint64Value),
		Latest: collections.NewMap(sb, types.LatestKey, "latest", quad, collections.Uint64Value),
		ActiveByPair: collections.NewKeySet(sb, types.ActiveByPairKey, "active_by_pair",
			collections.TripleKeyCodec(sdk.AccAddressKey, sdk.AccAddressKey, collections.Uint64Key)),
		ExpiryQueue:      collections.NewKeySet(sb, types.ExpiryQueueKey, "expiry_queue", collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
		Guardians:        collections.NewMap(sb, types.GuardiansKey, "guardians", pairAddr, codec.CollValue[types.Guardianship](cdc)),
		BreakGlasses:     collections.NewMap(sb, types.BreakGlassesKey, "break_glasses", collections.Uint64Key, codec.CollValue[types.BreakGlass](cdc)),
		ActiveBreakGlass: collections.NewMap(sb, types.ActiveBreakGlassKey, "active_break_glass", pairAddr, collections.Uint64Value),
		RateWindows:      collections.NewMap(sb, types.RateWindowsKey, "rate_windows", sdk.AccAddressKey, codec.CollValue[types.RateWindow](cdc)),
		Audit:            collections.NewMap(sb, types.AuditKey, "audit", collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key), codec.CollValue[types.AuditEntry](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// GetAuthority returns the fallback authority.
func (k Keeper) GetAuthority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

func (k Keeper) addrString(addr sdk.AccAddress) string { return addrs.String(k.addressCodec, addr) }

func (k Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	return addrs.Parse(k.addressCodec, types.ErrInvalidAddress, field, s)
}

// audit appends an entry to the patient's history.
func (k Keeper) audit(ctx context.Context, patient sdk.AccAddress, e types.AuditEntry) error {
	seq, err := nextID(ctx, k.AuditSeq)
	if err != nil {
		return err
	}
	e.Seq = seq
	e.Patient = k.addrString(patient)
	e.Time = sdk.UnwrapSDKContext(ctx).BlockTime()
	return k.Audit.Set(ctx, collections.Join(patient, seq), e)
}

// quads are the index keys a consent occupies.
func quads(patient, grantee sdk.AccAddress, c types.Consent) []QuadKey {
	cats := c.IndexCategories()
	out := make([]QuadKey, len(cats))
	for i, cat := range cats {
		out[i] = collections.Join4(patient, grantee, c.Purpose, cat)
	}
	return out
}

// activate writes a consent's active indexes and queues its expiry.
func (k Keeper) activate(ctx context.Context, patient, grantee sdk.AccAddress, c types.Consent) error {
	for _, q := range quads(patient, grantee, c) {
		if err := k.Active.Set(ctx, q, c.ID); err != nil {
			return err
		}
		if err := k.Latest.Set(ctx, q, c.ID); err != nil {
			return err
		}
	}
	if err := k.ActiveByPair.Set(ctx, collections.Join3(patient, grantee, c.ID)); err != nil {
		return err
	}
	return k.ExpiryQueue.Set(ctx, collections.Join(c.End, c.ID))
}

// deactivate removes a consent from the active indexes and the expiry queue.
// Latest keeps pointing at it so later checks can say why they fail.
func (k Keeper) deactivate(ctx context.Context, patient, grantee sdk.AccAddress, c types.Consent) error {
	for _, q := range quads(patient, grantee, c) {
		if err := k.Active.Remove(ctx, q); err != nil {
			return err
		}
	}
	if err := k.ActiveByPair.Remove(ctx, collections.Join3(patient, grantee, c.ID)); err != nil {
		return err
	}
	return k.ExpiryQueue.Remove(ctx, collections.Join(c.End, c.ID))
}

// nextID hands out the next id of seq (the sequence holds the next id; genesis
// starts it at 1, as every module does). The last uint64 is never handed out:
// the sequence would wrap to 0 ("none") and then to ids in use.
func nextID(ctx context.Context, seq collections.Sequence) (uint64, error) {
	return seqs.Next(ctx, seq, math.MaxUint64, types.ErrIDsExhausted)
}
