package keeper_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/claims/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

const (
	setLocked   = types.SettlementStatus_SETTLEMENT_STATUS_LOCKED
	setRevealed = types.SettlementStatus_SETTLEMENT_STATUS_REVEALED
	setLapsed   = types.SettlementStatus_SETTLEMENT_STATUS_LAPSED
	htlc        = types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC

	// evmReceiver is given in mixed case: it is stored in lower case.
	evmReceiver = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01"
	evmToken    = "0x00000000000000000000000000000000000000aa"
)

// secret is a settlement's preimage and hashlock, derived from seed (in a
// deployment the preimage is 32 random bytes).
type secret struct{ preimage, hashlock, lockID []byte }

func newSecret(seed string) secret {
	p := sha256.Sum256([]byte("preimage " + seed))
	h := sha256.Sum256(p[:])
	id := sha256.Sum256([]byte("lock id " + seed))
	return secret{p[:], h[:], id[:]}
}

// lockMsg locks claim id under sec with a timelock two hours after the block
// time: the deadline is one hour after it (default margin).
func (s *KeeperTestSuite) lockMsg(payer sdk.AccAddress, id uint64, sec secret) *types.MsgLockClaimSettlement {
	return &types.MsgLockClaimSettlement{
		Payer: s.addr(payer), ClaimID: id, Hashlock: sec.hashlock, EVMLockID: sec.lockID,
		EVMTimelock: uint64(s.now().Unix()) + 7200, EVMReceiver: evmReceiver, EVMToken: evmToken, EVMAmount: "24000000",
	}
}

// lock records msg's lock and has the claim's provider confirm it, as the
// provider's relay does once it has checked the lock on Ethereum.
func (s *KeeperTestSuite) lock(msg *types.MsgLockClaimSettlement) uint64 {
	s.T().Helper()
	deadline := s.lockOnly(msg)
	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.claim(msg.ClaimID).Provider, msg.ClaimID, msg.Hashlock))
		return err
	})
	return deadline
}

// lockOnly records msg's lock, unconfirmed.
func (s *KeeperTestSuite) lockOnly(msg *types.MsgLockClaimSettlement) uint64 {
	s.T().Helper()
	var res *types.MsgLockClaimSettlementResponse
	s.tx(func(ctx sdk.Context) (err error) {
		res, err = s.ms.LockClaimSettlement(ctx, msg)
		return err
	})
	return res.Deadline
}

func (s *KeeperTestSuite) confirmMsg(provider string, id uint64, hashlock []byte) *types.MsgConfirmClaimSettlement {
	return &types.MsgConfirmClaimSettlement{Provider: provider, ClaimID: id, Hashlock: hashlock}
}

