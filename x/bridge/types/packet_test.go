package types_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// Valid values used throughout the tests. The GTINs are GS1 example GTIN-14s
// with correct check digits; the accounts are bech32 strings with the default
// "cosmos" prefix (the types package only bounds the string).
var (
	addrA = sdk.AccAddress(bytes.Repeat([]byte{0x11}, 20)).String()
	addrB = sdk.AccAddress(bytes.Repeat([]byte{0x22}, 20)).String()
	addrC = sdk.AccAddress(bytes.Repeat([]byte{0x33}, 20)).String()
)

const (
	gtinA = "09506000134352"
	gtinB = "04006381333931"
	ndcA  = "12345-678-90"
	// gs1Punct is every non-alphanumeric character of GS1 character set 82
	// (20 characters, the longest serial or lot allowed).
	gs1Punct = `!"%&'()*+,-./:;<=>?_`
)

func validPrescription() *types.PrescriptionPacket {
	return &types.PrescriptionPacket{
		ID: 42, Prescriber: addrA, Patient: addrB, GTIN: gtinA,
		Quantity: 2, Refills: 1, ValidUntil: 1_800_000_000,
	}
}

func validDispense() *types.DispensePacket {
	return &types.DispensePacket{
		PrescriptionID: 42, Patient: addrB, GTIN: gtinA, Serial: "SN-0001", Lot: "LOT42",
		Expiry: "2027-06-30", Pharmacy: addrC, DispensedAt: 1_760_000_000,
	}
}

func validVerify() *types.VerifyPacket {
	return &types.VerifyPacket{RequestID: 7, Unit: "(01)" + gtinA + "(17)271231(10)LOT42(21)SN-0001"}
}

func validRecall() *types.RecallPacket {
	return &types.RecallPacket{GTIN: gtinA, Lot: "LOT42", Reason: "QUALITY_DEFECT", RecalledAt: 1_760_000_000}
}

func prescriptionData(mut ...func(*types.PrescriptionPacket)) types.PacketData {
	p := validPrescription()
	for _, m := range mut {
		m(p)
	}
	return types.PacketData{Flow: &types.PacketData_Prescription{Prescription: p}}
}

func dispenseData(mut ...func(*types.DispensePacket)) types.PacketData {
	p := validDispense()
	for _, m := range mut {
		m(p)
	}
	return types.PacketData{Flow: &types.PacketData_Dispense{Dispense: p}}
}

func verifyData(mut ...func(*types.VerifyPacket)) types.PacketData {
	p := validVerify()
	for _, m := range mut {
		m(p)
	}
	return types.PacketData{Flow: &types.PacketData_Verify{Verify: p}}
}

func recallData(mut ...func(*types.RecallPacket)) types.PacketData {
	p := validRecall()
	for _, m := range mut {
		m(p)
	}
	return types.PacketData{Flow: &types.PacketData_Recall{Recall: p}}
}

// marshaler is any gogoproto message.
type marshaler interface{ Marshal() ([]byte, error) }

func mustMarshal(m marshaler) []byte {
	bz, err := m.Marshal()
	if err != nil {
		panic(err)
	}
	return bz
}

// enc is the plain (unchecked) protobuf encoding of d.
func enc(d types.PacketData) []byte { return mustMarshal(&d) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func varintField(num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
}

func bytesField(num protowire.Number, v []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), v)
}

func stringField(num protowire.Number, v string) []byte { return bytesField(num, []byte(v)) }

// unknownField is field 99, varint 1: a field PacketData and its flows do not have.
var unknownField = varintField(99, 1)

// manualPrescription encodes p field by field, in field order; with zeros it
// spells out the fields that hold their default value.
func manualPrescription(p *types.PrescriptionPacket, zeros bool) []byte {
	var b []byte
	u := func(num protowire.Number, v uint64) {
		if v != 0 || zeros {
			b = append(b, varintField(num, v)...)
		}
	}
	s := func(num protowire.Number, v string) {
		if v != "" || zeros {
			b = append(b, stringField(num, v)...)
		}
	}
	u(1, p.ID)
	s(2, p.Prescriber)
	s(3, p.Patient)
	s(4, p.GTIN)
	s(5, p.NDC)
	u(6, uint64(p.Quantity))
	u(7, uint64(p.Refills))
	u(8, uint64(p.ValidUntil))
	return b
}

func TestPacketRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		data types.PacketData
		kind types.PacketKind
	}{
		{"prescription gtin", prescriptionData(), types.PacketKind_PACKET_KIND_PRESCRIPTION},
		{"prescription ndc", prescriptionData(func(p *types.PrescriptionPacket) { p.GTIN, p.NDC = "", ndcA }), types.PacketKind_PACKET_KIND_PRESCRIPTION},
		{"prescription ndc 4-4-2", prescriptionData(func(p *types.PrescriptionPacket) { p.GTIN, p.NDC = "", "1234-5678-90" }), types.PacketKind_PACKET_KIND_PRESCRIPTION},
		{"prescription ndc 11 bare digits", prescriptionData(func(p *types.PrescriptionPacket) { p.GTIN, p.NDC = "", "12345678901" }), types.PacketKind_PACKET_KIND_PRESCRIPTION},
		{"prescription max amounts", prescriptionData(func(p *types.PrescriptionPacket) { p.Quantity, p.Refills = types.MaxQuantity, types.MaxRefills }), types.PacketKind_PACKET_KIND_PRESCRIPTION},
		{"prescription min amounts", prescriptionData(func(p *types.PrescriptionPacket) { p.Quantity, p.Refills = 1, 0 }), types.PacketKind_PACKET_KIND_PRESCRIPTION},
		{"prescription 128-char account", prescriptionData(func(p *types.PrescriptionPacket) { p.Patient = strings.Repeat("a", types.MaxAddressLength) }), types.PacketKind_PACKET_KIND_PRESCRIPTION},
		{"dispense", dispenseData(), types.PacketKind_PACKET_KIND_DISPENSE},
		{"dispense longest serial and lot, all of set 82", dispenseData(func(p *types.DispensePacket) { p.Serial, p.Lot = gs1Punct, "AZaz09"+strings.Repeat("x", 14) }), types.PacketKind_PACKET_KIND_DISPENSE},
		{"dispense leap day", dispenseData(func(p *types.DispensePacket) { p.Expiry = "2028-02-29" }), types.PacketKind_PACKET_KIND_DISPENSE},
		{"verify", verifyData(), types.PacketKind_PACKET_KIND_VERIFY},
		{"verify plain ref", verifyData(func(p *types.VerifyPacket) { p.Unit = gtinA + "/SN-0001" }), types.PacketKind_PACKET_KIND_VERIFY},
		{"verify raw scan with GS", verifyData(func(p *types.VerifyPacket) { p.Unit = "]d201" + gtinA + "10LOT42\x1d21SN1" }), types.PacketKind_PACKET_KIND_VERIFY},
		{"verify 256-byte unit", verifyData(func(p *types.VerifyPacket) { p.Unit = strings.Repeat("u", types.MaxUnitRefLength) }), types.PacketKind_PACKET_KIND_VERIFY},
		{"verify max request id", verifyData(func(p *types.VerifyPacket) { p.RequestID = ^uint64(0) }), types.PacketKind_PACKET_KIND_VERIFY},
		{"recall", recallData(), types.PacketKind_PACKET_KIND_RECALL},
		{"recall 64-char reason", recallData(func(p *types.RecallPacket) { p.Reason = strings.Repeat("R", types.MaxReasonLength) }), types.PacketKind_PACKET_KIND_RECALL},
		{"recall other gtin", recallData(func(p *types.RecallPacket) { p.GTIN = gtinB }), types.PacketKind_PACKET_KIND_RECALL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.data.Validate())
			require.Equal(t, tc.kind, tc.data.Kind())
			bz, err := types.EncodePacket(tc.data)
			require.NoError(t, err)
			require.Equal(t, enc(tc.data), bz)
			got, err := types.DecodePacket(bz)
			require.NoError(t, err)
			require.Equal(t, tc.data, got)
			require.Equal(t, tc.kind, got.Kind())
			again, err := types.EncodePacket(got)
			require.NoError(t, err)
			require.Equal(t, bz, again)
		})
	}
}

