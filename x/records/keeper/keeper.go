// Package keeper holds record anchors, access grants and encryption keys. A
// record is found by id, a patient's records through (patient, id) indexes, a
// live grant through (record, grantee): no lookup grows with history.
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
	"github.com/healthchain/healthd/x/records/types"
)

type (
	// addrStr is (patient, kind or category); addrStrID an entry of those
	// indexes, with the record id.
	addrStr    = collections.Pair[sdk.AccAddress, string]
	addrStrID  = collections.Pair[addrStr, uint64]
	idID       = collections.Pair[uint64, uint64]
	recordAddr = collections.Pair[uint64, sdk.AccAddress]
)

// RecordIndexes are the secondary indexes of Records.
type RecordIndexes struct {
	// CID maps a blob's CID to the one record version that anchors it. The
	// vault stores, serves, shares and erases by CID, so a CID anchored twice
	// would let one record act on another's blob: the index is unique.
	CID *indexes.Unique[string, uint64, types.Record]
	// Patient lists a patient's records (every version).
	Patient *indexes.Multi[sdk.AccAddress, uint64, types.Record]
	// PatientKind and PatientCategory list them by kind or category, for
	// filtered listings without a scan.
	PatientKind     *indexes.Multi[addrStr, uint64, types.Record]
	PatientCategory *indexes.Multi[addrStr, uint64, types.Record]
	// Version maps (root id, version) to the record id of that version: the
	// amendment chain.
	Version *indexes.Unique[idID, uint64, types.Record]
}

// IndexesList implements collections.Indexes. CID comes first: a CID already
// anchored is refused before any other index is written.
func (i RecordIndexes) IndexesList() []collections.Index[uint64, types.Record] {
	return []collections.Index[uint64, types.Record]{i.CID, i.Patient, i.PatientKind, i.PatientCategory, i.Version}
}

// GrantIndexes are the secondary indexes of Grants.
type GrantIndexes struct {
	// Record lists a record's grants.
	Record *indexes.Multi[uint64, uint64, types.AccessGrant]
	// Patient lists a patient's grants: the accounting of disclosures, in order.
	Patient *indexes.Multi[sdk.AccAddress, uint64, types.AccessGrant]
}

// IndexesList implements collections.Indexes.
func (i GrantIndexes) IndexesList() []collections.Index[uint64, types.AccessGrant] {
	return []collections.Index[uint64, types.AccessGrant]{i.Record, i.Patient}
}

// Keeper owns the records state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	consortium   types.ConsortiumKeeper
	consent      types.ConsentKeeper

	Schema    collections.Schema
	Params    collections.Item[types.Params]
	RecordSeq collections.Sequence
	GrantSeq  collections.Sequence
	// Records holds every version of every record, by id, until the patient
	// erases it: it then moves to Tombstones, out of every index.
	Records *collections.IndexedMap[uint64, types.Record, RecordIndexes]
	// Tombstones holds the erased versions, by id: id, patient, erased_at and
	// nothing else. Not in Records: their cleared fields would collide in the
	// unique CID and version indexes, and no index may name them.
	Tombstones collections.Map[uint64, types.Record]
	// Grants holds every access grant, by id; each is a disclosure. A grant is
	// stored as granted and never rewritten: its category and whether its
	// record was erased are read from the record (grantView).
	Grants *collections.IndexedMap[uint64, types.AccessGrant, GrantIndexes]
	// LatestGrant maps (record, grantee) to the newest grant: the vault's check
	// is one read of it, one of the grant and one of the consent behind it.
	// Not an index: it holds one grant per key, the newest.
	LatestGrant    collections.Map[recordAddr, uint64]
	EncryptionKeys collections.Map[sdk.AccAddress, types.EncryptionKey]
}

