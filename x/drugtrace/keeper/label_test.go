package keeper_test

import (
	"google.golang.org/grpc/codes"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// TestVerifyLabelMismatch: a real GTIN and serial scanned with another lot
// or expiry is a suspect pack, and the verdict says which field differs
// (before, it read NEVER_COMMISSIONED, which sends a pharmacist looking for
// a unit that does exist). Precedence: unknown product, manufacturer not a
// member and illegitimate condemn the serial whatever the label; then the
// mismatch (lot before expiry); then the commissioned unit's own state.
func (s *KeeperTestSuite) TestVerifyLabelMismatch() {
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "OK", "DISP", "ILL", "REC")
	s.commission(s.manufacturer, gtinA, lotA2, stdExpiry, "R2")
	mustRun(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinA, "DISP"), PatientRef: s.patient})
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "ILL")})
	mustRun(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: s.regulator, Unit: unitRef(gtinA, "ILL")})
	mustRun(s, s.ms.Recall, &types.MsgRecall{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA2, Class: classI, ReasonCode: contamination})

	const otherExpiry = "290630"
	lotMismatch, expiryMismatch := types.Verdict_VERDICT_LOT_MISMATCH, types.Verdict_VERDICT_EXPIRY_MISMATCH
	for _, tc := range []struct {
		name, ref, asker string
		want             types.Verdict
	}{
		{"matching label", elementString(gtinA, stdExpiryGS1, lotA, "OK"), s.pharmacy, types.Verdict_VERDICT_AUTHENTIC_SALEABLE},
		{"lot only, matching", "https://id.gs1.org/01/" + gtinA + "/10/" + lotA + "/21/OK", s.pharmacy, types.Verdict_VERDICT_AUTHENTIC_SALEABLE},
		{"no lot, no expiry", unitRef(gtinA, "OK"), s.pharmacy, types.Verdict_VERDICT_AUTHENTIC_SALEABLE},
		{"wrong lot", elementString(gtinA, stdExpiryGS1, lotA2, "OK"), s.pharmacy, lotMismatch},
		{"wrong lot, no expiry", "https://id.gs1.org/01/" + gtinA + "/10/LOT-X/21/OK", "", lotMismatch},
		{"wrong expiry", elementString(gtinA, otherExpiry, lotA, "OK"), s.pharmacy, expiryMismatch},
		{"wrong expiry, no lot", "(01)" + gtinA + "(17)" + otherExpiry + "(21)OK", "", expiryMismatch},
		{"both wrong: the lot is said", elementString(gtinA, otherExpiry, lotA2, "OK"), s.pharmacy, lotMismatch},
		{"wrong asker too", elementString(gtinA, stdExpiryGS1, lotA2, "OK"), s.pharmacy2, lotMismatch},
		// The commissioned unit's state comes after the label.
		{"recalled, wrong lot", elementString(gtinA, stdExpiryGS1, lotA, "R2"), "", lotMismatch},
		{"recalled, right lot", elementString(gtinA, stdExpiryGS1, lotA2, "R2"), "", types.Verdict_VERDICT_RECALLED},
		{"not recalled, label names the recalled lot", elementString(gtinA, stdExpiryGS1, lotA2, "REC"), "", lotMismatch},
		{"dispensed, wrong lot", elementString(gtinA, stdExpiryGS1, lotA2, "DISP"), "", lotMismatch},
		{"dispensed, wrong expiry", elementString(gtinA, otherExpiry, lotA, "DISP"), "", expiryMismatch},
		// What condemns the serial whatever the label comes first.
		{"illegitimate, wrong lot", elementString(gtinA, stdExpiryGS1, lotA2, "ILL"), "", types.Verdict_VERDICT_ILLEGITIMATE},
		{"never commissioned, any lot", elementString(gtinA, stdExpiryGS1, lotA, "NEVER"), "", types.Verdict_VERDICT_NEVER_COMMISSIONED},
	} {
		res, err := s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Unit: tc.ref, Asker: tc.asker})
		s.Require().NoError(err, tc.name)
		s.Require().Equal(tc.want, res.Verdict, tc.name)
		s.Require().False(res.Saleable && tc.want != types.Verdict_VERDICT_AUTHENTIC_SALEABLE, tc.name)
		if tc.want == lotMismatch || tc.want == expiryMismatch {
			s.Require().Empty(res.Custodian, "%s: who holds the real unit is not told", tc.name)
		}
	}

	// The manufacturer leaving the consortium condemns every pack, label or not.
	s.members.Suspend(s.acc(s.manufacturer))
	s.Require().Equal(types.Verdict_VERDICT_MANUFACTURER_NOT_MEMBER, s.verify(elementString(gtinA, stdExpiryGS1, lotA2, "OK"), ""))
}

// TestLabelMismatchRefused: every message and query that names a unit
// refuses a label that does not match it with ErrLabelMismatch (NotFound for
// queries, as before), changing nothing.
func (s *KeeperTestSuite) TestLabelMismatchRefused() {
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "U1", "U2")
	wrongLot, wrongExpiry := elementString(gtinA, stdExpiryGS1, lotA2, "U1"), elementString(gtinA, "290630", lotA, "U1")
	for _, ref := range []string{wrongLot, wrongExpiry} {
		refuse(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: ref, PatientRef: s.patient}, types.ErrLabelMismatch)
		refuse(s, s.ms.Ship, &types.MsgShip{Actor: s.pharmacy, To: s.pharmacy2, Units: []string{ref}}, types.ErrLabelMismatch)
		refuse(s, s.ms.Pack, &types.MsgPack{Actor: s.pharmacy, SSCC: sscc(7), Units: []string{ref}}, types.ErrLabelMismatch)
		refuse(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.pharmacy, Unit: ref}, types.ErrLabelMismatch)
		refuse(s, s.ms.Decommission, &types.MsgDecommission{Actor: s.pharmacy, Unit: ref, Reason: types.DecommissionReason_DECOMMISSION_REASON_DESTROYED}, types.ErrLabelMismatch)
		refuse(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: s.regulator, Unit: ref}, types.ErrLabelMismatch)

		_, err := s.qs.Unit(s.ctx, &types.QueryUnitRequest{Unit: ref})
		s.requireCode(err, codes.NotFound)
		s.Require().ErrorContains(err, "label does not match the commissioned unit")
		_, err = s.qs.History(s.ctx, &types.QueryHistoryRequest{Unit: ref})
		s.requireCode(err, codes.NotFound)
		_, err = s.qs.EPCIS(s.ctx, &types.QueryEPCISRequest{Unit: ref})
		s.requireCode(err, codes.NotFound)
	}
	_, err := s.qs.Unit(s.ctx, &types.QueryUnitRequest{Unit: wrongLot})
	s.Require().ErrorContains(err, "lot "+lotA2+" on the label")
	_, err = s.qs.Unit(s.ctx, &types.QueryUnitRequest{Unit: wrongExpiry})
	s.Require().ErrorContains(err, "expiry 2029-06-30 on the label")

	// With the right label, the same messages go through.
	mustRun(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: elementString(gtinA, stdExpiryGS1, lotA, "U1"), PatientRef: s.patient})
}