func TestManualPrescriptionEncodingIsCanonical(t *testing.T) {
	// Sanity check of the hand encoder the non-canonical cases rely on.
	p := validPrescription()
	p.Refills = 0
	require.Equal(t, mustMarshal(p), manualPrescription(p, false))
	require.NotEqual(t, mustMarshal(p), manualPrescription(p, true))
	// The hand-built non-canonical cases below differ from a valid packet's
	// encoding only by the spelt-out zero field.
	require.Equal(t, enc(prescriptionData()), bytesField(1, cat(
		varintField(1, 42), stringField(2, addrA), stringField(3, addrB), stringField(4, gtinA),
		varintField(6, 2), varintField(7, 1), varintField(8, 1_800_000_000))))
	require.Equal(t, enc(prescriptionData(func(p *types.PrescriptionPacket) { p.Refills = 0 })), bytesField(1, cat(
		varintField(1, 42), stringField(2, addrA), stringField(3, addrB), stringField(4, gtinA),
		varintField(6, 2), varintField(8, 1_800_000_000))))
	require.Equal(t, enc(verifyData()), bytesField(3, cat(varintField(1, 7), stringField(2, validVerify().Unit))))
}

type refusal struct {
	name string
	bz   []byte
	err  error
	// msg, when set, must appear in the error: it pins the reason for the refusal.
	msg string
}

func TestDecodePacketRefusesMalformed(t *testing.T) {
	verifyInner := mustMarshal(validVerify())
	verifyBz := enc(verifyData())
	prescBz := enc(prescriptionData())
	zeroRefills := validPrescription()
	zeroRefills.Refills = 0

	cases := []refusal{
		{"nil", nil, types.ErrInvalidPacket, "0 bytes"},
		{"empty", []byte{}, types.ErrInvalidPacket, "0 bytes"},
		{"2049 zero bytes", make([]byte, types.MaxPacketBytes+1), types.ErrInvalidPacket, "2049 bytes"},
		{"oversized verify packet", enc(verifyData(func(p *types.VerifyPacket) { p.Unit = strings.Repeat("u", 2100) })), types.ErrInvalidPacket, "want 1 to 2048"},
		{"valid packet padded past the limit", cat(prescBz, bytes.Repeat(unknownField, 1000)), types.ErrInvalidPacket, "want 1 to 2048"},
		{"garbage", []byte("this is not protobuf"), types.ErrInvalidPacket, ""},
		{"single 0xff", []byte{0xff}, types.ErrInvalidPacket, "not a bridge packet"},
		{"wire type 7", []byte{0x0f}, types.ErrInvalidPacket, "not a bridge packet"},
		{"field 0", []byte{0x00, 0x01}, types.ErrInvalidPacket, "not a bridge packet"},
		{"flow with varint wire type", varintField(1, 5), types.ErrInvalidPacket, "not a bridge packet"},
		{"truncated", verifyBz[:len(verifyBz)-1], types.ErrInvalidPacket, "not a bridge packet"},
		{"length past end", []byte{0x1a, 0x7f, 0x08, 0x01}, types.ErrInvalidPacket, "not a bridge packet"},
		{"inner garbage", bytesField(3, []byte{0xff, 0xff, 0xff}), types.ErrInvalidPacket, "not a bridge packet"},

		{"trailing unknown field", cat(verifyBz, unknownField), types.ErrInvalidPacket, "canonical"},
		{"leading unknown field", cat(unknownField, verifyBz), types.ErrInvalidPacket, "canonical"},
		{"unknown field inside flow", bytesField(3, cat(verifyInner, unknownField)), types.ErrInvalidPacket, "canonical"},
		{"unknown length-delimited field", cat(prescBz, bytesField(99, []byte("x"))), types.ErrInvalidPacket, "canonical"},
		{"unknown group", cat(prescBz, protowire.AppendTag(nil, 99, protowire.StartGroupType), protowire.AppendTag(nil, 99, protowire.EndGroupType)), types.ErrInvalidPacket, "canonical"},
		{"flow repeated twice", cat(verifyBz, verifyBz), types.ErrInvalidPacket, "canonical"},
		{"two different flows", cat(prescBz, verifyBz), types.ErrInvalidPacket, "canonical"},
		{"inner field repeated", bytesField(3, cat(verifyInner, varintField(1, 7))), types.ErrInvalidPacket, "canonical"},
		{"inner field repeated with another value", bytesField(3, cat(varintField(1, 9), verifyInner)), types.ErrInvalidPacket, "canonical"},
		{"inner fields out of order", bytesField(3, cat(stringField(2, validVerify().Unit), varintField(1, 7))), types.ErrInvalidPacket, "canonical"},
		{"zero-valued fields spelt out", bytesField(1, manualPrescription(zeroRefills, true)), types.ErrInvalidPacket, "canonical"},
		{"zero refills spelt out", bytesField(1, cat(
			varintField(1, 42), stringField(2, addrA), stringField(3, addrB), stringField(4, gtinA),
			varintField(6, 2), varintField(7, 0), varintField(8, 1_800_000_000))), types.ErrInvalidPacket, "canonical"},
		{"empty ndc spelt out", bytesField(1, cat(
			varintField(1, 42), stringField(2, addrA), stringField(3, addrB), stringField(4, gtinA), stringField(5, ""),
			varintField(6, 2), varintField(7, 1), varintField(8, 1_800_000_000))), types.ErrInvalidPacket, "canonical"},
		{"non-minimal varint", bytesField(3, cat([]byte{0x08, 0x87, 0x00}, stringField(2, validVerify().Unit))), types.ErrInvalidPacket, "canonical"},
		{"non-minimal tag", cat([]byte{0x9a, 0x00}, protowire.AppendBytes(nil, verifyInner)), types.ErrInvalidPacket, "canonical"},
		{"non-minimal length", cat([]byte{0x1a, byte(len(verifyInner)) | 0x80, 0x00}, verifyInner), types.ErrInvalidPacket, "canonical"},

		{"no flow: unknown field only", unknownField, types.ErrInvalidPacket, "canonical"},
		{"empty prescription", bytesField(1, nil), types.ErrInvalidPacket, "prescription id 0"},
		{"empty dispense", bytesField(2, nil), types.ErrInvalidPacket, "prescription id 0"},
		{"empty verify", bytesField(3, nil), types.ErrInvalidPacket, "request id 0"},
		{"empty recall", bytesField(4, nil), types.ErrInvalidPacket, "gtin"},
	}
	runRefusals(t, cases)
}

func runRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := types.DecodePacket(tc.bz)
			require.Error(t, err)
			require.ErrorIs(t, err, tc.err)
			if tc.msg != "" {
				require.Contains(t, err.Error(), tc.msg)
			}
			_ = got
		})
	}
}

func TestDecodePacketRefusesBadFields(t *testing.T) {
	upper := strings.ToUpper(addrA)
	nonASCII := addrA[:len(addrA)-1] + "é"
	long := strings.Repeat("a", 200)
	pr := func(name, msg string, err error, m func(*types.PrescriptionPacket)) refusal {
		return refusal{"prescription: " + name, enc(prescriptionData(m)), err, msg}
	}
	di := func(name, msg string, m func(*types.DispensePacket)) refusal {
		return refusal{"dispense: " + name, enc(dispenseData(m)), types.ErrInvalidPacket, msg}
	}
	ve := func(name, msg string, err error, m func(*types.VerifyPacket)) refusal {
		return refusal{"verify: " + name, enc(verifyData(m)), err, msg}
	}
	re := func(name, msg string, m func(*types.RecallPacket)) refusal {
		return refusal{"recall: " + name, enc(recallData(m)), types.ErrInvalidPacket, msg}
	}
	inv := types.ErrInvalidPacket

	cases := []refusal{
		pr("id 0", "prescription id 0", inv, func(p *types.PrescriptionPacket) { p.ID = 0 }),
		pr("prescriber empty", "prescriber", inv, func(p *types.PrescriptionPacket) { p.Prescriber = "" }),
		pr("prescriber upper case", "prescriber: not a bech32 account", inv, func(p *types.PrescriptionPacket) { p.Prescriber = upper }),
		pr("prescriber non-ASCII", "prescriber: not a bech32 account", inv, func(p *types.PrescriptionPacket) { p.Prescriber = nonASCII }),
		pr("prescriber 200 chars", "prescriber: 200 bytes", inv, func(p *types.PrescriptionPacket) { p.Prescriber = long }),
		pr("prescriber 129 chars", "prescriber: 129 bytes", inv, func(p *types.PrescriptionPacket) { p.Prescriber = strings.Repeat("a", types.MaxAddressLength+1) }),
		pr("prescriber with space", "prescriber: not a bech32 account", inv, func(p *types.PrescriptionPacket) { p.Prescriber = addrA + " " }),
		pr("prescriber with NUL", "prescriber: not a bech32 account", inv, func(p *types.PrescriptionPacket) { p.Prescriber = addrA + "\x00" }),
		pr("prescriber invalid UTF-8", "prescriber: not a bech32 account", inv, func(p *types.PrescriptionPacket) { p.Prescriber = addrA + "\xff" }),
		pr("patient empty", "patient", inv, func(p *types.PrescriptionPacket) { p.Patient = "" }),
		pr("patient upper case", "patient: not a bech32 account", inv, func(p *types.PrescriptionPacket) { p.Patient = upper }),
		pr("patient non-ASCII", "patient: not a bech32 account", inv, func(p *types.PrescriptionPacket) { p.Patient = nonASCII }),
		pr("patient 200 chars", "patient: 200 bytes", inv, func(p *types.PrescriptionPacket) { p.Patient = long }),
		pr("gtin and ndc", "not both", inv, func(p *types.PrescriptionPacket) { p.NDC = ndcA }),
		pr("neither gtin nor ndc", "by GTIN or NDC", inv, func(p *types.PrescriptionPacket) { p.GTIN = "" }),
		pr("gtin bad check digit", "check digit", inv, func(p *types.PrescriptionPacket) { p.GTIN = "09506000134353" }),
		pr("gtin 13 digits", "gtin", inv, func(p *types.PrescriptionPacket) { p.GTIN = "9506000134352" }),
		pr("gtin letters", "gtin", inv, func(p *types.PrescriptionPacket) { p.GTIN = "0950600013435A" }),
		pr("ndc bad shape", "ndc", inv, func(p *types.PrescriptionPacket) { p.GTIN, p.NDC = "", "123-45-6" }),
		pr("ndc letters", "ndc", inv, func(p *types.PrescriptionPacket) { p.GTIN, p.NDC = "", "12345-678-9a" }),
		pr("ndc 9 digits", "ndc", inv, func(p *types.PrescriptionPacket) { p.GTIN, p.NDC = "", "123456789" }),
		pr("quantity 0", "quantity 0", inv, func(p *types.PrescriptionPacket) { p.Quantity = 0 }),
		pr("quantity 1001", "quantity 1001", inv, func(p *types.PrescriptionPacket) { p.Quantity = types.MaxQuantity + 1 }),
		pr("refills 13", "refills 13", inv, func(p *types.PrescriptionPacket) { p.Refills = types.MaxRefills + 1 }),
		pr("valid_until 0", "valid_until", inv, func(p *types.PrescriptionPacket) { p.ValidUntil = 0 }),
		pr("valid_until negative", "valid_until", inv, func(p *types.PrescriptionPacket) { p.ValidUntil = -1 }),

		di("prescription id 0", "prescription id 0", func(p *types.DispensePacket) { p.PrescriptionID = 0 }),
		di("patient empty", "patient", func(p *types.DispensePacket) { p.Patient = "" }),
		di("patient upper case", "patient: not a bech32 account", func(p *types.DispensePacket) { p.Patient = upper }),
		di("pharmacy empty", "pharmacy", func(p *types.DispensePacket) { p.Pharmacy = "" }),
		di("pharmacy non-ASCII", "pharmacy: not a bech32 account", func(p *types.DispensePacket) { p.Pharmacy = nonASCII }),
		di("pharmacy 200 chars", "pharmacy: 200 bytes", func(p *types.DispensePacket) { p.Pharmacy = long }),
		di("gtin empty", "gtin", func(p *types.DispensePacket) { p.GTIN = "" }),
		di("gtin bad check digit", "gtin", func(p *types.DispensePacket) { p.GTIN = "04006381333930" }),
		di("serial empty", "serial", func(p *types.DispensePacket) { p.Serial = "" }),
		di("serial 21 chars", "serial", func(p *types.DispensePacket) { p.Serial = strings.Repeat("S", types.MaxSerialLength+1) }),
		di("serial with space", "serial", func(p *types.DispensePacket) { p.Serial = "SN 1" }),
		di("serial with #", "serial", func(p *types.DispensePacket) { p.Serial = "SN#1" }),
		di("serial with ~", "serial", func(p *types.DispensePacket) { p.Serial = "SN~1" }),
		di("serial with GS", "serial", func(p *types.DispensePacket) { p.Serial = "SN\x1d1" }),
		di("serial non-ASCII", "serial", func(p *types.DispensePacket) { p.Serial = "SNé" }),
		di("lot empty", "lot", func(p *types.DispensePacket) { p.Lot = "" }),
		di("lot 21 chars", "lot", func(p *types.DispensePacket) { p.Lot = strings.Repeat("L", types.MaxLotLength+1) }),
		di("lot with $", "lot", func(p *types.DispensePacket) { p.Lot = "LOT$1" }),
		di("expiry empty", "expiry", func(p *types.DispensePacket) { p.Expiry = "" }),
		di("expiry YYMMDD", "expiry", func(p *types.DispensePacket) { p.Expiry = "270630" }),
		di("expiry one-digit month", "expiry", func(p *types.DispensePacket) { p.Expiry = "2027-6-30" }),
		di("expiry day out of range", "expiry", func(p *types.DispensePacket) { p.Expiry = "2027-02-29" }),
		di("expiry month 13", "expiry", func(p *types.DispensePacket) { p.Expiry = "2027-13-01" }),
		di("expiry DD/MM/YYYY", "expiry", func(p *types.DispensePacket) { p.Expiry = "30/06/2027" }),
		di("expiry RFC 3339", "expiry", func(p *types.DispensePacket) { p.Expiry = "2027-06-30T00:00:00Z" }),
		di("dispensed_at 0", "dispensed_at", func(p *types.DispensePacket) { p.DispensedAt = 0 }),
		di("dispensed_at negative", "dispensed_at", func(p *types.DispensePacket) { p.DispensedAt = -5 }),

		ve("request id 0", "request id 0", inv, func(p *types.VerifyPacket) { p.RequestID = 0 }),
		ve("unit empty", "0 bytes", types.ErrInvalidUnit, func(p *types.VerifyPacket) { p.Unit = "" }),
		ve("unit with 0x01", "not printable", types.ErrInvalidUnit, func(p *types.VerifyPacket) { p.Unit = gtinA + "/\x01" }),
		ve("unit with DEL", "not printable", types.ErrInvalidUnit, func(p *types.VerifyPacket) { p.Unit = gtinA + "/\x7f" }),
		ve("unit with newline", "not printable", types.ErrInvalidUnit, func(p *types.VerifyPacket) { p.Unit = gtinA + "/SN\n" }),
		ve("unit non-ASCII", "not printable", types.ErrInvalidUnit, func(p *types.VerifyPacket) { p.Unit = gtinA + "/é" }),
		ve("unit 257 bytes", "257 bytes", types.ErrInvalidUnit, func(p *types.VerifyPacket) { p.Unit = strings.Repeat("u", types.MaxUnitRefLength+1) }),

		re("gtin empty", "gtin", func(p *types.RecallPacket) { p.GTIN = "" }),
		re("gtin bad check digit", "gtin", func(p *types.RecallPacket) { p.GTIN = "09506000134350" }),
		re("lot empty", "lot", func(p *types.RecallPacket) { p.Lot = "" }),
		re("lot with space", "lot", func(p *types.RecallPacket) { p.Lot = "LOT 42" }),
		re("reason empty", "reason: 0 bytes", func(p *types.RecallPacket) { p.Reason = "" }),
		re("reason with space", "reason: byte 7", func(p *types.RecallPacket) { p.Reason = "QUALITY DEFECT" }),
		re("reason with tab", "reason", func(p *types.RecallPacket) { p.Reason = "QUALITY\tDEFECT" }),
		re("reason non-ASCII", "reason", func(p *types.RecallPacket) { p.Reason = "défaut" }),
		re("reason 65 chars", "reason: 65 bytes", func(p *types.RecallPacket) { p.Reason = strings.Repeat("R", types.MaxReasonLength+1) }),
		re("recalled_at 0", "recalled_at", func(p *types.RecallPacket) { p.RecalledAt = 0 }),
		re("recalled_at negative", "recalled_at", func(p *types.RecallPacket) { p.RecalledAt = -1 }),
	}
	runRefusals(t, cases)
}

