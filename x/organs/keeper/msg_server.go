package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/organs/types"
)

// The Msg service: this file holds staff, loggers, donations, the two-person
// ABO check and recovery; offers.go the match run; custody.go hand-offs and
// readings; outcome.go transplant and discard. Every handler checks
// everything before its first write, so a refusal leaves state as it was.

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the organs Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{Keeper: k} }

// Roles that act on organs.
var (
	roleOPO    = consortiumtypes.Role_ROLE_ORGAN_PROCUREMENT
	roleCentre = consortiumtypes.Role_ROLE_TRANSPLANT_CENTRE
)

// SetStaff implements types.MsgServer.
func (ms msgServer) SetStaff(ctx context.Context, msg *types.MsgSetStaff) (*types.MsgSetStaffResponse, error) {
	member, err := ms.parseAddress("member", msg.Member)
	if err != nil {
		return nil, err
	}
	account, err := ms.parseAddress("account", msg.Account)
	if err != nil {
		return nil, err
	}
	if account.Equals(member) {
		return nil, errorsmod.Wrap(types.ErrInvalidStaff, "a member acts for itself without being its own staff")
	}
	if err := ms.consortium.RequireActive(ctx, member); err != nil {
		return nil, err
	}
	if _, err := ms.Staff.Get(ctx, member); err == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidStaff, "a staff account cannot name staff")
	} else if !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	memberStr, accountStr := ms.addrString(member), ms.addrString(account)
	cur, err := ms.Staff.Get(ctx, account)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		if msg.Remove {
			return nil, errorsmod.Wrapf(types.ErrInvalidStaff, "%s is not staff of %s", accountStr, memberStr)
		}
	case err != nil:
		return nil, err
	case cur.Member != memberStr:
		return nil, errorsmod.Wrapf(types.ErrInvalidStaff, "%s is staff of another member", accountStr)
	case !msg.Remove:
		return nil, errorsmod.Wrapf(types.ErrInvalidStaff, "%s is already staff of %s", accountStr, memberStr)
	}
	if msg.Remove {
		if err := ms.Staff.Remove(ctx, account); err != nil {
			return nil, err
		}
	} else {
		// A member's own account acts for itself, suspended or not: it
		// cannot be another's staff.
		if _, err := ms.consortium.GetMember(ctx, account); err == nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidStaff, "%s is a member itself", accountStr)
		}
		if err := ms.Staff.Set(ctx, account, types.Staff{Account: accountStr, Member: memberStr}); err != nil {
			return nil, err
		}
	}
	return &types.MsgSetStaffResponse{}, emit(ctx, &types.EventStaffSet{Member: memberStr, Account: accountStr, Removed: msg.Remove})
}

// RegisterLogger implements types.MsgServer.
func (ms msgServer) RegisterLogger(ctx context.Context, msg *types.MsgRegisterLogger) (*types.MsgRegisterLoggerResponse, error) {
	a, err := ms.actor(ctx, "actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	if err := types.CheckLoggerID(msg.Logger); err != nil {
		return nil, err
	}
	if _, err := types.LoggerPubKey(msg.PubKey); err != nil {
		return nil, err
	}
	if ok, err := ms.Loggers.Has(ctx, msg.Logger); err != nil {
		return nil, err
	} else if ok {
		return nil, errorsmod.Wrapf(types.ErrLoggerExists, "%s", msg.Logger)
	}
	l := types.Logger{ID: msg.Logger, Owner: a.Org, PubKey: bytes.Clone(msg.PubKey), RegisteredAt: now(ctx)}
	if err := ms.Loggers.Set(ctx, l.ID, l); err != nil {
		return nil, err
	}
	return &types.MsgRegisterLoggerResponse{}, emit(ctx, &types.EventLoggerRegistered{Logger: l.ID, Owner: l.Owner})
}

