package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consortium/types"
)

// GetParams returns the module's parameters: those the authority or genesis
// set, else types.DefaultParams.
func (k Keeper) GetParams(ctx context.Context) (types.Params, error) {
	p, err := k.Params.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.DefaultParams(), nil
	}
	return p, err
}

// AllowPeer returns nil when nodeID is registered to an active member, the
// one rule of the app's peer filter. It refuses a malformed id
// (ErrInvalidNodeID), an unregistered one (ErrNodeNotFound) and a node whose
// member is suspended (ErrNotMember): suspension takes effect on the member's
// nodes as soon as it is committed, and reinstatement lets them back. Two
// store reads whatever the number of members and nodes.
func (k Keeper) AllowPeer(ctx context.Context, nodeID string) error {
	if err := types.ValidateNodeID(nodeID); err != nil {
		return err
	}
	n, err := k.Nodes.Get(ctx, nodeID)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		return errorsmod.Wrapf(types.ErrNodeNotFound, "node %s is not registered by any member", nodeID)
	case err != nil:
		return err
	}
	addr, err := k.addressCodec.StringToBytes(n.Member)
	if err != nil {
		return err
	}
	if err := k.RequireActive(ctx, addr); err != nil {
		return errorsmod.Wrapf(err, "node %s", nodeID)
	}
	return nil
}

// AllowedNodeIDs lists the node ids AllowPeer accepts. It reads every node:
// the app calls it once, at InitChain, to answer the peer filter before the
// first block is committed.
func (k Keeper) AllowedNodeIDs(ctx context.Context) ([]string, error) {
	var out []string
	err := k.Nodes.Walk(ctx, nil, func(id string, _ types.Node) (bool, error) {
		switch err := k.AllowPeer(ctx, id); {
		case err == nil:
			out = append(out, id)
		case !errors.Is(err, types.ErrNotMember):
			return true, err
		}
		return false, nil
	})
	return out, err
}

// countNodes counts the nodes addr registered, stopping at limit: the walk
// reads at most limit index entries.
func (k Keeper) countNodes(ctx context.Context, addr sdk.AccAddress, limit uint32) (uint32, error) {
	var n uint32
	err := k.Nodes.Indexes.Member.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, string](addr),
		func(sdk.AccAddress, string) (bool, error) {
			n++
			return n >= limit, nil
		})
	return n, err
}
