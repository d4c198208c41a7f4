package types_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/trials/types"
)

var (
	sponsor = testkit.String(testkit.Addr("sponsor"))
	irb     = testkit.String(testkit.Addr("irb"))
	site    = testkit.String(testkit.Addr("site"))
	subject = testkit.String(testkit.Addr("subject"))
	sum     = func() []byte { h := sha256.Sum256([]byte("doc")); return h[:] }()
	docCID  = unixfs.SumBytes([]byte("doc"))
	primary = types.Outcome{Kind: types.OutcomeKind_OUTCOME_KIND_PRIMARY, Measure: "Change in HbA1c", TimeFrame: "26 weeks"}
	second  = types.Outcome{Kind: types.OutcomeKind_OUTCOME_KIND_SECONDARY, CodeSystem: types.CodeSystem_CODE_SYSTEM_SNOMED_CT, Code: "22298006"}
)

func register(f func(*types.MsgRegisterTrial)) *types.MsgRegisterTrial {
	m := &types.MsgRegisterTrial{Sponsor: sponsor, RegistryID: "NCT04368728", Title: "Drug X", Phase: types.Phase_PHASE_PHASE_2,
		Sites: []string{site}, EthicsCommittee: irb, TargetEnrolment: 10, Outcomes: []types.Outcome{primary, second},
		ConsentCategory: "QuestionnaireResponse", PrimaryCompletion: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		ProtocolCommitment: sum, ProtocolCID: docCID}
	f(m)
	return m
}

func record(f func(*types.MsgRecordData)) *types.MsgRecordData {
	m := &types.MsgRecordData{Site: site, TrialID: 1, Subject: subject, Visit: "WEEK-12", Commitment: sum, CID: docCID}
	f(m)
	return m
}

func reported(n uint32, kind types.OutcomeKind) types.ReportedOutcome {
	return types.ReportedOutcome{Outcome: types.Outcome{Number: n, Kind: kind}, Commitment: sum, CID: docCID}
}