// OpenCase implements types.MsgServer.
func (ms msgServer) OpenCase(ctx context.Context, msg *types.MsgOpenCase) (*types.MsgOpenCaseResponse, error) {
	a, err := ms.actor(ctx, "actor", msg.Actor, roleOPO)
	if err != nil {
		return nil, err
	}
	din, err := types.ParseDIN(msg.DIN)
	if err != nil {
		return nil, err
	}
	if err := ms.requireFIN(ctx, din, a.Org); err != nil {
		return nil, err
	}
	if err := types.ValidateBasis(msg.Donor, msg.DonorSalt, msg.AuthorisationCommitment); err != nil {
		return nil, err
	}
	if ok, err := ms.Cases.Has(ctx, din); err != nil {
		return nil, err
	} else if ok {
		return nil, errorsmod.Wrapf(types.ErrCaseExists, "%s", din)
	}
	c := types.Case{DIN: din, OPO: a.Org, OpenedAt: now(ctx)}
	if msg.Donor != "" {
		donor, err := ms.parseAddress("donor", msg.Donor)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidBasis, "%s", err)
		}
		opo, _ := ms.parseAddress("actor", a.Org)
		if donor.Equals(opo) {
			return nil, errorsmod.Wrap(types.ErrInvalidBasis, "the OPO is not its own donor")
		}
		auth, err := ms.consent.Authorize(ctx, donor, opo, types.DonationPurpose, types.DonationCategory)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrNotAuthorised, "%s", err)
		}
		if auth.ConsentID == 0 {
			// Break-glass access covers emergency treatment, never donation.
			return nil, errorsmod.Wrap(types.ErrNotAuthorised, "donation needs the donor's own consent")
		}
		// The case keeps the consent and a commitment, never the account:
		// the blood group recorded next must not sit beside an account.
		c.ConsentID, c.DonorCommitment = auth.ConsentID, types.DonorCommitment(msg.DonorSalt, donor)
	} else {
		c.AuthorisationCommitment = bytes.Clone(msg.AuthorisationCommitment)
	}
	if err := ms.Cases.Set(ctx, din, c); err != nil {
		return nil, err
	}
	return &types.MsgOpenCaseResponse{}, emit(ctx, &types.EventCaseOpened{DIN: din, OPO: a.Org, Living: c.ConsentID != 0})
}

// requireFIN requires the DIN's facility code to be registered to the OPO
// in x/consortium: ICCBBA assigns a FIN to one facility, which alone issues
// DINs under it, so no OPO opens a donation under another's numbers.
func (k Keeper) requireFIN(ctx context.Context, din, opo string) error {
	fin := types.FIN(din)
	owner, err := k.consortium.OwnerOfFIN(ctx, fin)
	switch {
	case errors.Is(err, consortiumtypes.ErrMemberNotFound):
		return errorsmod.Wrapf(types.ErrFINNotOwned, "%s: FIN %s is registered to no member", din, fin)
	case err != nil:
		return err
	case k.addrString(owner) != opo:
		return errorsmod.Wrapf(types.ErrFINNotOwned, "%s: FIN %s is registered to %s, not %s", din, fin, k.addrString(owner), opo)
	}
	return nil
}

// requireLiveConsent re-checks a living donor's consent: revoked, ended or
// narrowed below DONAT, it refuses. A deceased donor's case has no consent
// and passes.
func (k Keeper) requireLiveConsent(ctx context.Context, c types.Case) error {
	if c.ConsentID == 0 {
		return nil
	}
	ok, err := k.consent.StillAuthorized(ctx, consenttypes.Authorization{ConsentID: c.ConsentID}, types.DonationPurpose, types.DonationCategory)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrapf(types.ErrConsentLapsed, "%s: consent %d", c.DIN, c.ConsentID)
	}
	return nil
}

// caseOPO reads the donation and requires the actor to act for its OPO.
func (ms msgServer) caseOPO(ctx context.Context, signer, din string) (Actor, types.Case, error) {
	a, err := ms.actor(ctx, "actor", signer, roleOPO)
	if err != nil {
		return Actor{}, types.Case{}, err
	}
	c, err := ms.getCase(ctx, din)
	if err != nil {
		return Actor{}, types.Case{}, err
	}
	if a.Org != c.OPO {
		return Actor{}, types.Case{}, errorsmod.Wrapf(types.ErrNotCaseOPO, "%s: expected %s, got %s", c.DIN, c.OPO, a.Org)
	}
	return a, c, nil
}

// RecordABO implements types.MsgServer: the first person's entry. It may be
// corrected (by anyone of the OPO) until it is confirmed.
func (ms msgServer) RecordABO(ctx context.Context, msg *types.MsgRecordABO) (*types.MsgRecordABOResponse, error) {
	a, c, err := ms.caseOPO(ctx, msg.Actor, msg.DIN)
	if err != nil {
		return nil, err
	}
	if err := types.CheckABO(msg.ABO); err != nil {
		return nil, err
	}
	if c.ABOConfirmedBy != "" {
		return nil, errorsmod.Wrapf(types.ErrABOConfirmed, "%s", c.DIN)
	}
	c.ABO, c.ABORecordedBy = msg.ABO, a.Person
	if err := ms.Cases.Set(ctx, c.DIN, c); err != nil {
		return nil, err
	}
	return &types.MsgRecordABOResponse{}, emit(ctx, &types.EventABORecorded{DIN: c.DIN, By: a.Person})
}

