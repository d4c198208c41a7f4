package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consortium/types"
)

// InitGenesis stores the founding (or exported) members, their nodes and the
// params (absent: none stored, the defaults apply). It runs
// GenesisState.Validate first.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return err
	}
	for _, m := range gs.Members {
		addr, err := k.addressCodec.StringToBytes(m.Address)
		if err != nil {
			return err
		}
		if m.AdmittedAt.IsZero() {
			// Founders listed in a new genesis file are admitted at genesis time.
			m.AdmittedAt = sdk.UnwrapSDKContext(ctx).BlockTime()
			m.StatusChangedAt = m.AdmittedAt
		}
		// Validate refused duplicates within the file; this also refuses an
		// identifier already in the store (InitGenesis on a non-empty store).
		if err := k.checkIdentifiersFree(ctx, addr, m); err != nil {
			return err
		}
		if err := k.setMember(ctx, sdk.AccAddress(addr), m, nil); err != nil {
			return err
		}
	}
	for _, n := range gs.Nodes {
		// Validate refused duplicates within the file; this also refuses a
		// node another member registered in the store.
		switch existing, err := k.Nodes.Get(ctx, n.NodeID); {
		case errors.Is(err, collections.ErrNotFound):
		case err != nil:
			return err
		case existing.Member != n.Member:
			return errorsmod.Wrapf(types.ErrNodeTaken, "node %s is registered by %s", n.NodeID, existing.Member)
		}
		if err := k.Nodes.Set(ctx, n.NodeID, n); err != nil {
			return err
		}
	}
	if gs.Params != nil {
		return k.Params.Set(ctx, *gs.Params)
	}
	return nil
}

// ExportGenesis returns every member, ordered by address, every node, ordered
// by node id, and the params if any were stored.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := types.DefaultGenesisState()
	if err := k.Members.Walk(ctx, nil, func(_ sdk.AccAddress, m types.Member) (bool, error) {
		gs.Members = append(gs.Members, m)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Nodes.Walk(ctx, nil, func(_ string, n types.Node) (bool, error) {
		gs.Nodes = append(gs.Nodes, n)
		return false, nil
	}); err != nil {
		return nil, err
	}
	switch p, err := k.Params.Get(ctx); {
	case errors.Is(err, collections.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		gs.Params = &p
	}
	return gs, nil
}
