package keeper_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

const (
	setLocked   = types.SettlementStatus_SETTLEMENT_STATUS_LOCKED
	setRevealed = types.SettlementStatus_SETTLEMENT_STATUS_REVEALED
	setLapsed   = types.SettlementStatus_SETTLEMENT_STATUS_LAPSED

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

// pharmacyShipment commissions loose units of gtinA and ships them from the
// manufacturer to the pharmacy (the buyer).
func (s *KeeperTestSuite) pharmacyShipment(serials ...string) uint64 {
	s.T().Helper()
	s.commissionA(serials...)
	return s.ship(s.manufacturer, s.pharmacy, nil, refsOf(gtinA, serials...))
}

// lockMsg locks shipment id under sec with a timelock two hours after the
// block time: the deadline is one hour after it (default margin).
func (s *KeeperTestSuite) lockMsg(actor string, id uint64, sec secret) *types.MsgLockShipmentSettlement {
	return &types.MsgLockShipmentSettlement{
		Actor: actor, ShipmentID: id, Hashlock: sec.hashlock, EVMLockID: sec.lockID,
		EVMTimelock: uint64(s.ctx.BlockTime().Unix()) + 7200, EVMReceiver: evmReceiver, EVMToken: evmToken, EVMAmount: "5000000",
	}
}

// lock records msg's lock and has the shipment's sender confirm it, as the
// seller's relay does once it has checked the lock on Ethereum.
func (s *KeeperTestSuite) lock(msg *types.MsgLockShipmentSettlement) uint64 {
	s.T().Helper()
	deadline := s.lockOnly(msg)
	mustRun(s, s.ms.ConfirmShipmentSettlement, &types.MsgConfirmShipmentSettlement{
		Actor: s.shipment(msg.ShipmentID).From, ShipmentID: msg.ShipmentID, Hashlock: msg.Hashlock})
	return deadline
}

// lockOnly records msg's lock, unconfirmed.
func (s *KeeperTestSuite) lockOnly(msg *types.MsgLockShipmentSettlement) uint64 {
	s.T().Helper()
	s.freshEvents()
	return mustRun(s, s.ms.LockShipmentSettlement, msg).Deadline
}

// TestShipmentSettlementConfirm: only the shipment's sender confirms, only
// the locked hashlock, once, before the deadline; a receipt of an
// unconfirmed lock is refused, even with the right preimage.
func (s *KeeperTestSuite) TestShipmentSettlementConfirm() {
	id := s.pharmacyShipment("K1")
	sec := newSecret("confirm")
	s.lockOnly(s.lockMsg(s.pharmacy, id, sec))
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: sec.preimage}, types.ErrSettlementUnconfirmed)
	confirm := func(actor string, id uint64, h []byte) *types.MsgConfirmShipmentSettlement {
		return &types.MsgConfirmShipmentSettlement{Actor: actor, ShipmentID: id, Hashlock: h}
	}
	for _, who := range []string{s.pharmacy, s.pharmacy2, s.stranger} {
		refuse(s, s.ms.ConfirmShipmentSettlement, confirm(who, id, sec.hashlock), types.ErrNotSender)
	}
	refuse(s, s.ms.ConfirmShipmentSettlement, confirm(s.manufacturer, id, newSecret("other").hashlock), types.ErrInvalidSettlement)
	refuse(s, s.ms.ConfirmShipmentSettlement, confirm(s.manufacturer, id+100, sec.hashlock), types.ErrShipmentNotFound)
	plain := s.pharmacyShipment("K2")
	refuse(s, s.ms.ConfirmShipmentSettlement, confirm(s.manufacturer, plain, sec.hashlock), types.ErrSettlementNotFound)
	s.Require().ErrorIs(confirm(s.manufacturer, id, sec.hashlock[:31]).ValidateBasic(), types.ErrInvalidSettlement)
	s.Require().Error(confirm("nobody", id, sec.hashlock).ValidateBasic())

	s.freshEvents()
	mustRun(s, s.ms.ConfirmShipmentSettlement, confirm(s.manufacturer, id, sec.hashlock))
	ev := events[*types.EventShipmentSettlementConfirmed](s)
	s.Require().Len(ev, 1)
	s.Require().Equal(types.EventShipmentSettlementConfirmed{ShipmentID: id, Hashlock: hex.EncodeToString(sec.hashlock), EVMLockID: hex.EncodeToString(sec.lockID)}, *ev[0])
	refuse(s, s.ms.ConfirmShipmentSettlement, confirm(s.manufacturer, id, sec.hashlock), types.ErrSettlementLocked)
	mustRun(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: sec.preimage})
	got, _ := s.settlementOf(id)
	s.Require().Equal(setRevealed, got.Status)
	s.Require().True(got.Confirmed)
	s.requireSettlementInvariant()

	// After the deadline a lock is not confirmed.
	late := s.pharmacyShipment("K3")
	lsec := newSecret("late")
	deadline := s.lockOnly(s.lockMsg(s.pharmacy, late, lsec))
	s.ctx = s.ctx.WithBlockTime(time.Unix(int64(deadline), 0).UTC())
	refuse(s, s.ms.ConfirmShipmentSettlement, confirm(s.manufacturer, late, lsec.hashlock), types.ErrSettlementExpired)
}