// TestSettlementConfirm: only the claim's provider confirms, only the
// locked hashlock, once, before the deadline; an approval of an unconfirmed
// lock is refused and reveals nothing; after the confirmation it pays.
func (s *KeeperTestSuite) TestSettlementConfirm() {
	id, _ := s.htlcClaim(s.patient)
	sec := newSecret("confirm")
	msg := s.lockMsg(s.payer, id, sec)
	s.lockOnly(msg)
	got, _ := s.settlementOf(id)
	s.Require().False(got.Confirmed)

	// Approving before the provider confirmed: refused, nothing revealed.
	s.refuse(types.ErrSettlementUnconfirmed, func(ctx sdk.Context) error {
		_, err := s.ms.ReviewClaim(ctx, s.reviewMsg(s.payer, id, approve, sec.preimage))
		return err
	})
	// Every wrong actor.
	for _, who := range []sdk.AccAddress{s.payer, s.payer2, s.lab, s.pharmacy, s.patient, s.patient2, s.stranger} {
		s.refuse(types.ErrNotProvider, func(ctx sdk.Context) error {
			_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(who), id, sec.hashlock))
			return err
		})
	}
	// Another hashlock, a claim without a lock, a bad address, a short hashlock.
	other := newSecret("other")
	s.refuse(types.ErrInvalidSettlement, func(ctx sdk.Context) error {
		_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(s.hospital), id, other.hashlock))
		return err
	})
	plain, _ := s.htlcClaimBy(s.lab, s.patient2)
	s.refuse(types.ErrSettlementNotFound, func(ctx sdk.Context) error {
		_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(s.lab), plain, sec.hashlock))
		return err
	})
	s.Require().ErrorIs(s.confirmMsg("nobody", id, sec.hashlock).ValidateBasic(), types.ErrInvalidAddress)
	s.Require().ErrorIs(s.confirmMsg(s.addr(s.hospital), id, sec.hashlock[:31]).ValidateBasic(), types.ErrInvalidSettlement)
	s.Require().ErrorIs(s.confirmMsg(s.addr(s.hospital), 0, sec.hashlock).ValidateBasic(), types.ErrClaimNotFound)

	// The provider confirms, once.
	s.freshEvents()
	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(s.hospital), id, sec.hashlock))
		return err
	})
	ev := testkit.Events[*types.EventClaimSettlementConfirmed](s.ctx)
	s.Require().Len(ev, 1)
	s.Require().Equal(types.EventClaimSettlementConfirmed{ClaimID: id, Hashlock: hex.EncodeToString(sec.hashlock), EVMLockID: hex.EncodeToString(sec.lockID)}, *ev[0])
	got, _ = s.settlementOf(id)
	s.Require().True(got.Confirmed)
	s.refuse(types.ErrSettlementLocked, func(ctx sdk.Context) error {
		_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(s.hospital), id, sec.hashlock))
		return err
	})
	s.Require().Equal(stPaid, s.reviewWith(s.reviewMsg(s.payer, id, approve, sec.preimage)))
	s.requireInvariants()
}

// TestSettlementConfirmAfterDeadline: a lock whose deadline has passed is
// not confirmed (it can never be revealed).
func (s *KeeperTestSuite) TestSettlementConfirmAfterDeadline() {
	id, _ := s.htlcClaim(s.patient)
	sec := newSecret("late")
	deadline := s.lockOnly(s.lockMsg(s.payer, id, sec))
	s.advance(time.Duration(deadline-uint64(s.now().Unix())) * time.Second)
	s.refuse(types.ErrSettlementExpired, func(ctx sdk.Context) error {
		_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(s.hospital), id, sec.hashlock))
		return err
	})
}

func (s *KeeperTestSuite) reviewMsg(payer sdk.AccAddress, id uint64, d types.ReviewDecision, preimage []byte) *types.MsgReviewClaim {
	m := &types.MsgReviewClaim{Payer: s.addr(payer), ClaimID: id, Decision: d, SettlementPreimage: preimage}
	if d == denyAll {
		m.Reason = "50"
	}
	return m
}

func (s *KeeperTestSuite) reviewWith(msg *types.MsgReviewClaim) types.ClaimStatus {
	s.T().Helper()
	var res *types.MsgReviewClaimResponse
	s.tx(func(ctx sdk.Context) (err error) {
		res, err = s.ms.ReviewClaim(ctx, msg)
		return err
	})
	return res.Status
}

func (s *KeeperTestSuite) settlementOf(id uint64) (types.Settlement, bool) {
	s.T().Helper()
	res, err := s.qs.ClaimSettlement(s.ctx, &types.QueryClaimSettlementRequest{ClaimId: id})
	s.Require().NoError(err)
	return res.Settlement, res.Expired
}

// htlcClaim submits, under a fresh coverage of patient in an EVM_HTLC plan,
// an office visit the engine would approve (plan pays 24): it is PENDED for
// settlement, with the amounts computed and nothing applied or paid.
func (s *KeeperTestSuite) htlcClaim(patient sdk.AccAddress) (claim, coverage uint64) {
	return s.htlcClaimBy(s.hospital, patient)
}