func TestPacketDataValidateNoFlow(t *testing.T) {
	for name, d := range map[string]types.PacketData{
		"nil flow":         {},
		"nil prescription": {Flow: &types.PacketData_Prescription{}},
		"nil dispense":     {Flow: &types.PacketData_Dispense{}},
		"nil verify":       {Flow: &types.PacketData_Verify{}},
		"nil recall":       {Flow: &types.PacketData_Recall{}},
	} {
		t.Run(name, func(t *testing.T) {
			err := d.Validate()
			require.ErrorIs(t, err, types.ErrInvalidPacket)
			require.Contains(t, err.Error(), "no flow")
		})
	}
	require.Equal(t, types.PacketKind_PACKET_KIND_UNSPECIFIED, types.PacketData{}.Kind())
	// With no flow the encoding is empty, which DecodePacket refuses.
	bz, err := types.EncodePacket(types.PacketData{})
	require.NoError(t, err)
	require.Empty(t, bz)
	_, err = types.DecodePacket(bz)
	require.ErrorIs(t, err, types.ErrInvalidPacket)
}

func TestEncodePacketRefusesOversized(t *testing.T) {
	// The longest unit whose packet still fits: 2048 bytes exactly. The size
	// check lets it through; the unit bound then refuses it.
	unitLen := types.MaxPacketBytes
	for len(enc(verifyData(func(p *types.VerifyPacket) { p.Unit = strings.Repeat("u", unitLen) }))) > types.MaxPacketBytes {
		unitLen--
	}
	fits := verifyData(func(p *types.VerifyPacket) { p.Unit = strings.Repeat("u", unitLen) })
	bz, err := types.EncodePacket(fits)
	require.NoError(t, err)
	require.Len(t, bz, types.MaxPacketBytes)
	_, err = types.DecodePacket(bz)
	require.ErrorIs(t, err, types.ErrInvalidUnit)

	tooBig := verifyData(func(p *types.VerifyPacket) { p.Unit = strings.Repeat("u", unitLen+1) })
	bz, err = types.EncodePacket(tooBig)
	require.ErrorIs(t, err, types.ErrInvalidPacket)
	require.Nil(t, bz)
	_, err = types.DecodePacket(enc(tooBig))
	require.ErrorIs(t, err, types.ErrInvalidPacket)
	require.Contains(t, err.Error(), "2049 bytes")
}

