package keeper

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consent/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the consent Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{Keeper: k} }

// RequirePatientOrGuardian admits the patient and a guardian whose
// guardianship is live at the block time.
func (k Keeper) RequirePatientOrGuardian(ctx context.Context, signer, patient sdk.AccAddress) error {
	if signer.Equals(patient) {
		return nil
	}
	g, err := k.Guardians.Get(ctx, collections.Join(patient, signer))
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrNotPatientOrGuardian, "%s for patient %s", k.addrString(signer), k.addrString(patient))
	}
	if err != nil {
		return err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if !now.Before(g.End) {
		return errorsmod.Wrapf(types.ErrGuardianExpired, "%s's guardianship of %s ended at %s", g.Guardian, g.Patient, g.End.UTC().Format(time.RFC3339))
	}
	return nil
}

func (k Keeper) validatePeriod(params types.Params, now, start, end time.Time) error {
	switch {
	case start.Before(now):
		return errorsmod.Wrapf(types.ErrInvalidPeriod, "start %s is before the block time %s", start.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	case !end.After(start):
		return errorsmod.Wrapf(types.ErrInvalidPeriod, "end %s is not after start %s", end.UTC().Format(time.RFC3339), start.UTC().Format(time.RFC3339))
	case end.Sub(start) > params.MaxDuration:
		return errorsmod.Wrapf(types.ErrDurationTooLong, "%s, at most %s", end.Sub(start), params.MaxDuration)
	}
	return nil
}

// checkOverlap refuses a consent that covers a category another live consent
// of the same patient, grantee and purpose already covers (an all-categories
// consent covers every category). Consents that have ended but are still
// waiting for the end-blocker are expired here, so they never block a new
// grant. It returns how many other consents to this grantee are live; the walk
// is bounded by params.MaxActivePerPair.
func (k Keeper) checkOverlap(ctx context.Context, patient, grantee sdk.AccAddress, c types.Consent) (uint32, error) {
	var ids []uint64
	if err := k.ActiveByPair.Walk(ctx, collections.NewSuperPrefixedTripleRange[sdk.AccAddress, sdk.AccAddress, uint64](patient, grantee),
		func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint64]) (bool, error) {
			ids = append(ids, key.K3())
			return false, nil
		}); err != nil {
		return 0, err
	}
	live := uint32(0)
	for _, id := range ids {
		if id == c.ID {
			continue
		}
		other, err := k.Consents.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		if ended(ctx, other) {
			if err := k.expire(ctx, other); err != nil {
				return 0, err
			}
			continue
		}
		live++
		if other.Purpose != c.Purpose {
			continue
		}
		if cat, ok := sharedCategory(c, other); ok {
			return 0, errorsmod.Wrapf(types.ErrOverlappingConsent, "consent %d already covers %s/%s; amend or revoke it", id, c.Purpose, cat)
		}
	}
	return live, nil
}

// sharedCategory returns a category both consents cover, if any.
func sharedCategory(a, b types.Consent) (string, bool) {
	switch {
	case a.AllCategories && b.AllCategories:
		return "all categories", true
	case a.AllCategories:
		return b.Categories[0], true
	case b.AllCategories:
		return a.Categories[0], true
	}
	for _, x := range a.Categories {
		if slices.Contains(b.Categories, x) {
			return x, true
		}
	}
	return "", false
}

