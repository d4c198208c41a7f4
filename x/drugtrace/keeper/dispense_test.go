package keeper_test

import (
	"bytes"
	"encoding/hex"
	"regexp"
	"time"

	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// rxReference is a pharmacy's own prescription number; only rxCommitment,
// as the CLI computes it, reaches the chain.
const rxReference = "RX-2026.001"

var rxCommitment = types.PrescriptionCommitment(types.PrescriptionSalt(bytes.Repeat([]byte{0x5a}, 32), unitRef(gtinA, "U1")), rxReference)

func (s *KeeperTestSuite) dispenseMsg(actor, unit string) *types.MsgDispense {
	return &types.MsgDispense{Actor: actor, Unit: unit, PatientRef: s.patient, PrescriptionCommitment: rxCommitment}
}

func (s *KeeperTestSuite) TestDispense() {
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "U1", "U2")
	s.freshEvents()
	ref := elementString(gtinA, stdExpiryGS1, lotA, "U1")
	res := mustRun(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, ref))
	s.Require().False(res.Refused)

	u := s.unit(gtinA, "U1")
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_DISPENSED, u.Status)
	s.Require().Equal(s.pharmacy, u.Custodian)
	e := s.lastEvent(gtinA, "U1")
	s.Require().Equal("dispensing", e.BizStep)
	s.Require().Equal("dispensed", e.Disposition)
	s.Require().Equal("OBSERVE", e.Action)
	s.Require().Equal(s.pharmacy, e.Actor)
	s.Require().Empty(e.TransactionReference, "no free-text prescription reference")
	s.Require().Equal(rxCommitment, e.PrescriptionCommitment)
	s.Require().Zero(e.PrescriptionID)
	s.Require().Regexp(hex64, e.PatientRefHash)
	// The event names the unit but not the patient's hash, which pairs with it.
	traces := events[*types.EventTrace](s)
	s.Require().Len(traces, 1)
	s.Require().Equal([]string{unitRef(gtinA, "U1")}, traces[0].Units)
	s.Require().Empty(traces[0].Event.PatientRefHash)
	s.Require().Equal(rxCommitment, traces[0].Event.PrescriptionCommitment)
	s.Require().Equal(types.Verdict_VERDICT_ALREADY_DISPENSED, s.verify(unitRef(gtinA, "U1"), ""))
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_ACTIVE, s.unit(gtinA, "U2").Status)

	// The patient's account appears nowhere: neither its bech32 string nor its
	// raw bytes (in any encoding a store key or value could carry), in the
	// store or in the emitted events.
	pt := s.acc(s.patient)
	for _, needle := range [][]byte{[]byte(s.patient), pt, []byte(hex.EncodeToString(pt)), []byte(hex.EncodeToString(pt)[:16])} {
		s.Require().False(s.storeContains(needle), "the module store contains the patient reference %q", needle)
	}
	for _, ev := range s.ctx.EventManager().ABCIEvents() {
		for _, attr := range ev.Attributes {
			s.Require().NotContains(attr.Value, s.patient, "event %s carries the patient address", ev.Type)
			s.Require().False(bytes.Contains([]byte(attr.Value), pt))
			s.Require().NotContains(attr.Value, e.PatientRefHash, "event %s carries the patient's hash", ev.Type)
		}
	}
	s.Require().False(s.storeContains([]byte(rxReference)), "the prescription reference in clear")

	// The hash differs per patient: the same unit to another patient would hash differently.
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "U3")
	other := s.dispenseMsg(s.pharmacy, unitRef(gtinA, "U3"))
	other.PatientRef = s.addrStr(testkit.Addr("patient-2"))
	mustRun(s, s.ms.Dispense, other)
	s.Require().Regexp(hex64, s.lastEvent(gtinA, "U3").PatientRefHash)
	s.Require().NotEqual(e.PatientRefHash, s.lastEvent(gtinA, "U3").PatientRefHash)

	// A hospital dispenses too; a non-prescription product needs no prescription reference.
	s.unitsAt(s.hospital, s.manufacturer, gtinA, lotA, "H1")
	mustRun(s, s.ms.Dispense, &types.MsgDispense{Actor: s.hospital, Unit: "https://id.gs1.org/01/" + gtinA + "/10/" + lotA + "/21/H1?17=" + stdExpiryGS1, PatientRef: s.patient})
	s.Require().Empty(s.lastEvent(gtinA, "H1").TransactionReference)
	s.Require().Empty(s.lastEvent(gtinA, "H1").PrescriptionCommitment)

	// A prescription received over the bridge is named by its id, kept as such.
	s.unitsAt(s.pharmacy, s.manufacturer, gtinRx, lotA, "B1")
	mustRun(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinRx, "B1"), PatientRef: s.patient, PrescriptionID: 7})
	s.Require().EqualValues(7, s.lastEvent(gtinRx, "B1").PrescriptionID)
	s.Require().Empty(s.lastEvent(gtinRx, "B1").PrescriptionCommitment)
	s.Require().Empty(s.lastEvent(gtinRx, "B1").TransactionReference)
}

