package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the organ donation and transplant module.
	ModuleName = "organs"
	// StoreKey is its store key.
	StoreKey = ModuleName
)

// Collection prefixes; each is used by exactly one collection.
var (
	ParamsKey     = collections.NewPrefix(0)
	StaffKey      = collections.NewPrefix(1)
	LoggersKey    = collections.NewPrefix(2)
	CasesKey      = collections.NewPrefix(3)
	OrgansKey     = collections.NewPrefix(4)
	CandidatesKey = collections.NewPrefix(5)
	HandOffsKey   = collections.NewPrefix(6)
	ReadingsKey   = collections.NewPrefix(7)
	ExcursionsKey = collections.NewPrefix(8)
	OverridesKey  = collections.NewPrefix(9)
	// AttachmentsKey prefixes (DIN, organ type, logger) -> the logger's
	// stays in the organ's container.
	AttachmentsKey = collections.NewPrefix(10)
)

// Limits on identifiers and lists that hold in every params.
const (
	// MaxLoggerIDLength bounds a logger id.
	MaxLoggerIDLength = 64
	// MaxOrganTypeLength bounds an organ type code.
	MaxOrganTypeLength = 16
	// MaxOrganTypes bounds params.organ_types.
	MaxOrganTypes = 32
	// MaxCandidatesLimit, MaxHandOffsLimit and MaxReadingsLimit are the
	// highest the params may set: ValidateBasic refuses longer lists before
	// the params are read.
	MaxCandidatesLimit = 1_000
	MaxHandOffsLimit   = 100
	MaxReadingsLimit   = 1_000
	// CommitmentLength is the length of a commitment (SHA-256).
	CommitmentLength = 32
	// MaxSignatureLength bounds a logger's signature (64 bytes for both key types).
	MaxSignatureLength = 64
)

// DonationPurpose is the x/consent purpose of use a living donor's consent
// to the OPO must name (HL7 v3 ActReason DONAT), and DonationCategory the
// data category asked about.
const (
	DonationPurpose  = "DONAT"
	DonationCategory = "Procedure"
)