// GrantConsent implements types.MsgServer.
func (ms msgServer) GrantConsent(ctx context.Context, msg *types.MsgGrantConsent) (*types.MsgGrantConsentResponse, error) {
	signer, err := ms.parseAddress("signer", msg.Signer)
	if err != nil {
		return nil, err
	}
	patient, err := ms.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	grantee, err := ms.parseAddress("grantee", msg.Grantee)
	if err != nil {
		return nil, err
	}
	if err := ms.RequirePatientOrGuardian(ctx, signer, patient); err != nil {
		return nil, err
	}
	if grantee.Equals(patient) {
		return nil, errorsmod.Wrap(types.ErrGranteeIsPatient, "a patient needs no consent to their own data")
	}
	if err := types.ValidatePurpose(msg.Purpose); err != nil {
		return nil, err
	}
	cats, err := types.NormalizeCategories(msg.Categories, msg.AllCategories)
	if err != nil {
		return nil, err
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	start := now
	if msg.Start != nil {
		start = *msg.Start
	}
	if err := ms.validatePeriod(params, now, start, msg.End); err != nil {
		return nil, err
	}

	c := types.Consent{
		Patient: ms.addrString(patient), Grantee: ms.addrString(grantee), Purpose: msg.Purpose,
		Categories: cats, AllCategories: msg.AllCategories, Start: start, End: msg.End,
		Status: types.ConsentStatus_CONSENT_STATUS_ACTIVE, GrantedBy: ms.addrString(signer), GrantedAt: now, Version: 1,
	}
	live, err := ms.checkOverlap(ctx, patient, grantee, c)
	if err != nil {
		return nil, err
	}
	if live >= params.MaxActivePerPair {
		return nil, errorsmod.Wrapf(types.ErrTooManyConsents, "%d active consents to %s, at most %d", live, c.Grantee, params.MaxActivePerPair)
	}

	if c.ID, err = nextID(ctx, ms.ConsentSeq); err != nil {
		return nil, err
	}
	if err := ms.Consents.Set(ctx, c.ID, c); err != nil {
		return nil, err
	}
	if err := ms.activate(ctx, patient, grantee, c); err != nil {
		return nil, err
	}
	if err := ms.audit(ctx, patient, types.AuditEntry{Action: types.AuditAction_AUDIT_ACTION_GRANTED, Actor: c.GrantedBy, ConsentID: c.ID, Counterparty: c.Grantee}); err != nil {
		return nil, err
	}
	return &types.MsgGrantConsentResponse{ID: c.ID}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventConsentGranted{
		ConsentID: c.ID, Patient: c.Patient, Grantee: c.Grantee, Purpose: c.Purpose, Signer: c.GrantedBy, End: c.End,
	})
}

// liveConsent loads a consent the signer may change: it exists, the signer is
// its patient or a live guardian, and it is still active at the block time.
func (ms msgServer) liveConsent(ctx context.Context, signerStr string, id uint64) (types.Consent, sdk.AccAddress, sdk.AccAddress, sdk.AccAddress, error) {
	signer, err := ms.parseAddress("signer", signerStr)
	if err != nil {
		return types.Consent{}, nil, nil, nil, err
	}
	c, err := ms.Consents.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return c, nil, nil, nil, errorsmod.Wrapf(types.ErrConsentNotFound, "id %d", id)
	}
	if err != nil {
		return c, nil, nil, nil, err
	}
	patient, _ := ms.addressCodec.StringToBytes(c.Patient)
	grantee, _ := ms.addressCodec.StringToBytes(c.Grantee)
	if err := ms.RequirePatientOrGuardian(ctx, signer, patient); err != nil {
		return c, nil, nil, nil, err
	}
	switch {
	case c.Status == types.ConsentStatus_CONSENT_STATUS_REVOKED:
		return c, nil, nil, nil, errorsmod.Wrapf(types.ErrAlreadyRevoked, "consent %d", id)
	case c.Status == types.ConsentStatus_CONSENT_STATUS_EXPIRED || ended(ctx, c):
		return c, nil, nil, nil, errorsmod.Wrapf(types.ErrConsentExpired, "consent %d ended at %s", id, c.End.UTC().Format(time.RFC3339))
	}
	return c, signer, patient, grantee, nil
}