func (s *KeeperTestSuite) settlementOf(id uint64) (types.Settlement, bool) {
	s.T().Helper()
	res, err := s.qs.ShipmentSettlement(s.ctx, &types.QueryShipmentSettlementRequest{ShipmentId: id})
	s.Require().NoError(err)
	return res.Settlement, res.Expired
}

func (s *KeeperTestSuite) requireSettlementInvariant() {
	s.T().Helper()
	broken, err := s.k.CheckSettlements(s.ctx)
	s.Require().NoError(err)
	s.Require().Empty(broken)
}

func (s *KeeperTestSuite) TestShipmentSettlementPayOnDelivery() {
	id := s.pharmacyShipment("H1", "H2")
	sec := newSecret("a")
	msg := s.lockMsg(s.pharmacy, id, sec)
	deadline := s.lock(msg)
	s.Require().Equal(msg.EVMTimelock-types.DefaultEVMSettlementMargin, deadline)
	locked := events[*types.EventShipmentSettlementLocked](s)
	s.Require().Len(locked, 1)
	s.Require().Equal(types.EventShipmentSettlementLocked{
		ShipmentID: id, Buyer: s.pharmacy, Seller: s.manufacturer, Hashlock: hex.EncodeToString(sec.hashlock),
		EVMLockID: hex.EncodeToString(sec.lockID), EVMTimelock: msg.EVMTimelock, Deadline: deadline,
		EVMReceiver: strings.ToLower(evmReceiver), EVMToken: evmToken, EVMAmount: "5000000",
	}, *locked[0])
	got, expired := s.settlementOf(id)
	s.Require().False(expired)
	s.Require().Equal(types.Settlement{
		ShipmentID: id, Hashlock: sec.hashlock, EVMLockID: sec.lockID, EVMTimelock: msg.EVMTimelock, Deadline: deadline,
		EVMReceiver: strings.ToLower(evmReceiver), EVMToken: evmToken, EVMAmount: "5000000", Status: setLocked, Confirmed: true,
	}, got)

	// no delivery without paying
	wrong := newSecret("wrong")
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id}, types.ErrPreimageMismatch)
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: wrong.preimage}, types.ErrPreimageMismatch)
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: sec.hashlock}, types.ErrPreimageMismatch)
	// wrong actors, with the right preimage
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy2, ShipmentID: id, SettlementPreimage: sec.preimage}, types.ErrNotAddressee)
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.manufacturer, ShipmentID: id, SettlementPreimage: sec.preimage}, consortiumtypes.ErrMissingRole)
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.stranger, ShipmentID: id, SettlementPreimage: sec.preimage}, consortiumtypes.ErrNotMember)
	bad := &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: sec.preimage[:31]}
	s.Require().ErrorIs(bad.ValidateBasic(), types.ErrPreimageMismatch)

	s.freshEvents()
	res := mustRun(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: sec.preimage})
	s.Require().EqualValues(2, res.Units)
	s.Require().Equal(types.ShipmentStatus_SHIPMENT_STATUS_RECEIVED, s.shipment(id).Status)
	s.Require().Equal(s.pharmacy, s.unit(gtinA, "H1").Custodian)
	revealed := events[*types.EventShipmentSettlementRevealed](s)
	s.Require().Len(revealed, 1)
	s.Require().Equal(types.EventShipmentSettlementRevealed{
		ShipmentID: id, Hashlock: hex.EncodeToString(sec.hashlock), Preimage: hex.EncodeToString(sec.preimage), EVMLockID: hex.EncodeToString(sec.lockID),
	}, *revealed[0])
	got, _ = s.settlementOf(id)
	s.Require().Equal(setRevealed, got.Status)
	s.Require().Equal(sec.preimage, got.Preimage)
	// twice
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: sec.preimage}, types.ErrShipmentClosed)
	s.requireSettlementInvariant()
}