// htlcClaimBy is htlcClaim billed by provider (one provider bills a
// patient's visit of a day once: duplicates are denied).
func (s *KeeperTestSuite) htlcClaimBy(provider, patient sdk.AccAddress) (claim, coverage uint64) {
	s.T().Helper()
	msg := s.planMsg(s.payer)
	msg.Name, msg.Settlement = "Chain PPO", htlc
	plan := s.createPlan(msg)
	coverage = s.enroll(s.enrollMsg(s.payer, plan, patient))
	res := s.submit(s.claimMsg(provider, patient, coverage, line(cpt, "99213", 1, 150), line(cpt, "97110", 1, 100)))
	s.Require().Equal(stPended, res.Status)
	c := s.claim(res.ID)
	s.Require().Equal([]string{types.PendSettlement}, c.PendReasons)
	s.Require().Equal(htlc, c.Settlement)
	s.Require().Equal("92", types.SumPlanPays(c.Results).String(), "the engine's amounts are kept")
	s.Require().False(c.Applied)
	s.Require().Equal([2]int64{0, 0}, s.acc(coverage))
	return res.ID, coverage
}

func (s *KeeperTestSuite) TestSettlementHTLCPlanPaysOnReveal() {
	s.fund(s.payer, 1_000)
	id, cov := s.htlcClaim(s.patient)
	s.Require().Equal(int64(1_000), s.escrowOf(s.payer), "the engine paid nothing from escrow")
	s.Require().Equal(int64(0), s.balance(s.hospital))

	sec := newSecret("a")
	msg := s.lockMsg(s.payer, id, sec)
	deadline := s.lockOnly(msg)
	s.Require().Equal(msg.EVMTimelock-types.DefaultEVMSettlementMargin, deadline)
	locked := testkit.Events[*types.EventClaimSettlementLocked](s.ctx)
	s.Require().Len(locked, 1)
	s.Require().Equal(types.EventClaimSettlementLocked{
		ClaimID: id, Payer: s.addr(s.payer), Provider: s.addr(s.hospital), Hashlock: hex.EncodeToString(sec.hashlock),
		EVMLockID: hex.EncodeToString(sec.lockID), EVMTimelock: msg.EVMTimelock, Deadline: deadline,
		EVMReceiver: strings.ToLower(evmReceiver), EVMToken: evmToken, EVMAmount: "24000000",
	}, *locked[0])
	got, expired := s.settlementOf(id)
	s.Require().False(expired)
	s.Require().Equal(types.Settlement{
		ClaimID: id, Hashlock: sec.hashlock, EVMLockID: sec.lockID, EVMTimelock: msg.EVMTimelock, Deadline: deadline,
		EVMReceiver: strings.ToLower(evmReceiver), EVMToken: evmToken, EVMAmount: "24000000", Status: setLocked,
	}, got)
	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(s.hospital), id, sec.hashlock))
		return err
	})

	s.Require().Equal(stPaid, s.reviewWith(s.reviewMsg(s.payer, id, approve, sec.preimage)))
	c := s.claim(id)
	s.Require().Equal(stApproved, c.Outcome)
	s.Require().True(c.Applied)
	s.Require().True(c.Paid.IsZero(), "nothing paid on healthd")
	s.Require().Equal([2]int64{100, 100 + 20 + 6 + 15 + 17}, s.acc(cov), "cost sharing counts")
	s.Require().Equal(int64(1_000), s.escrowOf(s.payer))
	s.Require().Equal(int64(0), s.balance(s.hospital))
	s.Require().Empty(testkit.Events[*types.EventClaimPaid](s.ctx))
	revealed := testkit.Events[*types.EventClaimSettlementRevealed](s.ctx)
	s.Require().Len(revealed, 1)
	s.Require().Equal(types.EventClaimSettlementRevealed{
		ClaimID: id, Hashlock: hex.EncodeToString(sec.hashlock), Preimage: hex.EncodeToString(sec.preimage), EVMLockID: hex.EncodeToString(sec.lockID),
	}, *revealed[0])
	got, expired = s.settlementOf(id)
	s.Require().Equal(setRevealed, got.Status)
	s.Require().Equal(sec.preimage, got.Preimage)
	s.Require().False(expired)

	// twice: the claim is paid; a second reveal is refused
	s.refuse(types.ErrInvalidTransition, func(ctx sdk.Context) error {
		_, err := s.ms.ReviewClaim(ctx, s.reviewMsg(s.payer, id, approve, sec.preimage))
		return err
	})
	s.requireSettlementInvariants()
}