// AmendConsent implements types.MsgServer.
func (ms msgServer) AmendConsent(ctx context.Context, msg *types.MsgAmendConsent) (*types.MsgAmendConsentResponse, error) {
	c, signer, patient, grantee, err := ms.liveConsent(ctx, msg.Signer, msg.ConsentID)
	if err != nil {
		return nil, err
	}
	cats, err := types.NormalizeCategories(msg.Categories, msg.AllCategories)
	if err != nil {
		return nil, err
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	switch {
	case !msg.End.After(now):
		return nil, errorsmod.Wrapf(types.ErrInvalidPeriod, "end %s is not after the block time", msg.End.UTC().Format(time.RFC3339))
	case !msg.End.After(c.Start):
		return nil, errorsmod.Wrapf(types.ErrInvalidPeriod, "end %s is not after start %s", msg.End.UTC().Format(time.RFC3339), c.Start.UTC().Format(time.RFC3339))
	case msg.End.Sub(c.Start) > params.MaxDuration:
		return nil, errorsmod.Wrapf(types.ErrDurationTooLong, "%s from start, at most %s", msg.End.Sub(c.Start), params.MaxDuration)
	}

	if c.Version == math.MaxUint32 {
		// A version never wraps back to an earlier number: grant a new consent instead.
		return nil, errorsmod.Wrapf(types.ErrVersionLimit, "consent %d is at version %d", c.ID, c.Version)
	}
	amended := c
	amended.Categories, amended.AllCategories, amended.End = cats, msg.AllCategories, msg.End
	amended.Version++
	if _, err := ms.checkOverlap(ctx, patient, grantee, amended); err != nil {
		return nil, err
	}
	if err := ms.deactivate(ctx, patient, grantee, c); err != nil {
		return nil, err
	}
	if err := ms.activate(ctx, patient, grantee, amended); err != nil {
		return nil, err
	}
	if err := ms.Consents.Set(ctx, c.ID, amended); err != nil {
		return nil, err
	}
	actor := ms.addrString(signer)
	if err := ms.audit(ctx, patient, types.AuditEntry{Action: types.AuditAction_AUDIT_ACTION_AMENDED, Actor: actor, ConsentID: c.ID, Counterparty: c.Grantee}); err != nil {
		return nil, err
	}
	return &types.MsgAmendConsentResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventConsentAmended{
		ConsentID: c.ID, Patient: c.Patient, Signer: actor, Version: amended.Version,
	})
}

// revoke marks an active consent revoked and takes it out of the active indexes.
func (k Keeper) revoke(ctx context.Context, c types.Consent, signer, patient, grantee sdk.AccAddress, reason types.RevocationReason) error {
	if err := k.deactivate(ctx, patient, grantee, c); err != nil {
		return err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	c.Status = types.ConsentStatus_CONSENT_STATUS_REVOKED
	c.RevokedBy, c.RevokedAt, c.RevocationReason = k.addrString(signer), &now, reason
	if err := k.Consents.Set(ctx, c.ID, c); err != nil {
		return err
	}
	if err := k.audit(ctx, patient, types.AuditEntry{Action: types.AuditAction_AUDIT_ACTION_REVOKED, Actor: c.RevokedBy, ConsentID: c.ID, Counterparty: c.Grantee}); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventConsentRevoked{
		ConsentID: c.ID, Patient: c.Patient, Grantee: c.Grantee, Signer: c.RevokedBy, Reason: reason,
	})
}

// RevokeConsent implements types.MsgServer.
func (ms msgServer) RevokeConsent(ctx context.Context, msg *types.MsgRevokeConsent) (*types.MsgRevokeConsentResponse, error) {
	if err := types.ValidateRevocationReason(msg.Reason); err != nil {
		return nil, err
	}
	c, signer, patient, grantee, err := ms.liveConsent(ctx, msg.Signer, msg.ConsentID)
	if err != nil {
		return nil, err
	}
	return &types.MsgRevokeConsentResponse{}, ms.revoke(ctx, c, signer, patient, grantee, msg.Reason)
}

