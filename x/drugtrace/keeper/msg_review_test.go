package keeper_test

import (
	"math"

	"cosmossdk.io/collections"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// ---------------------------------------------------------------------------
// A regulator's hold is lifted only by a regulator
// ---------------------------------------------------------------------------

// TestRegulatorHoldOnlyRegulatorLifts: the manufacturer used to be able to
// release a quarantine or lot hold a regulator had placed on its own products.
func (s *KeeperTestSuite) TestRegulatorHoldOnlyRegulatorLifts() {
	s.unitsAt(s.distributor, s.manufacturer, gtinA, lotA, "U1", "U2")

	// Unit quarantine by the regulator: recorded, and only a regulator lifts it.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "U1")})
	u := s.unit(gtinA, "U1")
	s.Require().Equal(s.regulator, u.QuarantinedBy)
	s.Require().True(u.QuarantinedByRegulator)
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, Unit: unitRef(gtinA, "U1")}, types.ErrRegulatorHold)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, Unit: unitRef(gtinA, "U1")})
	u = s.unit(gtinA, "U1")
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_ACTIVE, u.Status)
	s.Require().Empty(u.QuarantinedBy)
	s.Require().False(u.QuarantinedByRegulator)

	// A custodian's quarantine: the manufacturer may still lift it.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, Unit: unitRef(gtinA, "U2")})
	s.Require().False(s.unit(gtinA, "U2").QuarantinedByRegulator)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, Unit: unitRef(gtinA, "U2")})

	// Lot hold by the regulator: the manufacturer cannot lift it.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
	h, err := s.k.LotHolds.Get(s.ctx, collections.Join(gtinA, lotA))
	s.Require().NoError(err)
	s.Require().Equal(types.LotHold{GTIN: gtinA, Lot: lotA, By: s.regulator, At: blockTime, ByRegulator: true}, h)
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA}, types.ErrRegulatorHold)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA})

	// The manufacturer's own lot hold: it lifts it itself.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA})
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA})

	// A manufacturer's hold taken over by the regulator: the manufacturer can
	// no longer lift it (before, the regulator was refused as "already held"
	// and the manufacturer kept the key); a second hold by the manufacturer or
	// the regulator is refused with state unchanged.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA})
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
	h, err = s.k.LotHolds.Get(s.ctx, collections.Join(gtinA, lotA))
	s.Require().NoError(err)
	s.Require().Equal(types.LotHold{GTIN: gtinA, Lot: lotA, By: s.regulator, At: blockTime, ByRegulator: true}, h)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA}, types.ErrAlreadyQuarantined)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA}, types.ErrAlreadyQuarantined)
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA}, types.ErrRegulatorHold)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA})

	// A regulator placement survives the regulator losing its role: still only a regulator lifts it.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "U1")})
	s.members.SetRoles(s.acc(s.regulator), consortiumtypes.Role_ROLE_MANUFACTURER)
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, Unit: unitRef(gtinA, "U1")}, types.ErrRegulatorHold)
}

// ---------------------------------------------------------------------------
// No decommission under a regulator's quarantine or a lot hold
// ---------------------------------------------------------------------------

// TestDecommissionUnderHold: a custodian used to be able to decommission (and
// so destroy the evidence of) a unit a regulator had quarantined.
func (s *KeeperTestSuite) TestDecommissionUnderHold() {
	s.unitsAt(s.distributor, s.manufacturer, gtinA, lotA, "U1", "U2", "U3")
	destroy := func(sr string) *types.MsgDecommission {
		return &types.MsgDecommission{Actor: s.distributor, Unit: unitRef(gtinA, sr), Reason: types.DecommissionReason_DECOMMISSION_REASON_DESTROYED}
	}

	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "U1")})
	refuse(s, s.ms.Decommission, destroy("U1"), types.ErrUnderHold)
	// A custodian's own quarantine taken over by the regulator is protected too.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, Unit: unitRef(gtinA, "U2")})
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "U2")})
	refuse(s, s.ms.Decommission, destroy("U2"), types.ErrUnderHold)

	// A lot hold (by the regulator or the manufacturer) protects every unit of the lot.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
	refuse(s, s.ms.Decommission, destroy("U3"), types.ErrUnderHold)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA})
	refuse(s, s.ms.Decommission, destroy("U3"), types.ErrUnderHold)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA})

	// Once released, the custodian may decommission.
	mustRun(s, s.ms.Decommission, destroy("U3"))
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, Unit: unitRef(gtinA, "U1")})
	mustRun(s, s.ms.Decommission, destroy("U1"))
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_DECOMMISSIONED, s.unit(gtinA, "U1").Status)
}

// ---------------------------------------------------------------------------
// GTINs bound to the manufacturer's GS1 company prefixes
// ---------------------------------------------------------------------------