func (s *KeeperTestSuite) TestSettlementEscrowPlanClaimLocked() {
	s.fund(s.payer, 1_000)
	id, _ := s.pendedClaim(s.patient)
	s.Require().NotEqual(htlc, s.claim(id).Settlement)
	sec := newSecret("escrow plan")
	s.lock(s.lockMsg(s.payer, id, sec))
	s.Require().Equal(htlc, s.claim(id).Settlement, "a lock switches the claim to settlement on Ethereum")
	s.refuse(types.ErrPreimageMismatch, func(ctx sdk.Context) error {
		_, err := s.ms.ReviewClaim(ctx, s.reviewMsg(s.payer, id, approve, nil))
		return err
	})
	s.Require().Equal(stPaid, s.reviewWith(s.reviewMsg(s.payer, id, approve, sec.preimage)))
	s.Require().Equal(int64(1_000), s.escrowOf(s.payer))
	s.Require().True(s.claim(id).Paid.IsZero())
}

func (s *KeeperTestSuite) TestSettlementEscrowUnchangedWithoutLock() {
	// an escrow plan's pended claim approved without a preimage pays from escrow, as before
	s.fund(s.payer, 1_000)
	id, _ := s.pendedClaim(s.patient)
	s.Require().Equal(stPaid, s.review(s.payer, id, approve, ""))
	s.Require().Equal(int64(1_000-182), s.escrowOf(s.payer))
	_, err := s.qs.ClaimSettlement(s.ctx, &types.QueryClaimSettlementRequest{ClaimId: id})
	s.Require().Equal(codes.NotFound, status.Code(err))
}

