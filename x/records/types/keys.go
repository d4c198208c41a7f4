package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the records module.
	ModuleName = "records"
	// StoreKey is the store key of the records module.
	StoreKey = ModuleName
)

// Collection prefixes; each is used by exactly one collection. The index
// prefixes hold collections/indexes indexes of Records and Grants, written by
// the indexed maps. Their entries are byte for byte those of the key sets and
// map they replace (a multi index's (reference, id) with an empty value; the
// unique version index's (root id, version) → id), so the numbers stand.
var (
	ParamsKey            = collections.NewPrefix(0)
	RecordSeqKey         = collections.NewPrefix(1)
	GrantSeqKey          = collections.NewPrefix(2)
	RecordsKey           = collections.NewPrefix(3)
	ByPatientKey         = collections.NewPrefix(4) // index of Records: (patient, id)
	ByPatientKindKey     = collections.NewPrefix(5) // index of Records: ((patient, kind), id)
	ByPatientCategoryKey = collections.NewPrefix(6) // index of Records: ((patient, category), id)
	VersionsKey          = collections.NewPrefix(7) // unique index of Records: (root id, version) → id
	GrantsKey            = collections.NewPrefix(8)
	GrantsByRecordKey    = collections.NewPrefix(9)  // index of Grants: (record, id)
	DisclosuresKey       = collections.NewPrefix(10) // index of Grants: (patient, id)
	LatestGrantKey       = collections.NewPrefix(11)
	EncryptionKeysKey    = collections.NewPrefix(12)
	RecordsByCIDKey      = collections.NewPrefix(13) // unique index of Records: CID → id
	TombstonesKey        = collections.NewPrefix(14) // erased record versions, by id
)

// Bounds on what one message may carry.
const (
	CommitmentSize = 32
	MaxKindLength  = 64
	MaxCIDLength   = 128
)
