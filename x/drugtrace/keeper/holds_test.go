package keeper_test

import (
	"cosmossdk.io/collections"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// ---------------------------------------------------------------------------
// Quarantine, Release, ConfirmIllegitimate
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestQuarantineUnit() {
	s.unitsAt(s.distributor, s.manufacturer, gtinA, lotA, "U1", "U2", "U3")

	// Outsiders and other members that neither hold the unit nor regulate.
	for a, want := range map[string]error{s.stranger: consortiumtypes.ErrNotMember, s.lab: consortiumtypes.ErrMissingRole,
		s.pharmacy: types.ErrNotCustodian, s.manufacturer: types.ErrNotCustodian, s.manufacturer2: types.ErrNotCustodian} {
		refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: a, Unit: unitRef(gtinA, "U1")}, want)
	}
	// Target: a unit or a GTIN and lot, not both, not half.
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor}, types.ErrInvalidUnitRef)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, Unit: unitRef(gtinA, "U1"), GTIN: gtinA}, types.ErrInvalidUnitRef)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA}, types.ErrInvalidUnitRef)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Lot: lotA}, types.ErrInvalidUnitRef)

	// The custodian quarantines its unit.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, Unit: unitRef(gtinA, "U1")})
	u := s.unit(gtinA, "U1")
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_QUARANTINED, u.Status)
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_ACTIVE, u.HeldStatus)
	e := s.lastEvent(gtinA, "U1")
	s.Require().Equal("holding", e.BizStep)
	s.Require().Equal("non_sellable_other", e.Disposition)
	s.Require().Equal(s.distributor, e.Actor)
	s.Require().Equal(types.Verdict_VERDICT_QUARANTINED, s.verify(unitRef(gtinA, "U1"), s.distributor))
	s.Require().Equal(s.distributor, u.QuarantinedBy)
	s.Require().False(u.QuarantinedByRegulator)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, Unit: unitRef(gtinA, "U1")}, types.ErrAlreadyQuarantined)
	// A regulator takes over the custodian's quarantine (then only a regulator lifts it).
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "U1")})
	u = s.unit(gtinA, "U1")
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_QUARANTINED, u.Status)
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_ACTIVE, u.HeldStatus)
	s.Require().Equal(s.regulator, u.QuarantinedBy)
	s.Require().True(u.QuarantinedByRegulator)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "U1")}, types.ErrAlreadyQuarantined)

	// A regulator quarantines a unit it does not hold.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: elementString(gtinA, stdExpiryGS1, lotA, "U2")})
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_QUARANTINED, s.unit(gtinA, "U2").Status)
	s.Require().Equal(s.distributor, s.unit(gtinA, "U2").Custodian, "quarantine does not move custody")
	s.Require().Equal(s.regulator, s.lastEvent(gtinA, "U2").Actor)

	// A dispensed unit cannot be quarantined.
	s.receive(s.pharmacy, s.ship(s.distributor, s.pharmacy, nil, refsOf(gtinA, "U3")))
	mustRun(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinA, "U3"), PatientRef: s.patient})
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "U3")}, types.ErrInvalidStatus)
}

