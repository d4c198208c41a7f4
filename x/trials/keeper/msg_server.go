package keeper

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/trials/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the trials Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{Keeper: k} }

// maxHorizon bounds how far ahead a primary completion may lie, so every due
// time computed from it is a sane time.
const maxHorizon = 50 * 365 * types.Day

// emit emits typed events, in order.
func emit(ctx context.Context, evs ...proto.Message) error {
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	for _, ev := range evs {
		if err := em.EmitTypedEvent(ev); err != nil {
			return err
		}
	}
	return nil
}

// RegisterTrial registers a trial and its protocol version 1, pending the
// ethics committee's approval. The registry id is format-checked only: the
// trial claims it when its first version is approved.
func (ms msgServer) RegisterTrial(ctx context.Context, msg *types.MsgRegisterTrial) (*types.MsgRegisterTrialResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	sponsor, err := ms.parseAddress("sponsor", msg.Sponsor)
	if err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, sponsor, consortiumtypes.Role_ROLE_RESEARCH_SPONSOR); err != nil {
		return nil, err
	}
	ec, err := ms.parseAddress("ethics committee", msg.EthicsCommittee)
	if err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, ec, consortiumtypes.Role_ROLE_ETHICS_COMMITTEE); err != nil {
		return nil, err
	}
	sites, err := types.NormalizeSites(msg.Sites)
	if err != nil {
		return nil, err
	}
	for _, s := range sites {
		a, err := ms.parseAddress("site", s)
		if err != nil {
			return nil, err
		}
		if err := ms.consortium.RequireRole(ctx, a, consortiumtypes.Role_ROLE_HOSPITAL); err != nil {
			return nil, err
		}
	}
	if !msg.PrimaryCompletion.After(now) || msg.PrimaryCompletion.Sub(now) > maxHorizon {
		return nil, errorsmod.Wrapf(types.ErrInvalidTrial, "primary completion %s must lie after the block time and within 50 years",
			msg.PrimaryCompletion.UTC().Format(time.RFC3339))
	}
	registryID, err := types.ParseRegistryID(msg.RegistryID)
	if err != nil {
		return nil, err
	}
	// Another trial may hold the id or be registered under it: registering
	// takes nothing (see ApproveVersion), so a squatter blocks no one.
	id, err := nextID(ctx, ms.TrialSeq)
	if err != nil {
		return nil, err
	}
	outcomes := make([]types.Outcome, len(msg.Outcomes))
	for i, o := range msg.Outcomes {
		o.Number = uint32(i + 1)
		outcomes[i] = o
	}
	t := types.Trial{
		ID: id, RegistryID: registryID, Title: msg.Title, Phase: msg.Phase, Sponsor: msg.Sponsor, Sites: sites,
		EthicsCommittee: msg.EthicsCommittee, TargetEnrolment: msg.TargetEnrolment, Outcomes: outcomes,
		ConsentCategory: msg.ConsentCategory, PrimaryCompletion: msg.PrimaryCompletion.UTC(),
		Status: types.TrialStatus_TRIAL_STATUS_REGISTERED, LatestVersion: 1, RegisteredAt: now,
	}
	if err := ms.Trials.Set(ctx, id, t); err != nil {
		return nil, err
	}
	v := types.ProtocolVersion{TrialID: id, Number: 1, Commitment: msg.ProtocolCommitment, CID: msg.ProtocolCID,
		Status: types.VersionStatus_VERSION_STATUS_PENDING, SubmittedAt: now}
	if err := ms.Versions.Set(ctx, collections.Join(id, uint32(1)), v); err != nil {
		return nil, err
	}
	if err := ms.ResultsPending.Set(ctx, collections.Join(t.PrimaryCompletion, id)); err != nil {
		return nil, err
	}
	return &types.MsgRegisterTrialResponse{ID: id}, emit(ctx,
		&types.EventTrialRegistered{TrialID: id, RegistryID: registryID, Sponsor: msg.Sponsor},
		&types.EventVersionSubmitted{TrialID: id, Version: 1})
}

