package simulation

import (
	"context"
	"crypto/sha256"
	"fmt"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/trialid"
	"github.com/healthchain/healthd/internal/unixfs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/trials/keeper"
	"github.com/healthchain/healthd/x/trials/types"
)

// Register adds x/trials' operations: registration, protocol versions and
// their review, the subject flow (subjects.go) and the authority's messages,
// accepted and refused.
func Register(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	notMember := csim.Errs(ctypes.ErrMissingRole, ctypes.ErrNotMember)
	reg.Add(weights.Get("trials_register", 5), csim.Succeed(RegisterTrial(k, true)))
	reg.Add(weights.Get("trials_register_not_sponsor", 2), csim.Refuse(d, notMember, RegisterTrial(k, false)))
	reg.Add(weights.Get("trials_approve_version", 6), csim.Attempt(d, csim.Errs(types.ErrDuplicateRegistryID), Decide(k, true)))
	reg.Add(weights.Get("trials_reject_version", 1), csim.Succeed(Reject(k)))
	reg.Add(weights.Get("trials_approve_version_not_committee", 2), csim.Refuse(d, csim.Errs(types.ErrNotEthicsCommittee), Decide(k, false)))
	reg.Add(weights.Get("trials_amend_protocol", 4), csim.Attempt(d, csim.Errs(types.ErrVersionPending, types.ErrTrialClosed), AmendProtocol(k, true)))
	reg.Add(weights.Get("trials_amend_protocol_not_sponsor", 2), csim.Refuse(d, csim.Errs(types.ErrNotSponsor), AmendProtocol(k, false)))
	reg.Add(weights.Get("trials_enrol_not_site", 2), csim.Refuse(d, csim.Errs(types.ErrNotSite), EnrolNotSite(k)))
	// The subject's consent is an x/consent message; x/consent's own
	// factories check its refusals and state.
	reg.Add(weights.Get("trials_subject_consent", 10), csim.Attempt(nil, csim.Errs(consenttypes.ErrOverlappingConsent), SubjectConsent(k)))
	reg.Add(weights.Get("trials_consent_to_version", 10), csim.Succeed(ConsentToVersion(k, consentOK)))
	reg.Add(weights.Get("trials_consent_to_version_not_in_force", 2), csim.Refuse(d, csim.Errs(types.ErrVersionNotApproved), ConsentToVersion(k, consentWrongVersion)))
	reg.Add(weights.Get("trials_enrol", 8), csim.Succeed(Enrol(k)))
	reg.Add(weights.Get("trials_enrol_not_consented", 2), csim.Refuse(d, csim.Errs(types.ErrNotConsented), EnrolNotConsented(k)))
	reg.Add(weights.Get("trials_withdraw", 1), csim.Succeed(Withdraw(k, true)))
	reg.Add(weights.Get("trials_withdraw_not_enrolled", 2), csim.Refuse(d, csim.Errs(types.ErrNotEnrolled), Withdraw(k, false)))
	reg.Add(weights.Get("trials_record_data", 10), csim.Succeed(RecordData(k, dataOK)))
	reg.Add(weights.Get("trials_record_data_not_site", 2), csim.Refuse(d, csim.Errs(types.ErrNotSite), RecordData(k, dataNotSite)))
	reg.Add(weights.Get("trials_amend_data", 4), csim.Succeed(AmendData(k, dataOK)))
	reg.Add(weights.Get("trials_amend_data_not_recorded", 2), csim.Refuse(d, csim.Errs(types.ErrDataNotFound), AmendData(k, dataNotRecorded)))
	reg.Add(weights.Get("trials_report_sae", 4), csim.Succeed(ReportSAE(k, true)))
	reg.Add(weights.Get("trials_report_sae_registered", 2), csim.Refuse(d, csim.Errs(types.ErrNotRecruiting), ReportSAE(k, false)))
	reg.Add(weights.Get("trials_submit_sae_report", 4), csim.Succeed(SubmitSAEReport(k, saeOK)))
	reg.Add(weights.Get("trials_submit_sae_report_not_sponsor", 2), csim.Refuse(d, csim.Errs(types.ErrNotSponsor), SubmitSAEReport(k, saeOtherSponsor)))
	reg.Add(weights.Get("trials_submit_sae_report_again", 2), csim.Refuse(d, csim.Errs(types.ErrSAEAlreadyReported), SubmitSAEReport(k, saeReported)))
	reg.Add(weights.Get("trials_lock_database", 1), csim.Succeed(LockDatabase(k, true)))
	reg.Add(weights.Get("trials_lock_database_not_sponsor", 2), csim.Refuse(d, csim.Errs(types.ErrNotSponsor), LockDatabase(k, false)))
	reg.Add(weights.Get("trials_report_results", 3), csim.Succeed(ReportResults(k, true)))
	reg.Add(weights.Get("trials_report_results_not_locked", 2), csim.Refuse(d, csim.Errs(types.ErrNotLocked), ReportResults(k, false)))
	reg.Add(weights.Get("trials_release_registry_id_unauthorized", 1), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), ReleaseRegistryID(k)))
	reg.Add(weights.Get("trials_update_params", 1), csim.Succeed(UpdateParams(true)))
	reg.Add(weights.Get("trials_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(false)))
}

func content(data *simsx.ChainDataSource) ([]byte, string) {
	r := data.Rand()
	b := make([]byte, r.IntInRange(64, 256))
	for i := range b {
		b[i] = byte(r.IntInRange(0, 256))
	}
	sum := sha256.Sum256(b)
	return sum[:], unixfs.SumBytes(b)
}

// registryID is a ClinicalTrials.gov NCT number, checked with internal/trialid.
func registryID(data *simsx.ChainDataSource) string {
	id, err := trialid.Parse(fmt.Sprintf("NCT%08d", data.Rand().IntInRange(0, 100_000_000)))
	if err != nil {
		panic(err)
	}
	return id.Canonical
}

// RegisterTrial is a research sponsor registering a trial with an ethics
// committee and one hospital site; with sponsor false a member without the
// sponsor role, which is refused.
func RegisterTrial(k keeper.Keeper, sponsor bool) simsx.SimMsgFactoryFn[*types.MsgRegisterTrial] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRegisterTrial) {
		rc := k.ConsortiumKeeper()
		var s simsx.SimAccount
		if sponsor {
			s = csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_RESEARCH_SPONSOR)
		} else {
			s = csim.Outsider(ctx, data, reporter, rc, ctypes.Role_ROLE_RESEARCH_SPONSOR)
		}
		ec := csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_ETHICS_COMMITTEE)
		site := csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL)
		if reporter.IsSkipped() {
			return nil, nil
		}
		if s.Address.Equals(ec.Address) || s.Address.Equals(site.Address) || ec.Address.Equals(site.Address) {
			reporter.Skip("one member in two parts")
			return nil, nil
		}
		commitment, cid := content(data)
		return []simsx.SimAccount{s}, &types.MsgRegisterTrial{
			Sponsor: s.AddressBech32, RegistryID: registryID(data), Title: "Simulated randomised trial",
			Phase: types.Phase(data.Rand().IntInRange(1, len(types.Phase_name))), Sites: []string{site.AddressBech32},
			EthicsCommittee: ec.AddressBech32, TargetEnrolment: uint32(data.Rand().IntInRange(10, 500)),
			Outcomes:        []types.Outcome{{Number: 1, Kind: types.OutcomeKind_OUTCOME_KIND_PRIMARY, Measure: "Change in HbA1c", TimeFrame: "12 weeks"}},
			ConsentCategory: "Observation", PrimaryCompletion: sdk.UnwrapSDKContext(ctx).BlockTime().AddDate(1, 0, 0),
			ProtocolCommitment: commitment, ProtocolCID: cid,
		}
	}
}

