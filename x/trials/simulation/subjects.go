package simulation

import (
	"context"
	"fmt"
	"slices"
	"time"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/trials/keeper"
	"github.com/healthchain/healthd/x/trials/types"
)

// The subject flow: the subject's consent (x/consent, purpose CLINTRL to
// the site over the trial's category), consent to the version in force,
// enrolment, withdrawal, case-report data and its amendments, serious
// adverse events and the sponsor's reports, the database lock and the
// results.

// visits are the visit codes the simulation records data under.
var visits = []string{"BASELINE", "V1", "V2", "V3", "WEEK-12", "EOT"}

func trialsWhere(ctx context.Context, k keeper.Keeper, keep func(types.Trial) bool) []types.Trial {
	var out []types.Trial
	_ = k.Trials.Walk(ctx, nil, func(_ uint64, t types.Trial) (bool, error) {
		if keep(t) {
			out = append(out, t)
		}
		return len(out) >= 300, nil
	})
	return out
}

func recruiting(t types.Trial) bool { return t.Status == types.TrialStatus_TRIAL_STATUS_RECRUITING }

// activeParty returns the account of addr when it is an active member with
// role, or skips.
func activeParty(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, addr string, role ctypes.Role) simsx.SimAccount {
	a := data.GetAccount(reporter, addr)
	if !reporter.IsSkipped() && k.ConsortiumKeeper().RequireRole(ctx, a.Address, role) != nil {
		reporter.Skipf("%s no longer active", role)
	}
	return a
}

// trialConsent returns the live consent of subject to site for the trial
// (CLINTRL or HRESCH over its category, as the msg server looks for it).
func trialConsent(ctx context.Context, k keeper.Keeper, t types.Trial, subject, site sdk.AccAddress) (uint64, bool) {
	for _, p := range types.ConsentPurposes {
		if auth, err := k.ConsentKeeper().Authorize(ctx, subject, site, p, t.ConsentCategory); err == nil && auth.ConsentID != 0 {
			return auth.ConsentID, true
		}
	}
	return 0, false
}

// SubjectConsent is a patient consenting (x/consent) to one of a recruiting
// trial's sites using their data for the trial: purpose CLINTRL over the
// trial's category, for sixty days. A consent the factory sees is not
// granted again.
func SubjectConsent(k keeper.Keeper) simsx.SimMsgFactoryFn[*consenttypes.MsgGrantConsent] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *consenttypes.MsgGrantConsent) {
		t := csim.Pick(data, reporter, "recruiting trial", trialsWhere(ctx, k, recruiting))
		if reporter.IsSkipped() {
			return nil, nil
		}
		site := data.GetAccount(reporter, csim.Pick(data, reporter, "site", t.Sites))
		subject := csim.Patient(ctx, data, reporter, k.ConsortiumKeeper())
		if reporter.IsSkipped() {
			return nil, nil
		}
		// csim.Patient is any account without an active role: a suspended
		// site is one, and is not its own subject.
		if subject.AddressBech32 == site.AddressBech32 {
			reporter.Skip("picked the site")
			return nil, nil
		}
		if _, ok := trialConsent(ctx, k, t, subject.Address, site.Address); ok {
			reporter.Skip("the subject consented already")
			return nil, nil
		}
		return []simsx.SimAccount{subject}, &consenttypes.MsgGrantConsent{
			Signer: subject.AddressBech32, Patient: subject.AddressBech32, Grantee: site.AddressBech32,
			Purpose: types.ConsentPurposes[0], Categories: []string{t.ConsentCategory}, End: blockTime(ctx).AddDate(0, 0, 60),
		}
	}
}

func blockTime(ctx context.Context) time.Time { return sdk.UnwrapSDKContext(ctx).BlockTime() }

func enrolment(ctx context.Context, k keeper.Keeper, trialID uint64, subject sdk.AccAddress) (types.Enrolment, bool) {
	e, err := k.Enrolments.Get(ctx, collections.Join(trialID, subject))
	return e, err == nil
}

type consentMode int

const (
	consentOK consentMode = iota
	consentWrongVersion
)