// RevokeAllForGrantee implements types.MsgServer.
func (ms msgServer) RevokeAllForGrantee(ctx context.Context, msg *types.MsgRevokeAllForGrantee) (*types.MsgRevokeAllForGranteeResponse, error) {
	if err := types.ValidateRevocationReason(msg.Reason); err != nil {
		return nil, err
	}
	signer, err := ms.parseAddress("signer", msg.Signer)
	if err != nil {
		return nil, err
	}
	patient, err := ms.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	grantee, err := ms.parseAddress("grantee", msg.Grantee)
	if err != nil {
		return nil, err
	}
	if err := ms.RequirePatientOrGuardian(ctx, signer, patient); err != nil {
		return nil, err
	}
	// Collect first: revoking removes entries from the index being walked.
	var ids []uint64
	if err := ms.ActiveByPair.Walk(ctx, collections.NewSuperPrefixedTripleRange[sdk.AccAddress, sdk.AccAddress, uint64](patient, grantee),
		func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint64]) (bool, error) {
			ids = append(ids, key.K3())
			return false, nil
		}); err != nil {
		return nil, err
	}
	var revoked []uint64
	for _, id := range ids {
		c, err := ms.Consents.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if ended(ctx, c) { // ended, not yet swept: it expired, it is not revoked
			if err := ms.expire(ctx, c); err != nil {
				return nil, err
			}
			continue
		}
		if err := ms.revoke(ctx, c, signer, patient, grantee, msg.Reason); err != nil {
			return nil, err
		}
		revoked = append(revoked, id)
	}
	if len(revoked) == 0 {
		return nil, errorsmod.Wrapf(types.ErrNoActiveConsents, "patient %s, grantee %s", msg.Patient, msg.Grantee)
	}
	return &types.MsgRevokeAllForGranteeResponse{RevokedIDs: revoked}, nil
}

// AppointGuardian implements types.MsgServer. Re-appointing replaces the end.
func (ms msgServer) AppointGuardian(ctx context.Context, msg *types.MsgAppointGuardian) (*types.MsgAppointGuardianResponse, error) {
	patient, err := ms.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	guardian, err := ms.parseAddress("guardian", msg.Guardian)
	if err != nil {
		return nil, err
	}
	if guardian.Equals(patient) {
		return nil, errorsmod.Wrap(types.ErrInvalidAddress, "a patient cannot be their own guardian")
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if err := ms.validatePeriod(params, now, now, msg.End); err != nil {
		return nil, err
	}
	key := collections.Join(patient, guardian)
	has, err := ms.Guardians.Has(ctx, key)
	if err != nil {
		return nil, err
	}
	if !has {
		n := 0
		if err := ms.Guardians.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, sdk.AccAddress](patient),
			func(collections.Pair[sdk.AccAddress, sdk.AccAddress], types.Guardianship) (bool, error) {
				n++
				return false, nil
			}); err != nil {
			return nil, err
		}
		if n >= types.MaxGuardiansPerPatient {
			return nil, errorsmod.Wrapf(types.ErrTooManyGuardians, "at most %d", types.MaxGuardiansPerPatient)
		}
	}
	g := types.Guardianship{Patient: ms.addrString(patient), Guardian: ms.addrString(guardian), Start: now, End: msg.End}
	if err := ms.Guardians.Set(ctx, key, g); err != nil {
		return nil, err
	}
	if err := ms.audit(ctx, patient, types.AuditEntry{Action: types.AuditAction_AUDIT_ACTION_GUARDIAN_APPOINTED, Actor: g.Patient, Counterparty: g.Guardian}); err != nil {
		return nil, err
	}
	return &types.MsgAppointGuardianResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventGuardianAppointed{
		Patient: g.Patient, Guardian: g.Guardian, End: g.End,
	})
}

