package types

import (
	"bytes"
	"unicode"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/gs1"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// EncodePacket returns the canonical encoding of d.
func EncodePacket(d PacketData) ([]byte, error) {
	bz, err := d.Marshal()
	if err != nil {
		return nil, err
	}
	if len(bz) > MaxPacketBytes {
		return nil, errorsmod.Wrapf(ErrInvalidPacket, "%d bytes, at most %d", len(bz), MaxPacketBytes)
	}
	return bz, nil
}

// DecodePacket decodes packet data strictly: at most MaxPacketBytes, exactly
// one flow, the bytes exactly the canonical encoding of what they decode to
// (so no unknown fields, no repeated or out-of-order fields, no default values
// spelt out), and every field within its bounds.
func DecodePacket(bz []byte) (PacketData, error) {
	var d PacketData
	if len(bz) == 0 || len(bz) > MaxPacketBytes {
		return d, errorsmod.Wrapf(ErrInvalidPacket, "%d bytes, want 1 to %d", len(bz), MaxPacketBytes)
	}
	if err := d.Unmarshal(bz); err != nil {
		return PacketData{}, errorsmod.Wrap(ErrInvalidPacket, "not a bridge packet")
	}
	again, err := d.Marshal()
	if err != nil || !bytes.Equal(again, bz) {
		return PacketData{}, errorsmod.Wrap(ErrInvalidPacket, "not in canonical encoding")
	}
	return d, d.Validate()
}

// Kind names the flow d carries.
func (d PacketData) Kind() PacketKind {
	switch d.Flow.(type) {
	case *PacketData_Prescription:
		return PacketKind_PACKET_KIND_PRESCRIPTION
	case *PacketData_Dispense:
		return PacketKind_PACKET_KIND_DISPENSE
	case *PacketData_Verify:
		return PacketKind_PACKET_KIND_VERIFY
	case *PacketData_Recall:
		return PacketKind_PACKET_KIND_RECALL
	}
	return PacketKind_PACKET_KIND_UNSPECIFIED
}

// Validate checks every field of the flow d carries.
func (d PacketData) Validate() error {
	switch f := d.Flow.(type) {
	case *PacketData_Prescription:
		if f.Prescription == nil {
			break
		}
		return f.Prescription.Validate()
	case *PacketData_Dispense:
		if f.Dispense == nil {
			break
		}
		return f.Dispense.Validate()
	case *PacketData_Verify:
		if f.Verify == nil {
			break
		}
		return f.Verify.Validate()
	case *PacketData_Recall:
		if f.Recall == nil {
			break
		}
		return f.Recall.Validate()
	}
	return errorsmod.Wrap(ErrInvalidPacket, "no flow")
}

// ValidateProduct checks that exactly one of gtin (GTIN-14) and ndc is given.
func ValidateProduct(gtin, ndc string) error {
	switch {
	case gtin == "" && ndc == "":
		return errorsmod.Wrap(ErrInvalidPrescription, "name the product by GTIN or NDC")
	case gtin != "" && ndc != "":
		return errorsmod.Wrap(ErrInvalidPrescription, "name the product by GTIN or NDC, not both")
	case gtin != "":
		if err := gs1.ValidateGTIN14(gtin); err != nil {
			return errorsmod.Wrapf(ErrInvalidPrescription, "gtin: %s", err)
		}
	default:
		if err := drugtracetypes.ValidateNDC(ndc); err != nil {
			return errorsmod.Wrapf(ErrInvalidPrescription, "ndc: %s", err)
		}
	}
	return nil
}

// ValidateAmounts checks a prescription's quantity and refills.
func ValidateAmounts(quantity, refills uint32) error {
	if quantity == 0 || quantity > MaxQuantity {
		return errorsmod.Wrapf(ErrInvalidPrescription, "quantity %d: want 1 to %d", quantity, MaxQuantity)
	}
	if refills > MaxRefills {
		return errorsmod.Wrapf(ErrInvalidPrescription, "refills %d: at most %d", refills, MaxRefills)
	}
	return nil
}

// Validate checks a prescription packet.
func (p PrescriptionPacket) Validate() error {
	if p.ID == 0 {
		return errorsmod.Wrap(ErrInvalidPacket, "prescription id 0")
	}
	if err := checkAccount("prescriber", p.Prescriber); err != nil {
		return err
	}
	if err := checkAccount("patient", p.Patient); err != nil {
		return err
	}
	if err := ValidateProduct(p.GTIN, p.NDC); err != nil {
		return errorsmod.Wrap(ErrInvalidPacket, err.Error())
	}
	if err := ValidateAmounts(p.Quantity, p.Refills); err != nil {
		return errorsmod.Wrap(ErrInvalidPacket, err.Error())
	}
	if err := checkTime("valid_until", p.ValidUntil); err != nil {
		return err
	}
	return nil
}

// Validate checks a dispense confirmation.
func (p DispensePacket) Validate() error {
	if p.PrescriptionID == 0 {
		return errorsmod.Wrap(ErrInvalidPacket, "prescription id 0")
	}
	if err := checkAccount("patient", p.Patient); err != nil {
		return err
	}
	if err := checkAccount("pharmacy", p.Pharmacy); err != nil {
		return err
	}
	if err := gs1.ValidateGTIN14(p.GTIN); err != nil {
		return errorsmod.Wrapf(ErrInvalidPacket, "gtin: %s", err)
	}
	if err := gs1.ValidateSerial(p.Serial); err != nil {
		return errorsmod.Wrapf(ErrInvalidPacket, "serial: %s", err)
	}
	if err := gs1.ValidateLot(p.Lot); err != nil {
		return errorsmod.Wrapf(ErrInvalidPacket, "lot: %s", err)
	}
	if _, err := drugtracetypes.ParseExpiryDate(p.Expiry); err != nil {
		return errorsmod.Wrapf(ErrInvalidPacket, "expiry: %s", err)
	}
	if err := checkTime("dispensed_at", p.DispensedAt); err != nil {
		return err
	}
	if err := drugtracetypes.ValidateNDC(p.NDC); err != nil {
		return errorsmod.Wrapf(ErrInvalidPacket, "ndc: %s", err)
	}
	return nil
}

// Validate checks a verification request.
func (p VerifyPacket) Validate() error {
	if p.RequestID == 0 {
		return errorsmod.Wrap(ErrInvalidPacket, "request id 0")
	}
	return CheckUnitRef(p.Unit)
}

// Validate checks a recall notice.
func (p RecallPacket) Validate() error {
	if err := gs1.ValidateGTIN14(p.GTIN); err != nil {
		return errorsmod.Wrapf(ErrInvalidPacket, "gtin: %s", err)
	}
	if err := gs1.ValidateLot(p.Lot); err != nil {
		return errorsmod.Wrapf(ErrInvalidPacket, "lot: %s", err)
	}
	if err := printable("reason", p.Reason, MaxReasonLength); err != nil {
		return err
	}
	if err := checkTime("recalled_at", p.RecalledAt); err != nil {
		return err
	}
	return nil
}

// CheckUnitRef bounds a unit reference: printable ASCII (a raw GS1 scan may
// also carry the GS separator, 0x1D), at most MaxUnitRefLength bytes. Its
// meaning is checked by x/drugtrace's parser.
func CheckUnitRef(s string) error {
	if s == "" || len(s) > MaxUnitRefLength {
		return errorsmod.Wrapf(ErrInvalidUnit, "%d bytes, want 1 to %d", len(s), MaxUnitRefLength)
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < 0x20 || s[i] > 0x7e) && s[i] != 0x1d {
			return errorsmod.Wrapf(ErrInvalidUnit, "byte %d is not printable ASCII", i)
		}
	}
	return nil
}

