package types

import (
	"fmt"
	"slices"
	"strings"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesisState has no members: a network's genesis names its founders.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{}
}

// Validate checks every member, that no address appears twice, and that no
// external identifier (NPI, GLN, DEA number, ISBT 128 FIN) belongs to two members nor any
// GS1 company prefix of one member overlaps another's; every node, that no node
// id appears twice and that each node's member is listed; and the params, when
// given. max_nodes_per_member is not applied to genesis: it caps
// registrations, and a lowered cap keeps the nodes registered before, which an
// export carries.
func (gs GenesisState) Validate(ac address.Codec) error {
	seen := make(map[string]struct{}, len(gs.Members))
	ids := map[string]string{}
	type owned struct{ prefix, owner string }
	var prefixes []owned
	for _, m := range gs.Members {
		if err := m.Validate(ac); err != nil {
			// Keep both sentinels reachable with errors.Is.
			return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
		}
		bz, _ := ac.StringToBytes(m.Address)
		if _, dup := seen[string(bz)]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "member %s listed twice", m.Address)
		}
		seen[string(bz)] = struct{}{}
		for _, id := range m.identifierKeys() {
			if other, dup := ids[id.kind+"/"+id.value]; dup {
				return fmt.Errorf("%w: %w", ErrInvalidGenesis,
					errorsmod.Wrapf(ErrIdentifierTaken, "%s %s of member %s already belongs to member %s", id.kind, id.value, m.Address, other))
			}
			ids[id.kind+"/"+id.value] = m.Address
		}
		for _, p := range m.GS1CompanyPrefixes {
			prefixes = append(prefixes, owned{p, m.Address})
		}
	}
	nodes := make(map[string]struct{}, len(gs.Nodes))
	for _, n := range gs.Nodes {
		if err := n.Validate(ac); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
		}
		if _, dup := nodes[n.NodeID]; dup {
			return fmt.Errorf("%w: %w", ErrInvalidGenesis, errorsmod.Wrapf(ErrNodeTaken, "node %s listed twice", n.NodeID))
		}
		nodes[n.NodeID] = struct{}{}
		bz, _ := ac.StringToBytes(n.Member)
		if _, ok := seen[string(bz)]; !ok {
			return fmt.Errorf("%w: %w", ErrInvalidGenesis, errorsmod.Wrapf(ErrMemberNotFound, "node %s: member %s is not among the genesis members", n.NodeID, n.Member))
		}
	}
	if gs.Params != nil {
		if err := gs.Params.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
		}
	}
	// Sorted, a prefix is followed directly by the prefixes it begins.
	slices.SortFunc(prefixes, func(a, b owned) int { return strings.Compare(a.prefix, b.prefix) })
	for i := 1; i < len(prefixes); i++ {
		if strings.HasPrefix(prefixes[i].prefix, prefixes[i-1].prefix) {
			return fmt.Errorf("%w: %w", ErrInvalidGenesis, errorsmod.Wrapf(ErrIdentifierTaken, "GS1 company prefix %s of member %s overlaps %s of member %s",
				prefixes[i].prefix, prefixes[i].owner, prefixes[i-1].prefix, prefixes[i-1].owner))
		}
	}
	return nil
}

// Identifier kinds, as the keeper's identifier index and errors name them.
const (
	IdentifierNPI = "npi"
	IdentifierGLN = "gln"
	IdentifierDEA = "dea"
	// IdentifierGS1Prefix is a GS1 company prefix.
	IdentifierGS1Prefix = "gs1-prefix"
	// IdentifierFIN is an ISBT 128 Facility Identification Number.
	IdentifierFIN = "isbt128-fin"
)

// IdentifierKey is one external identifier a member holds.
type IdentifierKey struct{ kind, value string }

// Kind is the identifier's kind (IdentifierNPI, ...).
func (k IdentifierKey) Kind() string { return k.kind }

// Value is the identifier itself.
func (k IdentifierKey) Value() string { return k.value }

// identifierKeys lists the identifiers the member holds that are unique by
// equality: NPI, GLN, DEA number and ISBT 128 FINs (GS1 company prefixes
// must also not overlap, which needs more than equality).
func (m Member) identifierKeys() []IdentifierKey {
	var out []IdentifierKey
	for _, id := range []IdentifierKey{{IdentifierNPI, m.NPI}, {IdentifierGLN, m.GLN}, {IdentifierDEA, m.DEA}} {
		if id.value != "" {
			out = append(out, id)
		}
	}
	for _, f := range m.FINs {
		out = append(out, IdentifierKey{IdentifierFIN, f})
	}
	return out
}

// IdentifierKeys lists every external identifier the member holds: NPI, GLN,
// DEA number, ISBT 128 FINs and GS1 company prefixes. Each belongs to one
// member only.
func (m Member) IdentifierKeys() []IdentifierKey {
	out := m.identifierKeys()
	for _, p := range m.GS1CompanyPrefixes {
		out = append(out, IdentifierKey{IdentifierGS1Prefix, p})
	}
	return out
}
