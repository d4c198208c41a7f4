package app_test

import (
	"crypto/sha256"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/internal/unixfs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	cstestutil "github.com/healthchain/healthd/x/consortium/testutil"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	trialskeeper "github.com/healthchain/healthd/x/trials/keeper"
	trialstypes "github.com/healthchain/healthd/x/trials/types"
)

// TestTrialFlow runs a whole trial through the real app as signed
// transactions: registration, approval, two subjects consenting and
// enrolled, data, an amendment requiring re-consent that stops data until
// the subject re-consents, a withdrawal (the patient revokes consent) that
// stops data at once while earlier data stays, an SAE clock, lock, and
// results with one outcome switch flagged. The chain then exports a genesis
// a fresh app imports to the same state.
func TestTrialFlow(t *testing.T) {
	c := newTestChain(t)
	authority, site := c.accs["authority"], c.accs["hospital"]
	sponsor, irb, subject1, subject2 := newAccount("sponsor"), newAccount("irb"), c.accs["outsider"], newAccount("subject-2")
	c.accs["sponsor"], c.accs["irb"], c.accs["subject-2"] = sponsor, irb, subject2
	for _, a := range []account{sponsor, irb, subject2} {
		res := c.deliver("authority", banktypes.NewMsgSend(authority.addr, a.addr, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000_000))))
		require.Zero(t, res.Code, res.Log)
	}
	ok := func(res *abci.ExecTxResult) {
		t.Helper()
		require.Zero(t, res.Code, res.Log)
	}
	refused := func(res *abci.ExecTxResult, err interface{ ABCICode() uint32 }) {
		t.Helper()
		requireRefused(t, res, trialstypes.ModuleName, err.ABCICode())
	}
	doc := func(label string) ([]byte, string) {
		h := sha256.Sum256([]byte(label))
		return h[:], unixfs.SumBytes([]byte(label))
	}
	qs := func() trialstypes.QueryServer { return trialskeeper.NewQueryServerImpl(c.app.TrialsKeeper) }

	ok(c.deliver("authority", &consortiumtypes.MsgAdmitMember{
		Authority: authority.addr.String(), Address: sponsor.addr.String(), Name: "Meridian Research",
		Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_RESEARCH_SPONSOR}, NPI: cstestutil.NPI(sponsor.addr),
	}))
	ok(c.deliver("authority", &consortiumtypes.MsgAdmitMember{
		Authority: authority.addr.String(), Address: irb.addr.String(), Name: "Riverside Research Ethics Board",
		Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_ETHICS_COMMITTEE}, NPI: cstestutil.NPI(irb.addr),
	}))

	// Registration, refused at CheckTx with a malformed registry id.
	protoC, protoCID := doc("protocol v1")
	register := &trialstypes.MsgRegisterTrial{
		Sponsor: sponsor.addr.String(), RegistryID: "NCT04368728", Title: "Drug X versus placebo in type 2 diabetes",
		Phase: trialstypes.Phase_PHASE_PHASE_3, Sites: []string{site.addr.String()}, EthicsCommittee: irb.addr.String(),
		TargetEnrolment: 100, ConsentCategory: "QuestionnaireResponse", PrimaryCompletion: c.time.Add(365 * 24 * time.Hour),
		Outcomes: []trialstypes.Outcome{
			{Kind: trialstypes.OutcomeKind_OUTCOME_KIND_PRIMARY, Measure: "Change in HbA1c", TimeFrame: "26 weeks"},
			{Kind: trialstypes.OutcomeKind_OUTCOME_KIND_SECONDARY, CodeSystem: trialstypes.CodeSystem_CODE_SYSTEM_LOINC, Code: "4548-4", TimeFrame: "52 weeks"},
		},
		ProtocolCommitment: protoC, ProtocolCID: protoCID,
	}
	bad := *register
	bad.RegistryID = "NCT1234"
	check, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: c.signed("sponsor", &bad), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, trialstypes.ErrInvalidRegistryID.ABCICode(), check.Code, check.Log)
	ok(c.deliver("sponsor", register))
	const trial = uint64(1)

	// Consent to the site for clinical-trial research; no recruitment before approval.
	grant := func(name string, who account) {
		t.Helper()
		ok(c.deliver(name, &consenttypes.MsgGrantConsent{Signer: who.addr.String(), Patient: who.addr.String(), Grantee: site.addr.String(),
			Purpose: "CLINTRL", Categories: []string{"QuestionnaireResponse"}, End: c.time.Add(365 * 24 * time.Hour)}))
	}
	bind := func(name string, who account, v uint32) *abci.ExecTxResult {
		return c.deliver(name, &trialstypes.MsgConsentToVersion{Subject: who.addr.String(), TrialID: trial, Site: site.addr.String(), Version: v})
	}
	grant("outsider", subject1)
	grant("subject-2", subject2)
	refused(bind("outsider", subject1, 1), trialstypes.ErrNotRecruiting)
	refused(c.deliver("sponsor", &trialstypes.MsgApproveVersion{EthicsCommittee: sponsor.addr.String(), TrialID: trial, Version: 1}), trialstypes.ErrNotEthicsCommittee)
	ok(c.deliver("irb", &trialstypes.MsgApproveVersion{EthicsCommittee: irb.addr.String(), TrialID: trial, Version: 1}))

	ok(bind("outsider", subject1, 1))
	ok(bind("subject-2", subject2, 1))
	for _, s := range []account{subject1, subject2} {
		ok(c.deliver("hospital", &trialstypes.MsgEnrolSubject{Site: site.addr.String(), TrialID: trial, Subject: s.addr.String()}))
	}
	record := func(s account, visit string) *abci.ExecTxResult {
		cm, id := doc("crf " + s.addr.String() + " " + visit)
		return c.deliver("hospital", &trialstypes.MsgRecordData{Site: site.addr.String(), TrialID: trial, Subject: s.addr.String(),
			Visit: visit, Commitment: cm, CID: id})
	}
	ok(record(subject1, "V1"))
	ok(record(subject2, "V1"))

	// An amendment requiring re-consent: data stops until the subject consents to it.
	amendC, amendCID := doc("protocol v2")
	ok(c.deliver("sponsor", &trialstypes.MsgAmendProtocol{Sponsor: sponsor.addr.String(), TrialID: trial,
		Commitment: amendC, CID: amendCID, RequiresReconsent: true}))
	ok(c.deliver("irb", &trialstypes.MsgApproveVersion{EthicsCommittee: irb.addr.String(), TrialID: trial, Version: 2}))
	refused(record(subject1, "V2"), trialstypes.ErrReconsentRequired)
	need, err := qs().NeedingReconsent(c.ctx(), &trialstypes.QueryNeedingReconsentRequest{TrialId: trial})
	require.NoError(t, err)
	require.Len(t, need.Enrolments, 2)
	ok(bind("outsider", subject1, 2))
	ok(record(subject1, "V2"))

	// subject2 withdraws by revoking the consent: no new data; the data before stays.
	consents, err := c.app.ConsentKeeper.Consents.Get(c.ctx(), 2)
	require.NoError(t, err)
	require.Equal(t, subject2.addr.String(), consents.Patient)
	ok(c.deliver("subject-2", &consenttypes.MsgRevokeConsent{Signer: subject2.addr.String(), ConsentID: 2,
		Reason: consenttypes.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST}))
	refused(bind("subject-2", subject2, 2), trialstypes.ErrConsentNotLive) // no re-consent without a live consent
	refused(record(subject2, "V2"), trialstypes.ErrConsentNotLive)
	data, err := qs().SubjectData(c.ctx(), &trialstypes.QuerySubjectDataRequest{TrialId: trial, Subject: subject2.addr.String()})
	require.NoError(t, err)
	require.Len(t, data.Entries, 1)

	// An SAE: the site opens the clock, the sponsor reports in time.
	ok(c.deliver("hospital", &trialstypes.MsgReportSAE{Site: site.addr.String(), TrialID: trial, FatalOrLifeThreatening: true, Unexpected: true}))
	saeC, saeCID := doc("susar 1")
	ok(c.deliver("sponsor", &trialstypes.MsgSubmitSAEReport{Sponsor: sponsor.addr.String(), SAEID: 1, Commitment: saeC, CID: saeCID}))

	// Lock, then results: the registered secondary outcome is left out (with a reason): one switch.
	lockC, lockCID := doc("dataset")
	ok(c.deliver("sponsor", &trialstypes.MsgLockDatabase{Sponsor: sponsor.addr.String(), TrialID: trial, Commitment: lockC, CID: lockCID}))
	refused(record(subject1, "V3"), trialstypes.ErrTrialClosed)
	resC, resCID := doc("result 1")
	results := &trialstypes.MsgReportResults{Sponsor: sponsor.addr.String(), TrialID: trial,
		Outcomes: []trialstypes.ReportedOutcome{{Outcome: trialstypes.Outcome{Number: 1, Kind: trialstypes.OutcomeKind_OUTCOME_KIND_PRIMARY}, Commitment: resC, CID: resCID}}}
	refused(c.deliver("sponsor", results), trialstypes.ErrUnexplainedSwitch)
	results.Omissions = []trialstypes.Omission{{Number: 2, Reason: trialstypes.SwitchReason_SWITCH_REASON_DATA_NOT_COLLECTED}}
	ok(c.deliver("sponsor", results))
	sw, err := qs().OutcomeSwitches(c.ctx(), &trialstypes.QueryOutcomeSwitchesRequest{TrialId: trial})
	require.NoError(t, err)
	require.Len(t, sw.Switches, 1)
	require.Equal(t, trialstypes.SwitchKind_SWITCH_KIND_OMITTED_SECONDARY, sw.Switches[0].Kind)
	counts, err := qs().EnrolmentCounts(c.ctx(), &trialstypes.QueryEnrolmentCountsRequest{TrialId: trial})
	require.NoError(t, err)
	require.Len(t, counts.Counts, 1)
	require.EqualValues(t, 2, counts.Counts[0].Count)
	c.nextBlock()

	requireExportImportSameState(t, c)
}