func (s *KeeperTestSuite) TestReleaseUnit() {
	s.unitsAt(s.distributor, s.manufacturer, gtinA, lotA, "U1")
	s.commissionA("T1")
	id := s.ship(s.manufacturer, s.distributor, nil, refsOf(gtinA, "T1"))
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, Unit: unitRef(gtinA, "U1")})
	// The custodian of an in-transit unit is still the sender; a regulator may hold it.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "T1")})
	t1 := s.unit(gtinA, "T1")
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_QUARANTINED, t1.Status)
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_IN_TRANSIT, t1.HeldStatus)

	// Only a regulator or the product's manufacturer releases; not the custodian.
	for a, want := range notRegulatorNorManufacturer(s) {
		refuse(s, s.ms.Release, &types.MsgRelease{Actor: a, Unit: unitRef(gtinA, "U1")}, want)
	}
	// A manufacturer that lost its role cannot release its own units.
	s.members.Suspend(s.acc(s.manufacturer))
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, Unit: unitRef(gtinA, "U1")}, consortiumtypes.ErrNotMember)
	s.members.Reinstate(s.acc(s.manufacturer))

	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, Unit: unitRef(gtinA, "U1")})
	u := s.unit(gtinA, "U1")
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_ACTIVE, u.Status)
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_UNSPECIFIED, u.HeldStatus)
	e := s.lastEvent(gtinA, "U1")
	s.Require().Equal("holding", e.BizStep)
	s.Require().Equal("active", e.Disposition)
	s.Require().Equal(s.manufacturer, e.Actor)
	s.Require().Equal(types.Verdict_VERDICT_AUTHENTIC_SALEABLE, s.verify(unitRef(gtinA, "U1"), s.distributor))
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, Unit: unitRef(gtinA, "U1")}, types.ErrNotQuarantined)

	// The in-transit unit goes back in transit and can be received.
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, Unit: unitRef(gtinA, "T1")})
	t1 = s.unit(gtinA, "T1")
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_IN_TRANSIT, t1.Status)
	s.Require().Equal(id, t1.ShipmentID)
	s.Require().Equal(types.Verdict_VERDICT_IN_TRANSIT, s.verify(unitRef(gtinA, "T1"), ""))
	s.receive(s.distributor, id)
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_ACTIVE, s.unit(gtinA, "T1").Status)
}

func (s *KeeperTestSuite) TestLotHold() {
	s.commissionA("U1", "U2")
	s.commission(s.manufacturer, gtinA, lotA2, stdExpiry, "V1")
	s.unitsAt(s.distributor, s.manufacturer2, gtinB, lotB, "B1")

	// Not by a distributor, a pharmacy, another manufacturer or an outsider.
	for a, want := range map[string]error{s.distributor: types.ErrNotAllowed, s.pharmacy: types.ErrNotAllowed, s.manufacturer2: types.ErrNotAllowed,
		s.stranger: consortiumtypes.ErrNotMember, s.lab: consortiumtypes.ErrMissingRole} {
		refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: a, GTIN: gtinA, Lot: lotA}, want)
	}
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, GTIN: gtinB, Lot: lotB}, types.ErrNotAllowed)
	// Unknown lot, malformed target.
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: "LOT-NONE"}, types.ErrUnknownLot)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinB, Lot: lotA}, types.ErrUnknownLot)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: badGTIN, Lot: lotA}, types.ErrInvalidGTIN)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: "LOT A"}, types.ErrInvalidLot)

	// The manufacturer holds its lot with one write: no unit is touched.
	units := s.dumpOnly(types.UnitsKey, types.HistoryKey)
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA})
	s.Require().Equal(units, s.dumpOnly(types.UnitsKey, types.HistoryKey))
	h, err := s.k.LotHolds.Get(s.ctx, collections.Join(gtinA, lotA))
	s.Require().NoError(err)
	s.Require().Equal(types.LotHold{GTIN: gtinA, Lot: lotA, By: s.manufacturer, At: blockTime}, h)
	s.Require().Equal(types.Verdict_VERDICT_QUARANTINED, s.verify(unitRef(gtinA, "U1"), ""))
	s.Require().Equal(types.Verdict_VERDICT_AUTHENTIC_SALEABLE, s.verify(unitRef(gtinA, "V1"), ""), "another lot is not held")
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA}, types.ErrAlreadyQuarantined) // a regulator would take it over (TestRegulatorHoldOnlyRegulatorLifts)

	// A regulator holds another manufacturer's lot.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinB, Lot: lotB})
	s.Require().Equal(types.Verdict_VERDICT_QUARANTINED, s.verify(unitRef(gtinB, "B1"), s.distributor))

	// Release: regulator or manufacturer only.
	for a, want := range notRegulatorNorManufacturer(s) {
		refuse(s, s.ms.Release, &types.MsgRelease{Actor: a, GTIN: gtinA, Lot: lotA}, want)
	}
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA2}, types.ErrNotQuarantined)
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, GTIN: gtinA}, types.ErrInvalidUnitRef)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
	// The regulator's hold on M2's lot: M2 cannot lift it, a regulator can.
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer2, GTIN: gtinB, Lot: lotB}, types.ErrRegulatorHold)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinB, Lot: lotB})
	s.Require().Empty(s.dumpOnly(types.LotHoldsKey))
	s.Require().Equal(types.Verdict_VERDICT_AUTHENTIC_SALEABLE, s.verify(unitRef(gtinA, "U1"), s.manufacturer))
	s.Require().Equal(types.Verdict_VERDICT_AUTHENTIC_SALEABLE, s.verify(unitRef(gtinB, "B1"), s.distributor))
}

