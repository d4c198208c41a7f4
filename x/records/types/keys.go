package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the records module.
	ModuleName = "records"
	// StoreKey is the store key of the records module.
	StoreKey = ModuleName
)

// Collection prefixes; each is used by exactly one collection.
var (
	ParamsKey            = collections.NewPrefix(0)
	RecordSeqKey         = collections.NewPrefix(1)
	GrantSeqKey          = collections.NewPrefix(2)
	RecordsKey           = collections.NewPrefix(3)
	ByPatientKey         = collections.NewPrefix(4)
	ByPatientKindKey     = collections.NewPrefix(5)
	ByPatientCategoryKey = collections.NewPrefix(6)
	VersionsKey          = collections.NewPrefix(7)
	GrantsKey            = collections.NewPrefix(8)
	GrantsByRecordKey    = collections.NewPrefix(9)
	DisclosuresKey       = collections.NewPrefix(10)
	LatestGrantKey       = collections.NewPrefix(11)
	EncryptionKeysKey    = collections.NewPrefix(12)
	RecordsByCIDKey      = collections.NewPrefix(13)
)

// Bounds on what one message may carry.
const (
	CommitmentSize = 32
	MaxKindLength  = 64
	MaxCIDLength   = 128
)
