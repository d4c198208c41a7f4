package types

import (
	"crypto/hmac"
	"crypto/sha256"

	errorsmod "cosmossdk.io/errors"

	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// A dispense never names its prescription in free text: a prescription or
// record number typed by a pharmacist would end up in unit histories and
// events, where it could be matched with the pharmacy's or the hospital's own
// files. It names either the x/bridge id of the open prescription it fills,
// or a commitment to the pharmacy's own reference.

// PrescriptionCommitmentSize is the length of a prescription commitment: an
// x/records commitment.
const PrescriptionCommitmentSize = recordstypes.CommitmentSize

// prescriptionSaltLabel separates the salt of a prescription commitment from
// any other MAC under the same key.
const prescriptionSaltLabel = "healthd/drugtrace/prescription-salt/v1\x00"

// ValidatePrescription checks the prescription a dispense names: at most one
// of an id and a commitment, and a commitment of PrescriptionCommitmentSize
// bytes. Naming none is valid here; whether the product needs one is in state.
func ValidatePrescription(id uint64, commitment []byte) error {
	if id != 0 && len(commitment) != 0 {
		return errorsmod.Wrap(ErrInvalidReference, "prescription: give the prescription id or the commitment, not both")
	}
	if len(commitment) != 0 && len(commitment) != PrescriptionCommitmentSize {
		return errorsmod.Wrapf(ErrInvalidReference, "prescription commitment of %d bytes, want %d", len(commitment), PrescriptionCommitmentSize)
	}
	return nil
}

// NamesPrescription reports whether the dispense names a prescription.
func (m *MsgDispense) NamesPrescription() bool {
	return m.PrescriptionID != 0 || len(m.PrescriptionCommitment) != 0
}

// PrescriptionSalt is the salt of the commitment to the prescription a unit
// (its "GTIN/serial" key) was dispensed against: HMAC-SHA256 under the
// pharmacy's prescription key. Each unit is dispensed once, so each
// commitment has its own salt, and the pharmacy shows an auditor which
// prescription a dispense filled by handing over that one salt and the
// reference, never the key. Without the salt, a short reference (RX-42)
// cannot be found by trying every candidate.
func PrescriptionSalt(key []byte, unitKey string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(prescriptionSaltLabel))
	mac.Write([]byte(unitKey))
	return mac.Sum(nil)
}

// PrescriptionCommitment is the commitment a dispense stores for a
// prescription the pharmacy keeps: x/records' Commitment(salt, reference),
// the same rule records follow, so one function verifies both.
func PrescriptionCommitment(salt []byte, reference string) []byte {
	return recordstypes.Commitment(salt, []byte(reference))
}

// VerifyPrescriptionCommitment reports whether commitment is the commitment
// to reference under salt.
func VerifyPrescriptionCommitment(commitment, salt []byte, reference string) bool {
	return recordstypes.VerifyCommitment(commitment, salt, []byte(reference))
}
