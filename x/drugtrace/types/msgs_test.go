package types_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// TestValidateBasic: each stateless check of each message refuses with the
// registered error the msg server gives the same mistake; what passes here is
// left to the msg server's stateful checks. These run at CheckTx (app
// TestDrugtraceRefusedAtCheckTx).
func TestValidateBasic(t *testing.T) {
	mfr, actor, to, patient := testkit.String(testkit.Addr("manufacturer")), testkit.String(testkit.Addr("distributor")),
		testkit.String(testkit.Addr("pharmacy")), testkit.String(testkit.Addr("patient"))
	const badGTIN, badSSCC = "09506000134353", "106141411234567898"
	unit := gtinA + "/S1"
	label := "(01)" + gtinA + "(17)281231(10)LOT-A1(21)S1"
	tooMany := make([]string, types.MaxBatchUnitsLimit+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("S%d", i)
	}

	register := func(f func(m *types.MsgRegisterProduct)) *types.MsgRegisterProduct {
		m := &types.MsgRegisterProduct{Manufacturer: mfr, GTIN: gtinA, NDC: "12345-678-90", Name: "Ibuprofen", Strength: "200 mg", Form: "tablet"}
		f(m)
		return m
	}
	commission := func(f func(m *types.MsgCommission)) *types.MsgCommission {
		m := &types.MsgCommission{Manufacturer: mfr, GTIN: gtinA, Lot: "LOT-A1", Expiry: "2028-12-31", Serials: []string{"S1", "S2"}}
		f(m)
		return m
	}
	pack := func(f func(m *types.MsgPack)) *types.MsgPack {
		m := &types.MsgPack{Actor: actor, SSCC: ssccA, Units: []string{unit, label[:len(label)-1] + "2"}, Containers: []string{sscc(1)}}
		f(m)
		return m
	}
	ship := func(f func(m *types.MsgShip)) *types.MsgShip {
		m := &types.MsgShip{Actor: actor, To: to, Units: []string{unit}, Containers: []string{ssccA, "(00)" + sscc(1)}, TransactionReference: "TS-2026-001"}
		f(m)
		return m
	}
	dispense := func(f func(m *types.MsgDispense)) *types.MsgDispense {
		m := &types.MsgDispense{Actor: to, Unit: label, PatientRef: patient, PrescriptionCommitment: rxCommitment}
		f(m)
		return m
	}
	recall := func(f func(m *types.MsgRecall)) *types.MsgRecall {
		m := &types.MsgRecall{Actor: mfr, GTIN: gtinA, Lot: "LOT-A1", Class: types.RecallClass_RECALL_CLASS_I, ReasonCode: types.RecallReason_RECALL_REASON_STERILITY}
		f(m)
		return m
	}
	destroyed := types.DecommissionReason_DECOMMISSION_REASON_DESTROYED

	testkit.ValidateBasic(t, map[string]testkit.BasicCase{
		"register: valid":              testkit.Case(register(func(*types.MsgRegisterProduct) {}), nil),
		"register: GTIN-13, padded":    testkit.Case(register(func(m *types.MsgRegisterProduct) { m.GTIN = gtinA[1:] }), nil),
		"register: GTIN-12, padded":    testkit.Case(register(func(m *types.MsgRegisterProduct) { m.GTIN = "614141000036" }), nil),
		"register: GTIN-8, padded":     testkit.Case(register(func(m *types.MsgRegisterProduct) { m.GTIN = "40170725" }), nil),
		"register: only name":          testkit.Case(register(func(m *types.MsgRegisterProduct) { m.NDC, m.Strength, m.Form = "", "", "" }), nil),
		"register: manufacturer bad":   testkit.Case(register(func(m *types.MsgRegisterProduct) { m.Manufacturer = "manufacturer" }), types.ErrInvalidAddress),
		"register: GTIN check digit":   testkit.Case(register(func(m *types.MsgRegisterProduct) { m.GTIN = badGTIN }), types.ErrInvalidGTIN),
		"register: GTIN 11 digits":     testkit.Case(register(func(m *types.MsgRegisterProduct) { m.GTIN = gtinA[3:] }), types.ErrInvalidGTIN),
		"register: GTIN empty":         testkit.Case(register(func(m *types.MsgRegisterProduct) { m.GTIN = "" }), types.ErrInvalidGTIN),
		"register: GTIN with a letter": testkit.Case(register(func(m *types.MsgRegisterProduct) { m.GTIN = "0950600013435A" }), types.ErrInvalidGTIN),
		"register: NDC shape":          testkit.Case(register(func(m *types.MsgRegisterProduct) { m.NDC = "12345-678" }), types.ErrInvalidProduct),
		"register: no name":            testkit.Case(register(func(m *types.MsgRegisterProduct) { m.Name = "" }), types.ErrInvalidProduct),
		"register: name control char":  testkit.Case(register(func(m *types.MsgRegisterProduct) { m.Name = "Ibu\x00profen" }), types.ErrInvalidProduct),
		"register: strength padded":    testkit.Case(register(func(m *types.MsgRegisterProduct) { m.Strength = " 200 mg" }), types.ErrInvalidProduct),
		"register: form too long":      testkit.Case(register(func(m *types.MsgRegisterProduct) { m.Form = strings.Repeat("y", types.MaxNameLength+1) }), types.ErrInvalidProduct),
		"commission: valid":            testkit.Case(commission(func(*types.MsgCommission) {}), nil),
		"commission: GTIN-13":          testkit.Case(commission(func(m *types.MsgCommission) { m.GTIN = gtinA[1:] }), nil),
		"commission: long ago (state)": testkit.Case(commission(func(m *types.MsgCommission) { m.Expiry = "2001-01-01" }), nil),
		"commission: manufacturer bad": testkit.Case(commission(func(m *types.MsgCommission) { m.Manufacturer = "" }), types.ErrInvalidAddress),
		"commission: GTIN check digit": testkit.Case(commission(func(m *types.MsgCommission) { m.GTIN = badGTIN }), types.ErrInvalidGTIN),
		"commission: lot empty":        testkit.Case(commission(func(m *types.MsgCommission) { m.Lot = "" }), types.ErrInvalidLot),
		"commission: lot with a space": testkit.Case(commission(func(m *types.MsgCommission) { m.Lot = "LOT A1" }), types.ErrInvalidLot),
		"commission: lot 21 chars":     testkit.Case(commission(func(m *types.MsgCommission) { m.Lot = strings.Repeat("L", 21) }), types.ErrInvalidLot),
		"commission: expiry as YYMMDD": testkit.Case(commission(func(m *types.MsgCommission) { m.Expiry = "281231" }), types.ErrInvalidExpiry),
		"commission: expiry Feb 30":    testkit.Case(commission(func(m *types.MsgCommission) { m.Expiry = "2028-02-30" }), types.ErrInvalidExpiry),
		"commission: no serials":       testkit.Case(commission(func(m *types.MsgCommission) { m.Serials = nil }), types.ErrEmptyBatch),
		"commission: serial bad char":  testkit.Case(commission(func(m *types.MsgCommission) { m.Serials = []string{"S1", "S 2"} }), types.ErrInvalidSerial),
		"commission: serial 21 chars":  testkit.Case(commission(func(m *types.MsgCommission) { m.Serials = []string{strings.Repeat("9", 21)} }), types.ErrInvalidSerial),
		"commission: serial twice":     testkit.Case(commission(func(m *types.MsgCommission) { m.Serials = []string{"S1", "S2", "S1"} }), types.ErrDuplicateSerial),
		"commission: over the limit":   testkit.Case(commission(func(m *types.MsgCommission) { m.Serials = tooMany }), types.ErrBatchTooLarge),
		"pack: valid":                  testkit.Case(pack(func(*types.MsgPack) {}), nil),
		"pack: only a case":            testkit.Case(pack(func(m *types.MsgPack) { m.Units = nil }), nil),
		"pack: actor bad":              testkit.Case(pack(func(m *types.MsgPack) { m.Actor = actor + "x" }), types.ErrInvalidAddress),
		"pack: SSCC check digit":       testkit.Case(pack(func(m *types.MsgPack) { m.SSCC = badSSCC }), types.ErrInvalidSSCC),
		"pack: SSCC 17 digits":         testkit.Case(pack(func(m *types.MsgPack) { m.SSCC = ssccA[1:] }), types.ErrInvalidSSCC),
		"pack: nothing":                testkit.Case(pack(func(m *types.MsgPack) { m.Units, m.Containers = nil, nil }), types.ErrEmptyBatch),
		"pack: unit malformed":         testkit.Case(pack(func(m *types.MsgPack) { m.Units = []string{"junk"} }), types.ErrInvalidUnitRef),
		"pack: unit GTIN check digit":  testkit.Case(pack(func(m *types.MsgPack) { m.Units = []string{badGTIN + "/S1"} }), types.ErrInvalidGTIN),
		"pack: unit twice, two forms":  testkit.Case(pack(func(m *types.MsgPack) { m.Units = []string{unit, label} }), types.ErrDuplicateSerial),
		"pack: unit twice, GTIN-13":    testkit.Case(pack(func(m *types.MsgPack) { m.Units = []string{unit, gtinA[1:] + "/S1"} }), types.ErrDuplicateSerial),
		"pack: case twice":             testkit.Case(pack(func(m *types.MsgPack) { m.Containers = []string{sscc(1), "(00)" + sscc(1)} }), types.ErrInvalidSSCC),
		"pack: case into itself":       testkit.Case(pack(func(m *types.MsgPack) { m.Containers = []string{ssccA} }), types.ErrInvalidSSCC),
		"pack: case SSCC bad":          testkit.Case(pack(func(m *types.MsgPack) { m.Containers = []string{badSSCC} }), types.ErrInvalidSSCC),
		"pack: over the limit":         testkit.Case(pack(func(m *types.MsgPack) { m.Units = tooMany }), types.ErrBatchTooLarge),
		"unpack: valid":                testkit.Case(&types.MsgUnpack{Actor: actor, SSCC: "(00)" + ssccA}, nil),
		"unpack: SSCC bad":             testkit.Case(&types.MsgUnpack{Actor: actor, SSCC: badSSCC}, types.ErrInvalidSSCC),
		"unpack: actor empty":          testkit.Case(&types.MsgUnpack{SSCC: ssccA}, types.ErrInvalidAddress),
		"ship: valid":                  testkit.Case(ship(func(*types.MsgShip) {}), nil),
		"ship: no reference":           testkit.Case(ship(func(m *types.MsgShip) { m.TransactionReference = "" }), nil),
		"ship: to bad":                 testkit.Case(ship(func(m *types.MsgShip) { m.To = "pharmacy" }), types.ErrInvalidAddress),
		"ship: to oneself":             testkit.Case(ship(func(m *types.MsgShip) { m.To = actor }), types.ErrInvalidRecipient),
		"ship: reference with a space": testkit.Case(ship(func(m *types.MsgShip) { m.TransactionReference = "TS 1" }), types.ErrInvalidReference),
		"ship: reference 65 chars":     testkit.Case(ship(func(m *types.MsgShip) { m.TransactionReference = strings.Repeat("R", 65) }), types.ErrInvalidReference),
		"ship: nothing":                testkit.Case(ship(func(m *types.MsgShip) { m.Units, m.Containers = nil, nil }), types.ErrEmptyBatch),
		"ship: unit serial bad":        testkit.Case(ship(func(m *types.MsgShip) { m.Units = []string{gtinA + "/S 1"} }), types.ErrInvalidSerial),
		"ship: unit twice":             testkit.Case(ship(func(m *types.MsgShip) { m.Units = []string{unit, unit} }), types.ErrDuplicateSerial),
		"ship: container twice":        testkit.Case(ship(func(m *types.MsgShip) { m.Containers = []string{ssccA, ssccA} }), types.ErrInvalidSSCC),
		"ship: over the limit":         testkit.Case(ship(func(m *types.MsgShip) { m.Units = nil; m.Containers = tooMany }), types.ErrBatchTooLarge),
		"receive: valid":               testkit.Case(&types.MsgReceive{Actor: to, ShipmentID: 1}, nil),
		"receive: shipment 0":          testkit.Case(&types.MsgReceive{Actor: to}, types.ErrShipmentNotFound),
		"receive: actor bad":           testkit.Case(&types.MsgReceive{Actor: "x", ShipmentID: 1}, types.ErrInvalidAddress),
		"refuse: valid":                testkit.Case(&types.MsgRefuseShipment{Actor: to, ShipmentID: 1}, nil),
		"refuse: shipment 0":           testkit.Case(&types.MsgRefuseShipment{Actor: to}, types.ErrShipmentNotFound),
		"dispense: valid":              testkit.Case(dispense(func(*types.MsgDispense) {}), nil),
		"dispense: no prescription":    testkit.Case(dispense(func(m *types.MsgDispense) { m.PrescriptionCommitment = nil }), nil),
		"dispense: prescription id":    testkit.Case(dispense(func(m *types.MsgDispense) { m.PrescriptionCommitment, m.PrescriptionID = nil, 7 }), nil),
		"dispense: id and commitment":  testkit.Case(dispense(func(m *types.MsgDispense) { m.PrescriptionID = 7 }), types.ErrInvalidReference),
		"dispense: commitment short":   testkit.Case(dispense(func(m *types.MsgDispense) { m.PrescriptionCommitment = rxCommitment[:31] }), types.ErrInvalidReference),
		"dispense: commitment long":    testkit.Case(dispense(func(m *types.MsgDispense) { m.PrescriptionCommitment = append(slices.Clone(rxCommitment), 0) }), types.ErrInvalidReference),
		"dispense: free-text bytes":    testkit.Case(dispense(func(m *types.MsgDispense) { m.PrescriptionCommitment = []byte("RX-42") }), types.ErrInvalidReference),
		"dispense: Digital Link":       testkit.Case(dispense(func(m *types.MsgDispense) { m.Unit = "https://id.gs1.org/01/" + gtinA + "/21/S1" }), nil),
		"dispense: actor bad":          testkit.Case(dispense(func(m *types.MsgDispense) { m.Actor = "" }), types.ErrInvalidAddress),
		"dispense: unit bad":           testkit.Case(dispense(func(m *types.MsgDispense) { m.Unit = "(01)" + gtinA }), types.ErrInvalidUnitRef),
		"dispense: expiry month 13":    testkit.Case(dispense(func(m *types.MsgDispense) { m.Unit = "(01)" + gtinA + "(17)281331(21)S1" }), types.ErrInvalidUnitRef),
		"dispense: patient a name":     testkit.Case(dispense(func(m *types.MsgDispense) { m.PatientRef = "Jane Doe" }), types.ErrInvalidReference),
		"dispense: patient empty":      testkit.Case(dispense(func(m *types.MsgDispense) { m.PatientRef = "" }), types.ErrInvalidReference),
		"decommission: valid":          testkit.Case(&types.MsgDecommission{Actor: actor, Unit: unit, Reason: destroyed}, nil),
		"decommission: no reason":      testkit.Case(&types.MsgDecommission{Actor: actor, Unit: unit}, types.ErrInvalidStatus),
		"decommission: unknown reason": testkit.Case(&types.MsgDecommission{Actor: actor, Unit: unit, Reason: 99}, types.ErrInvalidStatus),
		"decommission: unit bad":       testkit.Case(&types.MsgDecommission{Actor: actor, Unit: "", Reason: destroyed}, types.ErrInvalidUnitRef),
		"quarantine: unit":             testkit.Case(&types.MsgQuarantine{Actor: actor, Unit: label}, nil),
		"quarantine: lot":              testkit.Case(&types.MsgQuarantine{Actor: actor, GTIN: gtinA[1:], Lot: "LOT-A1"}, nil),
		"quarantine: both":             testkit.Case(&types.MsgQuarantine{Actor: actor, Unit: unit, GTIN: gtinA, Lot: "LOT-A1"}, types.ErrInvalidUnitRef),
		"quarantine: neither":          testkit.Case(&types.MsgQuarantine{Actor: actor}, types.ErrInvalidUnitRef),
		"quarantine: GTIN without lot": testkit.Case(&types.MsgQuarantine{Actor: actor, GTIN: gtinA}, types.ErrInvalidUnitRef),
		"quarantine: lot GTIN bad":     testkit.Case(&types.MsgQuarantine{Actor: actor, GTIN: badGTIN, Lot: "LOT-A1"}, types.ErrInvalidGTIN),
		"quarantine: lot bad":          testkit.Case(&types.MsgQuarantine{Actor: actor, GTIN: gtinA, Lot: "LOT A1"}, types.ErrInvalidLot),
		"quarantine: unit bad":         testkit.Case(&types.MsgQuarantine{Actor: actor, Unit: gtinA + "/"}, types.ErrInvalidSerial),
		"release: unit":                testkit.Case(&types.MsgRelease{Actor: actor, Unit: unit}, nil),
		"release: lot":                 testkit.Case(&types.MsgRelease{Actor: actor, GTIN: gtinA, Lot: "LOT-A1"}, nil),
		"release: lot GTIN bad":        testkit.Case(&types.MsgRelease{Actor: actor, GTIN: badGTIN, Lot: "LOT-A1"}, types.ErrInvalidGTIN),
		"release: actor bad":           testkit.Case(&types.MsgRelease{Actor: "regulator", Unit: unit}, types.ErrInvalidAddress),
		"confirm: valid":               testkit.Case(&types.MsgConfirmIllegitimate{Actor: actor, Unit: unit}, nil),
		"confirm: unit bad":            testkit.Case(&types.MsgConfirmIllegitimate{Actor: actor, Unit: ssccA}, types.ErrInvalidUnitRef),
		"recall: valid":                testkit.Case(recall(func(*types.MsgRecall) {}), nil),
		"recall: GTIN-13":              testkit.Case(recall(func(m *types.MsgRecall) { m.GTIN = gtinA[1:] }), nil),
		"recall: actor bad":            testkit.Case(recall(func(m *types.MsgRecall) { m.Actor = "" }), types.ErrInvalidAddress),
		"recall: GTIN bad":             testkit.Case(recall(func(m *types.MsgRecall) { m.GTIN = badGTIN }), types.ErrInvalidGTIN),
		"recall: lot bad":              testkit.Case(recall(func(m *types.MsgRecall) { m.Lot = "" }), types.ErrInvalidLot),
		"recall: class III, other":     testkit.Case(recall(func(m *types.MsgRecall) { m.Class, m.ReasonCode = 3, types.RecallReason_RECALL_REASON_OTHER_SAFETY }), nil),
		"recall: no class":             testkit.Case(recall(func(m *types.MsgRecall) { m.Class = 0 }), types.ErrInvalidRecall),
		"recall: class IV":             testkit.Case(recall(func(m *types.MsgRecall) { m.Class = 4 }), types.ErrInvalidRecall),
		"recall: no reason":            testkit.Case(recall(func(m *types.MsgRecall) { m.ReasonCode = 0 }), types.ErrInvalidRecall),
		"recall: reason out of range":  testkit.Case(recall(func(m *types.MsgRecall) { m.ReasonCode = 14 }), types.ErrInvalidRecall),
		"recall: negative reason":      testkit.Case(recall(func(m *types.MsgRecall) { m.ReasonCode = -1 }), types.ErrInvalidRecall),
		"params: valid":                testkit.Case(&types.MsgUpdateParams{Authority: mfr, Params: types.DefaultParams()}, nil),
		"params: invalid":              testkit.Case(&types.MsgUpdateParams{Authority: mfr}, types.ErrInvalidParams),
		"params: authority bad":        testkit.Case(&types.MsgUpdateParams{Authority: "gov", Params: types.DefaultParams()}, types.ErrInvalidAddress),
	})
}

// TestCheckUnitRefLeapDay: without a block time, a unit reference's
// two-digit year is read so that no reference the keeper would accept at
// some block time is refused: Feb 29 of "00" (2000 until 2049, 2100 after).
func TestCheckUnitRefLeapDay(t *testing.T) {
	for _, ref := range []string{"(01)" + gtinA + "(17)000229(21)S1", "(01)" + gtinA + "(17)280229(21)S1"} {
		key, err := types.CheckUnitRef(ref)
		if err != nil {
			t.Fatalf("%q: %v", ref, err)
		}
		if key != gtinA+"/S1" {
			t.Fatalf("%q: key %q", ref, key)
		}
	}
	if _, err := types.CheckUnitRef("(01)" + gtinA + "(17)270229(21)S1"); err == nil {
		t.Fatal("Feb 29 of a year that is never a leap year passed")
	}
}

// sscc returns the n-th valid test SSCC (extension digit 1, company prefix 0614141).
func sscc(n int) string {
	data := fmt.Sprintf("106141412%08d", n)
	cd, err := gs1.CheckDigit(data)
	if err != nil {
		panic(err)
	}
	return data + string(cd)
}
