// Package keeper holds the consortium's membership state and the role checks
// every other healthd module relies on.
package keeper

import (
	"context"
	"errors"
	"strings"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/x/consortium/types"
)

// Keeper owns the member registry.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	// authority is the fallback authority (the x/gov module account); the
	// consensus-params authority, when set, takes precedence (sdk.ValidateAuthority).
	authority string
	staking   types.StakingKeeper

	Schema collections.Schema
	// Members maps an organisation account to its record.
	Members collections.Map[sdk.AccAddress, types.Member]
	// RoleIndex holds (role, member) for every role a member holds, so that
	// listing a role's members reads only that role's entries.
	RoleIndex collections.KeySet[collections.Pair[int32, sdk.AccAddress]]
	// IdentifierIndex maps (kind, identifier) to the member holding it: an
	// NPI, GLN, DEA number, ISBT 128 FIN or GS1 company prefix belongs to one
	// member only. OwnerOfFIN reads it.
	// It is kept by setMember rather than as IndexedMap indexes because the
	// identifiers are optional (an empty one is not indexed) and prefixes are a
	// list; a company prefix must also not begin or extend another member's,
	// which needs ranges over the index.
	IdentifierIndex collections.Map[collections.Pair[string, string], sdk.AccAddress]
	// Nodes maps a CometBFT node id to the node a member registered. Its
	// Member index lists a member's nodes, so counting them against the cap and
	// the NodesByMember query read only that member's entries.
	Nodes *collections.IndexedMap[string, types.Node, NodeIndexes]
	// Params holds the module's parameters; absent, types.DefaultParams apply.
	Params collections.Item[types.Params]
}

// NodeIndexes are the secondary indexes of Keeper.Nodes.
type NodeIndexes struct {
	// Member indexes node ids by the member that registered them.
	Member *indexes.Multi[sdk.AccAddress, string, types.Node]
}

// IndexesList implements collections.Indexes.
func (i NodeIndexes) IndexesList() []collections.Index[string, types.Node] {
	return []collections.Index[string, types.Node]{i.Member}
}

// NewKeeper builds the keeper. staking may be nil in tests that do not touch validators.
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string, staking types.StakingKeeper) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(errorsmod.Wrapf(err, "consortium: invalid authority address %q", authority))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		authority:    authority,
		staking:      staking,
		Members:      collections.NewMap(sb, types.MembersKey, "members", sdk.AccAddressKey, codec.CollValue[types.Member](cdc)),
		RoleIndex:    collections.NewKeySet(sb, types.RoleIndexKey, "role_index", collections.PairKeyCodec(collections.Int32Key, sdk.AccAddressKey)),
		IdentifierIndex: collections.NewMap(sb, types.IdentifierIndexKey, "identifier_index",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), collcodec.KeyToValueCodec(sdk.AccAddressKey)),
		Nodes: collections.NewIndexedMap(sb, types.NodesKey, "nodes", collections.StringKey, codec.CollValue[types.Node](cdc), NodeIndexes{
			Member: indexes.NewMulti(sb, types.NodesByMemberKey, "nodes_by_member", sdk.AccAddressKey, collections.StringKey,
				func(_ string, n types.Node) (sdk.AccAddress, error) { return addressCodec.StringToBytes(n.Member) }),
		}),
		Params: collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// GetAuthority returns the fallback authority (the x/gov module account).
func (k Keeper) GetAuthority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// GetMember returns the member at addr, or ErrMemberNotFound.
func (k Keeper) GetMember(ctx context.Context, addr sdk.AccAddress) (types.Member, error) {
	m, err := k.Members.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Member{}, errorsmod.Wrapf(types.ErrMemberNotFound, "%s", k.addrString(addr))
	}
	return m, err
}

// OwnerOfFIN returns the member an ISBT 128 Facility Identification Number
// is registered to, whatever its status, or ErrMemberNotFound when none
// holds it. It costs one read.
func (k Keeper) OwnerOfFIN(ctx context.Context, fin string) (sdk.AccAddress, error) {
	if err := types.ValidateFIN(fin); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidIdentifier, "%s", err)
	}
	owner, err := k.IdentifierIndex.Get(ctx, collections.Join(types.IdentifierFIN, fin))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrMemberNotFound, "no member holds ISBT 128 FIN %s", fin)
	}
	return owner, err
}

// RequireActive returns nil when addr is an active member, ErrNotMember otherwise.
func (k Keeper) RequireActive(ctx context.Context, addr sdk.AccAddress) error {
	_, err := k.activeMember(ctx, addr)
	return err
}