func TestValidateBasic(t *testing.T) {
	p, s := types.OutcomeKind_OUTCOME_KIND_PRIMARY, types.OutcomeKind_OUTCOME_KIND_SECONDARY
	testkit.ValidateBasic(t, map[string]testkit.BasicCase{
		"register":                     testkit.Case(register(func(*types.MsgRegisterTrial) {}), nil),
		"register: EU CT":              testkit.Case(register(func(m *types.MsgRegisterTrial) { m.RegistryID = "2022-500014-26-00" }), nil),
		"register: ISRCTN":             testkit.Case(register(func(m *types.MsgRegisterTrial) { m.RegistryID = "ISRCTN12345678" }), types.ErrInvalidRegistryID),
		"register: no title":           testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Title = "" }), types.ErrInvalidTrial),
		"register: control char":       testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Title = "Drug\x00X" }), types.ErrInvalidTrial),
		"register: no phase":           testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Phase = 0 }), types.ErrInvalidTrial),
		"register: unknown phase":      testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Phase = 42 }), types.ErrInvalidTrial),
		"register: no site":            testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Sites = nil }), types.ErrInvalidTrial),
		"register: site twice":         testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Sites = []string{site, site} }), types.ErrInvalidTrial),
		"register: bad site":           testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Sites = []string{"health1xyz"} }), types.ErrInvalidAddress),
		"register: no target":          testkit.Case(register(func(m *types.MsgRegisterTrial) { m.TargetEnrolment = 0 }), types.ErrInvalidTrial),
		"register: no outcome":         testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Outcomes = nil }), types.ErrInvalidOutcome),
		"register: secondary only":     testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Outcomes = m.Outcomes[1:] }), types.ErrInvalidOutcome),
		"register: misnumbered":        testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Outcomes[0].Number = 2 }), types.ErrInvalidOutcome),
		"register: no time frame":      testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Outcomes[0].TimeFrame = "" }), types.ErrInvalidOutcome),
		"register: bad SNOMED":         testkit.Case(register(func(m *types.MsgRegisterTrial) { m.Outcomes[1].Code = "22298007" }), types.ErrInvalidOutcome),
		"register: no primary date":    testkit.Case(register(func(m *types.MsgRegisterTrial) { m.PrimaryCompletion = time.Time{} }), types.ErrInvalidTrial),
		"register: no commitment":      testkit.Case(register(func(m *types.MsgRegisterTrial) { m.ProtocolCommitment = nil }), types.ErrInvalidCommitment),
		"register: CIDv0":              testkit.Case(register(func(m *types.MsgRegisterTrial) { m.ProtocolCID = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG" }), types.ErrInvalidCID),
		"register: category":           testkit.Case(register(func(m *types.MsgRegisterTrial) { m.ConsentCategory = "*" }), types.ErrInvalidTrial),
		"record":                       testkit.Case(record(func(*types.MsgRecordData) {}), nil),
		"record: visit with space":     testkit.Case(record(func(m *types.MsgRecordData) { m.Visit = "week 12" }), types.ErrInvalidVisit),
		"record: empty visit":          testkit.Case(record(func(m *types.MsgRecordData) { m.Visit = "" }), types.ErrInvalidVisit),
		"record: long visit":           testkit.Case(record(func(m *types.MsgRecordData) { m.Visit = "V123456789012345678901234567890123" }), types.ErrInvalidVisit),
		"record: trial 0":              testkit.Case(record(func(m *types.MsgRecordData) { m.TrialID = 0 }), types.ErrTrialNotFound),
		"record: bad subject":          testkit.Case(record(func(m *types.MsgRecordData) { m.Subject = "nobody" }), types.ErrInvalidAddress),
		"amend data: no reason":        testkit.Case(&types.MsgAmendData{Site: site, TrialID: 1, Subject: subject, Visit: "V1", Commitment: sum, CID: docCID}, types.ErrInvalidReason),
		"consent":                      testkit.Case(&types.MsgConsentToVersion{Subject: subject, TrialID: 1, Site: site, Version: 1}, nil),
		"consent: version 0":           testkit.Case(&types.MsgConsentToVersion{Subject: subject, TrialID: 1, Site: site}, types.ErrVersionNotFound),
		"consent: site is subject":     testkit.Case(&types.MsgConsentToVersion{Subject: site, TrialID: 1, Site: site, Version: 1}, types.ErrSubjectIsSite),
		"enrol: site is subject":       testkit.Case(&types.MsgEnrolSubject{Site: site, TrialID: 1, Subject: site}, types.ErrSubjectIsSite),
		"approve: version too high":    testkit.Case(&types.MsgApproveVersion{EthicsCommittee: irb, TrialID: 1, Version: types.MaxVersions + 1}, types.ErrVersionNotFound),
		"reject":                       testkit.Case(&types.MsgRejectVersion{EthicsCommittee: irb, TrialID: 1, Version: 1}, nil),
		"amend protocol: bad CID":      testkit.Case(&types.MsgAmendProtocol{Sponsor: sponsor, TrialID: 1, Commitment: sum, CID: "x"}, types.ErrInvalidCID),
		"withdraw: trial 0":            testkit.Case(&types.MsgWithdraw{Subject: subject}, types.ErrTrialNotFound),
		"sae":                          testkit.Case(&types.MsgReportSAE{Site: site, TrialID: 1}, nil),
		"sae report: id 0":             testkit.Case(&types.MsgSubmitSAEReport{Sponsor: sponsor, Commitment: sum, CID: docCID}, types.ErrSAENotFound),
		"lock: short commitment":       testkit.Case(&types.MsgLockDatabase{Sponsor: sponsor, TrialID: 1, Commitment: sum[:5], CID: docCID}, types.ErrInvalidCommitment),
		"results":                      testkit.Case(&types.MsgReportResults{Sponsor: sponsor, TrialID: 1, Outcomes: []types.ReportedOutcome{reported(1, p)}}, nil),
		"results: none":                testkit.Case(&types.MsgReportResults{Sponsor: sponsor, TrialID: 1}, types.ErrInvalidResults),
		"results: twice":               testkit.Case(&types.MsgReportResults{Sponsor: sponsor, TrialID: 1, Outcomes: []types.ReportedOutcome{reported(1, p), reported(1, s)}}, types.ErrInvalidResults),
		"results: named and described": testkit.Case(&types.MsgReportResults{Sponsor: sponsor, TrialID: 1, Outcomes: []types.ReportedOutcome{{Outcome: types.Outcome{Number: 1, Kind: p, Measure: "other"}, Commitment: sum, CID: docCID}}}, types.ErrInvalidResults),
		"results: omission w/o reason": testkit.Case(&types.MsgReportResults{Sponsor: sponsor, TrialID: 1, Outcomes: []types.ReportedOutcome{reported(1, p)}, Omissions: []types.Omission{{Number: 2}}}, types.ErrInvalidReason),
		"results: reported and omitted": testkit.Case(&types.MsgReportResults{Sponsor: sponsor, TrialID: 1, Outcomes: []types.ReportedOutcome{reported(1, p)},
			Omissions: []types.Omission{{Number: 1, Reason: types.SwitchReason_SWITCH_REASON_OTHER}}}, types.ErrInvalidResults),
		"params":            testkit.Case(&types.MsgUpdateParams{Authority: sponsor, Params: types.DefaultParams()}, nil),
		"params: zero":      testkit.Case(&types.MsgUpdateParams{Authority: sponsor}, types.ErrInvalidParams),
		"release":           testkit.Case(&types.MsgReleaseRegistryID{Authority: sponsor, TrialID: 1, Reason: "registry names another sponsor"}, nil),
		"release: trial 0":  testkit.Case(&types.MsgReleaseRegistryID{Authority: sponsor, Reason: "registry names another sponsor"}, types.ErrTrialNotFound),
		"release: reason":   testkit.Case(&types.MsgReleaseRegistryID{Authority: sponsor, TrialID: 1}, types.ErrInvalidReason),
		"release: bad addr": testkit.Case(&types.MsgReleaseRegistryID{Authority: "gov", TrialID: 1, Reason: "r"}, types.ErrInvalidAddress),
	})
}

