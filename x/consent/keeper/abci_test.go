package keeper_test

import (
	"testing"
	"time"

	"cosmossdk.io/collections"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
)

// Consents expire at exactly their end, with no transaction.
func (s *KeeperTestSuite) TestExpiryAtExactEnd() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	end := s.consent(id).End

	s.setTime(end.Add(-time.Nanosecond))
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Observation"), id)
	// the end-blocker leaves a consent alone before its end
	s.freshEvents()
	before := s.dumpState()
	n, err := s.keeper.ExpireDue(s.ctx, 500)
	s.Require().NoError(err)
	s.Require().Zero(n)
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))
	s.Require().Equal(before, s.dumpState())
	s.Require().Empty(s.moduleEvents())

	s.setTime(end)
	s.requireDenied(s.check(s.patient, s.doctor, "TREAT", "Observation"), types.CheckReason_CHECK_REASON_EXPIRED)
	_, err = s.keeper.Authorize(s.ctx, s.patient, s.doctor, "TREAT", "Observation")
	s.Require().ErrorIs(err, types.ErrNotAuthorized)
	// nothing was written by the check
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_ACTIVE, s.consent(id).Status)
}

func (s *KeeperTestSuite) TestEndBlockerExpires() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation", "Condition")
	later := s.grantSimple(s.patient, s.doctor, "HPAYMT", "Claim")
	// push the second consent's end further out
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, later, blockTime.Add(60*24*time.Hour), "Claim"))
	s.Require().NoError(err)
	end := s.consent(id).End
	auditBefore := len(s.auditOf(s.patient))

	s.setTime(end)
	s.freshEvents()
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))

	c := s.consent(id)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, c.Status)
	s.Require().Nil(c.RevokedAt)
	s.Require().Empty(c.RevokedBy)
	// out of Active, ActiveByPair and the expiry queue
	s.Require().Equal([]string{s.addrStr(s.patient) + "/" + s.addrStr(s.doctor) + "/HPAYMT/Claim=2"}, s.activeIndex())
	s.Require().Equal([]uint64{later}, s.activeIDsOfPair(s.patient, s.doctor))
	s.Require().Equal([]string{queueEntry(blockTime.Add(60*24*time.Hour), later)}, s.expiryQueue())
	// audit and event
	audit := s.auditOf(s.patient)
	s.Require().Len(audit, auditBefore+1)
	s.Require().Equal(types.AuditEntry{
		Seq: uint64(auditBefore + 1), Patient: s.addrStr(s.patient), Action: types.AuditAction_AUDIT_ACTION_EXPIRED,
		Actor: "", ConsentID: id, Counterparty: s.addrStr(s.doctor), Time: end,
	}, audit[len(audit)-1])
	ev := event[*types.EventConsentExpired](s)
	s.Require().Equal(types.EventConsentExpired{ConsentID: id, Patient: s.addrStr(s.patient)}, *ev)
	s.Require().Equal([]string{evExpired}, s.moduleEvents())

	// the check now points at the expired consent
	s.Require().Equal(keeper.CheckResult{ConsentID: id, Reason: types.CheckReason_CHECK_REASON_EXPIRED}, s.check(s.patient, s.doctor, "TREAT", "Observation"))
	s.requireAllowed(s.check(s.patient, s.doctor, "HPAYMT", "Claim"), later)

	// running again is a no-op
	s.freshEvents()
	before := s.dumpState()
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))
	s.Require().Equal(before, s.dumpState())
	s.Require().Empty(s.moduleEvents())

	// and the slot is free for a new grant
	s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
}

// Expiry works oldest first across distinct end times.
func (s *KeeperTestSuite) TestExpireDueOrder() {
	var ids []uint64
	for i := range 5 {
		m := s.grantMsg(s.patient, indexAddr("grantee", i), "TREAT", "Observation")
		m.End = blockTime.Add(time.Duration(5-i) * time.Hour) // later grants end sooner
		ids = append(ids, s.grant(m))
	}
	s.setTime(blockTime.Add(10 * time.Hour))
	n, err := s.keeper.ExpireDue(s.ctx, 2)
	s.Require().NoError(err)
	s.Require().Equal(uint32(2), n)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, s.consent(ids[4]).Status)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, s.consent(ids[3]).Status)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_ACTIVE, s.consent(ids[2]).Status)
	// only what is due, even with room to spare
	s.setTime(blockTime.Add(3 * time.Hour))
	n, err = s.keeper.ExpireDue(s.ctx, 100)
	s.Require().NoError(err)
	s.Require().Equal(uint32(1), n)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, s.consent(ids[2]).Status)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_ACTIVE, s.consent(ids[1]).Status)
}

