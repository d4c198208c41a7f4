package keeper_test

import (
	dbm "github.com/cosmos/cosmos-db"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/claims/types"
)

func (s *KeeperTestSuite) export() *types.GenesisState {
	s.T().Helper()
	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	return gs
}

func (s *KeeperTestSuite) TestDefaultGenesis() {
	e := newEnv(s.T())
	gs, err := e.k.ExportGenesis(e.ctx)
	s.Require().NoError(err)
	s.Require().Equal(types.DefaultGenesisState(), gs)
	s.Require().NoError(gs.Validate(testkit.AddressCodec))
}

// genesisClaims are the claims of buildState, by what they show.
type genesisClaims struct {
	appealedDenied, paid, payableBig, payableSmall, pended, denied, appealed, withdrawn uint64
}

// buildState leaves claims in every status, a prior authorisation partly
// used, accumulators and two escrows (one empty).
func (s *KeeperTestSuite) buildState() genesisClaims {
	s.T().Helper()
	var g genesisClaims
	s.fund(s.payer, 114+24) // exactly what the first two claims are paid
	// partly approved and paid 114, appealed, then denied on review: DENIED
	// with 114 paid, which the review does not claw back
	g.appealedDenied, _ = s.pendedClaim(s.patient)
	s.review(s.payer, g.appealedDenied, partial, "50", 0, 2)
	s.appeal(s.hospital, g.appealedDenied)
	s.Require().Equal(stDenied, s.review(s.payer, g.appealedDenied, denyAll, "50"))
	s.Require().Equal("114", s.claim(g.appealedDenied).Paid.String())
	// 99213 charge 150: deductible 100, copay 20, coinsurance 6; plan 24: PAID
	g.paid = s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))).ID
	s.Require().Equal(stPaid, s.claim(g.paid).Status)
	s.Require().Zero(s.escrowOf(s.payer))
	// 70553 ×2 charge 2000 under a prior authorisation: coinsurance 400
	// capped at 374; plan 1626: PAYABLE
	s.grantPA(s.cov, "70553", 3)
	g.payableBig = s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "70553", 2, 2000))).ID
	// 99213 charge 200 for patient2: plan 24: PAYABLE behind the first
	g.payableSmall = s.submit(s.claimMsg(s.lab, s.patient2, s.cov2, line(cpt, "99213", 1, 200))).ID
	g.pended, _ = s.pendedClaim(s.patient2)
	g.denied = s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99999", 1, 150))).ID
	g.appealed = s.submit(s.claimMsg(s.hospital, s.patient2, s.cov2, line(cpt, "99999", 1, 150))).ID
	s.appeal(s.hospital, g.appealed)
	g.withdrawn = s.submit(s.claimMsg(s.pharmacy, s.patient, s.cov, line(ndc, "00093-4155-73", 30, 150))).ID
	s.withdraw(s.pharmacy, g.withdrawn)
	s.fund(s.payer2, 500)
	for id, want := range map[uint64]types.ClaimStatus{
		g.appealedDenied: stDenied, g.paid: stPaid, g.payableBig: stPayable, g.payableSmall: stPayable,
		g.pended: stPended, g.denied: stDenied, g.appealed: stAppealed, g.withdrawn: stWithdrawn,
	} {
		s.Require().Equal(want, s.claim(id).Status, "claim %d", id)
	}
	return g
}

// importInto builds a fresh environment from the exported genesis of every
// module involved (consortium, consent, records, bank, claims).
func (s *KeeperTestSuite) importInto(claims *types.GenesisState) *env {
	s.T().Helper()
	fresh := buildEnv(s.T(), dbm.NewMemDB())
	fresh.ctx = fresh.ctx.WithBlockTime(s.now())
	fresh.members.CopyFrom(s.members)
	consent, err := s.consent.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().NoError(fresh.consent.InitGenesis(fresh.ctx, consent))
	recs, err := s.records.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().NoError(fresh.records.InitGenesis(fresh.ctx, recs))
	fresh.bank.InitGenesis(fresh.ctx, s.bank.ExportGenesis(s.ctx))
	s.Require().NoError(fresh.k.InitGenesis(fresh.ctx, claims))
	return fresh
}

