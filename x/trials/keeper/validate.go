package keeper

import (
	"context"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/trials/types"
)

// getTrial reads a trial, ErrTrialNotFound when there is none.
func (k Keeper) getTrial(ctx context.Context, id uint64) (types.Trial, error) {
	t, err := k.Trials.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return t, errorsmod.Wrapf(types.ErrTrialNotFound, "trial %d", id)
	}
	return t, err
}

// requireSponsor admits the trial's sponsor while it is an active research sponsor.
func (k Keeper) requireSponsor(ctx context.Context, t types.Trial, signer string) (sdk.AccAddress, error) {
	a, err := k.parseAddress("sponsor", signer)
	if err != nil {
		return nil, err
	}
	if signer != t.Sponsor {
		return nil, errorsmod.Wrapf(types.ErrNotSponsor, "trial %d: %s is not its sponsor", t.ID, signer)
	}
	return a, k.consortium.RequireRole(ctx, a, consortiumtypes.Role_ROLE_RESEARCH_SPONSOR)
}

// requireEthicsCommittee admits the trial's ethics committee while it is an
// active ethics-committee member.
func (k Keeper) requireEthicsCommittee(ctx context.Context, t types.Trial, signer string) (sdk.AccAddress, error) {
	a, err := k.parseAddress("ethics committee", signer)
	if err != nil {
		return nil, err
	}
	if signer != t.EthicsCommittee {
		return nil, errorsmod.Wrapf(types.ErrNotEthicsCommittee, "trial %d: %s is not its ethics committee", t.ID, signer)
	}
	return a, k.consortium.RequireRole(ctx, a, consortiumtypes.Role_ROLE_ETHICS_COMMITTEE)
}

// requireSite admits one of the trial's sites while it is an active hospital.
func (k Keeper) requireSite(ctx context.Context, t types.Trial, signer string) (sdk.AccAddress, error) {
	a, err := k.parseAddress("site", signer)
	if err != nil {
		return nil, err
	}
	if _, found := slices.BinarySearch(t.Sites, signer); !found {
		return nil, errorsmod.Wrapf(types.ErrNotSite, "trial %d: %s is not one of its sites", t.ID, signer)
	}
	return a, k.consortium.RequireRole(ctx, a, consortiumtypes.Role_ROLE_HOSPITAL)
}

// requireRecruiting refuses a trial with no approved version or a closed one.
func requireRecruiting(t types.Trial) error {
	switch t.Status {
	case types.TrialStatus_TRIAL_STATUS_RECRUITING:
		return nil
	case types.TrialStatus_TRIAL_STATUS_REGISTERED:
		return errorsmod.Wrapf(types.ErrNotRecruiting, "trial %d: no protocol version approved yet", t.ID)
	}
	return errorsmod.Wrapf(types.ErrTrialClosed, "trial %d is %s", t.ID, t.Status)
}

// requireOpen refuses a locked or reported trial.
func requireOpen(t types.Trial) error {
	if t.Status == types.TrialStatus_TRIAL_STATUS_REGISTERED || t.Status == types.TrialStatus_TRIAL_STATUS_RECRUITING {
		return nil
	}
	return errorsmod.Wrapf(types.ErrTrialClosed, "trial %d is %s", t.ID, t.Status)
}

// consentLive reports whether the consent the subject bound still holds and
// still covers the trial's purpose and category: revoked, ended or narrowed,
// it does not. One read in x/consent.
func (k Keeper) consentLive(ctx context.Context, t types.Trial, e types.Enrolment) (bool, error) {
	return k.consent.StillAuthorized(ctx, consenttypes.Authorization{ConsentID: e.ConsentID}, e.Purpose, t.ConsentCategory)
}

// getEnrolment reads a subject's enrolment, ErrNotEnrolled when there is none.
func (k Keeper) getEnrolment(ctx context.Context, t types.Trial, subject sdk.AccAddress) (types.Enrolment, error) {
	e, err := k.Enrolments.Get(ctx, collections.Join(t.ID, subject))
	if errors.Is(err, collections.ErrNotFound) {
		return e, errorsmod.Wrapf(types.ErrNotEnrolled, "trial %d: %s", t.ID, k.addrString(subject))
	}
	return e, err
}

// mayRecord is the rule for new data about a subject: the trial is
// recruiting, the subject is enrolled at this site and has not withdrawn, the
// consent they bound is live, and they consented to the newest version that
// requires re-consent. It costs a fixed number of reads, whatever the number
// of subjects or entries.
func (k Keeper) mayRecord(ctx context.Context, t types.Trial, site string, subject sdk.AccAddress) (types.Enrolment, error) {
	if err := requireRecruiting(t); err != nil {
		return types.Enrolment{}, err
	}
	e, err := k.getEnrolment(ctx, t, subject)
	if err != nil {
		return e, err
	}
	switch {
	case e.Status == types.EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN:
		return e, errorsmod.Wrapf(types.ErrWithdrawn, "trial %d: the subject withdrew", t.ID)
	case e.Status != types.EnrolmentStatus_ENROLMENT_STATUS_ENROLLED:
		return e, errorsmod.Wrapf(types.ErrNotEnrolled, "trial %d: subject consented but no site enrolled them", t.ID)
	case e.Site != site:
		return e, errorsmod.Wrapf(types.ErrNotSite, "trial %d: subject is enrolled at %s", t.ID, e.Site)
	}
	live, err := k.consentLive(ctx, t, e)
	if err != nil {
		return e, err
	}
	if !live {
		return e, errorsmod.Wrapf(types.ErrConsentNotLive, "trial %d: consent %d no longer covers %s/%s", t.ID, e.ConsentID, e.Purpose, t.ConsentCategory)
	}
	if e.ConsentedVersion < t.ReconsentVersion {
		return e, errorsmod.Wrapf(types.ErrReconsentRequired, "trial %d: subject consented to version %d, version %d requires re-consent", t.ID, e.ConsentedVersion, t.ReconsentVersion)
	}
	return e, nil
}