func (s *KeeperTestSuite) TestConfirmIllegitimate() {
	s.unitsAt(s.distributor, s.manufacturer, gtinA, lotA, "U1", "U2")
	s.commission(s.manufacturer, gtinA, lotA2, stdExpiry, "V1")

	refuse(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: s.regulator, Unit: unitRef(gtinA, "U1")}, types.ErrNotQuarantined)
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.distributor, Unit: unitRef(gtinA, "U1")})
	for a, want := range notRegulatorNorManufacturer(s) {
		refuse(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: a, Unit: unitRef(gtinA, "U1")}, want)
	}
	refuse(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: s.regulator, Unit: unitRef(gtinA, "NOPE")}, types.ErrUnitNotFound)

	mustRun(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: s.regulator, Unit: unitRef(gtinA, "U1")})
	u := s.unit(gtinA, "U1")
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_ILLEGITIMATE, u.Status)
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_UNSPECIFIED, u.HeldStatus)
	s.Require().Equal(types.Verdict_VERDICT_ILLEGITIMATE, s.verify(unitRef(gtinA, "U1"), s.distributor))
	// Final: it cannot be released, re-quarantined, shipped, dispensed or decommissioned.
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, Unit: unitRef(gtinA, "U1")}, types.ErrNotQuarantined)
	refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "U1")}, types.ErrInvalidStatus)
	refuse(s, s.ms.Ship, &types.MsgShip{Actor: s.distributor, To: s.pharmacy, Units: refsOf(gtinA, "U1")}, types.ErrNotSaleable)
	refuse(s, s.ms.Decommission, &types.MsgDecommission{Actor: s.distributor, Unit: unitRef(gtinA, "U1"), Reason: types.DecommissionReason_DECOMMISSION_REASON_DESTROYED}, types.ErrInvalidStatus)

	// A unit of a held lot counts as quarantined; the manufacturer may confirm.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA2})
	mustRun(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: s.manufacturer, Unit: unitRef(gtinA, "V1")})
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_ILLEGITIMATE, s.unit(gtinA, "V1").Status)
	// Releasing the lot does not make it legitimate.
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA2})
	s.Require().Equal(types.Verdict_VERDICT_ILLEGITIMATE, s.verify(unitRef(gtinA, "V1"), ""))
}