// AmendProtocol submits a new protocol version, pending approval; one at a time.
func (ms msgServer) AmendProtocol(ctx context.Context, msg *types.MsgAmendProtocol) (*types.MsgAmendProtocolResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireSponsor(ctx, t, msg.Sponsor); err != nil {
		return nil, err
	}
	if err := requireOpen(t); err != nil {
		return nil, err
	}
	latest, err := ms.Versions.Get(ctx, collections.Join(t.ID, t.LatestVersion))
	if err != nil {
		return nil, err
	}
	if latest.Status == types.VersionStatus_VERSION_STATUS_PENDING {
		return nil, errorsmod.Wrapf(types.ErrVersionPending, "trial %d: version %d awaits the ethics committee", t.ID, latest.Number)
	}
	if t.LatestVersion >= types.MaxVersions {
		return nil, errorsmod.Wrapf(types.ErrLimitReached, "trial %d has %d versions, the most it may have", t.ID, t.LatestVersion)
	}
	t.LatestVersion++
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	v := types.ProtocolVersion{TrialID: t.ID, Number: t.LatestVersion, Commitment: msg.Commitment, CID: msg.CID,
		RequiresReconsent: msg.RequiresReconsent, Status: types.VersionStatus_VERSION_STATUS_PENDING, SubmittedAt: now}
	if err := ms.Versions.Set(ctx, collections.Join(t.ID, v.Number), v); err != nil {
		return nil, err
	}
	if err := ms.Trials.Set(ctx, t.ID, t); err != nil {
		return nil, err
	}
	return &types.MsgAmendProtocolResponse{Version: v.Number}, emit(ctx,
		&types.EventVersionSubmitted{TrialID: t.ID, Version: v.Number, RequiresReconsent: v.RequiresReconsent})
}