func TestCheckUnitRef(t *testing.T) {
	for _, ok := range []string{"a", gtinA + "/SN1", "]d2\x1d01" + gtinA, strings.Repeat("~", types.MaxUnitRefLength), "https://id.example.com/01/" + gtinA + "/21/SN1"} {
		require.NoError(t, types.CheckUnitRef(ok), "%q", ok)
	}
	for _, bad := range []string{"", "\x00", "a\x1fb", "a\x7f", "a\x80", "é", strings.Repeat("a", types.MaxUnitRefLength+1)} {
		require.ErrorIs(t, types.CheckUnitRef(bad), types.ErrInvalidUnit, "%q", bad)
	}
}

func TestValidateProductAndAmounts(t *testing.T) {
	require.NoError(t, types.ValidateProduct(gtinA, ""))
	require.NoError(t, types.ValidateProduct("", ndcA))
	for _, c := range [][2]string{{"", ""}, {gtinA, ndcA}, {"09506000134353", ""}, {"", "1-2-3"}, {"", "12345-678-9x"}} {
		err := types.ValidateProduct(c[0], c[1])
		require.ErrorIs(t, err, types.ErrInvalidPrescription, "%q", c)
	}
	require.NoError(t, types.ValidateAmounts(1, 0))
	require.NoError(t, types.ValidateAmounts(types.MaxQuantity, types.MaxRefills))
	for _, c := range [][2]uint32{{0, 0}, {types.MaxQuantity + 1, 0}, {1, types.MaxRefills + 1}, {^uint32(0), ^uint32(0)}} {
		require.ErrorIs(t, types.ValidateAmounts(c[0], c[1]), types.ErrInvalidPrescription, "%v", c)
	}
	// The GS1 example GTINs used here are valid.
	require.NoError(t, gs1.ValidateGTIN14(gtinA))
	require.NoError(t, gs1.ValidateGTIN14(gtinB))
}

