package keeper

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// RegisterInvariants registers x/drugtrace's invariants. The SDK v0.54 has no
// x/crisis to run them: the app's simulation test collects them through this
// registry interface and runs them after blocks (docs/simulation.md).
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	for _, inv := range invariants(k) {
		ir.RegisterRoute(types.ModuleName, inv.name, invariant(inv.name, inv.check))
	}
}

type namedCheck struct {
	name  string
	check func(ctx context.Context) ([]string, error)
}

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

// invariants lists the module's checks.
func invariants(k Keeper) []namedCheck {
	return []namedCheck{
		{"one-custodian-per-unit", k.checkCustody},
		{"lot-index", k.checkLotIndex},
		{"container-index", k.checkContainerIndex},
		{"settlements", k.CheckSettlements},
	}
}

// checkCustody checks that every unit has exactly one custodian, the one its
// container and shipment agree on: a packed unit's container exists, holds it
// and has the same custodian and shipment; a unit in transit is on a shipment
// in transit sent by its custodian (custody passes on receipt); a unit on no
// shipment is not in transit; and every unit a shipment in transit lists is
// on that shipment.
func (k Keeper) checkCustody(ctx context.Context) ([]string, error) {
	var broken []string
	shipments := map[uint64]types.Shipment{}
	err := k.Units.Walk(ctx, nil, func(key UnitPK, u types.Unit) (bool, error) {
		ref := types.UnitKey(u.GTIN, u.Serial)
		if u.Custodian == "" {
			broken = append(broken, fmt.Sprintf("unit %s has no custodian", ref))
		}
		if u.Container != "" {
			c, err := k.Containers.Get(ctx, u.Container)
			switch {
			case errors.Is(err, collections.ErrNotFound):
				broken = append(broken, fmt.Sprintf("unit %s is in container %s, which does not exist", ref, u.Container))
			case err != nil:
				return true, err
			case c.Custodian != u.Custodian:
				broken = append(broken, fmt.Sprintf("unit %s held by %s, its container %s by %s", ref, u.Custodian, c.SSCC, c.Custodian))
			case c.ShipmentID != u.ShipmentID:
				broken = append(broken, fmt.Sprintf("unit %s on shipment %d, its container %s on %d", ref, u.ShipmentID, c.SSCC, c.ShipmentID))
			}
			has, err := k.ContainerUnits.Has(ctx, collections.Join3(u.Container, u.GTIN, u.Serial))
			if err != nil {
				return true, err
			}
			if !has {
				broken = append(broken, fmt.Sprintf("unit %s says container %s, which does not list it", ref, u.Container))
			}
		}
		if u.ShipmentID == 0 {
			if u.Status == types.UnitStatus_UNIT_STATUS_IN_TRANSIT {
				broken = append(broken, fmt.Sprintf("unit %s in transit on no shipment", ref))
			}
			return false, nil
		}
		s, ok := shipments[u.ShipmentID]
		if !ok {
			var err error
			s, err = k.Shipments.Get(ctx, u.ShipmentID)
			if errors.Is(err, collections.ErrNotFound) {
				broken = append(broken, fmt.Sprintf("unit %s on shipment %d, which does not exist", ref, u.ShipmentID))
				return false, nil
			} else if err != nil {
				return true, err
			}
			shipments[u.ShipmentID] = s
		}
		if s.Status != types.ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT {
			broken = append(broken, fmt.Sprintf("unit %s still on shipment %d, which is %s", ref, s.ID, s.Status))
		}
		if s.From != u.Custodian {
			broken = append(broken, fmt.Sprintf("unit %s in transit held by %s, shipped by %s", ref, u.Custodian, s.From))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	err = k.Shipments.Walk(ctx, nil, func(id uint64, s types.Shipment) (bool, error) {
		if s.Status != types.ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT {
			return false, nil
		}
		for _, ref := range s.Units {
			gtin, serial, ok := strings.Cut(ref, "/")
			if !ok {
				broken = append(broken, fmt.Sprintf("shipment %d lists %q", id, ref))
				continue
			}
			u, err := k.Units.Get(ctx, collections.Join(gtin, serial))
			if err != nil {
				broken = append(broken, fmt.Sprintf("shipment %d lists unit %s: %s", id, ref, err))
				continue
			}
			if u.ShipmentID != id {
				broken = append(broken, fmt.Sprintf("shipment %d in transit lists unit %s, which is on shipment %d", id, ref, u.ShipmentID))
			}
		}
		return false, nil
	})
	return broken, err
}

// checkLotIndex checks that UnitsByLot lists exactly the units, under their lot.
func (k Keeper) checkLotIndex(ctx context.Context) ([]string, error) {
	var broken []string
	n := 0
	err := k.Units.Walk(ctx, nil, func(_ UnitPK, u types.Unit) (bool, error) {
		n++
		has, err := k.UnitsByLot.Has(ctx, collections.Join3(u.GTIN, u.Lot, u.Serial))
		if err != nil {
			return true, err
		}
		if !has {
			broken = append(broken, fmt.Sprintf("unit %s missing from lot %s's index", types.UnitKey(u.GTIN, u.Serial), u.Lot))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	indexed := 0
	err = k.UnitsByLot.Walk(ctx, nil, func(collections.Triple[string, string, string]) (bool, error) {
		indexed++
		return false, nil
	})
	if indexed != n {
		broken = append(broken, fmt.Sprintf("%d units, %d in the lot index", n, indexed))
	}
	return broken, err
}

// checkContainerIndex checks that a container's listed units are in it and
// its listed children name it as their parent.
func (k Keeper) checkContainerIndex(ctx context.Context) ([]string, error) {
	var broken []string
	err := k.ContainerUnits.Walk(ctx, nil, func(key collections.Triple[string, string, string]) (bool, error) {
		u, err := k.Units.Get(ctx, collections.Join(key.K2(), key.K3()))
		if err != nil || u.Container != key.K1() {
			broken = append(broken, fmt.Sprintf("container %s lists unit %s, which is in %q", key.K1(), types.UnitKey(key.K2(), key.K3()), u.Container))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	err = k.ContainerChildren.Walk(ctx, nil, func(key collections.Pair[string, string]) (bool, error) {
		c, err := k.Containers.Get(ctx, key.K2())
		if err != nil || c.Parent != key.K1() {
			broken = append(broken, fmt.Sprintf("container %s lists child %s, whose parent is %q", key.K1(), key.K2(), c.Parent))
		}
		return false, nil
	})
	return broken, err
}
