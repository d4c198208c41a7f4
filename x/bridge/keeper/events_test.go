package keeper_test

import (
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// TestEventsPairNoPatientWithDrug runs every bridge flow that touches a
// patient on both chains (prescription sent, acknowledged and received;
// dispense checked and confirmed; a recall notice received, a late
// confirmation of the recalled lot, the EndBlocker; a recall sent) and checks
// each event emitted: none names a patient account together with a drug
// (GTIN, NDC, serial, lot). Events carry ids for operators; who received
// what is in state, read through the gateway. (ibc-go's own send_packet and
// recv_packet events carry the packet bytes: see the README.)
func (s *KeeperTestSuite) TestEventsPairNoPatientWithDrug() {
	var all []abci.Event
	collect := func() {
		all = append(all, s.ctx.EventManager().ABCIEvents()...)
		s.freshEvents()
	}

	// Hospital chain: a prescription sent and opened, a unit confirmed, the
	// lot recalled, a second unit confirmed after the recall (late notice).
	id := s.sendOpen(s.prescriptionMsg(), 40) // one unit and one refill
	s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX1", lotA)), chanA, 1))
	s.mustRecv(incoming(encode(s, s.recallPacket(rxGTIN, lotA)), chanA, 2))
	s.mustRecv(incoming(encode(s, s.dispensePacket(id, s.patient1, rxGTIN, "RX2", lotA)), chanA, 3))
	s.Require().NoError(s.k.EndBlock(s.ctx))
	collect()

	// Pharma chain: a prescription received, a dispense against it, a recall.
	s.setup(pharma)
	openID := s.openOnPharma(5, s.patient1, rxGTIN, "", 1, 1)
	s.Require().NoError(s.beforeDispense(s.dispensation(openID, s.patient1, "RX1")))
	s.Require().NoError(s.afterRecall(drugtracetypes.Recall{GTIN: rxGTIN, Lot: lotA, Reason: "CLASS_II:CONTAMINATION", At: blockTime}))
	collect()

	patient := []string{s.patient1}
	drug := []string{rxGTIN, rxNDC, lotA, "RX1", "RX2"}
	kinds := map[string]bool{}
	for _, e := range all {
		if strings.HasPrefix(e.Type, "healthd.bridge.v1.") {
			kinds[strings.TrimPrefix(e.Type, "healthd.bridge.v1.")] = true
		}
		var who, what []string
		for _, a := range e.Attributes {
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
		s.Require().False(len(who) > 0 && len(what) > 0, "event %s names the patient (%v) and a drug (%v)", e.Type, who, what)
	}
	// The events that once paired them were emitted, so each was checked.
	for _, k := range []string{"EventPrescriptionSent", "EventPrescriptionReceived", "EventDispenseRecorded", "EventRecallNotification"} {
		s.Require().True(kinds[k], k)
	}
	s.Require().Len(eventsOf[*types.EventRecallNotification](s), 0, "events were collected")
}
