// Package keeper holds the consortium's membership state and the role checks
// every other healthd module relies on.
package keeper

import (
	"context"
	"errors"
	"strings"

	"cosmossdk.io/collections"
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

// setMember writes m and keeps the role index in step with it. previous is the
// role list the index currently holds for m (nil for a new member).
func (k Keeper) setMember(ctx context.Context, addr sdk.AccAddress, m types.Member, previous []types.Role) error {
	for _, r := range previous {
		if err := k.RoleIndex.Remove(ctx, collections.Join(int32(r), addr)); err != nil {
			return err
		}
	}
	for _, r := range m.Roles {
		if err := k.RoleIndex.Set(ctx, collections.Join(int32(r), addr)); err != nil {
			return err
		}
	}
	return k.Members.Set(ctx, addr, m)
}

func (k Keeper) addrString(addr sdk.AccAddress) string { return addrs.String(k.addressCodec, addr) }