// decide reads the pending version the trial's ethics committee decides on.
func (ms msgServer) decide(ctx context.Context, signer string, trialID uint64, number uint32) (types.Trial, types.ProtocolVersion, error) {
	t, err := ms.getTrial(ctx, trialID)
	if err != nil {
		return t, types.ProtocolVersion{}, err
	}
	if _, err := ms.requireEthicsCommittee(ctx, t, signer); err != nil {
		return t, types.ProtocolVersion{}, err
	}
	if err := requireOpen(t); err != nil {
		return t, types.ProtocolVersion{}, err
	}
	v, err := ms.Versions.Get(ctx, collections.Join(t.ID, number))
	if errors.Is(err, collections.ErrNotFound) {
		return t, v, errorsmod.Wrapf(types.ErrVersionNotFound, "trial %d has no version %d", t.ID, number)
	}
	if err != nil {
		return t, v, err
	}
	if v.Status != types.VersionStatus_VERSION_STATUS_PENDING {
		return t, v, errorsmod.Wrapf(types.ErrVersionNotPending, "trial %d version %d is %s", t.ID, number, v.Status)
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	v.DecidedBy, v.DecidedAt = signer, &now
	return t, v, nil
}

// ApproveVersion puts a pending version in force; if it requires re-consent,
// data is recorded from then on only for subjects who consented to it.
func (ms msgServer) ApproveVersion(ctx context.Context, msg *types.MsgApproveVersion) (*types.MsgApproveVersionResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, v, err := ms.decide(ctx, msg.EthicsCommittee, msg.TrialID, msg.Version)
	if err != nil {
		return nil, err
	}
	var claimed []proto.Message
	if t.CurrentVersion == 0 {
		// The first approved version (version 1, or the amendment that
		// followed a rejected version 1) claims the registry id.
		if err := ms.claimRegistryID(ctx, &t); err != nil {
			return nil, err
		}
		claimed = append(claimed, &types.EventRegistryIDClaimed{TrialID: t.ID, RegistryID: t.RegistryID})
	}
	v.Status = types.VersionStatus_VERSION_STATUS_APPROVED
	t.CurrentVersion = v.Number
	if v.RequiresReconsent {
		t.ReconsentVersion = v.Number
	}
	t.Status = types.TrialStatus_TRIAL_STATUS_RECRUITING
	if err := ms.Versions.Set(ctx, collections.Join(t.ID, v.Number), v); err != nil {
		return nil, err
	}
	if err := ms.Trials.Set(ctx, t.ID, t); err != nil {
		return nil, err
	}
	return &types.MsgApproveVersionResponse{}, emit(ctx, append([]proto.Message{
		&types.EventVersionDecided{TrialID: t.ID, Version: v.Number, Status: v.Status, EthicsCommittee: msg.EthicsCommittee}}, claimed...)...)
}

// claimRegistryID makes t the holder of its registry id, unless another
// trial holds it. It writes the holder entry and t's claim; the caller
// stores t. It is called before anything else is written, so a refusal
// leaves state unchanged.
func (ms msgServer) claimRegistryID(ctx context.Context, t *types.Trial) error {
	holder, err := ms.RegistryHolders.Get(ctx, t.RegistryID)
	switch {
	case err == nil:
		return errorsmod.Wrapf(types.ErrDuplicateRegistryID, "%s is held by trial %d; the chain authority can release it if the registry says it is trial %d's",
			t.RegistryID, holder, t.ID)
	case !errors.Is(err, collections.ErrNotFound):
		return err
	}
	t.RegistryClaim = types.RegistryClaim_REGISTRY_CLAIM_HELD
	return ms.RegistryHolders.Set(ctx, t.RegistryID, t.ID)
}

// RejectVersion rejects a pending version; the sponsor may submit another.
func (ms msgServer) RejectVersion(ctx context.Context, msg *types.MsgRejectVersion) (*types.MsgRejectVersionResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, v, err := ms.decide(ctx, msg.EthicsCommittee, msg.TrialID, msg.Version)
	if err != nil {
		return nil, err
	}
	v.Status = types.VersionStatus_VERSION_STATUS_REJECTED
	if err := ms.Versions.Set(ctx, collections.Join(t.ID, v.Number), v); err != nil {
		return nil, err
	}
	return &types.MsgRejectVersionResponse{}, emit(ctx,
		&types.EventVersionDecided{TrialID: t.ID, Version: v.Number, Status: v.Status, EthicsCommittee: msg.EthicsCommittee})
}

// ConsentToVersion binds the subject's live x/consent consent to the site to
// the version in force. The subject signs: nobody else can consent for them.
func (ms msgServer) ConsentToVersion(ctx context.Context, msg *types.MsgConsentToVersion) (*types.MsgConsentToVersionResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	subject, err := ms.parseAddress("subject", msg.Subject)
	if err != nil {
		return nil, err
	}
	site, err := ms.parseAddress("site", msg.Site)
	if err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	if err := requireRecruiting(t); err != nil {
		return nil, err
	}
	if msg.Version != t.CurrentVersion {
		return nil, errorsmod.Wrapf(types.ErrVersionNotApproved, "trial %d: version %d is in force, not %d", t.ID, t.CurrentVersion, msg.Version)
	}
	if _, found := slices.BinarySearch(t.Sites, msg.Site); !found {
		return nil, errorsmod.Wrapf(types.ErrNotSite, "trial %d: %s is not one of its sites", t.ID, msg.Site)
	}
	key := collections.Join(t.ID, subject)
	e, err := ms.Enrolments.Get(ctx, key)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		e = types.Enrolment{TrialID: t.ID, Subject: msg.Subject, Site: msg.Site, Status: types.EnrolmentStatus_ENROLMENT_STATUS_CONSENTED}
	case err != nil:
		return nil, err
	case e.Status == types.EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN:
		return nil, errorsmod.Wrapf(types.ErrWithdrawn, "trial %d: the subject withdrew", t.ID)
	case e.Site != msg.Site:
		return nil, errorsmod.Wrapf(types.ErrNotSite, "trial %d: the subject is with %s", t.ID, e.Site)
	}
	var lastErr error
	for _, purpose := range types.ConsentPurposes {
		auth, err := ms.consent.Authorize(ctx, subject, site, purpose, t.ConsentCategory)
		if err != nil {
			lastErr = err
			continue
		}
		if auth.ConsentID == 0 {
			continue // break-glass access is no consent
		}
		now := sdk.UnwrapSDKContext(ctx).BlockTime()
		e.ConsentedVersion, e.ConsentID, e.Purpose, e.ConsentedAt = t.CurrentVersion, auth.ConsentID, purpose, now
		if err := ms.Enrolments.Set(ctx, key, e); err != nil {
			return nil, err
		}
		return &types.MsgConsentToVersionResponse{ConsentID: auth.ConsentID}, emit(ctx,
			&types.EventSubjectConsented{TrialID: t.ID, Site: msg.Site, Version: t.CurrentVersion})
	}
	return nil, errorsmod.Wrapf(types.ErrConsentNotLive, "trial %d: grant %s purpose CLINTRL or HRESCH over %s first (%v)",
		t.ID, msg.Site, t.ConsentCategory, lastErr)
}

