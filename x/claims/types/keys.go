package types

import (
	"cosmossdk.io/collections"
	"cosmossdk.io/math"
)

const (
	// ModuleName is the name of the claims module; its module account holds the payers' escrow.
	ModuleName = "claims"
	// StoreKey is the store key of the claims module.
	StoreKey = ModuleName
)

// Collection prefixes; each is used by exactly one collection. The index
// prefixes (PlansByPayerKey, CoverageByPatientKey, ByPatientKey to
// ByPatientDateKey) hold collections/indexes.Multi indexes of Plans, Coverages
// and Claims, written by the indexed maps. Their entries, (reference, id) with
// an empty value, are byte for byte those of the key sets they replace, so the
// numbers stand.
var (
	ParamsKey            = collections.NewPrefix(0)
	PlanSeqKey           = collections.NewPrefix(1)
	CoverageSeqKey       = collections.NewPrefix(2)
	PriorAuthSeqKey      = collections.NewPrefix(3)
	ClaimSeqKey          = collections.NewPrefix(4)
	PlansKey             = collections.NewPrefix(5)
	PlansByPayerKey      = collections.NewPrefix(6) // index of Plans: (payer, id)
	CoveragesKey         = collections.NewPrefix(7)
	CoverageByPatientKey = collections.NewPrefix(8) // index of Coverages: (patient, id)
	PriorAuthsKey        = collections.NewPrefix(9)
	LatestPriorAuthKey   = collections.NewPrefix(10)
	ClaimsKey            = collections.NewPrefix(11)
	ByPatientKey         = collections.NewPrefix(12) // index of Claims: (patient, id)
	ByProviderKey        = collections.NewPrefix(13) // index of Claims: (provider, id)
	ByPayerKey           = collections.NewPrefix(14) // index of Claims: (payer, id)
	ByStatusKey          = collections.NewPrefix(15) // index of Claims: (status, id)
	ByPatientDateKey     = collections.NewPrefix(16) // index of Claims: ((patient, service date), id)
	DuplicatesKey        = collections.NewPrefix(17)
	AccumulatorsKey      = collections.NewPrefix(18)
	EscrowKey            = collections.NewPrefix(19)
	PayableQueueKey      = collections.NewPrefix(20)
	PayableByAmountKey   = collections.NewPrefix(21)
	OwedKey              = collections.NewPrefix(22)
	SettlementsKey       = collections.NewPrefix(23)
	HashlocksKey         = collections.NewPrefix(24)
)

// MaxPayoutsPerFunding bounds how many payable claims one funding pays.
const MaxPayoutsPerFunding = 100

// Bounds on counts and amounts. Every product the adjudicator forms stays far
// inside math.Int's 256 bits: MaxAmount × MaxUnitsPerLine × 10,000 bps × 999
// lines < 10^43. Units are added in uint64, so no uint32 sum can wrap.
const (
	// MaxUnitsPerLine bounds a claim line's units.
	MaxUnitsPerLine = 100_000
	// MaxPriorAuthUnits bounds the units one prior authorisation grants.
	MaxPriorAuthUnits = 1_000_000
)

// MaxAmount bounds every amount a payer or provider chooses (plan prices,
// copays, deductibles, out-of-pocket maximum, review threshold, line charges):
// 10^30 of the settlement denom's smallest unit.
var MaxAmount = math.NewIntWithDecimal(1, 30)

// ValidAmount reports whether a is set, not negative and at most MaxAmount.
func ValidAmount(a math.Int) bool {
	return !a.IsNil() && !a.IsNegative() && a.LTE(MaxAmount)
}
