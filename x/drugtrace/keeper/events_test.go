package keeper_test

import (
	"encoding/hex"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// TestEventsPairNoPatientWithDrug runs a scenario with every kind of
// drugtrace message (commission, pack, unpack, ship, receive, refuse,
// dispense against a pharmacy's own prescription and against a bridge
// prescription, a second dispense, decommission, quarantine, lot hold,
// recall, settlement lock, reveal and lapse) and checks every attribute of every event: none names the patient
// (account, its bytes in hex, or the history's hash of account and unit)
// beside a unit, a GTIN, a lot or an NDC, and none carries a prescription in
// clear. A dispense's event names the unit and at most the bridge
// prescription id or the commitment.
func (s *KeeperTestSuite) TestEventsPairNoPatientWithDrug() {
	s.freshEvents()
	s.richScenario()
	s.unitsAt(s.pharmacy, s.manufacturer, gtinRx, lotA, "B1")
	mustRun(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinRx, "B1"), PatientRef: s.patient, PrescriptionID: 7})
	mustRun(s, s.ms.Dispense, s.dispenseMsg(s.pharmacy, unitRef(gtinRx, "B1"))) // alert
	// Payment against delivery: one shipment locked and received with the
	// preimage, one locked and refused (the lock lapses).
	for i, serial := range []string{"S1", "S2"} {
		id := s.pharmacyShipment(serial)
		sec := newSecret(serial)
		mustRun(s, s.ms.LockShipmentSettlement, s.lockMsg(s.pharmacy, id, sec))
		mustRun(s, s.ms.ConfirmShipmentSettlement, &types.MsgConfirmShipmentSettlement{Actor: s.manufacturer, ShipmentID: id, Hashlock: sec.hashlock})
		if i == 0 {
			mustRun(s, s.ms.Receive, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: id, SettlementPreimage: sec.preimage})
		} else {
			mustRun(s, s.ms.RefuseShipment, &types.MsgRefuseShipment{Actor: s.pharmacy, ShipmentID: id})
		}
	}

	patient := []string{s.patient, hex.EncodeToString(s.acc(s.patient))}
	for _, e := range []types.TraceEvent{s.lastEvent(gtinA, "P3"), s.lastEvent(gtinRx, "B1")} {
		s.Require().Regexp(hex64, e.PatientRefHash)
		patient = append(patient, e.PatientRefHash)
	}
	drug := []string{gtinA, gtinRx, lotA, "P3", "B1"}
	dispensed, settlement := 0, map[string]bool{}
	for _, e := range s.ctx.EventManager().ABCIEvents() {
		if strings.Contains(e.Type, "Settlement") {
			settlement[e.Type] = true
		}
		var who, what []string
		for _, a := range e.Attributes {
			s.Require().NotContains(a.Value, rxReference, "event %s carries a prescription in clear", e.Type)
			for _, p := range patient {
				if strings.Contains(a.Value, p) {
					who = append(who, a.Key)
				}
			}
			for _, d := range drug {
				if strings.Contains(a.Value, d) {
					what = append(what, a.Key)
				}
			}
		}
		s.Require().Empty(who, "event %s names the patient (beside %v)", e.Type, what)
		if e.Type == "healthd.drugtrace.v1.EventTrace" && strings.Contains(attr(e.Attributes, "event"), types.BizStepDispensing) {
			dispensed++
		}
	}
	s.Require().Equal(2, dispensed, "both dispenses' events were checked")
	s.Require().Len(settlement, 4, "the settlement events were checked: %v", settlement)
}

// attr is the value of the attribute named key.
func attr(attrs []abci.EventAttribute, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}