// EnrolSubject enrols a subject who consented to the version in force and
// whose consent is live.
func (ms msgServer) EnrolSubject(ctx context.Context, msg *types.MsgEnrolSubject) (*types.MsgEnrolSubjectResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	site, err := ms.requireSite(ctx, t, msg.Site)
	if err != nil {
		return nil, err
	}
	if err := requireRecruiting(t); err != nil {
		return nil, err
	}
	subject, err := ms.parseAddress("subject", msg.Subject)
	if err != nil {
		return nil, err
	}
	e, err := ms.Enrolments.Get(ctx, collections.Join(t.ID, subject))
	switch {
	case errors.Is(err, collections.ErrNotFound):
		return nil, errorsmod.Wrapf(types.ErrNotConsented, "trial %d: the subject has not consented to version %d", t.ID, t.CurrentVersion)
	case err != nil:
		return nil, err
	case e.Status == types.EnrolmentStatus_ENROLMENT_STATUS_ENROLLED:
		return nil, errorsmod.Wrapf(types.ErrAlreadyEnrolled, "trial %d, at %s", t.ID, e.Site)
	case e.Status == types.EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN:
		return nil, errorsmod.Wrapf(types.ErrWithdrawn, "trial %d: the subject withdrew", t.ID)
	case e.Site != msg.Site:
		return nil, errorsmod.Wrapf(types.ErrNotSite, "trial %d: the subject consented with %s", t.ID, e.Site)
	case e.ConsentedVersion != t.CurrentVersion:
		return nil, errorsmod.Wrapf(types.ErrNotConsented, "trial %d: the subject consented to version %d, version %d is in force", t.ID, e.ConsentedVersion, t.CurrentVersion)
	}
	live, err := ms.consentLive(ctx, t, e)
	if err != nil {
		return nil, err
	}
	if !live {
		return nil, errorsmod.Wrapf(types.ErrConsentNotLive, "trial %d: consent %d no longer covers %s/%s", t.ID, e.ConsentID, e.Purpose, t.ConsentCategory)
	}
	countKey := collections.Join3(t.ID, site, t.CurrentVersion)
	count, err := ms.EnrolmentCounts.Get(ctx, countKey)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	if count == math.MaxUint64 || t.Enrolled == math.MaxUint64 {
		return nil, errorsmod.Wrapf(types.ErrLimitReached, "trial %d: enrolment count", t.ID)
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	e.Status, e.EnrolledVersion, e.EnrolledAt = types.EnrolmentStatus_ENROLMENT_STATUS_ENROLLED, t.CurrentVersion, &now
	t.Enrolled++
	if err := ms.Enrolments.Set(ctx, collections.Join(t.ID, subject), e); err != nil {
		return nil, err
	}
	if err := ms.EnrolmentCounts.Set(ctx, countKey, count+1); err != nil {
		return nil, err
	}
	if err := ms.Trials.Set(ctx, t.ID, t); err != nil {
		return nil, err
	}
	return &types.MsgEnrolSubjectResponse{}, emit(ctx, &types.EventSubjectEnrolled{TrialID: t.ID, Site: msg.Site, Version: t.CurrentVersion})
}

// Withdraw records the subject's withdrawal: no new data from now on; what
// was recorded before stays.
func (ms msgServer) Withdraw(ctx context.Context, msg *types.MsgWithdraw) (*types.MsgWithdrawResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	subject, err := ms.parseAddress("subject", msg.Subject)
	if err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	e, err := ms.getEnrolment(ctx, t, subject)
	if err != nil {
		return nil, err
	}
	if e.Status == types.EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN {
		return nil, errorsmod.Wrapf(types.ErrWithdrawn, "trial %d: already withdrawn", t.ID)
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	e.Status, e.WithdrawnAt = types.EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN, &now
	if err := ms.Enrolments.Set(ctx, collections.Join(t.ID, subject), e); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawResponse{}, emit(ctx, &types.EventSubjectWithdrawn{TrialID: t.ID, Site: e.Site})
}

// RecordData anchors the first entry of a visit's case-report form.
func (ms msgServer) RecordData(ctx context.Context, msg *types.MsgRecordData) (*types.MsgRecordDataResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireSite(ctx, t, msg.Site); err != nil {
		return nil, err
	}
	subject, err := ms.parseAddress("subject", msg.Subject)
	if err != nil {
		return nil, err
	}
	if _, err := ms.mayRecord(ctx, t, msg.Site, subject); err != nil {
		return nil, err
	}
	latestKey := collections.Join3(t.ID, subject, msg.Visit)
	if id, err := ms.LatestData.Get(ctx, latestKey); err == nil {
		return nil, errorsmod.Wrapf(types.ErrAlreadyRecorded, "trial %d visit %s: entry %d", t.ID, msg.Visit, id)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	id, err := ms.store(ctx, t, latestKey, types.DataEntry{Subject: msg.Subject, Site: msg.Site, Visit: msg.Visit, Version: 1,
		Commitment: msg.Commitment, CID: msg.CID})
	if err != nil {
		return nil, err
	}
	return &types.MsgRecordDataResponse{ID: id}, nil
}

// AmendData anchors a new version of a visit's form, naming the one it
// replaces and why; the old one stays.
func (ms msgServer) AmendData(ctx context.Context, msg *types.MsgAmendData) (*types.MsgAmendDataResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireSite(ctx, t, msg.Site); err != nil {
		return nil, err
	}
	subject, err := ms.parseAddress("subject", msg.Subject)
	if err != nil {
		return nil, err
	}
	if _, err := ms.mayRecord(ctx, t, msg.Site, subject); err != nil {
		return nil, err
	}
	latestKey := collections.Join3(t.ID, subject, msg.Visit)
	prevID, err := ms.LatestData.Get(ctx, latestKey)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrDataNotFound, "trial %d visit %s", t.ID, msg.Visit)
	}
	if err != nil {
		return nil, err
	}
	prev, err := ms.Data.Get(ctx, prevID)
	if err != nil {
		return nil, err
	}
	if prev.Version >= types.MaxDataVersions {
		return nil, errorsmod.Wrapf(types.ErrLimitReached, "trial %d visit %s has %d versions", t.ID, msg.Visit, prev.Version)
	}
	id, err := ms.store(ctx, t, latestKey, types.DataEntry{Subject: msg.Subject, Site: msg.Site, Visit: msg.Visit, Version: prev.Version + 1,
		Commitment: msg.Commitment, CID: msg.CID, Amends: prevID, Reason: msg.Reason})
	if err != nil {
		return nil, err
	}
	return &types.MsgAmendDataResponse{ID: id, Version: prev.Version + 1}, nil
}

// store writes a data entry, time-stamped by the block, as the newest of its visit.
func (ms msgServer) store(ctx context.Context, t types.Trial, latestKey collections.Triple[uint64, sdk.AccAddress, string], d types.DataEntry) (uint64, error) {
	id, err := nextID(ctx, ms.DataSeq)
	if err != nil {
		return 0, err
	}
	d.ID, d.TrialID, d.ProtocolVersion, d.RecordedAt = id, t.ID, t.CurrentVersion, sdk.UnwrapSDKContext(ctx).BlockTime()
	if err := ms.Data.Set(ctx, id, d); err != nil {
		return 0, err
	}
	if err := ms.LatestData.Set(ctx, latestKey, id); err != nil {
		return 0, err
	}
	return id, emit(ctx, &types.EventDataRecorded{TrialID: t.ID, EntryID: id, Site: d.Site, Version: d.Version, Reason: d.Reason})
}

// ReportSAE opens a serious adverse event's reporting clock: 7 days for a
// fatal or life-threatening unexpected reaction, 15 otherwise (params).
func (ms msgServer) ReportSAE(ctx context.Context, msg *types.MsgReportSAE) (*types.MsgReportSAEResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireSite(ctx, t, msg.Site); err != nil {
		return nil, err
	}
	if t.Status == types.TrialStatus_TRIAL_STATUS_REGISTERED {
		return nil, errorsmod.Wrapf(types.ErrNotRecruiting, "trial %d has no subjects yet", t.ID)
	}
	params, err := ms.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	id, err := nextID(ctx, ms.SAESeq)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	expedited := msg.FatalOrLifeThreatening && msg.Unexpected
	c := types.SAEClock{ID: id, TrialID: t.ID, Site: msg.Site, Expedited: expedited, OpenedAt: now, DueAt: now.Add(params.SAEWindow(expedited))}
	if err := ms.SAEClocks.Set(ctx, id, c); err != nil {
		return nil, err
	}
	if err := ms.OpenSAEs.Set(ctx, collections.Join(c.DueAt, id)); err != nil {
		return nil, err
	}
	return &types.MsgReportSAEResponse{ID: id, DueAt: c.DueAt}, emit(ctx,
		&types.EventSAEOpened{SAEID: id, TrialID: t.ID, Site: msg.Site, DueAt: c.DueAt})
}

// SubmitSAEReport closes a clock with the sponsor's report; after the due
// time it is accepted and marked late.
func (ms msgServer) SubmitSAEReport(ctx context.Context, msg *types.MsgSubmitSAEReport) (*types.MsgSubmitSAEReportResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	c, err := ms.SAEClocks.Get(ctx, msg.SAEID)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrSAENotFound, "SAE %d", msg.SAEID)
	}
	if err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, c.TrialID)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireSponsor(ctx, t, msg.Sponsor); err != nil {
		return nil, err
	}
	if c.ReportedAt != nil {
		return nil, errorsmod.Wrapf(types.ErrSAEAlreadyReported, "SAE %d at %s", c.ID, c.ReportedAt.UTC().Format(time.RFC3339))
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	c.ReportedAt, c.ReportCommitment, c.ReportCID, c.Late = &now, msg.Commitment, msg.CID, now.After(c.DueAt)
	if err := ms.SAEClocks.Set(ctx, c.ID, c); err != nil {
		return nil, err
	}
	if err := ms.OpenSAEs.Remove(ctx, collections.Join(c.DueAt, c.ID)); err != nil {
		return nil, err
	}
	if c.Late {
		if err := ms.LateSAEs.Set(ctx, collections.Join(c.TrialID, c.ID)); err != nil {
			return nil, err
		}
	}
	return &types.MsgSubmitSAEReportResponse{Late: c.Late}, emit(ctx, &types.EventSAEReported{SAEID: c.ID, TrialID: c.TrialID, Late: c.Late})
}