func (s *KeeperTestSuite) TestSettlementLockRefusals() {
	id, _ := s.htlcClaim(s.patient)
	other, _ := s.htlcClaim(s.patient2)
	used := newSecret("used")
	s.lock(s.lockMsg(s.payer, other, used))
	paid := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "99213", 1, 150))).ID
	s.fund(s.payer, 1_000)
	s.Require().Equal(stPaid, s.claim(paid).Status)
	sec := newSecret("b")
	window := uint64(types.DefaultEVMMinRevealWindow)
	now := uint64(s.now().Unix())
	cases := []struct {
		name   string
		modify func(*types.MsgLockClaimSettlement)
		want   error
		basic  bool // ValidateBasic refuses it too
	}{
		{"another payer", func(m *types.MsgLockClaimSettlement) { m.Payer = s.addr(s.payer2) }, types.ErrNotPayer, false},
		{"the provider", func(m *types.MsgLockClaimSettlement) { m.Payer = s.addr(s.hospital) }, consortiumtypes.ErrMissingRole, false},
		{"the patient", func(m *types.MsgLockClaimSettlement) { m.Payer = s.addr(s.patient) }, consortiumtypes.ErrNotMember, false},
		{"a stranger", func(m *types.MsgLockClaimSettlement) { m.Payer = s.addr(s.stranger) }, consortiumtypes.ErrNotMember, false},
		{"payer not an address", func(m *types.MsgLockClaimSettlement) { m.Payer = "payer" }, types.ErrInvalidAddress, true},
		{"unknown claim", func(m *types.MsgLockClaimSettlement) { m.ClaimID = 99 }, types.ErrClaimNotFound, false},
		{"a paid claim", func(m *types.MsgLockClaimSettlement) { m.ClaimID = paid }, types.ErrInvalidTransition, false},
		{"hashlock 31 bytes", func(m *types.MsgLockClaimSettlement) { m.Hashlock = sec.hashlock[:31] }, types.ErrInvalidSettlement, true},
		{"hashlock 33 bytes", func(m *types.MsgLockClaimSettlement) { m.Hashlock = append(append([]byte{}, sec.hashlock...), 0) }, types.ErrInvalidSettlement, true},
		{"lock id 31 bytes", func(m *types.MsgLockClaimSettlement) { m.EVMLockID = sec.lockID[:31] }, types.ErrInvalidSettlement, true},
		{"receiver without 0x", func(m *types.MsgLockClaimSettlement) { m.EVMReceiver = evmReceiver[2:] }, types.ErrInvalidSettlement, true},
		{"receiver bad hex", func(m *types.MsgLockClaimSettlement) { m.EVMReceiver = "0x" + strings.Repeat("g", 40) }, types.ErrInvalidSettlement, true},
		{"receiver 19 bytes", func(m *types.MsgLockClaimSettlement) { m.EVMReceiver = evmReceiver[:40] }, types.ErrInvalidSettlement, true},
		{"receiver zero", func(m *types.MsgLockClaimSettlement) { m.EVMReceiver = "0x" + strings.Repeat("0", 40) }, types.ErrInvalidSettlement, true},
		{"token bad hex", func(m *types.MsgLockClaimSettlement) { m.EVMToken = "0x" + strings.Repeat("z", 40) }, types.ErrInvalidSettlement, true},
		{"amount zero", func(m *types.MsgLockClaimSettlement) { m.EVMAmount = "0" }, types.ErrInvalidSettlement, true},
		{"amount empty", func(m *types.MsgLockClaimSettlement) { m.EVMAmount = "" }, types.ErrInvalidSettlement, true},
		{"amount decimal", func(m *types.MsgLockClaimSettlement) { m.EVMAmount = "1.5" }, types.ErrInvalidSettlement, true},
		{"amount negative", func(m *types.MsgLockClaimSettlement) { m.EVMAmount = "-1" }, types.ErrInvalidSettlement, true},
		{"amount leading zero", func(m *types.MsgLockClaimSettlement) { m.EVMAmount = "01" }, types.ErrInvalidSettlement, true},
		{"amount above uint256", func(m *types.MsgLockClaimSettlement) {
			m.EVMAmount = "115792089237316195423570985008687907853269984665640564039457584007913129639936"
		}, types.ErrInvalidSettlement, true},
		{"timelock zero", func(m *types.MsgLockClaimSettlement) { m.EVMTimelock = 0 }, types.ErrInvalidSettlement, true},
		{"timelock past year 9999", func(m *types.MsgLockClaimSettlement) { m.EVMTimelock = types.MaxEVMTimelock + 1 }, types.ErrInvalidSettlement, true},
		{"timelock below the margin", func(m *types.MsgLockClaimSettlement) { m.EVMTimelock = types.DefaultEVMSettlementMargin }, types.ErrSettlementTooSoon, false},
		{"timelock past", func(m *types.MsgLockClaimSettlement) { m.EVMTimelock = now - 1 }, types.ErrSettlementTooSoon, false},
		{"deadline exactly the window away", func(m *types.MsgLockClaimSettlement) {
			m.EVMTimelock = now + window + types.DefaultEVMSettlementMargin
		}, types.ErrSettlementTooSoon, false},
		{"hashlock of another claim", func(m *types.MsgLockClaimSettlement) { m.Hashlock = used.hashlock }, types.ErrHashlockInUse, false},
		{"double lock", func(m *types.MsgLockClaimSettlement) { m.ClaimID = other }, types.ErrSettlementLocked, false},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := s.lockMsg(s.payer, id, sec)
			tc.modify(msg)
			if tc.basic {
				s.Require().ErrorIs(msg.ValidateBasic(), tc.want)
			} else {
				s.Require().NoError(msg.ValidateBasic())
			}
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.LockClaimSettlement(ctx, msg); return err })
		})
	}
	// one second more than the window is accepted
	msg := s.lockMsg(s.payer, id, sec)
	msg.EVMTimelock = now + window + 1 + types.DefaultEVMSettlementMargin
	s.Require().Equal(now+window+1, s.lock(msg))
}