func (s *KeeperTestSuite) TestShipmentSettlementLockRefusals() {
	id := s.pharmacyShipment("R1")
	other := s.pharmacyShipment("R2")
	used := newSecret("used")
	s.lock(s.lockMsg(s.pharmacy, other, used))
	received := s.pharmacyShipment("R3")
	s.receive(s.pharmacy, received)
	sec := newSecret("b")
	window := uint64(types.DefaultEVMMinRevealWindow)
	now := uint64(s.ctx.BlockTime().Unix())
	cases := []struct {
		name   string
		modify func(*types.MsgLockShipmentSettlement)
		want   error
		basic  bool // ValidateBasic refuses it too
	}{
		{"another buyer", func(m *types.MsgLockShipmentSettlement) { m.Actor = s.pharmacy2 }, types.ErrNotAddressee, false},
		{"the seller", func(m *types.MsgLockShipmentSettlement) { m.Actor = s.manufacturer }, consortiumtypes.ErrMissingRole, false},
		{"a distributor not addressed", func(m *types.MsgLockShipmentSettlement) { m.Actor = s.distributor }, types.ErrNotAddressee, false},
		{"a stranger", func(m *types.MsgLockShipmentSettlement) { m.Actor = s.stranger }, consortiumtypes.ErrNotMember, false},
		{"a patient", func(m *types.MsgLockShipmentSettlement) { m.Actor = s.patient }, consortiumtypes.ErrNotMember, false},
		{"actor not an address", func(m *types.MsgLockShipmentSettlement) { m.Actor = "pharmacy" }, types.ErrInvalidAddress, true},
		{"unknown shipment", func(m *types.MsgLockShipmentSettlement) { m.ShipmentID = 99 }, types.ErrShipmentNotFound, false},
		{"shipment 0", func(m *types.MsgLockShipmentSettlement) { m.ShipmentID = 0 }, types.ErrShipmentNotFound, true},
		{"a received shipment", func(m *types.MsgLockShipmentSettlement) { m.ShipmentID = received }, types.ErrShipmentClosed, false},
		{"hashlock 31 bytes", func(m *types.MsgLockShipmentSettlement) { m.Hashlock = sec.hashlock[:31] }, types.ErrInvalidSettlement, true},
		{"hashlock 33 bytes", func(m *types.MsgLockShipmentSettlement) { m.Hashlock = append(append([]byte{}, sec.hashlock...), 0) }, types.ErrInvalidSettlement, true},
		{"lock id 33 bytes", func(m *types.MsgLockShipmentSettlement) { m.EVMLockID = append(append([]byte{}, sec.lockID...), 0) }, types.ErrInvalidSettlement, true},
		{"receiver bad hex", func(m *types.MsgLockShipmentSettlement) { m.EVMReceiver = "0x" + strings.Repeat("g", 40) }, types.ErrInvalidSettlement, true},
		{"receiver without 0x", func(m *types.MsgLockShipmentSettlement) { m.EVMReceiver = evmReceiver[2:] }, types.ErrInvalidSettlement, true},
		{"token 21 bytes", func(m *types.MsgLockShipmentSettlement) { m.EVMToken = evmToken + "00" }, types.ErrInvalidSettlement, true},
		{"token zero", func(m *types.MsgLockShipmentSettlement) { m.EVMToken = "0x" + strings.Repeat("0", 40) }, types.ErrInvalidSettlement, true},
		{"amount zero", func(m *types.MsgLockShipmentSettlement) { m.EVMAmount = "0" }, types.ErrInvalidSettlement, true},
		{"amount not an integer", func(m *types.MsgLockShipmentSettlement) { m.EVMAmount = "5.0" }, types.ErrInvalidSettlement, true},
		{"amount with a unit", func(m *types.MsgLockShipmentSettlement) { m.EVMAmount = "5usdc" }, types.ErrInvalidSettlement, true},
		{"timelock zero", func(m *types.MsgLockShipmentSettlement) { m.EVMTimelock = 0 }, types.ErrInvalidSettlement, true},
		{"timelock past", func(m *types.MsgLockShipmentSettlement) { m.EVMTimelock = now - 1 }, types.ErrSettlementTooSoon, false},
		{"timelock within the margin", func(m *types.MsgLockShipmentSettlement) { m.EVMTimelock = now + types.DefaultEVMSettlementMargin }, types.ErrSettlementTooSoon, false},
		{"deadline exactly the window away", func(m *types.MsgLockShipmentSettlement) {
			m.EVMTimelock = now + window + types.DefaultEVMSettlementMargin
		}, types.ErrSettlementTooSoon, false},
		{"hashlock of another shipment", func(m *types.MsgLockShipmentSettlement) { m.Hashlock = used.hashlock }, types.ErrHashlockInUse, false},
		{"double lock", func(m *types.MsgLockShipmentSettlement) { m.ShipmentID = other }, types.ErrSettlementLocked, false},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := s.lockMsg(s.pharmacy, id, sec)
			tc.modify(msg)
			if tc.basic {
				s.Require().ErrorIs(msg.ValidateBasic(), tc.want)
			} else {
				s.Require().NoError(msg.ValidateBasic())
			}
			refuse(s, s.ms.LockShipmentSettlement, msg, tc.want)
		})
	}
	msg := s.lockMsg(s.pharmacy, id, sec)
	msg.EVMTimelock = now + window + 1 + types.DefaultEVMSettlementMargin
	s.Require().Equal(now+window+1, s.lock(msg), "one second more than the window is accepted")
	s.requireSettlementInvariant()
}