// LockDatabase locks the dataset: no enrolment, data or amendment after it.
func (ms msgServer) LockDatabase(ctx context.Context, msg *types.MsgLockDatabase) (*types.MsgLockDatabaseResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireSponsor(ctx, t, msg.Sponsor); err != nil {
		return nil, err
	}
	if err := requireRecruiting(t); err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	t.Status, t.LockCommitment, t.LockCID, t.LockedAt = types.TrialStatus_TRIAL_STATUS_LOCKED, msg.Commitment, msg.CID, &now
	if err := ms.Trials.Set(ctx, t.ID, t); err != nil {
		return nil, err
	}
	return &types.MsgLockDatabaseResponse{}, emit(ctx, &types.EventDatabaseLocked{TrialID: t.ID})
}

// ReportResults records results per outcome after the lock, and every outcome
// switch with the sponsor's reason.
func (ms msgServer) ReportResults(ctx context.Context, msg *types.MsgReportResults) (*types.MsgReportResultsResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	if _, err := ms.requireSponsor(ctx, t, msg.Sponsor); err != nil {
		return nil, err
	}
	switch t.Status {
	case types.TrialStatus_TRIAL_STATUS_LOCKED:
	case types.TrialStatus_TRIAL_STATUS_RESULTS_REPORTED:
		return nil, errorsmod.Wrapf(types.ErrTrialClosed, "trial %d: results already reported", t.ID)
	default:
		return nil, errorsmod.Wrapf(types.ErrNotLocked, "trial %d: lock the dataset first", t.ID)
	}
	switches, err := types.DetectSwitches(t.ID, t.Outcomes, msg.Outcomes, msg.Omissions)
	if err != nil {
		return nil, err
	}
	params, err := ms.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	late := now.After(t.PrimaryCompletion.Add(params.ResultsDueAfter))
	if err := ms.Results.Set(ctx, t.ID, types.Results{TrialID: t.ID, Outcomes: msg.Outcomes, ReportedAt: now, Late: late}); err != nil {
		return nil, err
	}
	events := make([]proto.Message, 0, len(switches)+1)
	for _, s := range switches {
		if err := ms.Switches.Set(ctx, collections.Join(t.ID, s.Seq), s); err != nil {
			return nil, err
		}
		events = append(events, &types.EventOutcomeSwitch{TrialID: t.ID, Seq: s.Seq, Kind: s.Kind, OutcomeNumber: s.Outcome.Number, Reason: s.Reason})
	}
	if err := ms.ResultsPending.Remove(ctx, collections.Join(t.PrimaryCompletion, t.ID)); err != nil {
		return nil, err
	}
	t.Status = types.TrialStatus_TRIAL_STATUS_RESULTS_REPORTED
	if err := ms.Trials.Set(ctx, t.ID, t); err != nil {
		return nil, err
	}
	n := uint32(len(switches))
	events = append(events, &types.EventResultsReported{TrialID: t.ID, Switches: n, Late: late})
	return &types.MsgReportResultsResponse{Switches: n, Late: late}, emit(ctx, events...)
}

