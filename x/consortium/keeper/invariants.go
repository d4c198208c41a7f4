package keeper

import (
	"context"
	"fmt"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consortium/types"
)

// OperatesValidator reports whether addr operates a validator. The
// simulation does not suspend such members: a suspension jails the validator,
// and a run whose validators are all jailed stops.
func (k Keeper) OperatesValidator(ctx context.Context, addr sdk.AccAddress) bool {
	_, err := k.staking.GetValidator(ctx, sdk.ValAddress(addr))
	return err == nil
}

// RegisterInvariants registers x/consortium's invariants. The SDK v0.54 has no
// x/crisis to run them: the app's simulation test collects them through this
// registry interface and runs them after blocks (docs/simulation.md).
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "role-index", RoleIndexInvariant(k))
	ir.RegisterRoute(types.ModuleName, "identifier-index", IdentifierIndexInvariant(k))
	ir.RegisterRoute(types.ModuleName, "node-members", NodeMembersInvariant(k))
}

// invariant turns a check returning the broken facts into an sdk.Invariant.
func invariant(name string, check func(ctx context.Context) ([]string, error)) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		broken, err := check(ctx)
		if err != nil {
			broken = append(broken, "store error: "+err.Error())
		}
		if len(broken) > 10 {
			broken = append(broken[:10], fmt.Sprintf("... and %d more", len(broken)-10))
		}
		return sdk.FormatInvariant(types.ModuleName, name, strings.Join(broken, "\n")), len(broken) > 0
	}
}

// RoleIndexInvariant checks that the role index holds exactly each member's roles.
func RoleIndexInvariant(k Keeper) sdk.Invariant {
	return invariant("role-index", func(ctx context.Context) ([]string, error) {
		var broken []string
		want := map[string]bool{}
		err := k.Members.Walk(ctx, nil, func(addr sdk.AccAddress, m types.Member) (bool, error) {
			for _, r := range m.Roles {
				want[fmt.Sprintf("%d/%s", r, addr)] = true
				has, err := k.RoleIndex.Has(ctx, collections.Join(int32(r), addr))
				if err != nil {
					return true, err
				}
				if !has {
					broken = append(broken, fmt.Sprintf("member %s holds %s, missing from the role index", m.Address, r))
				}
			}
			return false, nil
		})
		if err != nil {
			return broken, err
		}
		err = k.RoleIndex.Walk(ctx, nil, func(key collections.Pair[int32, sdk.AccAddress]) (bool, error) {
			if !want[fmt.Sprintf("%d/%s", key.K1(), key.K2())] {
				broken = append(broken, fmt.Sprintf("role index entry %s/%s has no member holding it", types.Role(key.K1()), key.K2()))
			}
			return false, nil
		})
		return broken, err
	})
}

// IdentifierIndexInvariant checks that the identifier index holds exactly each
// member's identifiers, each pointing to its member.
func IdentifierIndexInvariant(k Keeper) sdk.Invariant {
	return invariant("identifier-index", func(ctx context.Context) ([]string, error) {
		var broken []string
		want := map[string]string{}
		err := k.Members.Walk(ctx, nil, func(addr sdk.AccAddress, m types.Member) (bool, error) {
			for _, id := range m.IdentifierKeys() {
				want[id.Kind()+"/"+id.Value()] = addr.String()
			}
			return false, nil
		})
		if err != nil {
			return broken, err
		}
		seen := 0
		err = k.IdentifierIndex.Walk(ctx, nil, func(key collections.Pair[string, string], owner sdk.AccAddress) (bool, error) {
			seen++
			if w, ok := want[key.K1()+"/"+key.K2()]; !ok || w != owner.String() {
				broken = append(broken, fmt.Sprintf("identifier %s %s indexed to %s, held by %q", key.K1(), key.K2(), owner, w))
			}
			return false, nil
		})
		if seen != len(want) {
			broken = append(broken, fmt.Sprintf("%d identifiers indexed, members hold %d", seen, len(want)))
		}
		return broken, err
	})
}

// NodeMembersInvariant checks that every registered node belongs to a member
// and that the by-member index lists every node under its member.
func NodeMembersInvariant(k Keeper) sdk.Invariant {
	return invariant("node-members", func(ctx context.Context) ([]string, error) {
		var broken []string
		err := k.Nodes.Walk(ctx, nil, func(id string, n types.Node) (bool, error) {
			addr, err := k.addressCodec.StringToBytes(n.Member)
			if err != nil {
				return true, err
			}
			if has, err := k.Members.Has(ctx, addr); err != nil || !has {
				broken = append(broken, fmt.Sprintf("node %s registered by %s, not a member", id, n.Member))
			}
			return false, nil
		})
		if err != nil {
			return broken, err
		}
		err = k.Nodes.Indexes.Member.Walk(ctx, nil, func(member sdk.AccAddress, id string) (bool, error) {
			n, err := k.Nodes.Get(ctx, id)
			switch {
			case err != nil:
				broken = append(broken, fmt.Sprintf("index lists node %s under %s: %s", id, member, err))
			case n.Member != k.addrString(member):
				broken = append(broken, fmt.Sprintf("index lists node %s under %s, registered by %s", id, member, n.Member))
			}
			return false, nil
		})
		return broken, err
	})
}
