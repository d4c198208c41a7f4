package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// Verdict says whether a unit is authentic and saleable by asker (nil: anyone),
// or the first reason it is not. It reads the product, the unit, the
// manufacturer's membership, and the lot's recall and hold: the same handful
// of reads whatever the number of units in state.
func (k Keeper) Verdict(ctx context.Context, u types.Unit, asker sdk.AccAddress) (types.Verdict, error) {
	p, err := k.Products.Get(ctx, u.GTIN)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Verdict_VERDICT_UNKNOWN_PRODUCT, nil
	}
	if err != nil {
		return 0, err
	}
	mfr, err := k.addressCodec.StringToBytes(p.Manufacturer)
	if err != nil {
		return 0, err
	}
	if err := k.consortium.RequireRole(ctx, mfr, consortiumtypes.Role_ROLE_MANUFACTURER); err != nil {
		return types.Verdict_VERDICT_MANUFACTURER_NOT_MEMBER, nil
	}
	switch u.Status {
	case types.UnitStatus_UNIT_STATUS_ILLEGITIMATE:
		return types.Verdict_VERDICT_ILLEGITIMATE, nil
	case types.UnitStatus_UNIT_STATUS_DISPENSED:
		return types.Verdict_VERDICT_ALREADY_DISPENSED, nil
	case types.UnitStatus_UNIT_STATUS_DECOMMISSIONED:
		return types.Verdict_VERDICT_DECOMMISSIONED, nil
	}
	lot := collections.Join(u.GTIN, u.Lot)
	if recalled, err := k.Recalls.Has(ctx, lot); err != nil {
		return 0, err
	} else if recalled {
		return types.Verdict_VERDICT_RECALLED, nil
	}
	if held, err := k.LotHolds.Has(ctx, lot); err != nil {
		return 0, err
	} else if held || u.Status == types.UnitStatus_UNIT_STATUS_QUARANTINED {
		return types.Verdict_VERDICT_QUARANTINED, nil
	}
	if types.Expired(u.Expiry, sdk.UnwrapSDKContext(ctx).BlockTime()) {
		return types.Verdict_VERDICT_EXPIRED, nil
	}
	if u.Status == types.UnitStatus_UNIT_STATUS_IN_TRANSIT {
		return types.Verdict_VERDICT_IN_TRANSIT, nil
	}
	if asker != nil && u.Custodian != k.addrString(asker) {
		return types.Verdict_VERDICT_CUSTODY_MISMATCH, nil
	}
	return types.Verdict_VERDICT_AUTHENTIC_SALEABLE, nil
}

// VerifyRef resolves a unit reference and gives its verdict; a reference to a
// unit that does not exist gives UNKNOWN_PRODUCT or NEVER_COMMISSIONED.
func (k Keeper) VerifyRef(ctx context.Context, ref string, asker sdk.AccAddress) (types.Verdict, types.Unit, error) {
	id, err := types.ParseUnitRef(ref, sdk.UnwrapSDKContext(ctx).BlockTime())
	if err != nil {
		return 0, types.Unit{}, err
	}
	u, err := k.resolveUnit(ctx, ref)
	if errors.Is(err, types.ErrUnitNotFound) {
		if has, err := k.Products.Has(ctx, id.GTIN); err != nil {
			return 0, types.Unit{}, err
		} else if !has {
			return types.Verdict_VERDICT_UNKNOWN_PRODUCT, types.Unit{}, nil
		}
		return types.Verdict_VERDICT_NEVER_COMMISSIONED, types.Unit{}, nil
	}
	if err != nil {
		return 0, types.Unit{}, err
	}
	v, err := k.Verdict(ctx, u, asker)
	return v, u, err
}