func validAcks() map[string]types.Ack {
	return map[string]types.Ack{
		"prescription": {Result: &types.Ack_Prescription{Prescription: &types.PrescriptionAck{OpenID: 17}}},
		"verify": {Result: &types.Ack_Verify{Verify: &types.VerifyAck{
			Verdict: drugtracetypes.Verdict_VERDICT_AUTHENTIC_SALEABLE, VerifiedAt: 1_760_000_000}}},
		"verify recalled": {Result: &types.Ack_Verify{Verify: &types.VerifyAck{
			Verdict: drugtracetypes.Verdict_VERDICT_RECALLED, VerifiedAt: 1}}},
		"dispense":      {Result: &types.Ack_Dispense{Dispense: &types.DispenseAck{Remaining: 3}}},
		"dispense none": {Result: &types.Ack_Dispense{Dispense: &types.DispenseAck{}}},
		"recall":        {Result: &types.Ack_Recall{Recall: &types.RecallAck{Patients: 2}}},
	}
}

func TestAckRoundTrip(t *testing.T) {
	for name, a := range validAcks() {
		t.Run(name, func(t *testing.T) {
			bz := types.EncodeAck(a)
			require.Equal(t, mustMarshal(&a), bz)
			got, err := types.DecodeAck(bz)
			require.NoError(t, err)
			require.Equal(t, a, got)
			require.Equal(t, bz, types.EncodeAck(got))
		})
	}
}