func (s *KeeperTestSuite) TestSettlementRevealEdge() {
	margin := uint64(types.DefaultEVMSettlementMargin)
	for _, tc := range []struct {
		name   string
		before int64 // seconds before the deadline the review is sent
		want   error
	}{
		{"one second before the deadline", 1, nil},
		{"at the deadline", 0, types.ErrSettlementExpired},
		{"after the deadline", -1, types.ErrSettlementExpired},
	} {
		s.Run(tc.name, func() {
			s.SetupTest()
			id, _ := s.htlcClaim(s.patient)
			sec := newSecret(tc.name)
			msg := s.lockMsg(s.payer, id, sec)
			deadline := s.lock(msg)
			s.Require().Equal(msg.EVMTimelock-margin, deadline)
			s.ctx = s.ctx.WithBlockTime(time.Unix(int64(deadline)-tc.before, 0).UTC())
			_, expired := s.settlementOf(id)
			s.Require().Equal(tc.want != nil, expired)
			if tc.want == nil {
				s.Require().Equal(stPaid, s.reviewWith(s.reviewMsg(s.payer, id, approve, sec.preimage)))
				// the receiver has the whole margin on Ethereum after the last reveal
				s.Require().GreaterOrEqual(msg.EVMTimelock-uint64(s.now().Unix()), margin+1)
				return
			}
			s.refuse(tc.want, func(ctx sdk.Context) error {
				_, err := s.ms.ReviewClaim(ctx, s.reviewMsg(s.payer, id, approve, sec.preimage))
				return err
			})
		})
	}
}

func (s *KeeperTestSuite) TestSettlementRevealRefusals() {
	id, _ := s.htlcClaim(s.patient)
	sec := newSecret("c")
	s.lock(s.lockMsg(s.payer, id, sec))
	unlocked, _ := s.htlcClaimBy(s.lab, s.patient2)
	escrowClaim, _ := s.pendedClaim(s.patient2)
	wrong := newSecret("wrong")
	cases := []struct {
		name string
		msg  *types.MsgReviewClaim
		want error
	}{
		{"another payer", s.reviewMsg(s.payer2, id, approve, sec.preimage), types.ErrNotPayer},
		{"the provider", s.reviewMsg(s.hospital, id, approve, sec.preimage), consortiumtypes.ErrMissingRole},
		{"the patient", s.reviewMsg(s.patient, id, approve, sec.preimage), consortiumtypes.ErrNotMember},
		{"a stranger", s.reviewMsg(s.stranger, id, approve, sec.preimage), consortiumtypes.ErrNotMember},
		{"wrong preimage", s.reviewMsg(s.payer, id, approve, wrong.preimage), types.ErrPreimageMismatch},
		{"the hashlock as preimage", s.reviewMsg(s.payer, id, approve, sec.hashlock), types.ErrPreimageMismatch},
		{"no preimage", s.reviewMsg(s.payer, id, approve, nil), types.ErrPreimageMismatch},
		{"partial with a wrong preimage", func() *types.MsgReviewClaim {
			m := s.reviewMsg(s.payer, id, partial, wrong.preimage)
			m.ApproveLines, m.Reason = []uint64{0}, "50"
			return m
		}(), types.ErrPreimageMismatch},
		{"a preimage with a denial", s.reviewMsg(s.payer, id, denyAll, sec.preimage), types.ErrInvalidSettlement},
		{"an HTLC claim approved without a lock", s.reviewMsg(s.payer, unlocked, approve, nil), types.ErrSettlementRequired},
		{"a preimage for an escrow claim", s.reviewMsg(s.payer, escrowClaim, approve, sec.preimage), types.ErrInvalidSettlement},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.ReviewClaim(ctx, tc.msg); return err })
		})
	}
	bad := s.reviewMsg(s.payer, id, approve, sec.preimage[:31])
	s.Require().ErrorIs(bad.ValidateBasic(), types.ErrPreimageMismatch)
	// a partial approval with the preimage reveals; the claim cannot then be appealed
	m := s.reviewMsg(s.payer, id, partial, sec.preimage)
	m.ApproveLines, m.Reason = []uint64{0}, "50"
	s.Require().Equal(stPaid, s.reviewWith(m))
	s.Require().Equal(stPartial, s.claim(id).Outcome)
	s.refuse(types.ErrInvalidTransition, func(ctx sdk.Context) error {
		_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: id, Reason: necessity})
		return err
	})
	s.requireSettlementInvariants()
}