// ConsentToVersion is a subject with a live consent to a recruiting trial's
// site consenting to the version in force (again, after an amendment that
// requires it); consentWrongVersion names a version that is not in force,
// which is refused.
func ConsentToVersion(k keeper.Keeper, mode consentMode) simsx.SimMsgFactoryFn[*types.MsgConsentToVersion] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgConsentToVersion) {
		t := csim.Pick(data, reporter, "recruiting trial", trialsWhere(ctx, k, recruiting))
		if reporter.IsSkipped() {
			return nil, nil
		}
		site := data.GetAccount(reporter, csim.Pick(data, reporter, "site", t.Sites))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var subject simsx.SimAccount
		if mode == consentWrongVersion {
			subject = csim.Patient(ctx, data, reporter, k.ConsortiumKeeper())
			if !reporter.IsSkipped() && subject.AddressBech32 == site.AddressBech32 {
				reporter.Skip("picked the site") // suspended, so no active role
			}
		} else {
			subject = csim.AccountWhere(data, reporter, "subject with a live consent", func(a simsx.SimAccount) bool {
				if _, ok := trialConsent(ctx, k, t, a.Address, site.Address); !ok {
					return false
				}
				e, found := enrolment(ctx, k, t.ID, a.Address)
				return !found || e.Status != types.EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN && e.Site == site.AddressBech32
			})
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		version := t.CurrentVersion
		if mode == consentWrongVersion {
			version++
		}
		return []simsx.SimAccount{subject}, &types.MsgConsentToVersion{Subject: subject.AddressBech32, TrialID: t.ID, Site: site.AddressBech32, Version: version}
	}
}

// enrolmentsWhere returns up to 300 enrolments for which keep holds, with
// their trials.
func enrolmentsWhere(ctx context.Context, k keeper.Keeper, keep func(types.Trial, types.Enrolment) bool) []types.Enrolment {
	var out []types.Enrolment
	_ = k.Enrolments.Walk(ctx, nil, func(_ keeper.SubjectKey, e types.Enrolment) (bool, error) {
		t, err := k.Trials.Get(ctx, e.TrialID)
		if err == nil && keep(t, e) {
			out = append(out, e)
		}
		return len(out) >= 300, nil
	})
	return out
}

// consentLive asks x/consent whether the enrolment's consent still holds.
func consentLive(ctx context.Context, k keeper.Keeper, t types.Trial, e types.Enrolment) bool {
	ok, err := k.ConsentKeeper().StillAuthorized(ctx, consenttypes.Authorization{ConsentID: e.ConsentID}, e.Purpose, t.ConsentCategory)
	return err == nil && ok
}

// Enrol is the site enrolling a subject who consented to the version in
// force, with the consent still live.
func Enrol(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgEnrolSubject] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgEnrolSubject) {
		e := csim.Pick(data, reporter, "consented subject", enrolmentsWhere(ctx, k, func(t types.Trial, e types.Enrolment) bool {
			return recruiting(t) && e.Status == types.EnrolmentStatus_ENROLMENT_STATUS_CONSENTED && e.ConsentedVersion == t.CurrentVersion && consentLive(ctx, k, t, e)
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		site := activeParty(ctx, k, data, reporter, e.Site, ctypes.Role_ROLE_HOSPITAL)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{site}, &types.MsgEnrolSubject{Site: site.AddressBech32, TrialID: e.TrialID, Subject: e.Subject}
	}
}

// EnrolNotConsented is a trial's site enrolling a patient who never
// consented to it, which is refused.
func EnrolNotConsented(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgEnrolSubject] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgEnrolSubject) {
		t := csim.Pick(data, reporter, "recruiting trial", trialsWhere(ctx, k, recruiting))
		if reporter.IsSkipped() {
			return nil, nil
		}
		site := activeParty(ctx, k, data, reporter, csim.Pick(data, reporter, "site", t.Sites), ctypes.Role_ROLE_HOSPITAL)
		subject := csim.Patient(ctx, data, reporter, k.ConsortiumKeeper())
		if reporter.IsSkipped() {
			return nil, nil
		}
		if _, found := enrolment(ctx, k, t.ID, subject.Address); found {
			reporter.Skip("the patient consented")
			return nil, nil
		}
		return []simsx.SimAccount{site}, &types.MsgEnrolSubject{Site: site.AddressBech32, TrialID: t.ID, Subject: subject.AddressBech32}
	}
}