// TestRegisterProductOtherCompanysGTIN: any manufacturer used to be able to
// register any GTIN, squatting other companies' products.
func (s *KeeperTestSuite) TestRegisterProductOtherCompanysGTIN() {
	otherCompanys := withCheckDigit("0400638133394") // under M2's prefix 4006381, not yet registered
	ours := withCheckDigit("0950600099999")          // under M's prefix 9506000
	reg := func(mfr, gtin string) *types.MsgRegisterProduct {
		return &types.MsgRegisterProduct{Manufacturer: mfr, GTIN: gtin, Name: "Product"}
	}
	refuse(s, s.ms.RegisterProduct, reg(s.manufacturer, otherCompanys), types.ErrGTINNotOwned)
	// A GTIN whose digits only begin like M's prefix at another position.
	refuse(s, s.ms.RegisterProduct, reg(s.manufacturer, withCheckDigit("9506000999999")), types.ErrGTINNotOwned)
	// A manufacturer without any recorded prefix registers nothing.
	m3 := testkit.Addr("manufacturer-3")
	s.members.Admit(m3, consortiumtypes.Role_ROLE_MANUFACTURER)
	refuse(s, s.ms.RegisterProduct, reg(s.addrStr(m3), ours), types.ErrGTINNotOwned)

	mustRun(s, s.ms.RegisterProduct, reg(s.manufacturer, ours))
	mustRun(s, s.ms.RegisterProduct, reg(s.manufacturer2, otherCompanys))
	p, err := s.k.Products.Get(s.ctx, otherCompanys)
	s.Require().NoError(err)
	s.Require().Equal(s.manufacturer2, p.Manufacturer)
}

// ---------------------------------------------------------------------------
// Suspended members can do nothing
// ---------------------------------------------------------------------------

// TestSuspendedMemberRefused: a suspended member used to be able to pack,
// unpack, receive, refuse, decommission, quarantine, release, confirm and
// recall. Each message is refused while its actor is suspended (state
// unchanged) and accepted once the member is reinstated, so the refusal is the
// suspension's doing.
func (s *KeeperTestSuite) TestSuspendedMemberRefused() {
	s.unitsAt(s.distributor, s.manufacturer, gtinA, lotA, "K1", "K2", "K3", "K4")
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "P1")
	s.commission(s.manufacturer, gtinA, lotA2, stdExpiry, "V1")
	toP := s.ship(s.distributor, s.pharmacy, nil, refsOf(gtinA, "K4"))

	type step struct {
		name  string
		actor string
		try   func() error
	}
	steps := []step{
		{"register product", s.manufacturer, func() error {
			_, err := run(s, s.ms.RegisterProduct, &types.MsgRegisterProduct{Manufacturer: s.manufacturer, GTIN: withCheckDigit("0950600011111"), Name: "New"})
			return err
		}},
		{"commission", s.manufacturer, func() error {
			_, err := run(s, s.ms.Commission, &types.MsgCommission{Manufacturer: s.manufacturer, GTIN: gtinA, Lot: lotA, Expiry: stdExpiry, Serials: []string{"C1"}})
			return err
		}},
		{"pack", s.distributor, func() error {
			_, err := run(s, s.ms.Pack, &types.MsgPack{Actor: s.distributor, SSCC: sscc(1), Units: refsOf(gtinA, "K1")})
			return err
		}},
		{"unpack", s.distributor, func() error {
			_, err := run(s, s.ms.Unpack, &types.MsgUnpack{Actor: s.distributor, SSCC: sscc(1)})
			return err
		}},
		{"receive", s.pharmacy, func() error {
			_, err := run(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: toP})
			return err
		}},
		{"ship", s.pharmacy, func() error {
			_, err := run(s, s.ms.Ship, &types.MsgShip{Actor: s.pharmacy, To: s.distributor, Units: refsOf(gtinA, "K4")})
			return err
		}},
		{"refuse shipment", s.distributor, func() error {
			_, err := run(s, s.ms.RefuseShipment, &types.MsgRefuseShipment{Actor: s.distributor, ShipmentID: toP + 1})
			return err
		}},
		{"dispense", s.pharmacy, func() error {
			_, err := run(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinA, "P1"), PatientRef: s.patient})
			return err
		}},
		{"decommission", s.distributor, func() error {
			_, err := run(s, s.ms.Decommission, &types.MsgDecommission{Actor: s.distributor, Unit: unitRef(gtinA, "K2"), Reason: types.DecommissionReason_DECOMMISSION_REASON_DESTROYED})
			return err
		}},
		{"quarantine unit", s.distributor, func() error {
			_, err := run(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, Unit: unitRef(gtinA, "K3")})
			return err
		}},
		{"release unit", s.regulator, func() error {
			_, err := run(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, Unit: unitRef(gtinA, "K3")})
			return err
		}},
		{"hold lot", s.regulator, func() error {
			_, err := run(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA2})
			return err
		}},
		{"confirm illegitimate", s.manufacturer, func() error {
			_, err := run(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: s.manufacturer, Unit: unitRef(gtinA, "V1")})
			return err
		}},
		{"release lot", s.regulator, func() error {
			_, err := run(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA2})
			return err
		}},
		{"recall", s.manufacturer, func() error {
			_, err := run(s, s.ms.Recall, &types.MsgRecall{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA2, Class: classII, ReasonCode: potency})
			return err
		}},
	}
	for _, st := range steps {
		before := s.dump()
		evBefore := len(s.ctx.EventManager().Events())
		s.members.Suspend(s.acc(st.actor))
		err := st.try()
		s.Require().ErrorIs(err, consortiumtypes.ErrNotMember, "%s by a suspended member", st.name)
		s.Require().Equal(before, s.dump(), "%s: state changed", st.name)
		s.Require().Len(s.ctx.EventManager().Events(), evBefore, "%s: events emitted", st.name)
		s.members.Reinstate(s.acc(st.actor))
		s.Require().NoError(st.try(), "%s once reinstated", st.name)
	}
	// The addressee of a shipment that got suspended cannot receive it either.
	id := s.ship(s.manufacturer, s.pharmacy, nil, refsOf(gtinA, "C1"))
	s.members.Suspend(s.acc(s.pharmacy))
	refuse(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id}, consortiumtypes.ErrNotMember)
}