// grantBacklog grants n consents from the patient to n distinct grantees, all
// ending at end, through the Msg service. It commits the store every few
// hundred grants, as blocks would: iterating an IAVL tree holding many unsaved
// writes is slow.
func (s *KeeperTestSuite) grantBacklog(n int, end time.Time) {
	s.T().Helper()
	for i := range n {
		if i%250 == 0 {
			s.tc.CMS.Commit()
		}
		m := s.grantMsg(s.patient, indexAddr("backlog", i), "TREAT", "Observation")
		m.End = end
		if _, err := s.msgServer.GrantConsent(s.ctx, m); err != nil {
			s.T().Fatalf("grant %d: %v", i, err)
		}
	}
	s.tc.CMS.Commit()
}

func (s *KeeperTestSuite) queueLen() int {
	n := 0
	s.Require().NoError(s.keeper.ExpiryQueue.Walk(s.ctx, nil, func(_ collections.Pair[time.Time, uint64]) (bool, error) {
		n++
		return false, nil
	}))
	return n
}

func (s *KeeperTestSuite) TestEndBlockerBoundedWork() {
	if testing.Short() {
		s.T().Skip("slow")
	}
	const n = 3000
	end := blockTime.Add(time.Hour)
	s.grantBacklog(n, end)
	s.setParams(func(p *types.Params) { p.MaxExpirationsPerBlock = 500 })
	s.Require().Equal(n, s.queueLen())

	s.setTime(end)
	// every consent already reads as expired
	s.requireDenied(s.check(s.patient, indexAddr("backlog", n-1), "TREAT", "Observation"), types.CheckReason_CHECK_REASON_EXPIRED)

	expired := 0
	for call := 1; call <= 6; call++ {
		s.freshEvents()
		s.Require().NoError(s.keeper.EndBlocker(s.ctx))
		s.Require().Len(testkit.Events[*types.EventConsentExpired](s.ctx), 500, "call %d", call)
		expired += 500
		s.Require().Equal(n-expired, s.queueLen(), "call %d", call)
	}
	s.freshEvents()
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))
	s.Require().Empty(s.moduleEvents())
	s.Require().Empty(s.activeIndex())
	s.Require().Len(s.auditOf(s.patient), 2*n)
	for i := uint64(1); i <= n; i++ {
		s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, s.consent(i).Status)
	}
}

// endBlockerGas returns the gas one EndBlocker call consumes with a backlog of
// n consents due, MaxExpirationsPerBlock = 500.
func (s *KeeperTestSuite) endBlockerGas(n int) (first, second storetypes.Gas) {
	s.SetupTest()
	end := blockTime.Add(time.Hour)
	s.grantBacklog(n, end)
	s.setParams(func(p *types.Params) { p.MaxExpirationsPerBlock = 500 })
	s.setTime(end)
	for i, out := range []*storetypes.Gas{&first, &second} {
		ctx := s.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
		s.Require().NoError(s.keeper.EndBlocker(ctx))
		*out = ctx.GasMeter().GasConsumed()
		s.Require().Equal(n-500*(i+1), s.queueLen())
	}
	return first, second
}

func (s *KeeperTestSuite) TestEndBlockerGasBoundedByLimitNotBacklog() {
	if testing.Short() {
		s.T().Skip("slow")
	}
	g3a, g3b := s.endBlockerGas(3000)
	g6a, g6b := s.endBlockerGas(6000)
	s.T().Logf("EndBlocker gas, 500 expirations: backlog 3000: %d then %d; backlog 6000: %d then %d", g3a, g3b, g6a, g6b)
	s.Require().Positive(g3a)
	within := func(a, b storetypes.Gas) bool {
		lo, hi := min(a, b), max(a, b)
		return float64(hi) <= 1.2*float64(lo)
	}
	s.Require().True(within(g3a, g6a), "gas 3000=%d vs 6000=%d", g3a, g6a)
	s.Require().True(within(g3a, g3b), "gas first=%d second=%d", g3a, g3b)
	s.Require().True(within(g6a, g6b), "gas first=%d second=%d", g6a, g6b)

	// and the limit matters: 50 expirations cost about a tenth of 500
	s.SetupTest()
	s.grantBacklog(3000, blockTime.Add(time.Hour))
	s.setParams(func(p *types.Params) { p.MaxExpirationsPerBlock = 50 })
	s.setTime(blockTime.Add(time.Hour))
	ctx := s.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	s.Require().NoError(s.keeper.EndBlocker(ctx))
	g50 := ctx.GasMeter().GasConsumed()
	s.T().Logf("EndBlocker gas, 50 expirations, backlog 3000: %d", g50)
	s.Require().Less(float64(g50), 0.15*float64(g3a))
}

// ExpireDue expires "up to limit" consents: a limit of 0 expires none.
func (s *KeeperTestSuite) TestExpireDueZeroLimit() {
	m := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
	m.End = blockTime.Add(time.Hour)
	s.grant(m)
	s.setTime(m.End)
	s.freshEvents()
	before := s.dumpState()
	n, err := s.keeper.ExpireDue(s.ctx, 0)
	s.Require().NoError(err)
	s.Require().Zero(n)
	s.Require().Equal(before, s.dumpState())
}