// NewKeeper builds the keeper. authority is the fallback authority (x/gov).
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string,
	consortium types.ConsortiumKeeper, consent types.ConsentKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(errorsmod.Wrapf(err, "records: invalid authority address %q", authority))
	}
	sb := collections.NewSchemaBuilder(storeService)
	addrStrCodec := collections.PairKeyCodec(sdk.AccAddressKey, collections.StringKey)
	// addr decodes a stored (canonical) address for an index key.
	addr := func(s string) (sdk.AccAddress, error) { return addressCodec.StringToBytes(s) }
	addrAnd := func(a, s string) (addrStr, error) {
		bz, err := addr(a)
		return collections.Join(bz, s), err
	}
	k := Keeper{
		cdc: cdc, addressCodec: addressCodec, authority: authority, consortium: consortium, consent: consent,
		Params:    collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		RecordSeq: collections.NewSequence(sb, types.RecordSeqKey, "record_seq"),
		GrantSeq:  collections.NewSequence(sb, types.GrantSeqKey, "grant_seq"),
		Records: collections.NewIndexedMap(sb, types.RecordsKey, "records", collections.Uint64Key, codec.CollValue[types.Record](cdc), RecordIndexes{
			CID: indexes.NewUnique(sb, types.RecordsByCIDKey, "records_by_cid", collections.StringKey, collections.Uint64Key,
				func(_ uint64, r types.Record) (string, error) { return r.CID, nil }),
			Patient: indexes.NewMulti(sb, types.ByPatientKey, "by_patient", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, r types.Record) (sdk.AccAddress, error) { return addr(r.Patient) }),
			PatientKind: indexes.NewMulti(sb, types.ByPatientKindKey, "by_patient_kind", addrStrCodec, collections.Uint64Key,
				func(_ uint64, r types.Record) (addrStr, error) { return addrAnd(r.Patient, r.Kind) }),
			PatientCategory: indexes.NewMulti(sb, types.ByPatientCategoryKey, "by_patient_category", addrStrCodec, collections.Uint64Key,
				func(_ uint64, r types.Record) (addrStr, error) { return addrAnd(r.Patient, r.Category) }),
			Version: indexes.NewUnique(sb, types.VersionsKey, "versions",
				collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key), collections.Uint64Key,
				func(_ uint64, r types.Record) (idID, error) {
					return collections.Join(r.RootID, uint64(r.Version)), nil
				}),
		}),
		Tombstones: collections.NewMap(sb, types.TombstonesKey, "tombstones", collections.Uint64Key, codec.CollValue[types.Record](cdc)),
		Grants: collections.NewIndexedMap(sb, types.GrantsKey, "grants", collections.Uint64Key, codec.CollValue[types.AccessGrant](cdc), GrantIndexes{
			Record: indexes.NewMulti(sb, types.GrantsByRecordKey, "grants_by_record", collections.Uint64Key, collections.Uint64Key,
				func(_ uint64, g types.AccessGrant) (uint64, error) { return g.RecordID, nil }),
			Patient: indexes.NewMulti(sb, types.DisclosuresKey, "disclosures", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, g types.AccessGrant) (sdk.AccAddress, error) { return addr(g.Patient) }),
		}),
		LatestGrant: collections.NewMap(sb, types.LatestGrantKey, "latest_grant",
			collections.PairKeyCodec(collections.Uint64Key, sdk.AccAddressKey), collections.Uint64Value),
		EncryptionKeys: collections.NewMap(sb, types.EncryptionKeysKey, "encryption_keys", sdk.AccAddressKey, codec.CollValue[types.EncryptionKey](cdc)),
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

// GetRecord returns a record version. To other modules an erased record no
// longer exists: it is not found (x/claims then treats a claim citing it as
// citing no record).
func (k Keeper) GetRecord(ctx context.Context, id uint64) (types.Record, error) {
	r, err := k.record(ctx, id)
	if errorsmod.IsOf(err, types.ErrRecordErased) {
		return types.Record{}, errorsmod.Wrapf(types.ErrRecordNotFound, "%d was erased", id)
	}
	return r, err
}

// record returns a record version, or ErrRecordErased with the erasure time
// when the patient erased it.
func (k Keeper) record(ctx context.Context, id uint64) (types.Record, error) {
	r, err := k.Records.Get(ctx, id)
	if !errorsmod.IsOf(err, collections.ErrNotFound) {
		return r, err
	}
	t, err := k.Tombstones.Get(ctx, id)
	if errorsmod.IsOf(err, collections.ErrNotFound) {
		return types.Record{}, errorsmod.Wrapf(types.ErrRecordNotFound, "%d", id)
	}
	if err != nil {
		return types.Record{}, err
	}
	return types.Record{}, erasedError(t)
}

