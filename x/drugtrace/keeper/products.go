package keeper

import (
	"context"
	"errors"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// registerProduct registers a product for mfr, an active manufacturer.
func (k Keeper) registerProduct(ctx context.Context, mfr sdk.AccAddress, msg *types.MsgRegisterProduct) error {
	gtin, err := types.ParseGTIN(msg.GTIN)
	if err != nil {
		return err
	}
	// A GTIN is allocated by the company whose GS1 company prefix it carries:
	// only that company may register it, so nobody squats another's products.
	member, err := k.consortium.GetMember(ctx, mfr)
	if err != nil {
		return err
	}
	if !member.OwnsGTIN(gtin) {
		return errorsmod.Wrapf(types.ErrGTINNotOwned, "GTIN %s: %s holds the GS1 company prefixes [%s]",
			gtin, k.addrString(mfr), strings.Join(member.GS1CompanyPrefixes, ", "))
	}
	if err := types.ValidateNDC(msg.NDC); err != nil {
		return err
	}
	if err := types.ValidateText("name", msg.Name, true); err != nil {
		return err
	}
	if err := types.ValidateText("strength", msg.Strength, false); err != nil {
		return err
	}
	if err := types.ValidateText("form", msg.Form, false); err != nil {
		return err
	}
	if has, err := k.Products.Has(ctx, gtin); err != nil {
		return err
	} else if has {
		return errorsmod.Wrapf(types.ErrProductExists, "GTIN %s", gtin)
	}
	p := types.Product{GTIN: gtin, NDC: msg.NDC, Name: msg.Name, Strength: msg.Strength, Form: msg.Form,
		Manufacturer: k.addrString(mfr), PrescriptionOnly: msg.PrescriptionOnly, RegisteredAt: sdk.UnwrapSDKContext(ctx).BlockTime()}
	if err := k.Products.Set(ctx, p.GTIN, p); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventProductRegistered{Product: p})
}

// commission creates a batch of ACTIVE units of one lot, held by the
// product's manufacturer, which mfr must be. It returns how many it created.
func (k Keeper) commission(ctx context.Context, mfr sdk.AccAddress, msg *types.MsgCommission) (uint32, error) {
	gtin, err := types.ParseGTIN(msg.GTIN)
	if err != nil {
		return 0, err
	}
	p, err := k.Products.Get(ctx, gtin)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, errorsmod.Wrapf(types.ErrProductNotFound, "GTIN %s", gtin)
	}
	if err != nil {
		return 0, err
	}
	if p.Manufacturer != k.addrString(mfr) {
		return 0, errorsmod.Wrapf(types.ErrNotManufacturer, "GTIN %s belongs to %s", gtin, p.Manufacturer)
	}
	if err := types.ValidateLot(msg.Lot); err != nil {
		return 0, err
	}
	expiry, err := types.ParseExpiryDate(msg.Expiry)
	if err != nil {
		return 0, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if types.Expired(expiry, now) {
		return 0, errorsmod.Wrapf(types.ErrInvalidExpiry, "%s is already past", msg.Expiry)
	}
	if len(msg.Serials) == 0 {
		return 0, errorsmod.Wrap(types.ErrEmptyBatch, "no serials")
	}
	if err := k.chargeUnits(ctx, len(msg.Serials)); err != nil {
		return 0, err
	}
	seen := make(map[string]struct{}, len(msg.Serials))
	writes := make([]unitWrite, 0, len(msg.Serials))
	for _, serial := range msg.Serials {
		if err := gs1.ValidateSerial(serial); err != nil {
			return 0, errorsmod.Wrapf(types.ErrInvalidSerial, "%s", err)
		}
		if _, dup := seen[serial]; dup {
			return 0, errorsmod.Wrapf(types.ErrDuplicateSerial, "%s listed twice", serial)
		}
		seen[serial] = struct{}{}
		if has, err := k.Units.Has(ctx, collections.Join(gtin, serial)); err != nil {
			return 0, err
		} else if has {
			return 0, errorsmod.Wrapf(types.ErrDuplicateSerial, "%s", types.UnitKey(gtin, serial))
		}
		if err := k.UnitsByLot.Set(ctx, collections.Join3(gtin, msg.Lot, serial)); err != nil {
			return 0, err
		}
		u := types.Unit{GTIN: gtin, Serial: serial, Lot: msg.Lot, Expiry: expiry, Status: types.UnitStatus_UNIT_STATUS_ACTIVE,
			Custodian: p.Manufacturer, CommissionedAt: now}
		writes = append(writes, unitWrite{from: types.UnitStatus_UNIT_STATUS_UNSPECIFIED, unit: u})
	}
	ev := types.TraceEvent{EventType: types.EventTypeObject, Action: types.ActionAdd, BizStep: types.BizStepCommissioning,
		Disposition: types.DispositionActive, Actor: p.Manufacturer}
	return uint32(len(writes)), k.setUnits(ctx, ev, writes, nil)
}