// ConfirmABO implements types.MsgServer: a second, different account of the
// OPO enters the same blood group.
func (ms msgServer) ConfirmABO(ctx context.Context, msg *types.MsgConfirmABO) (*types.MsgConfirmABOResponse, error) {
	a, c, err := ms.caseOPO(ctx, msg.Actor, msg.DIN)
	if err != nil {
		return nil, err
	}
	if err := types.CheckABO(msg.ABO); err != nil {
		return nil, err
	}
	switch {
	case c.ABOConfirmedBy != "":
		return nil, errorsmod.Wrapf(types.ErrABOConfirmed, "%s", c.DIN)
	case c.ABORecordedBy == "":
		return nil, errorsmod.Wrapf(types.ErrABONotRecorded, "%s", c.DIN)
	case c.ABORecordedBy == a.Person:
		return nil, errorsmod.Wrapf(types.ErrSamePerson, "%s recorded it", a.Person)
	case c.ABO != msg.ABO:
		return nil, errorsmod.Wrapf(types.ErrABOMismatch, "%s: the two entries differ; record it again", c.DIN)
	}
	c.ABOConfirmedBy = a.Person
	if err := ms.Cases.Set(ctx, c.DIN, c); err != nil {
		return nil, err
	}
	return &types.MsgConfirmABOResponse{}, emit(ctx, &types.EventABOConfirmed{DIN: c.DIN, By: a.Person})
}

// requireLogger refuses an unregistered logger; ownedLogger also one that
// owner (the member packing the container) does not own.
func (k Keeper) requireLogger(ctx context.Context, id string) (types.Logger, error) {
	if err := types.CheckLoggerID(id); err != nil {
		return types.Logger{}, err
	}
	l, err := k.Loggers.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Logger{}, errorsmod.Wrapf(types.ErrUnknownLogger, "%s", id)
	}
	return l, err
}

func (k Keeper) ownedLogger(ctx context.Context, id, owner string) (types.Logger, error) {
	l, err := k.requireLogger(ctx, id)
	if err != nil {
		return l, err
	}
	if l.Owner != owner {
		return l, errorsmod.Wrapf(types.ErrLoggerNotOwned, "logger %s belongs to %s, not %s", id, l.Owner, owner)
	}
	return l, nil
}

// RecoverOrgan implements types.MsgServer: the cold-ischaemia clock starts at
// the cross-clamp time, which is not in the future nor before the donation
// was opened. A living donor's consent must still hold; the container's
// logger, if any, is the OPO's own and is attached from the cross-clamp.
func (ms msgServer) RecoverOrgan(ctx context.Context, msg *types.MsgRecoverOrgan) (*types.MsgRecoverOrganResponse, error) {
	_, c, err := ms.caseOPO(ctx, msg.Actor, msg.DIN)
	if err != nil {
		return nil, err
	}
	if err := ms.requireLiveConsent(ctx, c); err != nil {
		return nil, err
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	limit, ok := params.OrganLimit(msg.OrganType)
	if !ok {
		return nil, errorsmod.Wrapf(types.ErrInvalidOrganType, "%q is not in params.organ_types", msg.OrganType)
	}
	if err := types.ValidateTime("cross-clamp", msg.CrossClamp); err != nil {
		return nil, err
	}
	clamp := msg.CrossClamp.UTC()
	if clamp.After(now(ctx)) || clamp.Before(c.OpenedAt) {
		return nil, errorsmod.Wrapf(types.ErrInvalidTime, "cross-clamp %s must lie between the donation's opening %s and now %s",
			clamp.Format(timeFormat), c.OpenedAt.Format(timeFormat), now(ctx).Format(timeFormat))
	}
	key := collections.Join(c.DIN, msg.OrganType)
	if ok, err := ms.Organs.Has(ctx, key); err != nil {
		return nil, err
	} else if ok {
		return nil, errorsmod.Wrapf(types.ErrOrganExists, "%s %s", c.DIN, msg.OrganType)
	}
	if msg.Logger != "" {
		if _, err := ms.ownedLogger(ctx, msg.Logger, c.OPO); err != nil {
			return nil, err
		}
	}
	o := types.Organ{DIN: c.DIN, OrganType: msg.OrganType, Status: types.OrganStatus_ORGAN_STATUS_RECOVERED,
		CrossClamp: clamp, MaxColdIschaemia: limit, Holder: c.OPO, Logger: msg.Logger}
	if err := ms.Organs.Set(ctx, key, o); err != nil {
		return nil, err
	}
	if msg.Logger != "" {
		if err := ms.Attachments.Set(ctx, stayKey(o, msg.Logger), types.LoggerStays{Stays: []types.Attachment{{Logger: msg.Logger, From: clamp}}}); err != nil {
			return nil, err
		}
	}
	return &types.MsgRecoverOrganResponse{}, emit(ctx, &types.EventOrganRecovered{DIN: c.DIN, OrganType: o.OrganType, CrossClamp: clamp, Holder: o.Holder})
}

// timeFormat is how errors print times.
const timeFormat = "2006-01-02T15:04:05Z"

// UpdateParams implements types.MsgServer.
func (ms msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := ms.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, emit(ctx, &types.EventParamsUpdated{Params: msg.Params})
}