func (s *KeeperTestSuite) TestSettlementLapseAndRelock() {
	id, _ := s.htlcClaim(s.patient)
	first := newSecret("first")
	s.lock(s.lockMsg(s.payer, id, first))
	s.Require().Equal(stDenied, s.reviewWith(s.reviewMsg(s.payer, id, denyAll, nil)))
	lapsed := testkit.Events[*types.EventClaimSettlementLapsed](s.ctx)
	s.Require().Len(lapsed, 1)
	s.Require().Equal(types.EventClaimSettlementLapsed{
		ClaimID: id, Hashlock: hex.EncodeToString(first.hashlock), EVMLockID: hex.EncodeToString(first.lockID), Reason: types.LapseDenied,
	}, *lapsed[0])
	got, _ := s.settlementOf(id)
	s.Require().Equal(setLapsed, got.Status)
	s.Require().Empty(got.Preimage)
	// denied: no lock
	s.refuse(types.ErrInvalidTransition, func(ctx sdk.Context) error {
		_, err := s.ms.LockClaimSettlement(ctx, s.lockMsg(s.payer, id, newSecret("x")))
		return err
	})
	s.appeal(s.hospital, id)
	// appealed: an approval needs a new lock, never under the lapsed hashlock
	s.refuse(types.ErrSettlementRequired, func(ctx sdk.Context) error {
		_, err := s.ms.ReviewClaim(ctx, s.reviewMsg(s.payer, id, approve, nil))
		return err
	})
	s.refuse(types.ErrHashlockInUse, func(ctx sdk.Context) error {
		_, err := s.ms.LockClaimSettlement(ctx, s.lockMsg(s.payer, id, first))
		return err
	})
	second := newSecret("second")
	s.lock(s.lockMsg(s.payer, id, second))
	s.refuse(types.ErrPreimageMismatch, func(ctx sdk.Context) error {
		_, err := s.ms.ReviewClaim(ctx, s.reviewMsg(s.payer, id, approve, first.preimage))
		return err
	})
	s.Require().Equal(stPaid, s.reviewWith(s.reviewMsg(s.payer, id, approve, second.preimage)))
	got, _ = s.settlementOf(id)
	s.Require().Equal(setRevealed, got.Status)
	s.Require().Equal(second.hashlock, got.Hashlock)
	s.requireSettlementInvariants()
}

func (s *KeeperTestSuite) TestSettlementLapsesOnWithdraw() {
	id, _ := s.htlcClaim(s.patient)
	sec := newSecret("w")
	s.lock(s.lockMsg(s.payer, id, sec))
	s.withdraw(s.hospital, id)
	got, _ := s.settlementOf(id)
	s.Require().Equal(setLapsed, got.Status)
	s.Require().Equal(types.LapseWithdrawn, got.LapsedReason)
	s.Require().Len(testkit.Events[*types.EventClaimSettlementLapsed](s.ctx), 1)
	s.requireSettlementInvariants()
}

