package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// heldContainer loads a top-level container actor holds, not in transit.
func (k Keeper) heldContainer(ctx context.Context, ref string, actor string) (types.Container, error) {
	sscc, err := types.ParseSSCCRef(ref)
	if err != nil {
		return types.Container{}, err
	}
	c, err := k.Containers.Get(ctx, sscc)
	if errors.Is(err, collections.ErrNotFound) {
		return c, errorsmod.Wrapf(types.ErrContainerNotFound, "%s", sscc)
	}
	if err != nil {
		return c, err
	}
	switch {
	case c.Custodian != actor:
		return c, errorsmod.Wrapf(types.ErrNotCustodian, "container %s is held by %s", sscc, c.Custodian)
	case c.ShipmentID != 0:
		return c, errorsmod.Wrapf(types.ErrInTransit, "container %s in shipment %d", sscc, c.ShipmentID)
	case c.Parent != "":
		return c, errorsmod.Wrapf(types.ErrPacked, "container %s is inside %s", sscc, c.Parent)
	}
	return c, nil
}

// contents returns every unit in a container, nested ones included, and the
// nested containers.
func (k Keeper) contents(ctx context.Context, sscc string) ([]types.Unit, []types.Container, error) {
	var units []types.Unit
	var nested []types.Container
	var walk func(s string, depth int) error
	walk = func(s string, depth int) error {
		if depth > types.MaxContainerDepth {
			return errorsmod.Wrapf(types.ErrInvalidSSCC, "containers nested deeper than %d", types.MaxContainerDepth)
		}
		if err := k.ContainerUnits.Walk(ctx, collections.NewPrefixedTripleRange[string, string, string](s),
			func(key collections.Triple[string, string, string]) (bool, error) {
				u, err := k.Units.Get(ctx, collections.Join(key.K2(), key.K3()))
				if err != nil {
					return true, err
				}
				units = append(units, u)
				return false, nil
			}); err != nil {
			return err
		}
		children, err := k.children(ctx, s)
		if err != nil {
			return err
		}
		for _, ch := range children {
			c, err := k.Containers.Get(ctx, ch)
			if err != nil {
				return err
			}
			nested = append(nested, c)
			if err := walk(ch, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return units, nested, walk(sscc, 1)
}

// children lists the SSCCs of the containers directly inside sscc.
func (k Keeper) children(ctx context.Context, sscc string) ([]string, error) {
	var children []string
	err := k.ContainerChildren.Walk(ctx, collections.NewPrefixedPairRange[string, string](sscc),
		func(key collections.Pair[string, string]) (bool, error) {
			children = append(children, key.K2())
			return false, nil
		})
	return children, err
}

func (k Keeper) hasChildren(ctx context.Context, sscc string) (bool, error) {
	has := false
	err := k.ContainerChildren.Walk(ctx, collections.NewPrefixedPairRange[string, string](sscc),
		func(collections.Pair[string, string]) (bool, error) { has = true; return true, nil })
	return has, err
}

// pack puts units and containers that a (the actor) holds into a new
// container: a case of units, or a pallet of cases and units.
func (k Keeper) pack(ctx context.Context, a string, msg *types.MsgPack) error {
	sscc, err := types.ParseSSCCRef(msg.SSCC)
	if err != nil {
		return err
	}
	if has, err := k.Containers.Has(ctx, sscc); err != nil {
		return err
	} else if has {
		return errorsmod.Wrapf(types.ErrContainerExists, "%s", sscc)
	}
	if len(msg.Units)+len(msg.Containers) == 0 {
		return errorsmod.Wrap(types.ErrEmptyBatch, "nothing to pack")
	}
	if err := k.capList(ctx, len(msg.Units)+len(msg.Containers)); err != nil {
		return err
	}
	total := len(msg.Units)
	var children []types.Container
	seenContainers := map[string]bool{}
	for _, ref := range msg.Containers {
		c, err := k.heldContainer(ctx, ref, a)
		if err != nil {
			return err
		}
		if seenContainers[c.SSCC] || c.SSCC == sscc {
			return errorsmod.Wrapf(types.ErrInvalidSSCC, "container %s listed twice", c.SSCC)
		}
		seenContainers[c.SSCC] = true
		if has, err := k.hasChildren(ctx, c.SSCC); err != nil {
			return err
		} else if has {
			return errorsmod.Wrapf(types.ErrInvalidSSCC, "container %s holds containers itself: at most %d levels", c.SSCC, types.MaxContainerDepth)
		}
		children = append(children, c)
		total += int(c.Units)
	}
	if err := k.chargeUnits(ctx, total); err != nil {
		return err
	}
	var writes []unitWrite
	seen := map[string]bool{}
	for _, ref := range msg.Units {
		id, err := types.ParseUnitRef(ref, sdk.UnwrapSDKContext(ctx).BlockTime())
		if err != nil {
			return err
		}
		if seen[types.UnitKey(id.GTIN, id.Serial)] {
			return errorsmod.Wrapf(types.ErrDuplicateSerial, "%s listed twice", types.UnitKey(id.GTIN, id.Serial))
		}
		seen[types.UnitKey(id.GTIN, id.Serial)] = true
		u, err := k.heldUnit(ctx, ref, a)
		if err != nil {
			return err
		}
		if u.Status != types.UnitStatus_UNIT_STATUS_ACTIVE {
			return errorsmod.Wrapf(types.ErrInvalidStatus, "%s is %s", types.UnitKey(u.GTIN, u.Serial), u.Status)
		}
		u.Container = sscc
		if err := k.ContainerUnits.Set(ctx, collections.Join3(sscc, u.GTIN, u.Serial)); err != nil {
			return err
		}
		writes = append(writes, unitWrite{from: u.Status, unit: u})
	}
	var nestedUnits []types.Unit
	for _, c := range children {
		c.Parent = sscc
		if err := k.Containers.Set(ctx, c.SSCC, c); err != nil {
			return err
		}
		if err := k.ContainerChildren.Set(ctx, collections.Join(sscc, c.SSCC)); err != nil {
			return err
		}
		inner, _, err := k.contents(ctx, c.SSCC)
		if err != nil {
			return err
		}
		nestedUnits = append(nestedUnits, inner...)
	}
	if err := k.Containers.Set(ctx, sscc, types.Container{SSCC: sscc, Custodian: a, Units: uint32(total)}); err != nil {
		return err
	}
	ev := types.TraceEvent{EventType: types.EventTypeAggregation, Action: types.ActionAdd, BizStep: types.BizStepPacking,
		Disposition: types.DispositionInProgress, Actor: a, Container: sscc}
	return k.setUnits(ctx, ev, writes, nestedUnits)
}

// unpack empties a container a (the actor) holds and removes it: its units
// and containers are loose again, and its SSCC is free.
func (k Keeper) unpack(ctx context.Context, a string, msg *types.MsgUnpack) error {
	c, err := k.heldContainer(ctx, msg.SSCC, a)
	if err != nil {
		return err
	}
	// Gas per unit but no cap: a container packed under a higher cap must
	// stay unpackable when the cap is lowered, or its units would be stuck.
	if err := k.chargeUnitsUncapped(ctx, int(c.Units)); err != nil {
		return err
	}
	var direct []types.Unit
	if err := k.ContainerUnits.Walk(ctx, collections.NewPrefixedTripleRange[string, string, string](c.SSCC),
		func(key collections.Triple[string, string, string]) (bool, error) {
			u, err := k.Units.Get(ctx, collections.Join(key.K2(), key.K3()))
			direct = append(direct, u)
			return err != nil, err
		}); err != nil {
		return err
	}
	writes := make([]unitWrite, 0, len(direct))
	for _, u := range direct {
		u.Container = ""
		if err := k.ContainerUnits.Remove(ctx, collections.Join3(c.SSCC, u.GTIN, u.Serial)); err != nil {
			return err
		}
		writes = append(writes, unitWrite{from: u.Status, unit: u})
	}
	children, err := k.children(ctx, c.SSCC)
	if err != nil {
		return err
	}
	var nestedUnits []types.Unit
	for _, ch := range children {
		child, err := k.Containers.Get(ctx, ch)
		if err != nil {
			return err
		}
		child.Parent = ""
		if err := k.Containers.Set(ctx, ch, child); err != nil {
			return err
		}
		if err := k.ContainerChildren.Remove(ctx, collections.Join(c.SSCC, ch)); err != nil {
			return err
		}
		inner, _, err := k.contents(ctx, ch)
		if err != nil {
			return err
		}
		nestedUnits = append(nestedUnits, inner...)
	}
	if err := k.Containers.Remove(ctx, c.SSCC); err != nil {
		return err
	}
	ev := types.TraceEvent{EventType: types.EventTypeAggregation, Action: types.ActionDelete, BizStep: types.BizStepUnpacking,
		Disposition: types.DispositionInProgress, Actor: a, Container: c.SSCC}
	return k.setUnits(ctx, ev, writes, nestedUnits)
}
