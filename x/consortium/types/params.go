package types

import errorsmod "cosmossdk.io/errors"

// DefaultParams are the parameters of a chain whose genesis and store hold
// none. Changing them changes such chains' rules: do it only with an upgrade.
func DefaultParams() Params {
	return Params{MaxNodesPerMember: DefaultMaxNodesPerMember}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if p.MaxNodesPerMember < 1 || p.MaxNodesPerMember > MaxNodesPerMemberLimit {
		return errorsmod.Wrapf(ErrInvalidParams, "max_nodes_per_member is %d, want 1 to %d", p.MaxNodesPerMember, MaxNodesPerMemberLimit)
	}
	return nil
}