func (s *KeeperTestSuite) TestShipmentSettlementRevealEdge() {
	for _, tc := range []struct {
		name   string
		before int64 // seconds before the deadline the receipt is sent
		want   error
	}{
		{"one second before the deadline", 1, nil},
		{"at the deadline", 0, types.ErrSettlementExpired},
		{"a day after the deadline", -86400, types.ErrSettlementExpired},
	} {
		s.Run(tc.name, func() {
			s.SetupTest()
			id := s.pharmacyShipment("E1")
			sec := newSecret(tc.name)
			msg := s.lockMsg(s.pharmacy, id, sec)
			deadline := s.lock(msg)
			s.setBlockTime(time.Unix(int64(deadline)-tc.before, 0).UTC())
			_, expired := s.settlementOf(id)
			s.Require().Equal(tc.want != nil, expired)
			rcv := &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: sec.preimage}
			if tc.want != nil {
				refuse(s, s.ms.Receive, rcv, tc.want)
				return
			}
			mustRun(s, s.ms.Receive, rcv)
			s.Require().GreaterOrEqual(msg.EVMTimelock-uint64(s.ctx.BlockTime().Unix()), uint64(types.DefaultEVMSettlementMargin)+1,
				"the seller has the whole margin on Ethereum after the last reveal")
		})
	}
}