func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	g := s.buildState()
	gs := s.export()
	s.Require().Len(gs.Claims, 8)
	s.Require().Len(gs.Plans, 3)
	s.Require().Len(gs.Coverages, 4)
	s.Require().Len(gs.PriorAuths, 1)
	s.Require().Equal(uint32(2), gs.PriorAuths[0].UnitsUsed)
	s.Require().Len(gs.Escrows, 2)
	s.Require().Equal(uint64(9), gs.NextClaimID)
	s.Require().NoError(gs.Validate(testkit.AddressCodec), "an exported state validates")

	// the JSON a chain export writes reads back the same
	bz, err := s.cdc.MarshalJSON(gs)
	s.Require().NoError(err)
	var fromJSON types.GenesisState
	s.Require().NoError(s.cdc.UnmarshalJSON(bz, &fromJSON))
	// (compared encoded: JSON gives empty lists where the store gives none)
	s.Require().Equal(s.cdc.MustMarshal(gs), s.cdc.MustMarshal(&fromJSON))

	fresh := s.importInto(&fromJSON)
	again, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, again)
	// every index is rebuilt byte for byte: duplicate slots, the payable
	// queue, the status, party and date indexes, the latest prior auths
	s.Require().Equal(testkit.Dump(s.ctx, s.claimsKey), testkit.Dump(fresh.ctx, fresh.claimsKey))

	// and they work: in the imported state...
	orig := s.env
	s.env = fresh
	defer func() { s.env = orig }()
	// ...a live claim's slot makes the same claim a duplicate
	dup := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "70553", 2, 2000)))
	s.requireLines(dup.ID, deny(types.CARCDuplicate))
	s.Require().Equal(uint64(9), dup.ID)
	// ...while the withdrawn and denied claims hold none
	again2 := s.submit(s.claimMsg(s.pharmacy, s.patient, s.cov, line(ndc, "00093-4155-73", 30, 150)))
	s.Require().Equal(stApproved, again2.Outcome)
	// (the imported accumulators are in force: the maximum of 500 is met)
	s.requireLines(again2.ID, ok(150, 0, 0, 0, 0, 150))
	s.Require().Equal([2]int64{100, 500}, s.acc(s.cov))
	// ...and funding pays the queue smallest first: 1000 does not cover the
	// first (1626), which does not hold up the second (24) nor the new one
	// (150); 800 more pays the first
	s.Require().Equal([]uint64{g.payableSmall, again2.ID}, s.fund(s.payer, 1_000))
	s.Require().Equal([]uint64{g.payableBig}, s.fund(s.payer, 1626+24+150-1_000))
	s.Require().Zero(s.escrowOf(s.payer))
	// ...and the pended and appealed claims are reviewed as before
	s.Require().Equal(stDenied, s.review(s.payer, g.appealed, approve, "")) // 99999 is not covered
	s.Require().Equal(stPayable, s.review(s.payer, g.pended, approve, ""))
}

func (s *KeeperTestSuite) TestInitGenesisRefusesInvalid() {
	gs := types.DefaultGenesisState()
	gs.NextClaimID = 0
	fresh := buildEnv(s.T(), dbm.NewMemDB())
	s.Require().ErrorIs(fresh.k.InitGenesis(fresh.ctx, gs), types.ErrInvalidGenesis)

	gs = s.export()
	gs.Escrows = append(gs.Escrows, types.EscrowEntry{Payer: s.addr(s.payer2), Balance: n(-1)})
	s.Require().ErrorIs(fresh.k.InitGenesis(fresh.ctx, gs), types.ErrInvalidGenesis)
}
