package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the bridge module.
	ModuleName = "bridge"
	// StoreKey is the store key of the bridge module.
	StoreKey = ModuleName
	// PortID is the IBC port the bridge binds; the counterparty must use the same.
	PortID = "bridge"
	// Version is the channel version both ends must agree on.
	Version = "healthd-bridge-1"
)

// Collection prefixes; each is used by exactly one collection.
var (
	ParamsKey              = collections.NewPrefix(0)
	PrescriptionSeqKey     = collections.NewPrefix(1)
	PrescriptionsKey       = collections.NewPrefix(2)
	PrescriptionsByPatient = collections.NewPrefix(3)
	OpenBySourceKey        = collections.NewPrefix(4)
	HistorySeqKey          = collections.NewPrefix(5)
	HistoryKey             = collections.NewPrefix(6)
	DispensedByLotKey      = collections.NewPrefix(7)
	VerificationSeqKey     = collections.NewPrefix(8)
	VerificationsKey       = collections.NewPrefix(9)
	RecallNoticesKey       = collections.NewPrefix(10)
	PendingKey             = collections.NewPrefix(11)
	UndeliveredSeqKey      = collections.NewPrefix(12)
	UndeliveredKey         = collections.NewPrefix(13)
	// 14 held the open channels as a bare set (before one channel per counterparty).
	NotifyingKey = collections.NewPrefix(15)
	// 16 held client bindings (a pin checked against a client's earliest
	// state, which a forged first state could be pruned under).
	ChannelsKey              = collections.NewPrefix(17)
	ChannelByCounterpartyKey = collections.NewPrefix(18)
	ClientOriginsKey         = collections.NewPrefix(19)
	ClientSeqKey             = collections.NewPrefix(20)
)

// Bounds on packet data and messages.
const (
	// MaxPacketBytes caps a packet's encoded data.
	MaxPacketBytes = 2048
	// MaxAddressLength caps an account string (bech32).
	MaxAddressLength = 128
	// MaxUnitRefLength caps a scanned unit reference.
	MaxUnitRefLength = 256
	// MaxSerialLength and MaxLotLength follow GS1 AI 21 and AI 10.
	MaxSerialLength = 20
	MaxLotLength    = 20
	// MaxReasonLength caps a recall reason code.
	MaxReasonLength = 64
	// MaxQuantity and MaxRefills bound a prescription.
	MaxQuantity = 1000
	MaxRefills  = 12
	// MaxValidity is how far ahead a prescription may be valid.
	MaxValidityDays = 366
	// MaxTrustedCounterparties bounds the params list, and so the open bridge
	// channels (one per counterparty) a recall notice goes to.
	MaxTrustedCounterparties = 16
	// MaxChainIDLength bounds a counterparty's chain id (CometBFT's limit).
	MaxChainIDLength = 50
	// MaxRecallNotificationsPerBlock bounds the patients one recall notice
	// notifies in the transaction that receives it, and in each EndBlocker
	// after it, so a lot dispensed to many patients never needs more gas than
	// a block has.
	MaxRecallNotificationsPerBlock = 200
)
