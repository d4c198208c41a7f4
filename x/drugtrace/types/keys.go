package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the drug traceability module.
	ModuleName = "drugtrace"
	// StoreKey is its store key.
	StoreKey = ModuleName
)

// Collection prefixes; each is used by exactly one collection.
var (
	ParamsKey            = collections.NewPrefix(0)
	ProductsKey          = collections.NewPrefix(1)
	UnitsKey             = collections.NewPrefix(2)
	UnitsByLotKey        = collections.NewPrefix(3)
	ContainersKey        = collections.NewPrefix(4)
	ContainerUnitsKey    = collections.NewPrefix(5)
	ContainerChildrenKey = collections.NewPrefix(6)
	ShipmentsKey         = collections.NewPrefix(7)
	ShipmentSeqKey       = collections.NewPrefix(8)
	RecallsKey           = collections.NewPrefix(9)
	LotHoldsKey          = collections.NewPrefix(10)
	HistoryKey           = collections.NewPrefix(11)
	EventSeqKey          = collections.NewPrefix(12)
	AlertsKey            = collections.NewPrefix(13)
	AlertSeqKey          = collections.NewPrefix(14)
	SettlementsKey       = collections.NewPrefix(15)
	HashlocksKey         = collections.NewPrefix(16)
)

// Limits on free-text-like fields.
const (
	MaxNameLength      = 140
	MaxReferenceLength = 64
	// MaxEventUnits caps the unit list an EventTrace carries; its count is exact.
	MaxEventUnits = 100
	// MaxContainerDepth is how deep containers nest: cases in a pallet.
	MaxContainerDepth = 2
)