// RequireRole returns nil when addr is an active member holding at least one of
// roles. The error names the member and the roles it lacks. It costs one store
// read whatever the number of members.
func (k Keeper) RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...types.Role) error {
	if len(roles) == 0 {
		return errorsmod.Wrap(types.ErrInvalidRole, "no role to require")
	}
	m, err := k.activeMember(ctx, addr)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		if m.HasRole(r) {
			return nil
		}
		names = append(names, r.ShortName())
	}
	return errorsmod.Wrapf(types.ErrMissingRole, "%s holds none of the roles: %s", k.addrString(addr), strings.Join(names, ", "))
}

// activeMember reads addr's record and refuses unknown and suspended accounts.
func (k Keeper) activeMember(ctx context.Context, addr sdk.AccAddress) (types.Member, error) {
	m, err := k.Members.Get(ctx, addr)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		return m, errorsmod.Wrapf(types.ErrNotMember, "%s is not a consortium member", k.addrString(addr))
	case err != nil:
		return m, err
	case !m.IsActive():
		return m, errorsmod.Wrapf(types.ErrNotMember, "%s is suspended", k.addrString(addr))
	}
	return m, nil
}

// setMember writes m and keeps the role and identifier indexes in step with
// it. previous is the record the indexes currently hold for addr (nil for a new
// member). The caller has checked m's identifiers with checkIdentifiersFree.
func (k Keeper) setMember(ctx context.Context, addr sdk.AccAddress, m types.Member, previous *types.Member) error {
	if previous != nil {
		for _, r := range previous.Roles {
			if err := k.RoleIndex.Remove(ctx, collections.Join(int32(r), addr)); err != nil {
				return err
			}
		}
		for _, id := range previous.IdentifierKeys() {
			if err := k.IdentifierIndex.Remove(ctx, joinID(id)); err != nil {
				return err
			}
		}
	}
	for _, r := range m.Roles {
		if err := k.RoleIndex.Set(ctx, collections.Join(int32(r), addr)); err != nil {
			return err
		}
	}
	for _, id := range m.IdentifierKeys() {
		if err := k.IdentifierIndex.Set(ctx, joinID(id), addr); err != nil {
			return err
		}
	}
	return k.Members.Set(ctx, addr, m)
}

// checkIdentifiersFree refuses m's identifiers when one belongs to another
// member than addr, or one of its GS1 company prefixes begins or extends
// another member's. It only reads: each identifier costs one read, a prefix at
// most seven reads and one short range, whatever the number of members.
func (k Keeper) checkIdentifiersFree(ctx context.Context, addr sdk.AccAddress, m types.Member) error {
	taken := func(kind, value string, owner sdk.AccAddress) error {
		return errorsmod.Wrapf(types.ErrIdentifierTaken, "%s %s belongs to %s", kind, value, k.addrString(owner))
	}
	for _, id := range m.IdentifierKeys() {
		if id.Kind() == types.IdentifierGS1Prefix {
			continue
		}
		owner, err := k.IdentifierIndex.Get(ctx, joinID(id))
		switch {
		case errors.Is(err, collections.ErrNotFound):
		case err != nil:
			return err
		case !owner.Equals(addr):
			return taken(id.Kind(), id.Value(), owner)
		}
	}
	for _, p := range m.GS1CompanyPrefixes {
		// A shorter prefix of another member that begins p (or p itself).
		for l := types.MinCompanyPrefixLength; l <= len(p); l++ {
			owner, err := k.IdentifierIndex.Get(ctx, collections.Join(types.IdentifierGS1Prefix, p[:l]))
			switch {
			case errors.Is(err, collections.ErrNotFound):
			case err != nil:
				return err
			case !owner.Equals(addr):
				return taken("GS1 company prefix", p[:l]+" (overlapping "+p+")", owner)
			}
		}
		// A longer prefix of another member that p begins: the keys from p up
		// to p followed by ':' (the byte after '9') are exactly those.
		rng := collections.NewPrefixedPairRange[string, string](types.IdentifierGS1Prefix).StartInclusive(p).EndExclusive(p + ":")
		var clash error
		if err := k.IdentifierIndex.Walk(ctx, rng, func(key collections.Pair[string, string], owner sdk.AccAddress) (bool, error) {
			if !owner.Equals(addr) {
				clash = taken("GS1 company prefix", key.K2()+" (overlapping "+p+")", owner)
				return true, nil
			}
			return false, nil
		}); err != nil {
			return err
		}
		if clash != nil {
			return clash
		}
	}
	return nil
}

func joinID(id types.IdentifierKey) collections.Pair[string, string] {
	return collections.Join(id.Kind(), id.Value())
}

func (k Keeper) addrString(addr sdk.AccAddress) string { return addrs.String(k.addressCodec, addr) }
