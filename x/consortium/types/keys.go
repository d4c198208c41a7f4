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
)

// Limits on what a member record may hold. They bound state size and gas.
const (
	MaxNameLength   = 140
	MaxReasonLength = 280
	MaxRoles        = 10
)
