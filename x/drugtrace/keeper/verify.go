package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// lotFacts are what a verdict needs beyond the unit itself; they are the same
// for every unit of a lot, so a batch reads them once per lot.
type lotFacts struct {
	unknownProduct, manufacturerNotMember, recalled, held bool
}

func (k Keeper) lotFacts(ctx context.Context, gtin, lot string) (lotFacts, error) {
	p, err := k.Products.Get(ctx, gtin)
	if errors.Is(err, collections.ErrNotFound) {
		return lotFacts{unknownProduct: true}, nil
	}
	if err != nil {
		return lotFacts{}, err
	}
	mfr, err := k.addressCodec.StringToBytes(p.Manufacturer)
	if err != nil {
		return lotFacts{}, err
	}
	if err := k.consortium.RequireRole(ctx, mfr, consortiumtypes.Role_ROLE_MANUFACTURER); err != nil {
		return lotFacts{manufacturerNotMember: true}, nil
	}
	key := collections.Join(gtin, lot)
	var f lotFacts
	if f.recalled, err = k.Recalls.Has(ctx, key); err != nil {
		return lotFacts{}, err
	}
	if f.held, err = k.LotHolds.Has(ctx, key); err != nil {
		return lotFacts{}, err
	}
	return f, nil
}

// Verdict says whether a unit is authentic and saleable by asker (nil: anyone),
// or the first reason it is not. It reads the product, the manufacturer's
// membership, and the lot's recall and hold: the same handful of reads
// whatever the number of units in state.
func (k Keeper) Verdict(ctx context.Context, u types.Unit, asker sdk.AccAddress) (types.Verdict, error) {
	f, err := k.lotFacts(ctx, u.GTIN, u.Lot)
	if err != nil {
		return 0, err
	}
	return k.verdictWith(ctx, f, u, types.Verdict_VERDICT_UNSPECIFIED, asker), nil
}

// verdictWith applies a lot's facts, what a scanned label says (label, a
// labelMismatch verdict; UNSPECIFIED when no label was read or it matches)
// and the unit's own state, in order of precedence.
//
// A label that differs from the commissioned unit is reported before the
// unit's own state (dispensed, recalled, quarantined, expired, ...): those are
// facts about the commissioned unit, and the pack in hand is not shown to be
// it. A recalled unit scanned with a wrong lot is a LOT_MISMATCH, a suspect
// pack to quarantine and investigate (DSCSA suspect product), not a recall
// return. What condemns every pack bearing the GTIN or serial whatever its
// label (unknown product, manufacturer not a member, serial confirmed
// illegitimate) comes first.
func (k Keeper) verdictWith(ctx context.Context, f lotFacts, u types.Unit, label types.Verdict, asker sdk.AccAddress) types.Verdict {
	switch {
	case f.unknownProduct:
		return types.Verdict_VERDICT_UNKNOWN_PRODUCT
	case f.manufacturerNotMember:
		return types.Verdict_VERDICT_MANUFACTURER_NOT_MEMBER
	case u.Status == types.UnitStatus_UNIT_STATUS_ILLEGITIMATE:
		return types.Verdict_VERDICT_ILLEGITIMATE
	case label != types.Verdict_VERDICT_UNSPECIFIED:
		return label
	case u.Status == types.UnitStatus_UNIT_STATUS_DISPENSED:
		return types.Verdict_VERDICT_ALREADY_DISPENSED
	case u.Status == types.UnitStatus_UNIT_STATUS_DECOMMISSIONED:
		return types.Verdict_VERDICT_DECOMMISSIONED
	case f.recalled:
		return types.Verdict_VERDICT_RECALLED
	case f.held || u.Status == types.UnitStatus_UNIT_STATUS_QUARANTINED:
		return types.Verdict_VERDICT_QUARANTINED
	case types.Expired(u.Expiry, sdk.UnwrapSDKContext(ctx).BlockTime()):
		return types.Verdict_VERDICT_EXPIRED
	case u.Status == types.UnitStatus_UNIT_STATUS_IN_TRANSIT:
		return types.Verdict_VERDICT_IN_TRANSIT
	case asker != nil && u.Custodian != k.addrString(asker):
		return types.Verdict_VERDICT_CUSTODY_MISMATCH
	}
	return types.Verdict_VERDICT_AUTHENTIC_SALEABLE
}

// VerifyRef resolves a unit reference and gives its verdict (see verdictWith
// for the order); a reference to a unit that does not exist gives
// UNKNOWN_PRODUCT or NEVER_COMMISSIONED. The unit is returned with the
// verdict, except when the label does not match it (LOT_MISMATCH,
// EXPIRY_MISMATCH): the pack in hand is then not shown to be that unit, and
// who holds the real one is not told to whoever scanned it.
func (k Keeper) VerifyRef(ctx context.Context, ref string, asker sdk.AccAddress) (types.Verdict, types.Unit, error) {
	id, u, label, err := k.lookupUnit(ctx, ref)
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
	f, err := k.lotFacts(ctx, u.GTIN, u.Lot)
	if err != nil {
		return 0, types.Unit{}, err
	}
	switch v := k.verdictWith(ctx, f, u, label, asker); v {
	case types.Verdict_VERDICT_LOT_MISMATCH, types.Verdict_VERDICT_EXPIRY_MISMATCH:
		return v, types.Unit{}, nil
	default:
		return v, u, nil
	}
}