func (s *KeeperTestSuite) TestShipmentSettlementRefuseLapsesAndRelock() {
	id := s.pharmacyShipment("F1")
	first := newSecret("first")
	s.lock(s.lockMsg(s.pharmacy, id, first))
	// a preimage for a shipment without a lock is refused
	plain := s.pharmacyShipment("F2")
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: plain, SettlementPreimage: first.preimage}, types.ErrInvalidSettlement)
	s.receive(s.pharmacy, plain) // without a lock, receipt is as before
	_, err := s.qs.ShipmentSettlement(s.ctx, &types.QueryShipmentSettlementRequest{ShipmentId: plain})
	s.Require().Equal(codes.NotFound, status.Code(err))

	s.freshEvents()
	mustRun(s, s.ms.RefuseShipment, &types.MsgRefuseShipment{Actor: s.pharmacy, ShipmentID: id})
	lapsed := events[*types.EventShipmentSettlementLapsed](s)
	s.Require().Len(lapsed, 1)
	s.Require().Equal(types.EventShipmentSettlementLapsed{
		ShipmentID: id, Hashlock: hex.EncodeToString(first.hashlock), EVMLockID: hex.EncodeToString(first.lockID), Reason: types.LapseRefused,
	}, *lapsed[0])
	got, _ := s.settlementOf(id)
	s.Require().Equal(setLapsed, got.Status)
	s.Require().Empty(got.Preimage)
	refuse(s, s.ms.LockShipmentSettlement, s.lockMsg(s.pharmacy, id, newSecret("late")), types.ErrShipmentClosed)

	// shipped again (a new shipment): the old hashlock stays used
	id2 := s.ship(s.manufacturer, s.pharmacy, nil, refsOf(gtinA, "F1"))
	refuse(s, s.ms.LockShipmentSettlement, s.lockMsg(s.pharmacy, id2, first), types.ErrHashlockInUse)
	s.lock(s.lockMsg(s.pharmacy, id2, newSecret("second")))
	s.requireSettlementInvariant()
}

func (s *KeeperTestSuite) TestShipmentSettlementRelockAfterExpiry() {
	id := s.pharmacyShipment("X1")
	first := newSecret("expiring")
	deadline := s.lock(s.lockMsg(s.pharmacy, id, first))
	refuse(s, s.ms.LockShipmentSettlement, s.lockMsg(s.pharmacy, id, newSecret("early")), types.ErrSettlementLocked)
	s.setBlockTime(time.Unix(int64(deadline), 0).UTC())
	got, expired := s.settlementOf(id)
	s.Require().True(expired)
	s.Require().Equal(setLocked, got.Status, "expiry is computed at query time")
	second := newSecret("later")
	s.lock(s.lockMsg(s.pharmacy, id, second))
	lapsed := events[*types.EventShipmentSettlementLapsed](s)
	s.Require().Len(lapsed, 1)
	s.Require().Equal(types.LapseExpired, lapsed[0].Reason)
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: first.preimage}, types.ErrPreimageMismatch)
	mustRun(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: second.preimage})
	got, _ = s.settlementOf(id)
	s.Require().Equal(setRevealed, got.Status)
	s.requireSettlementInvariant()
}