// pending returns up to 300 pending protocol versions of open trials (a
// locked or reported trial's pending version is never decided).
func pending(ctx context.Context, k keeper.Keeper) []types.ProtocolVersion {
	var out []types.ProtocolVersion
	_ = k.Versions.Walk(ctx, nil, func(_ collections.Pair[uint64, uint32], v types.ProtocolVersion) (bool, error) {
		if v.Status != types.VersionStatus_VERSION_STATUS_PENDING {
			return false, nil
		}
		if t, err := k.Trials.Get(ctx, v.TrialID); err == nil && (t.Status == types.TrialStatus_TRIAL_STATUS_REGISTERED || recruiting(t)) {
			out = append(out, v)
		}
		return len(out) >= 300, nil
	})
	return out
}

// Reject is the trial's ethics committee rejecting a pending version.
func Reject(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgRejectVersion] {
	approve := Decide(k, true)
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRejectVersion) {
		signers, m := approve(ctx, data, reporter)
		if m == nil {
			return nil, nil
		}
		return signers, &types.MsgRejectVersion{EthicsCommittee: m.EthicsCommittee, TrialID: m.TrialID, Version: m.Version}
	}
}

// Decide is the trial's ethics committee approving a pending version; with
// byCommittee false another ethics committee, which is refused.
func Decide(k keeper.Keeper, byCommittee bool) simsx.SimMsgFactoryFn[*types.MsgApproveVersion] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgApproveVersion) {
		v := csim.Pick(data, reporter, "pending version", pending(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		t, err := k.Trials.Get(ctx, v.TrialID)
		if err != nil {
			reporter.Skipf("trial: %s", err)
			return nil, nil
		}
		rc := k.ConsortiumKeeper()
		var ec simsx.SimAccount
		if byCommittee {
			ec = data.GetAccount(reporter, t.EthicsCommittee)
			if !reporter.IsSkipped() && rc.RequireRole(ctx, ec.Address, ctypes.Role_ROLE_ETHICS_COMMITTEE) != nil {
				reporter.Skip("committee no longer active")
			}
		} else {
			ec = csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_ETHICS_COMMITTEE)
			if !reporter.IsSkipped() && ec.AddressBech32 == t.EthicsCommittee {
				reporter.Skip("picked the trial's committee")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{ec}, &types.MsgApproveVersion{EthicsCommittee: ec.AddressBech32, TrialID: v.TrialID, Version: v.Number}
	}
}

func trials(ctx context.Context, k keeper.Keeper) []types.Trial {
	var out []types.Trial
	_ = k.Trials.Walk(ctx, nil, func(_ uint64, t types.Trial) (bool, error) {
		out = append(out, t)
		return len(out) >= 300, nil
	})
	return out
}

// AmendProtocol is the sponsor submitting a new protocol version; with
// bySponsor false another sponsor, which is refused.
func AmendProtocol(k keeper.Keeper, bySponsor bool) simsx.SimMsgFactoryFn[*types.MsgAmendProtocol] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAmendProtocol) {
		t := csim.Pick(data, reporter, "trial", trials(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		rc := k.ConsortiumKeeper()
		var s simsx.SimAccount
		if bySponsor {
			s = data.GetAccount(reporter, t.Sponsor)
			if !reporter.IsSkipped() && rc.RequireRole(ctx, s.Address, ctypes.Role_ROLE_RESEARCH_SPONSOR) != nil {
				reporter.Skip("sponsor no longer active")
			}
		} else {
			s = csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_RESEARCH_SPONSOR)
			if !reporter.IsSkipped() && s.AddressBech32 == t.Sponsor {
				reporter.Skip("picked the sponsor")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		commitment, cid := content(data)
		return []simsx.SimAccount{s}, &types.MsgAmendProtocol{Sponsor: s.AddressBech32, TrialID: t.ID, Commitment: commitment, CID: cid,
			RequiresReconsent: data.Rand().Bool()}
	}
}

// EnrolNotSite is a hospital that is not one of the trial's sites enrolling
// a patient, which is refused.
func EnrolNotSite(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgEnrolSubject] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgEnrolSubject) {
		t := csim.Pick(data, reporter, "trial", trials(ctx, k))
		rc := k.ConsortiumKeeper()
		site := csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL)
		subject := csim.Patient(ctx, data, reporter, rc)
		if reporter.IsSkipped() {
			return nil, nil
		}
		for _, s := range t.Sites {
			if s == site.AddressBech32 {
				reporter.Skip("picked a site")
				return nil, nil
			}
		}
		return []simsx.SimAccount{site}, &types.MsgEnrolSubject{Site: site.AddressBech32, TrialID: t.ID, Subject: subject.AddressBech32}
	}
}

// ReleaseRegistryID is a member other than the authority releasing a
// trial's registry id, which is refused.
func ReleaseRegistryID(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgReleaseRegistryID] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReleaseRegistryID) {
		t := csim.Pick(data, reporter, "trial", trials(ctx, k))
		signer := data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(csim.Authority(data, reporter)))
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgReleaseRegistryID{Authority: signer.AddressBech32, TrialID: t.ID, Reason: "Registered in error"}
	}
}