// ---------------------------------------------------------------------------
// Recall
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestRecall() {
	lotSers := serials("R", 25)
	s.commissionA(lotSers...)
	s.commission(s.manufacturer, gtinA, lotA2, stdExpiry, "O1")
	s.unitsAt(s.distributor, s.manufacturer2, gtinB, lotB, "B1")
	// Some of the lot moved on: at D, in transit, in a case.
	s.receive(s.distributor, s.ship(s.manufacturer, s.distributor, nil, refsOf(gtinA, "R00001")))
	s.ship(s.manufacturer, s.distributor, nil, refsOf(gtinA, "R00002"))
	s.pack(s.manufacturer, sscc(1), refsOf(gtinA, "R00003"))

	recall := func(actor, gtin, lot string) *types.MsgRecall {
		return &types.MsgRecall{Actor: actor, GTIN: gtin, Lot: lot, Class: classI, ReasonCode: contamination}
	}
	for a, want := range notRegulatorNorManufacturer(s) {
		refuse(s, s.ms.Recall, recall(a, gtinA, lotA), want)
	}
	refuse(s, s.ms.Recall, recall(s.manufacturer, gtinA, "LOT-NONE"), types.ErrUnknownLot)
	refuse(s, s.ms.Recall, recall(s.regulator, gtinB, lotA), types.ErrUnknownLot)
	refuse(s, s.ms.Recall, recall(s.manufacturer, badGTIN, lotA), types.ErrInvalidGTIN)
	// Class and reason come from their vocabularies: not unspecified, not out of range.
	for _, bad := range []*types.MsgRecall{
		{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA, ReasonCode: contamination},
		{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA, Class: classI},
		{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA, Class: 4, ReasonCode: contamination},
		{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA, Class: classI, ReasonCode: 99},
		{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA, Class: -1, ReasonCode: -1},
	} {
		refuse(s, s.ms.Recall, bad, types.ErrInvalidRecall)
	}

	untouched := s.dumpExcept(types.RecallsKey)
	s.freshEvents()
	mustRun(s, s.ms.Recall, recall(s.manufacturer, gtinA, lotA))
	// One write: the Units (and every other) collection is byte-identical.
	s.Require().Equal(untouched, s.dumpExcept(types.RecallsKey), "recall wrote outside the Recalls collection")
	s.Require().Len(s.dumpOnly(types.RecallsKey), 1)
	r, err := s.k.Recalls.Get(s.ctx, collections.Join(gtinA, lotA))
	s.Require().NoError(err)
	s.Require().Equal(types.Recall{GTIN: gtinA, Lot: lotA, By: s.manufacturer, Class: classI, ReasonCode: contamination,
		Reason: "CLASS_I:CONTAMINATION", At: blockTime}, r)
	evs := events[*types.EventRecall](s)
	s.Require().Len(evs, 1)
	s.Require().Equal(r, evs[0].Recall)

	for _, sr := range lotSers {
		s.Require().Equal(types.Verdict_VERDICT_RECALLED, s.verify(unitRef(gtinA, sr), ""), sr)
		res, err := s.qs.Unit(s.ctx, &types.QueryUnitRequest{Unit: unitRef(gtinA, sr)})
		s.Require().NoError(err)
		s.Require().True(res.Recalled)
	}
	s.Require().Equal(types.Verdict_VERDICT_AUTHENTIC_SALEABLE, s.verify(unitRef(gtinA, "O1"), s.manufacturer), "other lot")
	s.Require().Equal(types.Verdict_VERDICT_AUTHENTIC_SALEABLE, s.verify(unitRef(gtinB, "B1"), s.distributor), "other product")

	refuse(s, s.ms.Recall, recall(s.regulator, gtinA, lotA), types.ErrAlreadyRecalled)
	refuse(s, s.ms.Recall, recall(s.manufacturer, gtinA, lotA), types.ErrAlreadyRecalled)

	// A regulator recalls another manufacturer's lot.
	mustRun(s, s.ms.Recall, recall(s.regulator, gtinB, lotB))
	s.Require().Equal(types.Verdict_VERDICT_RECALLED, s.verify(unitRef(gtinB, "B1"), s.distributor))
	// Recalled units can still be decommissioned by their custodian.
	mustRun(s, s.ms.Decommission, &types.MsgDecommission{Actor: s.distributor, Unit: unitRef(gtinA, "R00001"), Reason: types.DecommissionReason_DECOMMISSION_REASON_DESTROYED})
}

// notRegulatorNorManufacturer maps every actor who may not release, confirm or
// recall gtinA to the error it gets: members without the role are refused by
// x/consortium, the other manufacturer by drugtrace.
func notRegulatorNorManufacturer(s *KeeperTestSuite) map[string]error {
	return map[string]error{
		s.distributor: consortiumtypes.ErrMissingRole, s.pharmacy: consortiumtypes.ErrMissingRole, s.hospital: consortiumtypes.ErrMissingRole,
		s.lab: consortiumtypes.ErrMissingRole, s.stranger: consortiumtypes.ErrNotMember, s.patient: consortiumtypes.ErrNotMember,
		s.manufacturer2: types.ErrNotAllowed,
	}
}
