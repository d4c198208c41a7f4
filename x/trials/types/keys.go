package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the trials module.
	ModuleName = "trials"
	// StoreKey is the store key of the trials module.
	StoreKey = ModuleName
)

// Collection prefixes; each is used by exactly one collection.
var (
	ParamsKey          = collections.NewPrefix(0)
	TrialSeqKey        = collections.NewPrefix(1)
	TrialsKey          = collections.NewPrefix(2)
	RegistryHoldersKey = collections.NewPrefix(3) // registry id -> the trial holding it
	VersionsKey        = collections.NewPrefix(4)
	EnrolmentsKey      = collections.NewPrefix(5)
	ByStatusVersionKey = collections.NewPrefix(6) // index of Enrolments: (trial, status, consented version)
	EnrolmentCountsKey = collections.NewPrefix(7)
	DataSeqKey         = collections.NewPrefix(8)
	DataKey            = collections.NewPrefix(9)
	DataBySubjectKey   = collections.NewPrefix(10) // index of Data: (trial, subject)
	LatestDataKey      = collections.NewPrefix(11)
	SAESeqKey          = collections.NewPrefix(12)
	SAEClocksKey       = collections.NewPrefix(13)
	SAEsByTrialKey     = collections.NewPrefix(14) // index of SAEClocks: trial
	OpenSAEsKey        = collections.NewPrefix(15)
	LateSAEsKey        = collections.NewPrefix(16)
	ResultsKey         = collections.NewPrefix(17)
	SwitchesKey        = collections.NewPrefix(18)
	ResultsPendingKey  = collections.NewPrefix(19)
)

// Bounds on what one message may carry and on a trial's history. They bound
// state size and the work of one transaction.
const (
	CommitmentSize   = 32 // SHA-256
	MaxCIDLength     = 128
	MaxTitleLength   = 200
	MaxSites         = 64
	MaxOutcomes      = 64
	MaxMeasureLength = 200
	MaxTimeFrame     = 100
	MaxCodeLength    = 18
	MaxVisitLength   = 32
	// MaxReleaseReasonLength bounds the reason the chain authority gives
	// for releasing a registry id.
	MaxReleaseReasonLength = 200
	// MaxVersions bounds a trial's protocol versions, so a version number
	// never wraps.
	MaxVersions = 1000
	// MaxDataVersions bounds the amendments of one visit's form.
	MaxDataVersions = 1000
)

// Purposes of use (x/consent, HL7 v3 PurposeOfUse) a subject's consent may
// name to cover a trial, in the order they are tried.
var ConsentPurposes = []string{"CLINTRL", "HRESCH"}
