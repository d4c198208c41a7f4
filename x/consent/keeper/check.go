package keeper

import (
	"context"
	"errors"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consent/types"
)

// PurposeEmergency is the purpose break-glass access covers.
const PurposeEmergency = types.PurposeEmergency

// CheckResult is the outcome of a consent check.
type CheckResult struct {
	Allowed      bool
	ConsentID    uint64
	BreakGlassID uint64
	Reason       types.CheckReason
}

// Check answers whether grantee may access the patient's data of category for
// purpose at the block time. An allowing answer costs at most three reads
// (specific category, all categories, break glass) whatever the patient's
// history; a refusal reads at most the patient's live consents to this grantee,
// a number bounded by params.
func (k Keeper) Check(ctx context.Context, patient, grantee sdk.AccAddress, purpose, category string) (CheckResult, error) {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	reason := types.CheckReason_CHECK_REASON_NO_CONSENT

	for _, cat := range []string{category, types.AllCategories} {
		id, err := k.Active.Get(ctx, collections.Join4(patient, grantee, purpose, cat))
		if errors.Is(err, collections.ErrNotFound) {
			continue
		}
		if err != nil {
			return CheckResult{}, err
		}
		c, err := k.Consents.Get(ctx, id)
		if err != nil {
			return CheckResult{}, err
		}
		switch {
		case !now.Before(c.End):
			// Ended but not yet swept by the end-blocker: expired all the same.
			reason = types.CheckReason_CHECK_REASON_EXPIRED
		case now.Before(c.Start):
			reason = types.CheckReason_CHECK_REASON_NOT_YET_VALID
		default:
			return CheckResult{Allowed: true, ConsentID: id, Reason: types.CheckReason_CHECK_REASON_ALLOWED}, nil
		}
	}

	if purpose == PurposeEmergency {
		if bg, ok, err := k.liveBreakGlass(ctx, patient, grantee, now); err != nil {
			return CheckResult{}, err
		} else if ok {
			return CheckResult{Allowed: true, BreakGlassID: bg.ID, Reason: types.CheckReason_CHECK_REASON_ALLOWED}, nil
		}
	}
	if reason != types.CheckReason_CHECK_REASON_NO_CONSENT {
		return CheckResult{Reason: reason}, nil
	}

	// Nothing live covers this exact request: say why.
	for _, cat := range []string{category, types.AllCategories} {
		id, err := k.Latest.Get(ctx, collections.Join4(patient, grantee, purpose, cat))
		if errors.Is(err, collections.ErrNotFound) {
			continue
		}
		if err != nil {
			return CheckResult{}, err
		}
		c, err := k.Consents.Get(ctx, id)
		if err != nil {
			return CheckResult{}, err
		}
		switch c.Status {
		case types.ConsentStatus_CONSENT_STATUS_REVOKED:
			return CheckResult{Reason: types.CheckReason_CHECK_REASON_REVOKED, ConsentID: id}, nil
		case types.ConsentStatus_CONSENT_STATUS_EXPIRED:
			return CheckResult{Reason: types.CheckReason_CHECK_REASON_EXPIRED, ConsentID: id}, nil
		}
	}
	purposeCovered, anyLive := false, false
	err := k.ActiveByPair.Walk(ctx, collections.NewSuperPrefixedTripleRange[sdk.AccAddress, sdk.AccAddress, uint64](patient, grantee),
		func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint64]) (bool, error) {
			c, err := k.Consents.Get(ctx, key.K3())
			if err != nil {
				return true, err
			}
			anyLive = true
			if c.Purpose == purpose {
				purposeCovered = true
				return true, nil
			}
			return false, nil
		})
	switch {
	case err != nil:
		return CheckResult{}, err
	case purposeCovered:
		reason = types.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED
	case anyLive:
		reason = types.CheckReason_CHECK_REASON_PURPOSE_NOT_COVERED
	}
	return CheckResult{Reason: reason}, nil
}

func (k Keeper) liveBreakGlass(ctx context.Context, patient, member sdk.AccAddress, now time.Time) (types.BreakGlass, bool, error) {
	id, err := k.ActiveBreakGlass.Get(ctx, collections.Join(patient, member))
	if errors.Is(err, collections.ErrNotFound) {
		return types.BreakGlass{}, false, nil
	}
	if err != nil {
		return types.BreakGlass{}, false, err
	}
	bg, err := k.BreakGlasses.Get(ctx, id)
	if err != nil {
		return types.BreakGlass{}, false, err
	}
	return bg, now.Before(bg.ExpiresAt), nil
}

// Authorize is the keeper API other modules call before disclosing data: it
// returns the consent (or break-glass access) that allows grantee to access the
// patient's data of category for purpose now, or ErrNotAuthorized saying why.
func (k Keeper) Authorize(ctx context.Context, patient, grantee sdk.AccAddress, purpose, category string) (types.Authorization, error) {
	if err := types.ValidatePurpose(purpose); err != nil {
		return types.Authorization{}, err
	}
	if types.CategorySystem(category) == "" {
		return types.Authorization{}, errorsmod.Wrapf(types.ErrInvalidCategory, "%q", category)
	}
	res, err := k.Check(ctx, patient, grantee, purpose, category)
	if err != nil {
		return types.Authorization{}, err
	}
	if !res.Allowed {
		return types.Authorization{}, errorsmod.Wrapf(types.ErrNotAuthorized, "%s for %s/%s: %s",
			k.addrString(grantee), purpose, category, res.Reason)
	}
	auth := types.Authorization{ConsentID: res.ConsentID, BreakGlassID: res.BreakGlassID}
	if res.ConsentID != 0 {
		c, err := k.Consents.Get(ctx, res.ConsentID)
		if err != nil {
			return types.Authorization{}, err
		}
		auth.Until = c.End
	} else {
		bg, err := k.BreakGlasses.Get(ctx, res.BreakGlassID)
		if err != nil {
			return types.Authorization{}, err
		}
		auth.Until = bg.ExpiresAt
	}
	return auth, nil
}

// StillAuthorized answers whether an authorization Authorize gave earlier for
// purpose and category still holds at the block time: its consent is active,
// has not ended and still covers purpose and category (an amendment that
// narrows a consent ends what it no longer covers, as revoking ends it all), or
// its break-glass access has not expired and purpose is emergency treatment. It
// costs one read.
func (k Keeper) StillAuthorized(ctx context.Context, auth types.Authorization, purpose, category string) (bool, error) {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if auth.ConsentID != 0 {
		c, err := k.Consents.Get(ctx, auth.ConsentID)
		if errors.Is(err, collections.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return c.Status == types.ConsentStatus_CONSENT_STATUS_ACTIVE && !now.Before(c.Start) && now.Before(c.End) &&
			covers(c, purpose, category), nil
	}
	if auth.BreakGlassID != 0 {
		bg, err := k.BreakGlasses.Get(ctx, auth.BreakGlassID)
		if errors.Is(err, collections.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return purpose == PurposeEmergency && now.Before(bg.ExpiresAt), nil
	}
	return false, nil
}

// covers reports whether consent c names purpose and covers category. The
// all-categories index key is not a category: it is never covered by name.
func covers(c types.Consent, purpose, category string) bool {
	if c.Purpose != purpose || category == "" || category == types.AllCategories {
		return false
	}
	return c.AllCategories || slices.Contains(c.Categories, category)
}
