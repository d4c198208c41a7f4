package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the consortium module.
	ModuleName = "consortium"
	// StoreKey is the store key of the consortium module.
	StoreKey = ModuleName
)

// Collection prefixes. Each prefix is used by exactly one collection.
var (
	MembersKey   = collections.NewPrefix(0)
	RoleIndexKey = collections.NewPrefix(1)
	// IdentifierIndexKey prefixes (kind, identifier) -> member: NPI, GLN, DEA
	// number and GS1 company prefix each belong to one member.
	IdentifierIndexKey = collections.NewPrefix(2)
	// NodesKey prefixes node id -> Node: the nodes members registered.
	NodesKey = collections.NewPrefix(3)
	// NodesByMemberKey prefixes (member, node id): the Nodes index by member.
	NodesByMemberKey = collections.NewPrefix(4)
	// ParamsKey holds the module's Params; absent, DefaultParams apply.
	ParamsKey = collections.NewPrefix(5)
)

// Limits on what a member record may hold. They bound state size and gas.
const (
	MaxNameLength   = 140
	MaxReasonLength = 280
	MaxRoles        = 11 // every assignable role
)

// Limits on node registrations.
const (
	// MaxNodesPerMemberLimit is the highest max_nodes_per_member the authority
	// may set: it bounds the walk that counts a member's nodes.
	MaxNodesPerMemberLimit = 100
	// DefaultMaxNodesPerMember lets a member run a validator, sentries and the
	// full nodes its gateway and vault read from.
	DefaultMaxNodesPerMember = 10
	// MaxNodeAddressLength bounds a node's host:port.
	MaxNodeAddressLength = 255
	// NodeKeyVerifyGas is charged for checking a node key's signature: what
	// x/auth charges for an ed25519 signature (DefaultSigVerifyCostED25519).
	NodeKeyVerifyGas = 590
)
