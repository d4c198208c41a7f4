package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consortium/types"
)

// InitGenesis stores the founding (or exported) members. The state must have
// passed GenesisState.Validate.
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
	return nil
}

// ExportGenesis returns every member, ordered by address.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := types.DefaultGenesisState()
	err := k.Members.Walk(ctx, nil, func(_ sdk.AccAddress, m types.Member) (bool, error) {
		gs.Members = append(gs.Members, m)
		return false, nil
	})
	return gs, err
}