func (s *KeeperTestSuite) TestSettlementRelockAfterExpiry() {
	id, _ := s.htlcClaim(s.patient)
	first := newSecret("expiring")
	deadline := s.lock(s.lockMsg(s.payer, id, first))
	// before the deadline a second lock is a double lock
	s.refuse(types.ErrSettlementLocked, func(ctx sdk.Context) error {
		_, err := s.ms.LockClaimSettlement(ctx, s.lockMsg(s.payer, id, newSecret("early")))
		return err
	})
	s.ctx = s.ctx.WithBlockTime(time.Unix(int64(deadline), 0).UTC())
	got, expired := s.settlementOf(id)
	s.Require().True(expired)
	s.Require().Equal(setLocked, got.Status, "expiry is computed at query time")
	second := newSecret("later")
	s.lockOnly(s.lockMsg(s.payer, id, second))
	lapsed := testkit.Events[*types.EventClaimSettlementLapsed](s.ctx)
	s.Require().Len(lapsed, 1)
	s.Require().Equal(types.LapseExpired, lapsed[0].Reason)
	s.Require().Equal(hex.EncodeToString(first.hashlock), lapsed[0].Hashlock)
	got, expired = s.settlementOf(id)
	s.Require().False(expired)
	s.Require().Equal(second.hashlock, got.Hashlock)
	s.Require().False(got.Confirmed, "a new lock is confirmed anew")
	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(s.hospital), id, second.hashlock))
		return err
	})
	s.Require().Equal(stPaid, s.reviewWith(s.reviewMsg(s.payer, id, approve, second.preimage)))
	s.requireSettlementInvariants()
}

func (s *KeeperTestSuite) TestSettlementGenesisRoundTrip() {
	revealed, _ := s.htlcClaim(s.patient)
	r := newSecret("r")
	s.lock(s.lockMsg(s.payer, revealed, r))
	s.reviewWith(s.reviewMsg(s.payer, revealed, approve, r.preimage))
	locked, _ := s.htlcClaim(s.patient2)
	s.lock(s.lockMsg(s.payer, locked, newSecret("l")))
	denied, _ := s.htlcClaimBy(s.lab, s.patient2)
	s.lock(s.lockMsg(s.payer, denied, newSecret("d")))
	s.reviewWith(s.reviewMsg(s.payer, denied, denyAll, nil))

	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().Len(gs.Settlements, 3)
	s.Require().Len(gs.Hashlocks, 3)
	s.Require().NoError(gs.Validate(testkit.AddressCodec))

	fresh := s.importInto(gs)
	again, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, again)
	has, err := fresh.k.Hashlocks.Get(fresh.ctx, r.hashlock)
	s.Require().NoError(err)
	s.Require().Equal(revealed, has)
}

// requireSettlementInvariants runs the module's settlement invariant.
func (s *KeeperTestSuite) requireSettlementInvariants() {
	s.T().Helper()
	broken, err := s.k.CheckSettlements(s.ctx)
	s.Require().NoError(err)
	s.Require().Empty(broken)
}

func (s *KeeperTestSuite) TestSettlementParams() {
	for _, tc := range []struct {
		name string
		f    func(*types.Params)
	}{
		{"margin zero", func(p *types.Params) { p.EVMSettlementMargin = 0 }},
		{"margin above a year", func(p *types.Params) { p.EVMSettlementMargin = types.MaxEVMSettlementSeconds + 1 }},
		{"window zero", func(p *types.Params) { p.EVMMinRevealWindow = 0 }},
		{"window above a year", func(p *types.Params) { p.EVMMinRevealWindow = types.MaxEVMSettlementSeconds + 1 }},
	} {
		s.Run(tc.name, func() {
			p := s.params()
			tc.f(&p)
			s.Require().ErrorIs(p.Validate(), types.ErrInvalidParams)
			s.refuse(types.ErrInvalidParams, func(ctx sdk.Context) error {
				_, err := s.ms.UpdateParams(ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
				return err
			})
		})
	}
	// a larger margin moves the deadline of later locks
	s.setParams(func(p *types.Params) { p.EVMSettlementMargin = 7000 })
	id, _ := s.htlcClaim(s.patient)
	msg := s.lockMsg(s.payer, id, newSecret("m"))
	s.refuse(types.ErrSettlementTooSoon, func(ctx sdk.Context) error { _, err := s.ms.LockClaimSettlement(ctx, msg); return err })
	s.setParams(func(p *types.Params) { p.EVMSettlementMargin = 6000 })
	s.Require().Equal(msg.EVMTimelock-6000, s.lock(msg))
}