func (s *KeeperTestSuite) TestShipmentSettlementGenesisRoundTrip() {
	received := s.pharmacyShipment("G1")
	r := newSecret("r")
	s.lock(s.lockMsg(s.pharmacy, received, r))
	mustRun(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: received, SettlementPreimage: r.preimage})
	locked := s.pharmacyShipment("G2")
	s.lock(s.lockMsg(s.pharmacy, locked, newSecret("l")))
	refused := s.pharmacyShipment("G3")
	s.lock(s.lockMsg(s.pharmacy, refused, newSecret("f")))
	s.refused(refused)

	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().Len(gs.Settlements, 3)
	s.Require().Len(gs.Hashlocks, 3)
	s.Require().NoError(gs.Validate())
	bz, err := s.cdc.MarshalJSON(gs)
	s.Require().NoError(err)
	var decoded types.GenesisState
	s.Require().NoError(s.cdc.UnmarshalJSON(bz, &decoded))
	fresh := newEnv(s.T())
	fresh.members.CopyFrom(s.members)
	s.Require().NoError(fresh.k.InitGenesis(fresh.ctx, &decoded))
	gs2, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, gs2)
	owner, err := fresh.k.Hashlocks.Get(fresh.ctx, r.hashlock)
	s.Require().NoError(err)
	s.Require().Equal(received, owner)

	// validation: every settlement indexed under its shipment, and consistent with it
	for name, edit := range map[string]func(*types.GenesisState){
		"hashlock not indexed": func(g *types.GenesisState) { g.Hashlocks = g.Hashlocks[1:] },
		"hashlock of another":  func(g *types.GenesisState) { g.Hashlocks[0].ShipmentID = g.Hashlocks[1].ShipmentID },
		"hashlock of no settlement": func(g *types.GenesisState) {
			g.Hashlocks = append(g.Hashlocks, types.HashlockEntry{Hashlock: newSecret("z").hashlock, ShipmentID: 99})
		},
		"hashlock 31 bytes":          func(g *types.GenesisState) { g.Hashlocks[0].Hashlock = g.Hashlocks[0].Hashlock[:31] },
		"locked on a received":       func(g *types.GenesisState) { g.Settlements[0].Status, g.Settlements[0].Preimage = setLocked, nil },
		"revealed, wrong preimage":   func(g *types.GenesisState) { g.Settlements[0].Preimage = newSecret("q").preimage },
		"unknown shipment":           func(g *types.GenesisState) { g.Settlements[1].ShipmentID = 99 },
		"lapsed with another reason": func(g *types.GenesisState) { g.Settlements[2].LapsedReason = "denied" },
		"amount not an integer":      func(g *types.GenesisState) { g.Settlements[1].EVMAmount = "1.5" },
	} {
		g, err := s.k.ExportGenesis(s.ctx)
		s.Require().NoError(err)
		edit(g)
		s.Require().ErrorIs(g.Validate(), types.ErrInvalidGenesis, name)
	}
}

func (s *KeeperTestSuite) TestShipmentSettlementParams() {
	for name, f := range map[string]func(*types.Params){
		"margin zero":         func(p *types.Params) { p.EVMSettlementMargin = 0 },
		"margin above a year": func(p *types.Params) { p.EVMSettlementMargin = types.MaxEVMSettlementSeconds + 1 },
		"window zero":         func(p *types.Params) { p.EVMMinRevealWindow = 0 },
		"window above a year": func(p *types.Params) { p.EVMMinRevealWindow = types.MaxEVMSettlementSeconds + 1 },
	} {
		p := types.DefaultParams()
		f(&p)
		s.Require().ErrorIs(p.Validate(), types.ErrInvalidParams, name)
		refuse(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p}, types.ErrInvalidParams)
	}
}

func (q queryAt) ShipmentSettlement(_ context.Context, r *types.QueryShipmentSettlementRequest) (*types.QueryShipmentSettlementResponse, error) {
	return q.QueryServer.ShipmentSettlement(q.ctx(), r)
}

// TestShipmentSettlementREST: the settlement answers under the shipment's
// REST route; a shipment without one is 404.
func (s *KeeperTestSuite) TestShipmentSettlementREST() {
	id := s.pharmacyShipment("W1")
	sec := newSecret("rest")
	s.lock(s.lockMsg(s.pharmacy, id, sec))
	h := s.rest()
	var res types.QueryShipmentSettlementResponse
	s.Require().Equal(http.StatusOK, s.get(h, fmt.Sprintf("/healthd/drugtrace/v1/shipments/%d/settlement", id), &res))
	s.Require().Equal(sec.hashlock, res.Settlement.Hashlock)
	s.Require().Equal(setLocked, res.Settlement.Status)
	s.Require().False(res.Expired)
	s.Require().Equal(http.StatusNotFound, s.get(h, "/healthd/drugtrace/v1/shipments/99/settlement", nil))
}