// Withdraw is a subject leaving a trial; with enrolled false a patient who
// never consented to it, which is refused.
func Withdraw(k keeper.Keeper, enrolled bool) simsx.SimMsgFactoryFn[*types.MsgWithdraw] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgWithdraw) {
		if !enrolled {
			t := csim.Pick(data, reporter, "trial", trials(ctx, k))
			subject := csim.Patient(ctx, data, reporter, k.ConsortiumKeeper())
			if reporter.IsSkipped() {
				return nil, nil
			}
			if _, found := enrolment(ctx, k, t.ID, subject.Address); found {
				reporter.Skip("the patient consented")
				return nil, nil
			}
			return []simsx.SimAccount{subject}, &types.MsgWithdraw{Subject: subject.AddressBech32, TrialID: t.ID}
		}
		e := csim.Pick(data, reporter, "subject", enrolmentsWhere(ctx, k, func(_ types.Trial, e types.Enrolment) bool {
			return e.Status != types.EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		subject := data.GetAccount(reporter, e.Subject)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{subject}, &types.MsgWithdraw{Subject: subject.AddressBech32, TrialID: e.TrialID}
	}
}

// mayRecord is the msg server's condition for data: a recruiting trial, the
// subject enrolled there with a live consent to a version that needs no
// re-consent.
func mayRecord(ctx context.Context, k keeper.Keeper, t types.Trial, e types.Enrolment) bool {
	return recruiting(t) && e.Status == types.EnrolmentStatus_ENROLMENT_STATUS_ENROLLED &&
		e.ConsentedVersion >= t.ReconsentVersion && consentLive(ctx, k, t, e)
}

func recorded(ctx context.Context, k keeper.Keeper, e types.Enrolment, subject sdk.AccAddress, visit string) bool {
	has, _ := k.LatestData.Has(ctx, collections.Join3(e.TrialID, subject, visit))
	return has
}

type dataMode int

const (
	dataOK dataMode = iota
	dataNotSite
	dataNotRecorded
)

// recordable picks an enrolled subject whose data may be recorded and a
// visit that is (recordedVisit) or is not yet recorded.
func recordable(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, recordedVisit bool) (types.Enrolment, simsx.SimAccount, string) {
	e := csim.Pick(data, reporter, "enrolled subject", enrolmentsWhere(ctx, k, func(t types.Trial, e types.Enrolment) bool { return mayRecord(ctx, k, t, e) }))
	if reporter.IsSkipped() {
		return e, simsx.SimAccount{}, ""
	}
	subject := data.GetAccount(reporter, e.Subject)
	if reporter.IsSkipped() {
		return e, subject, ""
	}
	var vs []string
	for _, v := range visits {
		if recorded(ctx, k, e, subject.Address, v) == recordedVisit {
			vs = append(vs, v)
		}
	}
	return e, subject, csim.Pick(data, reporter, "visit", vs)
}

// RecordData is the subject's site anchoring a visit's case-report form;
// dataNotSite has a hospital that is not the trial's site send it, which is
// refused.
func RecordData(k keeper.Keeper, mode dataMode) simsx.SimMsgFactoryFn[*types.MsgRecordData] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRecordData) {
		e, subject, visit := recordable(ctx, k, data, reporter, false)
		if reporter.IsSkipped() {
			return nil, nil
		}
		var site simsx.SimAccount
		if mode == dataNotSite {
			site = csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_HOSPITAL)
			if t, err := k.Trials.Get(ctx, e.TrialID); !reporter.IsSkipped() && (err != nil || slices.Contains(t.Sites, site.AddressBech32)) {
				reporter.Skip("picked one of the trial's sites")
			}
		} else {
			site = activeParty(ctx, k, data, reporter, e.Site, ctypes.Role_ROLE_HOSPITAL)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		commitment, cid := content(data)
		return []simsx.SimAccount{site}, &types.MsgRecordData{Site: site.AddressBech32, TrialID: e.TrialID, Subject: subject.AddressBech32,
			Visit: visit, Commitment: commitment, CID: cid}
	}
}

// AmendData is the site correcting a recorded visit with a reason code;
// dataNotRecorded amends a visit never recorded, which is refused.
func AmendData(k keeper.Keeper, mode dataMode) simsx.SimMsgFactoryFn[*types.MsgAmendData] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAmendData) {
		e, subject, visit := recordable(ctx, k, data, reporter, mode != dataNotRecorded)
		if reporter.IsSkipped() {
			return nil, nil
		}
		if mode != dataNotRecorded {
			id, err := k.LatestData.Get(ctx, collections.Join3(e.TrialID, subject.Address, visit))
			if err != nil {
				reporter.Skipf("latest data: %s", err)
				return nil, nil
			}
			if d, err := k.Data.Get(ctx, id); err != nil || d.Version >= types.MaxDataVersions {
				reporter.Skip("no amendment left")
				return nil, nil
			}
		}
		site := activeParty(ctx, k, data, reporter, e.Site, ctypes.Role_ROLE_HOSPITAL)
		if reporter.IsSkipped() {
			return nil, nil
		}
		commitment, cid := content(data)
		return []simsx.SimAccount{site}, &types.MsgAmendData{Site: site.AddressBech32, TrialID: e.TrialID, Subject: subject.AddressBech32,
			Visit: visit, Commitment: commitment, CID: cid, Reason: types.AmendReason(data.Rand().IntInRange(1, len(types.AmendReason_name)))}
	}
}

