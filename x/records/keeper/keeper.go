// Package keeper holds record anchors, access grants and encryption keys. A
// record is found by id, a patient's records through (patient, id) indexes, a
// live grant through (record, grantee): no lookup grows with history.
package keeper

import (
	"context"
	"math"

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
	addrID     = collections.Pair[sdk.AccAddress, uint64]
	addrStrID  = collections.Triple[sdk.AccAddress, string, uint64]
	idID       = collections.Pair[uint64, uint64]
	recordAddr = collections.Pair[uint64, sdk.AccAddress]
)

// RecordIndexes are the secondary indexes of Records.
type RecordIndexes struct {
	// CID maps a blob's CID to the one record version that anchors it. The
	// vault stores, serves, shares and erases by CID, so a CID anchored twice
	// would let one record act on another's blob: the index is unique.
	CID *indexes.Unique[string, uint64, types.Record]
}

// IndexesList implements collections.Indexes.
func (i RecordIndexes) IndexesList() []collections.Index[uint64, types.Record] {
	return []collections.Index[uint64, types.Record]{i.CID}
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
	// Records holds every version of every record, by id; nothing is deleted.
	Records           *collections.IndexedMap[uint64, types.Record, RecordIndexes]
	ByPatient         collections.KeySet[addrID]
	ByPatientKind     collections.KeySet[addrStrID]
	ByPatientCategory collections.KeySet[addrStrID]
	// Versions maps (root id, version) to the record id of that version.
	Versions collections.Map[idID, uint64]
	Grants   collections.Map[uint64, types.AccessGrant]
	// GrantsByRecord lists a record's grants; Disclosures a patient's.
	GrantsByRecord collections.KeySet[idID]
	Disclosures    collections.KeySet[addrID]
	// LatestGrant maps (record, grantee) to the newest grant: the vault's check
	// is one read of it, one of the grant and one of the consent behind it.
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
	addrIDCodec := collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)
	addrStrIDCodec := collections.TripleKeyCodec(sdk.AccAddressKey, collections.StringKey, collections.Uint64Key)
	idIDCodec := collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key)
	k := Keeper{
		cdc: cdc, addressCodec: addressCodec, authority: authority, consortium: consortium, consent: consent,
		Params:    collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		RecordSeq: collections.NewSequence(sb, types.RecordSeqKey, "record_seq"),
		GrantSeq:  collections.NewSequence(sb, types.GrantSeqKey, "grant_seq"),
		Records: collections.NewIndexedMap(sb, types.RecordsKey, "records", collections.Uint64Key, codec.CollValue[types.Record](cdc),
			RecordIndexes{CID: indexes.NewUnique(sb, types.RecordsByCIDKey, "records_by_cid", collections.StringKey, collections.Uint64Key,
				func(_ uint64, r types.Record) (string, error) { return r.CID, nil })}),
		ByPatient:         collections.NewKeySet(sb, types.ByPatientKey, "by_patient", addrIDCodec),
		ByPatientKind:     collections.NewKeySet(sb, types.ByPatientKindKey, "by_patient_kind", addrStrIDCodec),
		ByPatientCategory: collections.NewKeySet(sb, types.ByPatientCategoryKey, "by_patient_category", addrStrIDCodec),
		Versions:          collections.NewMap(sb, types.VersionsKey, "versions", idIDCodec, collections.Uint64Value),
		Grants:            collections.NewMap(sb, types.GrantsKey, "grants", collections.Uint64Key, codec.CollValue[types.AccessGrant](cdc)),
		GrantsByRecord:    collections.NewKeySet(sb, types.GrantsByRecordKey, "grants_by_record", idIDCodec),
		Disclosures:       collections.NewKeySet(sb, types.DisclosuresKey, "disclosures", addrIDCodec),
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

// GetRecord returns a record version.
func (k Keeper) GetRecord(ctx context.Context, id uint64) (types.Record, error) {
	r, err := k.Records.Get(ctx, id)
	if errorsmod.IsOf(err, collections.ErrNotFound) {
		return r, errorsmod.Wrapf(types.ErrRecordNotFound, "%d", id)
	}
	return r, err
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
	return k.GetRecord(ctx, id)
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

// putRecord stores a record version and its indexes.
func (k Keeper) putRecord(ctx context.Context, r types.Record) error {
	patient, err := k.parseAddress("patient", r.Patient)
	if err != nil {
		return err
	}
	if err := k.Records.Set(ctx, r.ID, r); err != nil {
		return err
	}
	if err := k.ByPatient.Set(ctx, collections.Join(patient, r.ID)); err != nil {
		return err
	}
	if err := k.ByPatientKind.Set(ctx, collections.Join3(patient, r.Kind, r.ID)); err != nil {
		return err
	}
	if err := k.ByPatientCategory.Set(ctx, collections.Join3(patient, r.Category, r.ID)); err != nil {
		return err
	}
	return k.Versions.Set(ctx, collections.Join(r.RootID, uint64(r.Version)), r.ID)
}

// putGrant stores an access grant and its indexes.
func (k Keeper) putGrant(ctx context.Context, g types.AccessGrant) error {
	patient, err := k.parseAddress("patient", g.Patient)
	if err != nil {
		return err
	}
	grantee, err := k.parseAddress("grantee", g.Grantee)
	if err != nil {
		return err
	}
	if err := k.Grants.Set(ctx, g.ID, g); err != nil {
		return err
	}
	if err := k.GrantsByRecord.Set(ctx, collections.Join(g.RecordID, g.ID)); err != nil {
		return err
	}
	if err := k.Disclosures.Set(ctx, collections.Join(patient, g.ID)); err != nil {
		return err
	}
	return k.LatestGrant.Set(ctx, collections.Join(g.RecordID, grantee), g.ID)
}