// ---------------------------------------------------------------------------
// Counters and amounts cannot wrap
// ---------------------------------------------------------------------------

// TestUnitGasCannotWrap: gas_per_unit × units used to be a plain uint64
// product; with a per-unit gas of 2^62 four units wrapped to 0 gas. It now
// runs out of gas (and gas_per_unit is bounded by params validation).
func (s *KeeperTestSuite) TestUnitGasCannotWrap() {
	p := types.DefaultParams()
	p.GasPerUnit = 1 << 62
	s.Require().Error(p.Validate())
	s.Require().NoError(s.k.Params.Set(s.ctx, p)) // as if written by an older version
	ctx := s.ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000))
	s.Require().Panics(func() {
		_, _ = s.ms.Commission(ctx, &types.MsgCommission{Manufacturer: s.manufacturer, GTIN: gtinA, Lot: lotA, Expiry: stdExpiry,
			Serials: []string{"W1", "W2", "W3", "W4"}})
	})
}

// TestUnpackAfterCapLowered: unpacking charged the batch cap, so a pallet
// packed under a higher cap could never be unpacked after the cap was lowered.
func (s *KeeperTestSuite) TestUnpackAfterCapLowered() {
	s.commissionA(serials("N", 5)...)
	s.pack(s.manufacturer, sscc(3), refsOf(gtinA, serials("N", 5)...))
	p := types.DefaultParams()
	p.MaxBatchUnits = 2
	s.setParams(p)
	mustRun(s, s.ms.Unpack, &types.MsgUnpack{Actor: s.manufacturer, SSCC: sscc(3)})
	s.Require().Empty(s.unit(gtinA, "N00001").Container)
}

// TestNamedItemsCappedBeforeLookups: a shipment naming more items than the
// batch cap is refused before any of them is looked up.
func (s *KeeperTestSuite) TestNamedItemsCappedBeforeLookups() {
	p := types.DefaultParams()
	p.MaxBatchUnits = 3
	s.setParams(p)
	names := refsOf(gtinA, "A", "B", "C", "D") // none exists
	refuse(s, s.ms.Ship, &types.MsgShip{Actor: s.manufacturer, To: s.distributor, Units: names}, types.ErrBatchTooLarge)
	refuse(s, s.ms.Pack, &types.MsgPack{Actor: s.manufacturer, SSCC: sscc(4), Units: names}, types.ErrBatchTooLarge)
}

// TestSequencesDoNotWrap: shipment and alert ids are sequence+1 with 0 meaning
// "none"; a sequence at the top of uint64 used to wrap and issue id 0.
func (s *KeeperTestSuite) TestSequencesDoNotWrap() {
	s.commissionA("S1")
	s.Require().NoError(s.k.ShipmentSeq.Set(s.ctx, math.MaxUint64))
	refuse(s, s.ms.Ship, &types.MsgShip{Actor: s.manufacturer, To: s.distributor, Units: refsOf(gtinA, "S1")}, types.ErrSequenceExhausted)
	s.Require().NoError(s.k.AlertSeq.Set(s.ctx, types.MaxSequence))
	refuse(s, s.ms.Ship, &types.MsgShip{Actor: s.distributor, To: s.pharmacy, Units: refsOf(gtinA, "S1")}, types.ErrSequenceExhausted)

	gs := types.DefaultGenesisState()
	gs.NextShipmentID = math.MaxUint64
	s.Require().ErrorIs(gs.Validate(), types.ErrInvalidGenesis)
}