func (s *KeeperTestSuite) TestDispenseTwiceRaisesAlert() {
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "U1")
	mustRun(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "U1")))

	for _, actor := range []string{s.pharmacy, s.pharmacy2} {
		s.freshEvents()
		unitBefore := s.unit(gtinA, "U1")
		noAlerts := s.dumpExcept(types.AlertsKey, types.AlertSeqKey)
		res := mustRun(s, s.ms.Dispense, s.dispenseMsg(actor, unitRef(gtinA, "U1")))
		s.Require().True(res.Refused)
		s.Require().Equal(unitBefore, s.unit(gtinA, "U1"))
		s.Require().Equal(noAlerts, s.dumpExcept(types.AlertsKey, types.AlertSeqKey), "state other than alerts changed")

		a, err := s.k.Alerts.Get(s.ctx, res.AlertID)
		s.Require().NoError(err)
		s.Require().Equal(types.Alert{ID: res.AlertID, Unit: unitRef(gtinA, "U1"), Actor: actor, Attempted: "dispensing",
			Verdict: types.Verdict_VERDICT_ALREADY_DISPENSED, Time: blockTime}, a)
		evs := events[*types.EventSuspectProduct](s)
		s.Require().Len(evs, 1)
		s.Require().Equal(a, evs[0].Alert)
	}
	s.Require().Len(s.alerts(), 2)
}

