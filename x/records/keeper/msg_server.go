package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/records/types"
)

type msgServer struct {
	k Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the records Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

// clinicalRoles may author records.
var clinicalRoles = []consortiumtypes.Role{consortiumtypes.Role_ROLE_HOSPITAL, consortiumtypes.Role_ROLE_LABORATORY}

// RegisterEncryptionKey publishes or replaces the signer's age recipient. Any
// account may: patients need one to receive their records' keys.
func (m msgServer) RegisterEncryptionKey(ctx context.Context, msg *types.MsgRegisterEncryptionKey) (*types.MsgRegisterEncryptionKeyResponse, error) {
	owner, err := m.k.parseAddress("owner", msg.Owner)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateRecipient(msg.Recipient); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	key := types.EncryptionKey{Owner: m.k.addrString(owner), Recipient: msg.Recipient, RegisteredAt: sdkCtx.BlockTime()}
	if err := m.k.EncryptionKeys.Set(ctx, owner, key); err != nil {
		return nil, err
	}
	return &types.MsgRegisterEncryptionKeyResponse{}, sdkCtx.EventManager().EmitTypedEvent(&types.EventEncryptionKeyRegistered{Owner: key.Owner})
}

// AnchorRecord anchors version 1 of a new record.
func (m msgServer) AnchorRecord(ctx context.Context, msg *types.MsgAnchorRecord) (*types.MsgAnchorRecordResponse, error) {
	author, err := m.k.parseAddress("author", msg.Author)
	if err != nil {
		return nil, err
	}
	patient, err := m.k.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	if err := validateAnchor(msg.Format, msg.Kind, msg.Category, msg.Commitment, msg.CID, msg.BlobSize); err != nil {
		return nil, err
	}
	if err := m.k.consortium.RequireRole(ctx, author, clinicalRoles...); err != nil {
		return nil, err
	}
	if err := m.k.requireFreshCID(ctx, msg.CID); err != nil {
		return nil, err
	}
	id, err := nextID(ctx, m.k.RecordSeq, "record")
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	r := types.Record{
		ID: id, Patient: m.k.addrString(patient), Author: m.k.addrString(author),
		Format: msg.Format, Kind: msg.Kind, Category: msg.Category,
		Commitment: msg.Commitment, CID: msg.CID, BlobSize: msg.BlobSize,
		Version: 1, RootID: id, AnchoredAt: sdkCtx.BlockTime(),
	}
	if err := m.k.putRecord(ctx, r); err != nil {
		return nil, err
	}
	return &types.MsgAnchorRecordResponse{ID: id}, sdkCtx.EventManager().EmitTypedEvent(&types.EventRecordAnchored{
		ID: id, Patient: r.Patient, Author: r.Author, Version: 1,
	})
}

func validateAnchor(f types.Format, kind, category string, commitment []byte, cid string, size uint64) error {
	if err := types.ValidateKind(f, kind); err != nil {
		return err
	}
	if err := types.ValidateCategory(category); err != nil {
		return err
	}
	return types.ValidateContent(commitment, cid, size)
}

// AmendRecord anchors a new version of a record; the old version stays and
// points to it.
func (m msgServer) AmendRecord(ctx context.Context, msg *types.MsgAmendRecord) (*types.MsgAmendRecordResponse, error) {
	author, err := m.k.parseAddress("author", msg.Author)
	if err != nil {
		return nil, err
	}
	old, err := m.k.record(ctx, msg.Supersedes)
	if err != nil {
		return nil, err
	}
	if err := validateAnchor(old.Format, msg.Kind, msg.Category, msg.Commitment, msg.CID, msg.BlobSize); err != nil {
		return nil, err
	}
	if m.k.addrString(author) != old.Author {
		return nil, errorsmod.Wrapf(types.ErrNotAuthor, "record %d was anchored by %s", old.ID, old.Author)
	}
	if old.SupersededBy != 0 {
		return nil, errorsmod.Wrapf(types.ErrSuperseded, "record %d is superseded by %d: amend the current version", old.ID, old.SupersededBy)
	}
	if err := m.k.consortium.RequireRole(ctx, author, clinicalRoles...); err != nil {
		return nil, err
	}
	if err := m.k.requireFreshCID(ctx, msg.CID); err != nil {
		return nil, err
	}
	params, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if old.Version >= params.MaxVersions {
		return nil, errorsmod.Wrapf(types.ErrTooManyVersions, "record %d has %d versions, the most allowed", old.RootID, old.Version)
	}
	id, err := nextID(ctx, m.k.RecordSeq, "record")
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	r := types.Record{
		ID: id, Patient: old.Patient, Author: old.Author, Format: old.Format, Kind: msg.Kind, Category: msg.Category,
		Commitment: msg.Commitment, CID: msg.CID, BlobSize: msg.BlobSize,
		Version: old.Version + 1, Supersedes: old.ID, RootID: old.RootID, AnchoredAt: sdkCtx.BlockTime(),
	}
	old.SupersededBy = id
	if err := m.k.Records.Set(ctx, old.ID, old); err != nil {
		return nil, err
	}
	if err := m.k.putRecord(ctx, r); err != nil {
		return nil, err
	}
	return &types.MsgAmendRecordResponse{ID: id, Version: r.Version}, sdkCtx.EventManager().EmitTypedEvent(&types.EventRecordAnchored{
		ID: id, Patient: r.Patient, Author: r.Author, Version: r.Version, Supersedes: old.ID,
	})
}

// RequestAccess grants the signer access to one record version when the
// patient's consent (or the signer's break-glass access) covers the purpose
// and the record's category. The grant lasts params.access_ttl at most and
// never beyond the consent; it is the patient's record of the disclosure.
// While the signer holds a live grant on the version it is refused
// (ErrGrantLive): a grantee gets at most one grant per version at a time,
// so it cannot pile up grants and entries in the patient's accounting.
func (m msgServer) RequestAccess(ctx context.Context, msg *types.MsgRequestAccess) (*types.MsgRequestAccessResponse, error) {
	grantee, err := m.k.parseAddress("grantee", msg.Grantee)
	if err != nil {
		return nil, err
	}
	if err := consenttypes.ValidatePurpose(msg.Purpose); err != nil {
		return nil, err
	}
	r, err := m.k.record(ctx, msg.RecordID)
	if err != nil {
		return nil, err
	}
	granteeStr := m.k.addrString(grantee)
	if granteeStr == r.Patient || granteeStr == r.Author {
		return nil, errorsmod.Wrapf(types.ErrNoGrantNeeded, "%s may fetch record %d without one", granteeStr, r.ID)
	}
	if err := m.k.consortium.RequireActive(ctx, grantee); err != nil {
		return nil, err
	}
	patient, err := m.k.parseAddress("patient", r.Patient)
	if err != nil {
		return nil, err
	}
	auth, err := m.k.consent.Authorize(ctx, patient, grantee, msg.Purpose, r.Category)
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now := sdkCtx.BlockTime()
	if err := m.k.requireNoLiveGrant(ctx, r, grantee, now); err != nil {
		return nil, err
	}
	params, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	expires := now.Add(params.AccessTtl)
	if !auth.Until.IsZero() && auth.Until.Before(expires) {
		expires = auth.Until
	}
	id, err := nextID(ctx, m.k.GrantSeq, "grant")
	if err != nil {
		return nil, err
	}
	// No category: it is the record version's, read from the record while
	// it exists, so an erasure has no grant to rewrite (see grantView).
	g := types.AccessGrant{
		ID: id, RecordID: r.ID, Patient: r.Patient, Grantee: granteeStr, Purpose: msg.Purpose,
		ConsentID: auth.ConsentID, BreakGlassID: auth.BreakGlassID, GrantedAt: now, ExpiresAt: expires,
	}
	if err := m.k.putGrant(ctx, g); err != nil {
		return nil, err
	}
	return &types.MsgRequestAccessResponse{GrantID: id, ExpiresAt: expires}, sdkCtx.EventManager().EmitTypedEvent(&types.EventAccessGranted{
		GrantID: id, RecordID: r.ID, Patient: r.Patient, Grantee: g.Grantee, Purpose: g.Purpose,
		ConsentID: g.ConsentID, BreakGlassID: g.BreakGlassID, ExpiresAt: expires,
	})
}

// requireNoLiveGrant refuses when grantee's latest grant on record version r
// has not expired and the consent or break-glass access behind it still
// covers its purpose and the record's category. Only the latest grant
// counts: it is the one the access check reads.
func (k Keeper) requireNoLiveGrant(ctx context.Context, r types.Record, grantee sdk.AccAddress, now time.Time) error {
	gid, err := k.LatestGrant.Get(ctx, collections.Join(r.ID, grantee))
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	g, err := k.Grants.Get(ctx, gid)
	if err != nil {
		return err
	}
	if !now.Before(g.ExpiresAt) {
		return nil
	}
	live, err := k.consent.StillAuthorized(ctx, consenttypes.Authorization{ConsentID: g.ConsentID, BreakGlassID: g.BreakGlassID}, g.Purpose, r.Category)
	if err != nil {
		return err
	}
	if live {
		return errorsmod.Wrapf(types.ErrGrantLive, "grant %d (purpose %s) on record %d lasts until %s: ask again after it ends",
			g.ID, g.Purpose, r.ID, g.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// EraseRecord erases the whole version chain of a record, as the patient (or
// a live guardian) asks: every version becomes a tombstone (id, patient,
// erased_at) out of every index, so that nothing about the record (kind,
// category, format, author, CID, commitment, size, versions) stays readable
// in state; its grants end (they hold no category, and queries show them
// ended at the erasure), and the latest-grant entries naming its grantees
// go. The accounting of disclosures keeps the grants. The vault erases the
// blobs and keys first (`healthd records erase` does both, in that order):
// after this, the vault can no longer tell which record a CID was. The
// message names the newest version the signer saw: if the record was
// amended since, it is refused (ErrNotLatestVersion), so a version the
// signer did not see (nor erase in the vault) is not erased unknowingly.
//
// Its cost is bounded: the versions (at most params.max_versions), and per
// version its latest-grant entries (one per grantee); no grant is rewritten,
// however long the record's history of grants.
func (m msgServer) EraseRecord(ctx context.Context, msg *types.MsgEraseRecord) (*types.MsgEraseRecordResponse, error) {
	signer, err := m.k.parseAddress("signer", msg.Signer)
	if err != nil {
		return nil, err
	}
	r, err := m.k.record(ctx, msg.RecordID)
	if err != nil {
		return nil, err
	}
	patient, err := m.k.parseAddress("patient", r.Patient)
	if err != nil {
		return nil, err
	}
	if err := m.k.consent.RequirePatientOrGuardian(ctx, signer, patient); err != nil {
		return nil, err
	}
	ids, latest, err := m.k.chainVersions(ctx, r.RootID)
	if err != nil {
		return nil, err
	}
	if msg.LatestVersion != latest {
		return nil, errorsmod.Wrapf(types.ErrNotLatestVersion, "record %d: version %d is the latest, the erasure names %d (amended since? look again and erase the new version too)",
			msg.RecordID, latest, msg.LatestVersion)
	}
	if err := m.k.eraseChain(ctx, ids, patient); err != nil {
		return nil, err
	}
	return &types.MsgEraseRecordResponse{ErasedIDs: ids}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRecordErased{IDs: ids})
}

// chainVersions returns the ids of every version of the chain rooted at root,
// oldest first, and the latest version number. The chain is at most
// params.max_versions long.
func (k Keeper) chainVersions(ctx context.Context, root uint64) ([]uint64, uint32, error) {
	var (
		ids    []uint64
		latest uint32
	)
	err := k.Records.Indexes.Version.Walk(ctx, collections.NewPrefixedPairRange[uint64, uint64](root),
		func(key idID, id uint64) (bool, error) {
			ids = append(ids, id)
			latest = uint32(key.K2()) //nolint:gosec // a version number, stored from a uint32
			return false, nil
		})
	return ids, latest, err
}

// eraseChain turns the versions ids (of one chain) into tombstones and drops
// their latest-grant entries.
func (k Keeper) eraseChain(ctx context.Context, ids []uint64, patient sdk.AccAddress) error {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	patientStr := k.addrString(patient)
	for _, id := range ids {
		// Remove takes the version out of the CID, patient, kind, category
		// and version indexes.
		if err := k.Records.Remove(ctx, id); err != nil {
			return err
		}
		at := now
		if err := k.Tombstones.Set(ctx, id, types.Record{ID: id, Patient: patientStr, Erased: true, ErasedAt: &at}); err != nil {
			return err
		}
		if err := k.dropLatestGrants(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// dropLatestGrants removes an erased version's latest-grant entries, one per
// grantee. Its grants themselves stay as they are, as disclosures: they hold
// no category, and grantView shows them ended at the erasure.
func (k Keeper) dropLatestGrants(ctx context.Context, id uint64) error {
	// Collected first: the walk must not see its own removals.
	var latest []recordAddr
	if err := k.LatestGrant.Walk(ctx, collections.NewPrefixedPairRange[uint64, sdk.AccAddress](id),
		func(key recordAddr, _ uint64) (bool, error) {
			latest = append(latest, key)
			return false, nil
		}); err != nil {
		return err
	}
	for _, key := range latest {
		if err := k.LatestGrant.Remove(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// UpdateParams replaces the params; only the authority may.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), m.k.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, m.k.Params.Set(ctx, msg.Params)
}

// CheckAccess answers whether account may fetch record id from the vault now:
// nobody may once the patient erased it; until then the patient always may, the author while it is an active member; anyone
// else needs a grant that has
// not expired, resting on a consent or break-glass access that still holds,
// and must still be an active member. It costs a constant number of reads.
func (k Keeper) CheckAccess(ctx context.Context, id uint64, account sdk.AccAddress) (types.QueryAccessCheckResponse, types.Record, error) {
	r, err := k.record(ctx, id)
	if errorsmod.IsOf(err, types.ErrRecordErased) {
		// Nobody may fetch an erased record, its patient included; the
		// answer names nothing of it (the vault says "erased").
		return types.QueryAccessCheckResponse{Basis: types.AccessBasis_ACCESS_BASIS_ERASED}, types.Record{}, nil
	}
	if err != nil {
		return types.QueryAccessCheckResponse{}, r, err
	}
	res := types.QueryAccessCheckResponse{CID: r.CID, Patient: r.Patient, Author: r.Author}
	switch k.addrString(account) {
	case r.Patient:
		res.Allowed, res.Basis = true, types.AccessBasis_ACCESS_BASIS_PATIENT
		return res, r, nil
	case r.Author:
		// The author reads as a member: suspended or expelled, it reads no
		// more, as a grantee would not.
		if err := k.consortium.RequireActive(ctx, account); err != nil {
			res.Basis = types.AccessBasis_ACCESS_BASIS_NOT_A_MEMBER
			return res, r, nil //nolint:nilerr // a refusal, not a failure
		}
		res.Allowed, res.Basis = true, types.AccessBasis_ACCESS_BASIS_AUTHOR
		return res, r, nil
	}
	gid, err := k.LatestGrant.Get(ctx, collections.Join(id, account))
	if errors.Is(err, collections.ErrNotFound) {
		res.Basis = types.AccessBasis_ACCESS_BASIS_NO_GRANT
		return res, r, nil
	}
	if err != nil {
		return res, r, err
	}
	g, err := k.Grants.Get(ctx, gid)
	if err != nil {
		return res, r, err
	}
	res.GrantID, res.ExpiresAt = gid, &g.ExpiresAt
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if !now.Before(g.ExpiresAt) {
		res.Basis = types.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED
		return res, r, nil
	}
	// The grant's purpose and category are re-checked against the consent as
	// it stands now: an amendment that narrows it ends the grant at once.
	live, err := k.consent.StillAuthorized(ctx, consenttypes.Authorization{ConsentID: g.ConsentID, BreakGlassID: g.BreakGlassID}, g.Purpose, r.Category)
	if err != nil {
		return res, r, err
	}
	if !live {
		res.Basis = types.AccessBasis_ACCESS_BASIS_CONSENT_ENDED
		return res, r, nil
	}
	if err := k.consortium.RequireActive(ctx, account); err != nil {
		res.Basis = types.AccessBasis_ACCESS_BASIS_NOT_A_MEMBER
		return res, r, nil //nolint:nilerr // a refusal, not a failure
	}
	res.Allowed, res.Basis = true, types.AccessBasis_ACCESS_BASIS_GRANT
	return res, r, nil
}