// ReportSAE is a site opening a serious adverse event's reporting clock in a
// trial past registration; with started false in a trial still only
// registered (no subjects), which is refused.
func ReportSAE(k keeper.Keeper, started bool) simsx.SimMsgFactoryFn[*types.MsgReportSAE] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReportSAE) {
		t := csim.Pick(data, reporter, "trial", trialsWhere(ctx, k, func(t types.Trial) bool {
			return (t.Status != types.TrialStatus_TRIAL_STATUS_REGISTERED) == started
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		site := activeParty(ctx, k, data, reporter, csim.Pick(data, reporter, "site", t.Sites), ctypes.Role_ROLE_HOSPITAL)
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		return []simsx.SimAccount{site}, &types.MsgReportSAE{Site: site.AddressBech32, TrialID: t.ID, FatalOrLifeThreatening: r.Bool(), Unexpected: r.Bool()}
	}
}

type saeMode int

const (
	saeOK saeMode = iota
	saeOtherSponsor
	saeReported
)

// SubmitSAEReport is the sponsor filing the expedited report of an open SAE
// clock. Refused: another sponsor (saeOtherSponsor), a clock already
// reported (saeReported).
func SubmitSAEReport(k keeper.Keeper, mode saeMode) simsx.SimMsgFactoryFn[*types.MsgSubmitSAEReport] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSubmitSAEReport) {
		var clocks []types.SAEClock
		_ = k.SAEClocks.Walk(ctx, nil, func(_ uint64, c types.SAEClock) (bool, error) {
			if (c.ReportedAt != nil) == (mode == saeReported) {
				clocks = append(clocks, c)
			}
			return len(clocks) >= 300, nil
		})
		c := csim.Pick(data, reporter, "SAE clock", clocks)
		if reporter.IsSkipped() {
			return nil, nil
		}
		t, err := k.Trials.Get(ctx, c.TrialID)
		if err != nil {
			reporter.Skipf("trial: %s", err)
			return nil, nil
		}
		var s simsx.SimAccount
		if mode == saeOtherSponsor {
			s = csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_RESEARCH_SPONSOR)
			if !reporter.IsSkipped() && s.AddressBech32 == t.Sponsor {
				reporter.Skip("picked the sponsor")
			}
		} else {
			s = activeParty(ctx, k, data, reporter, t.Sponsor, ctypes.Role_ROLE_RESEARCH_SPONSOR)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		commitment, cid := content(data)
		return []simsx.SimAccount{s}, &types.MsgSubmitSAEReport{Sponsor: s.AddressBech32, SAEID: c.ID, Commitment: commitment, CID: cid}
	}
}

// LockDatabase is the sponsor locking a recruiting trial's dataset; with
// own false another sponsor, which is refused.
func LockDatabase(k keeper.Keeper, own bool) simsx.SimMsgFactoryFn[*types.MsgLockDatabase] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgLockDatabase) {
		t := csim.Pick(data, reporter, "recruiting trial", trialsWhere(ctx, k, recruiting))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var s simsx.SimAccount
		if own {
			s = activeParty(ctx, k, data, reporter, t.Sponsor, ctypes.Role_ROLE_RESEARCH_SPONSOR)
		} else {
			s = csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_RESEARCH_SPONSOR)
			if !reporter.IsSkipped() && s.AddressBech32 == t.Sponsor {
				reporter.Skip("picked the sponsor")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		commitment, cid := content(data)
		return []simsx.SimAccount{s}, &types.MsgLockDatabase{Sponsor: s.AddressBech32, TrialID: t.ID, Commitment: commitment, CID: cid}
	}
}

// ReportResults is the sponsor reporting every pre-specified outcome of a
// locked trial, as registered (no switch); with locked false the results of
// a trial still recruiting, which is refused.
func ReportResults(k keeper.Keeper, locked bool) simsx.SimMsgFactoryFn[*types.MsgReportResults] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReportResults) {
		status := types.TrialStatus_TRIAL_STATUS_RECRUITING
		if locked {
			status = types.TrialStatus_TRIAL_STATUS_LOCKED
		}
		t := csim.Pick(data, reporter, fmt.Sprintf("%s trial", status), trialsWhere(ctx, k, func(t types.Trial) bool { return t.Status == status }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		s := activeParty(ctx, k, data, reporter, t.Sponsor, ctypes.Role_ROLE_RESEARCH_SPONSOR)
		if reporter.IsSkipped() {
			return nil, nil
		}
		outcomes := make([]types.ReportedOutcome, 0, len(t.Outcomes))
		for _, o := range t.Outcomes {
			commitment, cid := content(data)
			outcomes = append(outcomes, types.ReportedOutcome{Outcome: types.Outcome{Number: o.Number, Kind: o.Kind}, Commitment: commitment, CID: cid})
		}
		return []simsx.SimAccount{s}, &types.MsgReportResults{Sponsor: s.AddressBech32, TrialID: t.ID, Outcomes: outcomes}
	}
}