func (s *KeeperTestSuite) TestDispenseRefusals() {
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "U1", "U2", "U3")
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA2, "R1")
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, "LOT-H", "H1")
	s.unitsAt(s.pharmacy, s.manufacturer, gtinRx, lotA, "X1")
	s.commission(s.manufacturer, gtinA, "LOT-SHORT", "2026-03-10", "E1")
	s.receive(s.pharmacy, s.ship(s.manufacturer, s.pharmacy, nil, refsOf(gtinA, "E1")))
	s.unitsAt(s.distributor, s.manufacturer, gtinA, lotA, "D1")

	// Role: distributors, manufacturers, regulators and outsiders do not dispense.
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.distributor, unitRef(gtinA, "D1")), consortiumtypes.ErrMissingRole)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.manufacturer, unitRef(gtinA, "U1")), consortiumtypes.ErrMissingRole)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.regulator, unitRef(gtinA, "U1")), consortiumtypes.ErrMissingRole)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.stranger, unitRef(gtinA, "U1")), consortiumtypes.ErrNotMember)

	// A pharmacy (or hospital) that does not hold the unit.
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy2, unitRef(gtinA, "U1")), types.ErrNotSaleable)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.hospital, unitRef(gtinA, "U1")), types.ErrNotSaleable)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "D1")), types.ErrNotSaleable)

	// Prescription-only product without (or with a malformed) prescription reference.
	noRx := s.dispenseMsg(s.pharmacy, unitRef(gtinRx, "X1"))
	noRx.PrescriptionCommitment = nil
	refuse(s, s.ms.Dispense, noRx, types.ErrInvalidReference)
	badRx := s.dispenseMsg(s.pharmacy, unitRef(gtinRx, "X1"))
	badRx.PrescriptionCommitment = []byte("RX-1") // free text is not a commitment
	refuse(s, s.ms.Dispense, badRx, types.ErrInvalidReference)
	badRx.PrescriptionCommitment = append(bytes.Clone(rxCommitment), 0)
	refuse(s, s.ms.Dispense, badRx, types.ErrInvalidReference)
	badRx.PrescriptionCommitment, badRx.PrescriptionID = rxCommitment, 3 // both
	refuse(s, s.ms.Dispense, badRx, types.ErrInvalidReference)
	// A malformed optional commitment is refused too.
	badOpt := s.dispenseMsg(s.pharmacy, unitRef(gtinA, "U1"))
	badOpt.PrescriptionCommitment = []byte("Jane Doe")
	refuse(s, s.ms.Dispense, badOpt, types.ErrInvalidReference)

	// The patient reference must be an account address: never a name.
	for _, pr := range []string{"", "Jane Doe", "health1notanaddress", "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a"} {
		m := s.dispenseMsg(s.pharmacy, unitRef(gtinA, "U1"))
		m.PatientRef = pr
		refuse(s, s.ms.Dispense, m, types.ErrInvalidReference)
	}

	// A label whose lot or expiry differ from the commissioned unit: a suspect pack.
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, elementString(gtinA, stdExpiryGS1, "LOT-ZZ", "U1")), types.ErrLabelMismatch)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, elementString(gtinA, "281230", lotA, "U1")), types.ErrLabelMismatch)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, "https://id.gs1.org/01/"+gtinA+"/10/"+lotA2+"/21/U1"), types.ErrLabelMismatch)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "NOPE")), types.ErrUnitNotFound)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(badGTIN, "U1")), types.ErrInvalidGTIN)
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, "(01)"+gtinA), types.ErrInvalidUnitRef)

	// Recalled lot.
	mustRun(s, s.ms.Recall, &types.MsgRecall{Actor: s.regulator, GTIN: gtinA, Lot: lotA2, Class: classII, ReasonCode: contamination})
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "R1")), types.ErrNotSaleable)
	// Quarantined unit.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.pharmacy, Unit: unitRef(gtinA, "U2")})
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "U2")), types.ErrNotSaleable)
	// Lot on hold.
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: "LOT-H"})
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "H1")), types.ErrNotSaleable)
	// Packed unit: unpack first.
	s.pack(s.pharmacy, sscc(1), refsOf(gtinA, "U3"))
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "U3")), types.ErrPacked)

	// Expiry: usable through the whole of its expiry day, not after.
	s.setBlockTime(time.Date(2026, time.March, 10, 23, 59, 59, 0, time.UTC))
	s.Require().Equal(types.Verdict_VERDICT_AUTHENTIC_SALEABLE, s.verify(unitRef(gtinA, "E1"), s.pharmacy))
	s.setBlockTime(time.Date(2026, time.March, 11, 0, 0, 0, 0, time.UTC))
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "E1")), types.ErrNotSaleable)
	s.Require().Empty(s.alerts(), "refusals other than a second dispense raise no alert")

	// The unit that was never blocked is still dispensable.
	mustRun(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "U1")))
}

// Dispensing needs the manufacturer to still be a member.
func (s *KeeperTestSuite) TestDispenseManufacturerNotMember() {
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "U1")
	s.members.Suspend(s.acc(s.manufacturer))
	refuse(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinA, "U1")), types.ErrNotSaleable)
}