// UpdateParams replaces the params (chain authority only).
func (ms msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, ms.Params.Set(ctx, msg.Params)
}

// ReleaseRegistryID releases the registry id a trial holds (chain authority
// only): the id goes back to no one, so the trial the registry names can
// claim it with its own approval. The released trial keeps its record, its
// versions and its data, and never holds the id again.
func (ms msgServer) ReleaseRegistryID(ctx context.Context, msg *types.MsgReleaseRegistryID) (*types.MsgReleaseRegistryIDResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	t, err := ms.getTrial(ctx, msg.TrialID)
	if err != nil {
		return nil, err
	}
	if t.RegistryClaim != types.RegistryClaim_REGISTRY_CLAIM_HELD {
		return nil, errorsmod.Wrapf(types.ErrRegistryIDNotHeld, "trial %d: %s is %s", t.ID, t.RegistryID, t.RegistryClaim)
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	t.RegistryClaim, t.RegistryReleasedAt, t.RegistryReleaseReason = types.RegistryClaim_REGISTRY_CLAIM_RELEASED, &now, msg.Reason
	if err := ms.RegistryHolders.Remove(ctx, t.RegistryID); err != nil {
		return nil, err
	}
	if err := ms.Trials.Set(ctx, t.ID, t); err != nil {
		return nil, err
	}
	return &types.MsgReleaseRegistryIDResponse{}, emit(ctx,
		&types.EventRegistryIDReleased{TrialID: t.ID, RegistryID: t.RegistryID, Reason: msg.Reason})
}