// RemoveGuardian implements types.MsgServer.
func (ms msgServer) RemoveGuardian(ctx context.Context, msg *types.MsgRemoveGuardian) (*types.MsgRemoveGuardianResponse, error) {
	patient, err := ms.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	guardian, err := ms.parseAddress("guardian", msg.Guardian)
	if err != nil {
		return nil, err
	}
	key := collections.Join(patient, guardian)
	has, err := ms.Guardians.Has(ctx, key)
	if err != nil {
		return nil, err
	}
	if !has {
		return nil, errorsmod.Wrapf(types.ErrGuardianNotFound, "%s for patient %s", msg.Guardian, msg.Patient)
	}
	if err := ms.Guardians.Remove(ctx, key); err != nil {
		return nil, err
	}
	p, gd := ms.addrString(patient), ms.addrString(guardian)
	if err := ms.audit(ctx, patient, types.AuditEntry{Action: types.AuditAction_AUDIT_ACTION_GUARDIAN_REMOVED, Actor: p, Counterparty: gd}); err != nil {
		return nil, err
	}
	return &types.MsgRemoveGuardianResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventGuardianRemoved{Patient: p, Guardian: gd})
}

// BreakGlass implements types.MsgServer. The justification comes sealed
// (types.ValidateSealedJustification); neither the event nor the audit entry
// carries it.
func (ms msgServer) BreakGlass(ctx context.Context, msg *types.MsgBreakGlass) (*types.MsgBreakGlassResponse, error) {
	member, err := ms.parseAddress("member", msg.Member)
	if err != nil {
		return nil, err
	}
	patient, err := ms.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateSealedJustification(msg.JustificationCommitment, msg.JustificationCiphertext); err != nil {
		return nil, err
	}
	if member.Equals(patient) {
		return nil, errorsmod.Wrap(types.ErrGranteeIsPatient, "a member cannot break glass on its own account")
	}
	if err := ms.consortium.RequireRole(ctx, member, types.BreakGlassRoles()...); err != nil {
		return nil, err
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()

	window, err := ms.RateWindows.Get(ctx, member)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	if errors.Is(err, collections.ErrNotFound) || !now.Before(window.Start.Add(params.BreakGlassRateWindow)) {
		window = types.RateWindow{Start: now}
	}
	if window.Count >= params.BreakGlassMaxPerWindow {
		return nil, errorsmod.Wrapf(types.ErrBreakGlassRateLimit, "%d openings since %s, at most %d per %s",
			window.Count, window.Start.UTC().Format(time.RFC3339), params.BreakGlassMaxPerWindow, params.BreakGlassRateWindow)
	}
	window.Count++
	if err := ms.RateWindows.Set(ctx, member, window); err != nil {
		return nil, err
	}

	id, err := nextID(ctx, ms.BreakGlassSeq)
	if err != nil {
		return nil, err
	}
	bg := types.BreakGlass{ID: id, Patient: ms.addrString(patient), Member: ms.addrString(member),
		JustificationCommitment: msg.JustificationCommitment, JustificationCiphertext: msg.JustificationCiphertext,
		OpenedAt: now, ExpiresAt: now.Add(params.BreakGlassWindow)}
	if err := ms.BreakGlasses.Set(ctx, id, bg); err != nil {
		return nil, err
	}
	if err := ms.ActiveBreakGlass.Set(ctx, collections.Join(patient, member), id); err != nil {
		return nil, err
	}
	if err := ms.audit(ctx, patient, types.AuditEntry{Action: types.AuditAction_AUDIT_ACTION_BREAK_GLASS, Actor: bg.Member, BreakGlassID: id, Counterparty: bg.Member}); err != nil {
		return nil, err
	}
	return &types.MsgBreakGlassResponse{ID: id, ExpiresAt: bg.ExpiresAt}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventBreakGlass{
		BreakGlassID: id, Patient: bg.Patient, Member: bg.Member, ExpiresAt: bg.ExpiresAt,
	})
}

// UpdateParams implements types.MsgServer.
func (ms msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, ms.Params.Set(ctx, msg.Params)
}
