package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the claims module; its module account holds the payers' escrow.
	ModuleName = "claims"
	// StoreKey is the store key of the claims module.
	StoreKey = ModuleName
)

// Collection prefixes; each is used by exactly one collection.
var (
	ParamsKey            = collections.NewPrefix(0)
	PlanSeqKey           = collections.NewPrefix(1)
	CoverageSeqKey       = collections.NewPrefix(2)
	PriorAuthSeqKey      = collections.NewPrefix(3)
	ClaimSeqKey          = collections.NewPrefix(4)
	PlansKey             = collections.NewPrefix(5)
	PlansByPayerKey      = collections.NewPrefix(6)
	CoveragesKey         = collections.NewPrefix(7)
	CoverageByPatientKey = collections.NewPrefix(8)
	PriorAuthsKey        = collections.NewPrefix(9)
	LatestPriorAuthKey   = collections.NewPrefix(10)
	ClaimsKey            = collections.NewPrefix(11)
	ByPatientKey         = collections.NewPrefix(12)
	ByProviderKey        = collections.NewPrefix(13)
	ByPayerKey           = collections.NewPrefix(14)
	ByStatusKey          = collections.NewPrefix(15)
	ByPatientDateKey     = collections.NewPrefix(16)
	DuplicatesKey        = collections.NewPrefix(17)
	AccumulatorsKey      = collections.NewPrefix(18)
	EscrowKey            = collections.NewPrefix(19)
	PayableQueueKey      = collections.NewPrefix(20)
)

// MaxPayoutsPerFunding bounds how many payable claims one funding pays.
const MaxPayoutsPerFunding = 100
