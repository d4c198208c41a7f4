package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the consent module.
	ModuleName = "consent"
	// StoreKey is the store key of the consent module.
	StoreKey = ModuleName
	// AllCategories is the index key standing for "every category".
	AllCategories = "*"
)

// Collection prefixes; each is used by exactly one collection. ByPatientKey
// and ByGranteeKey hold collections/indexes.Multi indexes of Consents, written
// by the indexed map. Their entries, (address, id) with an empty value, are
// byte for byte those of the key sets they replace, so the numbers stand.
var (
	ParamsKey           = collections.NewPrefix(0)
	ConsentSeqKey       = collections.NewPrefix(1)
	BreakGlassSeqKey    = collections.NewPrefix(2)
	AuditSeqKey         = collections.NewPrefix(3)
	ConsentsKey         = collections.NewPrefix(4)
	ActiveKey           = collections.NewPrefix(5)
	LatestKey           = collections.NewPrefix(6)
	ActiveByPairKey     = collections.NewPrefix(7)
	ByPatientKey        = collections.NewPrefix(8) // index of Consents: (patient, id)
	ByGranteeKey        = collections.NewPrefix(9) // index of Consents: (grantee, id)
	ExpiryQueueKey      = collections.NewPrefix(10)
	GuardiansKey        = collections.NewPrefix(11)
	BreakGlassesKey     = collections.NewPrefix(12)
	ActiveBreakGlassKey = collections.NewPrefix(13)
	RateWindowsKey      = collections.NewPrefix(14)
	AuditKey            = collections.NewPrefix(15)
)

// Bounds on what one message may carry.
const (
	MaxCategories          = 32
	MaxGuardiansPerPatient = 8
)