func TestCodes(t *testing.T) {
	for _, c := range []string{"8480-6", "2345-7", "4548-4", "718-7", "10-9"} {
		require.NoError(t, types.ValidateCode(types.CodeSystem_CODE_SYSTEM_LOINC, c), c)
	}
	for _, c := range []string{"8480-7", "84806", "8480-", "-6", "12345678-0", "a480-6"} {
		require.ErrorIs(t, types.ValidateCode(types.CodeSystem_CODE_SYSTEM_LOINC, c), types.ErrInvalidOutcome, c)
	}
	for _, c := range []string{"22298006", "73211009", "38341003", "404684003", "138875005", "195967001", "230690007"} {
		require.NoError(t, types.ValidateCode(types.CodeSystem_CODE_SYSTEM_SNOMED_CT, c), c)
	}
	for _, c := range []string{"22298005", "12345", "022298006", "1234567890123456789", "22298016"} {
		require.ErrorIs(t, types.ValidateCode(types.CodeSystem_CODE_SYSTEM_SNOMED_CT, c), types.ErrInvalidOutcome, c)
	}
	require.ErrorIs(t, types.ValidateCode(types.CodeSystem_CODE_SYSTEM_UNSPECIFIED, "22298006"), types.ErrInvalidOutcome)
}

func TestDetectSwitches(t *testing.T) {
	p, s := types.OutcomeKind_OUTCOME_KIND_PRIMARY, types.OutcomeKind_OUTCOME_KIND_SECONDARY
	pre := []types.Outcome{primary, second}
	pre[0].Number, pre[1].Number = 1, 2
	why := types.SwitchReason_SWITCH_REASON_SAFETY
	withReason := func(r types.ReportedOutcome) types.ReportedOutcome { r.Reason = why; return r }

	sw, err := types.DetectSwitches(1, pre, []types.ReportedOutcome{reported(1, p), reported(2, s)}, nil)
	require.NoError(t, err)
	require.Empty(t, sw)

	// Secondary promoted to primary and primary demoted: two switches.
	sw, err = types.DetectSwitches(1, pre, []types.ReportedOutcome{withReason(reported(1, s)), withReason(reported(2, p))}, nil)
	require.NoError(t, err)
	require.Len(t, sw, 2)
	require.Equal(t, types.SwitchKind_SWITCH_KIND_OMITTED_PRIMARY, sw[0].Kind)
	require.Equal(t, types.SwitchKind_SWITCH_KIND_ADDED_PRIMARY, sw[1].Kind)
	require.Equal(t, uint32(2), sw[1].Seq)
	_, err = types.DetectSwitches(1, pre, []types.ReportedOutcome{reported(1, s), withReason(reported(2, p))}, nil)
	require.ErrorIs(t, err, types.ErrUnexplainedSwitch)

	// A new secondary added; the registered secondary omitted.
	added := withReason(types.ReportedOutcome{Outcome: types.Outcome{Kind: s, Measure: "Quality of life", TimeFrame: "1 year"}, Commitment: sum, CID: docCID})
	sw, err = types.DetectSwitches(1, pre, []types.ReportedOutcome{reported(1, p), added}, []types.Omission{{Number: 2, Reason: why}})
	require.NoError(t, err)
	require.Len(t, sw, 2)
	require.Equal(t, types.SwitchKind_SWITCH_KIND_ADDED_SECONDARY, sw[0].Kind)
	require.Equal(t, types.SwitchKind_SWITCH_KIND_OMITTED_SECONDARY, sw[1].Kind)
	require.Equal(t, pre[1], sw[1].Outcome)

	// Left out silently.
	_, err = types.DetectSwitches(1, pre, []types.ReportedOutcome{reported(1, p)}, nil)
	require.ErrorIs(t, err, types.ErrUnexplainedSwitch)
	// Omitting an outcome the trial never had.
	_, err = types.DetectSwitches(1, pre, []types.ReportedOutcome{reported(1, p), reported(2, s)}, []types.Omission{{Number: 3, Reason: why}})
	require.ErrorIs(t, err, types.ErrInvalidResults)
}

func TestParams(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	require.Equal(t, 7*types.Day, types.DefaultParams().SAEWindow(true))
	require.Equal(t, 15*types.Day, types.DefaultParams().SAEWindow(false))
	for _, f := range []func(*types.Params){
		func(p *types.Params) { p.SAEExpeditedWindow = 0 },
		func(p *types.Params) { p.SAEStandardWindow = -1 },
		func(p *types.Params) { p.SAEExpeditedWindow = 16 * types.Day },
		func(p *types.Params) { p.ResultsDueAfter = 11 * 365 * types.Day },
	} {
		p := types.DefaultParams()
		f(&p)
		require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
	}
}