func erasedError(t types.Record) error {
	if t.ErasedAt == nil {
		return errorsmod.Wrapf(types.ErrRecordErased, "record %d was erased by its patient", t.ID)
	}
	return errorsmod.Wrapf(types.ErrRecordErased, "record %d was erased by its patient at %s", t.ID, t.ErasedAt.UTC().Format(time.RFC3339))
}

// nextID hands out the next id of seq. The last uint64 is never handed out:
// the sequence would wrap to 0 ("none") and then to ids in use, overwriting
// records or grants, so the message is refused instead.
func nextID(ctx context.Context, seq collections.Sequence, what string) (uint64, error) {
	id, err := seqs.Next(ctx, seq, math.MaxUint64, types.ErrIDsExhausted)
	return id, errorsmod.Wrapf(err, "%s ids", what)
}

// RecordByCID returns the record version that anchors cid.
func (k Keeper) RecordByCID(ctx context.Context, cid string) (types.Record, error) {
	id, err := k.Records.Indexes.CID.MatchExact(ctx, cid)
	if errorsmod.IsOf(err, collections.ErrNotFound) {
		return types.Record{}, errorsmod.Wrapf(types.ErrRecordNotFound, "no record anchors CID %s", cid)
	}
	if err != nil {
		return types.Record{}, err
	}
	return k.record(ctx, id)
}

// requireFreshCID refuses a CID some record version already anchors.
func (k Keeper) requireFreshCID(ctx context.Context, cid string) error {
	id, err := k.Records.Indexes.CID.MatchExact(ctx, cid)
	if errorsmod.IsOf(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return errorsmod.Wrapf(types.ErrCIDInUse, "%s is the blob of record %d; every record version has its own blob", cid, id)
}

// putRecord stores a record version; Records.Set writes its indexes.
func (k Keeper) putRecord(ctx context.Context, r types.Record) error {
	if _, err := k.parseAddress("patient", r.Patient); err != nil {
		return err
	}
	return k.Records.Set(ctx, r.ID, r)
}

// putGrant stores an access grant (Grants.Set writes its indexes) and makes
// it the latest of its record and grantee.
func (k Keeper) putGrant(ctx context.Context, g types.AccessGrant) error {
	if _, err := k.parseAddress("patient", g.Patient); err != nil {
		return err
	}
	grantee, err := k.parseAddress("grantee", g.Grantee)
	if err != nil {
		return err
	}
	if err := k.Grants.Set(ctx, g.ID, g); err != nil {
		return err
	}
	return k.LatestGrant.Set(ctx, collections.Join(g.RecordID, grantee), g.ID)
}

// grantView is a grant as queries show it. The store keeps a grant as it was
// granted, without its category: while the record version exists the view
// takes the category from it (a version's category never changes); once the
// patient erased it, the view has no category, record_erased set, and
// expires_at moved back to the erasure if it was later. So an erasure
// rewrites no grant, however many the record has had.
func (k Keeper) grantView(ctx context.Context, g types.AccessGrant) (types.AccessGrant, error) {
	r, err := k.Records.Get(ctx, g.RecordID)
	if err == nil {
		g.Category = r.Category
		return g, nil
	}
	if !errorsmod.IsOf(err, collections.ErrNotFound) {
		return g, err
	}
	t, err := k.Tombstones.Get(ctx, g.RecordID)
	if err != nil {
		return g, err
	}
	g.Category, g.RecordErased = "", true
	if t.ErasedAt != nil && g.ExpiresAt.After(*t.ErasedAt) {
		g.ExpiresAt = *t.ErasedAt
	}
	return g, nil
}

// grantViewByID reads grant id as queries show it.
func (k Keeper) grantViewByID(ctx context.Context, id uint64) (types.AccessGrant, error) {
	g, err := k.Grants.Get(ctx, id)
	if err != nil {
		return g, err
	}
	return k.grantView(ctx, g)
}