// ---------------------------------------------------------------------------
// Decommission
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestDecommission() {
	s.unitsAt(s.distributor, s.manufacturer, gtinA, lotA, "D1", "D2", "D3", "D4")
	for sr, tc := range map[string]struct {
		reason types.DecommissionReason
		disp   string
	}{
		"D1": {types.DecommissionReason_DECOMMISSION_REASON_DESTROYED, "destroyed"},
		"D2": {types.DecommissionReason_DECOMMISSION_REASON_STOLEN, "stolen"},
		"D3": {types.DecommissionReason_DECOMMISSION_REASON_SAMPLE, "non_sellable_other"},
		"D4": {types.DecommissionReason_DECOMMISSION_REASON_EXPIRED, "expired"},
	} {
		mustRun(s, s.ms.Decommission, &types.MsgDecommission{Actor: s.distributor, Unit: unitRef(gtinA, sr), Reason: tc.reason})
		u := s.unit(gtinA, sr)
		s.Require().Equal(types.UnitStatus_UNIT_STATUS_DECOMMISSIONED, u.Status)
		s.Require().Equal(tc.reason, u.DecommissionReason)
		e := s.lastEvent(gtinA, sr)
		s.Require().Equal("decommissioning", e.BizStep)
		s.Require().Equal("DELETE", e.Action)
		s.Require().Equal(tc.disp, e.Disposition)
		s.Require().Equal(s.distributor, e.Actor)
		s.Require().Equal(types.Verdict_VERDICT_DECOMMISSIONED, s.verify(unitRef(gtinA, sr), ""))
		// Terminal: no second decommission, no shipment, no dispense.
		refuse(s, s.ms.Decommission, &types.MsgDecommission{Actor: s.distributor, Unit: unitRef(gtinA, sr), Reason: tc.reason}, types.ErrInvalidStatus)
		refuse(s, s.ms.Ship, &types.MsgShip{Actor: s.distributor, To: s.pharmacy, Units: refsOf(gtinA, sr)}, types.ErrNotSaleable)
	}

	// A quarantined unit may be destroyed by its custodian.
	s.commissionA("Q1")
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, Unit: unitRef(gtinA, "Q1")})
	mustRun(s, s.ms.Decommission, &types.MsgDecommission{Actor: s.manufacturer, Unit: unitRef(gtinA, "Q1"), Reason: types.DecommissionReason_DECOMMISSION_REASON_DESTROYED})
	s.Require().Equal(types.UnitStatus_UNIT_STATUS_DECOMMISSIONED, s.unit(gtinA, "Q1").Status)
}

func (s *KeeperTestSuite) TestDecommissionRefusals() {
	s.commissionA("U1", "U2", "U3")
	msg := func(actor, sr string, r types.DecommissionReason) *types.MsgDecommission {
		return &types.MsgDecommission{Actor: actor, Unit: unitRef(gtinA, sr), Reason: r}
	}
	destroyed := types.DecommissionReason_DECOMMISSION_REASON_DESTROYED
	refuse(s, s.ms.Decommission, msg(s.manufacturer, "U1", types.DecommissionReason_DECOMMISSION_REASON_UNSPECIFIED), types.ErrInvalidStatus)
	refuse(s, s.ms.Decommission, msg(s.manufacturer, "U1", types.DecommissionReason(99)), types.ErrInvalidStatus)
	refuse(s, s.ms.Decommission, msg(s.distributor, "U1", destroyed), types.ErrNotCustodian)
	refuse(s, s.ms.Decommission, msg(s.regulator, "U1", destroyed), consortiumtypes.ErrMissingRole)
	refuse(s, s.ms.Decommission, msg(s.lab, "U1", destroyed), consortiumtypes.ErrMissingRole)
	refuse(s, s.ms.Decommission, msg(s.stranger, "U1", destroyed), consortiumtypes.ErrNotMember)
	refuse(s, s.ms.Decommission, msg(s.manufacturer, "NOPE", destroyed), types.ErrUnitNotFound)
	s.pack(s.manufacturer, sscc(1), refsOf(gtinA, "U2"))
	refuse(s, s.ms.Decommission, msg(s.manufacturer, "U2", destroyed), types.ErrPacked)
	s.ship(s.manufacturer, s.distributor, nil, refsOf(gtinA, "U3"))
	refuse(s, s.ms.Decommission, msg(s.manufacturer, "U3", destroyed), types.ErrInTransit)
}
