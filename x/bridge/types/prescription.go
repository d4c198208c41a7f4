package types

import (
	"math"
	"time"
)

// The rules of a prescription, the same on both chains: what it allows, when,
// for which product, and how its status moves.

// prescriptionTransitions lists, for each status, the statuses a
// prescription may move to.
//   - The hospital chain sends it (PENDING); the acknowledgement opens it
//     (OPEN) or refuses it (REFUSED); a timeout makes it UNDELIVERED, and a
//     re-send PENDING again. Dispense confirmations may overtake the
//     acknowledgement on the unordered channel, so the last one may close a
//     PENDING prescription.
//   - The pharma chain opens it when it arrives (OPEN).
//   - The last unit dispensed closes it (CLOSED) on both chains.
var prescriptionTransitions = map[PrescriptionStatus][]PrescriptionStatus{
	PrescriptionStatus_PRESCRIPTION_STATUS_UNSPECIFIED: {PrescriptionStatus_PRESCRIPTION_STATUS_PENDING, PrescriptionStatus_PRESCRIPTION_STATUS_OPEN},
	PrescriptionStatus_PRESCRIPTION_STATUS_PENDING: {
		PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED,
		PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED, PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED,
	},
	PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED: {PrescriptionStatus_PRESCRIPTION_STATUS_PENDING},
	PrescriptionStatus_PRESCRIPTION_STATUS_OPEN:        {PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED},
	PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED:     {},
	PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED:      {},
}

// CanTransitionPrescription reports whether a prescription may move from one
// status to another.
func CanTransitionPrescription(from, to PrescriptionStatus) bool {
	for _, s := range prescriptionTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Remaining is how many units the prescription still allows. The total is
// computed in 64 bits: quantity and refills are bounded by ValidateAmounts,
// but this must not wrap whatever they hold.
func (p Prescription) Remaining() uint32 {
	total := uint64(p.Quantity) * (1 + uint64(p.Refills))
	if uint64(p.Dispensed) >= total {
		return 0
	}
	return uint32(min(total-uint64(p.Dispensed), math.MaxUint32))
}

// ValidAt reports whether the prescription may still be dispensed at t.
func (p Prescription) ValidAt(t time.Time) bool { return t.Before(p.ValidUntil) }

// Dispensable reports whether units may be dispensed against it: on the
// pharma chain only an OPEN one; on the hospital chain a confirmation may
// also find it PENDING (it overtook the acknowledgement).
func (p Prescription) Dispensable() bool {
	return p.Status == PrescriptionStatus_PRESCRIPTION_STATUS_OPEN || p.Status == PrescriptionStatus_PRESCRIPTION_STATUS_PENDING
}

// MatchesProduct reports whether a unit of the product (its GTIN and the
// product's NDC) is what the prescription names: it names exactly one of the
// two (ValidateProduct), and that one must be equal.
func (p Prescription) MatchesProduct(gtin, ndc string) bool {
	if p.GTIN != "" {
		return p.GTIN == gtin
	}
	return p.NDC != "" && p.NDC == ndc
}