// MaxUnixTime is 9999-12-31T23:59:59Z, the last second a protobuf Timestamp holds.
const MaxUnixTime = 253402300799

// checkTime bounds a Unix-seconds field to what state can store.
func checkTime(field string, t int64) error {
	if t <= 0 || t > MaxUnixTime {
		return errorsmod.Wrapf(ErrInvalidPacket, "%s: %d is not a time after 1970 and before 10000", field, t)
	}
	return nil
}

// checkAccount bounds an account string; the keeper decodes it.
func checkAccount(field, s string) error {
	if s == "" || len(s) > MaxAddressLength {
		return errorsmod.Wrapf(ErrInvalidPacket, "%s: %d bytes, want 1 to %d", field, len(s), MaxAddressLength)
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !(unicode.IsLower(r) || unicode.IsDigit(r)) {
			return errorsmod.Wrapf(ErrInvalidPacket, "%s: not a bech32 account", field)
		}
	}
	return nil
}

func printable(field, s string, limit int) error {
	if s == "" || len(s) > limit {
		return errorsmod.Wrapf(ErrInvalidPacket, "%s: %d bytes, want 1 to %d", field, len(s), limit)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return errorsmod.Wrapf(ErrInvalidPacket, "%s: byte %d is not printable ASCII", field, i)
		}
	}
	return nil
}

// EncodeAck returns the canonical encoding of an acknowledgement result.
func EncodeAck(a Ack) []byte {
	bz, err := a.Marshal()
	if err != nil {
		panic(err) // a value built here always marshals
	}
	return bz
}

// DecodeAck decodes an acknowledgement result as strictly as packet data.
func DecodeAck(bz []byte) (Ack, error) {
	var a Ack
	if len(bz) == 0 || len(bz) > MaxPacketBytes {
		return a, errorsmod.Wrapf(ErrInvalidAck, "%d bytes", len(bz))
	}
	if err := a.Unmarshal(bz); err != nil {
		return Ack{}, errorsmod.Wrap(ErrInvalidAck, "not a bridge acknowledgement")
	}
	again, err := a.Marshal()
	if err != nil || !bytes.Equal(again, bz) {
		return Ack{}, errorsmod.Wrap(ErrInvalidAck, "not in canonical encoding")
	}
	if err := a.Validate(); err != nil {
		return Ack{}, err
	}
	return a, nil
}

// Validate checks the result an acknowledgement carries.
func (a Ack) Validate() error {
	switch r := a.Result.(type) {
	case *Ack_Prescription:
		if r.Prescription == nil || r.Prescription.OpenID == 0 {
			return errorsmod.Wrap(ErrInvalidAck, "prescription ack without an id")
		}
		return nil
	case *Ack_Verify:
		if r.Verify == nil {
			break
		}
		if _, known := drugtracetypes.Verdict_name[int32(r.Verify.Verdict)]; !known || r.Verify.Verdict == drugtracetypes.Verdict_VERDICT_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidAck, "verdict %d", r.Verify.Verdict)
		}
		if err := checkTime("verified_at", r.Verify.VerifiedAt); err != nil {
			return errorsmod.Wrap(ErrInvalidAck, err.Error())
		}
		return nil
	case *Ack_Dispense:
		if r.Dispense != nil {
			return nil
		}
	case *Ack_Recall:
		if r.Recall != nil {
			return nil
		}
	}
	return errorsmod.Wrap(ErrInvalidAck, "no result")
}