func TestDecodeAckRefusesMalformed(t *testing.T) {
	prescAck := validAcks()["prescription"]
	bz := types.EncodeAck(prescAck)
	inner := mustMarshal(prescAck.GetPrescription())
	cases := []struct {
		name string
		bz   []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"oversized", cat(bz, bytes.Repeat(unknownField, 1000))},
		{"2049 bytes", make([]byte, types.MaxPacketBytes+1)},
		{"garbage", []byte("not an ack at all")},
		{"0xff", []byte{0xff}},
		{"wire type 7", []byte{0x0f}},
		{"truncated", bz[:len(bz)-1]},
		{"result with varint wire type", varintField(1, 17)},
		{"trailing unknown field", cat(bz, unknownField)},
		{"unknown field inside result", bytesField(1, cat(inner, unknownField))},
		{"result twice", cat(bz, bz)},
		{"two results", cat(bz, types.EncodeAck(validAcks()["recall"]))},
		{"prescription ack without id", types.EncodeAck(types.Ack{Result: &types.Ack_Prescription{Prescription: &types.PrescriptionAck{}}})},
		{"unknown verdict", types.EncodeAck(types.Ack{Result: &types.Ack_Verify{Verify: &types.VerifyAck{Verdict: 99, VerifiedAt: 1}}})},
		{"unspecified verdict", types.EncodeAck(types.Ack{Result: &types.Ack_Verify{Verify: &types.VerifyAck{VerifiedAt: 1}}})},
		{"verified after year 9999", types.EncodeAck(types.Ack{Result: &types.Ack_Verify{Verify: &types.VerifyAck{
			Verdict: drugtracetypes.Verdict_VERDICT_RECALLED, VerifiedAt: types.MaxUnixTime + 1}}})},
		{"inner field twice", bytesField(1, cat(inner, inner))},
		{"zero spelt out", bytesField(3, varintField(1, 0))},
		{"non-minimal varint", bytesField(1, []byte{0x08, 0x91, 0x00})},
		{"unknown field only", unknownField},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := types.DecodeAck(tc.bz)
			require.ErrorIs(t, err, types.ErrInvalidAck)
			require.Equal(t, types.Ack{}, got)
		})
	}
}
