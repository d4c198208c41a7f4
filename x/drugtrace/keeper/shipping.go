package keeper

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// shippableChecker refuses units that may not move: recalled, quarantined,
// illegitimate, dispensed, decommissioned or expired. It reads each lot's
// facts once, so a pallet of one lot costs one set of lot reads.
type shippableChecker struct {
	k     Keeper
	facts map[string]lotFacts
}

func (c *shippableChecker) check(ctx context.Context, u types.Unit) error {
	key := u.GTIN + "|" + u.Lot
	f, ok := c.facts[key]
	if !ok {
		var err error
		if f, err = c.k.lotFacts(ctx, u.GTIN, u.Lot); err != nil {
			return err
		}
		c.facts[key] = f
	}
	if v := c.k.verdictWith(ctx, f, u, types.Verdict_VERDICT_UNSPECIFIED, nil); v != types.Verdict_VERDICT_AUTHENTIC_SALEABLE {
		return errorsmod.Wrapf(types.ErrNotSaleable, "%s: %s", types.UnitKey(u.GTIN, u.Serial), v)
	}
	return nil
}

// ship sends units and containers that a (the actor) holds to to, whose role
// the caller has checked. A unit named by someone who does not hold it is a
// suspect product: nothing moves and an alert is recorded, whose id is
// returned (the shipment id is then 0) in a successful transaction so that
// the alert is kept.
func (k Keeper) ship(ctx context.Context, a, to string, msg *types.MsgShip) (shipmentID, alertID uint64, err error) {
	if msg.TransactionReference != "" {
		if err := types.ValidateReference("transaction reference", msg.TransactionReference); err != nil {
			return 0, 0, err
		}
	}
	if len(msg.Units)+len(msg.Containers) == 0 {
		return 0, 0, errorsmod.Wrap(types.ErrEmptyBatch, "nothing to ship")
	}
	if err := k.capList(ctx, len(msg.Units)+len(msg.Containers)); err != nil {
		return 0, 0, err
	}

	// A unit held by someone else: refuse and alert.
	for _, ref := range msg.Units {
		u, err := k.resolveUnit(ctx, ref)
		if err != nil {
			return 0, 0, err
		}
		if u.Custodian != a {
			id, err := k.alert(ctx, u, a, types.BizStepShipping, types.Verdict_VERDICT_CUSTODY_MISMATCH)
			return 0, id, err
		}
	}

	total := len(msg.Units)
	var containers []types.Container
	seenContainers := map[string]bool{}
	for _, ref := range msg.Containers {
		c, err := k.heldContainer(ctx, ref, a)
		if err != nil {
			return 0, 0, err
		}
		if seenContainers[c.SSCC] {
			return 0, 0, errorsmod.Wrapf(types.ErrInvalidSSCC, "container %s listed twice", c.SSCC)
		}
		seenContainers[c.SSCC] = true
		containers = append(containers, c)
		total += int(c.Units)
	}
	if err := k.chargeUnits(ctx, total); err != nil {
		return 0, 0, err
	}
	id, err := nextID(ctx, k.ShipmentSeq)
	if err != nil {
		return 0, 0, err
	}

	var moved []types.Unit
	seen := map[string]bool{}
	for _, ref := range msg.Units {
		u, err := k.heldUnit(ctx, ref, a)
		if err != nil {
			return 0, 0, err
		}
		key := types.UnitKey(u.GTIN, u.Serial)
		if seen[key] {
			return 0, 0, errorsmod.Wrapf(types.ErrDuplicateSerial, "%s listed twice", key)
		}
		seen[key] = true
		moved = append(moved, u)
	}
	shipment := types.Shipment{ID: id, From: a, To: to, Status: types.ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT,
		ShippedAt: sdk.UnwrapSDKContext(ctx).BlockTime(), TransactionReference: msg.TransactionReference}
	for _, c := range containers {
		inner, nested, err := k.contents(ctx, c.SSCC)
		if err != nil {
			return 0, 0, err
		}
		for _, cc := range append(nested, c) {
			cc.ShipmentID = id
			if err := k.Containers.Set(ctx, cc.SSCC, cc); err != nil {
				return 0, 0, err
			}
		}
		shipment.Containers = append(shipment.Containers, c.SSCC)
		moved = append(moved, inner...)
	}
	shippable := &shippableChecker{k: k, facts: map[string]lotFacts{}}
	writes := make([]unitWrite, 0, len(moved))
	for _, u := range moved {
		if err := shippable.check(ctx, u); err != nil {
			return 0, 0, err
		}
		from := u.Status
		u.Status, u.ShipmentID = types.UnitStatus_UNIT_STATUS_IN_TRANSIT, id
		writes = append(writes, unitWrite{from: from, unit: u})
		if u.Container == "" {
			shipment.Units = append(shipment.Units, types.UnitKey(u.GTIN, u.Serial))
		}
	}
	if err := k.Shipments.Set(ctx, id, shipment); err != nil {
		return 0, 0, err
	}
	ev := types.TraceEvent{EventType: types.EventTypeObject, Action: types.ActionObserve, BizStep: types.BizStepShipping,
		Disposition: types.DispositionInTransit, Actor: a, From: a, To: shipment.To, TransactionReference: shipmentRef(shipment)}
	return id, 0, k.setUnits(ctx, ev, writes, nil)
}

func shipmentRef(s types.Shipment) string {
	if s.TransactionReference != "" {
		return s.TransactionReference
	}
	return fmt.Sprintf("shipment:%d", s.ID)
}

// shipmentUnits loads every unit a shipment carries.
func (k Keeper) shipmentUnits(ctx context.Context, s types.Shipment) ([]types.Unit, []types.Container, error) {
	var units []types.Unit
	var containers []types.Container
	for _, key := range s.Units {
		gtin, serial, _ := strings.Cut(key, "/")
		u, err := k.Units.Get(ctx, collections.Join(gtin, serial))
		if err != nil {
			return nil, nil, err
		}
		units = append(units, u)
	}
	for _, sscc := range s.Containers {
		c, err := k.Containers.Get(ctx, sscc)
		if err != nil {
			return nil, nil, err
		}
		inner, nested, err := k.contents(ctx, sscc)
		if err != nil {
			return nil, nil, err
		}
		containers = append(append(containers, c), nested...)
		units = append(units, inner...)
	}
	return units, containers, nil
}

// openShipment loads a shipment in transit addressed to a.
func (k Keeper) openShipment(ctx context.Context, a string, id uint64) (types.Shipment, error) {
	s, err := k.Shipments.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return s, errorsmod.Wrapf(types.ErrShipmentNotFound, "%d", id)
	}
	if err != nil {
		return s, err
	}
	switch {
	case s.To != a:
		return s, errorsmod.Wrapf(types.ErrNotAddressee, "shipment %d is addressed to %s", id, s.To)
	case s.Status != types.ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT:
		return s, errorsmod.Wrapf(types.ErrShipmentClosed, "shipment %d is %s", id, s.Status)
	}
	return s, nil
}

// settle ends a shipment: custody goes to holder and the units become active.
func (k Keeper) settle(ctx context.Context, s types.Shipment, holder string, status types.ShipmentStatus, ev types.TraceEvent) (int, error) {
	units, containers, err := k.shipmentUnits(ctx, s)
	if err != nil {
		return 0, err
	}
	// Gas per unit, but no cap: a shipment already on its way must always be
	// receivable or refusable, even if the cap was lowered meanwhile.
	if err := k.chargeUnitsUncapped(ctx, len(units)); err != nil {
		return 0, err
	}
	writes := make([]unitWrite, 0, len(units))
	for _, u := range units {
		from := u.Status
		switch u.Status {
		case types.UnitStatus_UNIT_STATUS_IN_TRANSIT:
			u.Status = types.UnitStatus_UNIT_STATUS_ACTIVE
		case types.UnitStatus_UNIT_STATUS_QUARANTINED:
			// Held while in transit: it stays held, and a release makes it active.
			u.HeldStatus = types.UnitStatus_UNIT_STATUS_ACTIVE
		}
		// Illegitimate (and any other terminal) status is kept as it is.
		u.ShipmentID, u.Custodian = 0, holder
		writes = append(writes, unitWrite{from: from, unit: u})
	}
	for _, c := range containers {
		c.ShipmentID, c.Custodian = 0, holder
		if err := k.Containers.Set(ctx, c.SSCC, c); err != nil {
			return 0, err
		}
	}
	s.Status = status
	if err := k.Shipments.Set(ctx, s.ID, s); err != nil {
		return 0, err
	}
	return len(units), k.setUnits(ctx, ev, writes, nil)
}

// receive takes delivery of shipment id for a, its addressee. Every unit is
// re-verified as authentic (commissioned by a member manufacturer, not
// illegitimate, dispensed or decommissioned); a shipment carrying one that is
// not must be refused. A shipment with a LOCKED settlement is received only
// with its preimage, before its deadline, and the receipt reveals it: the
// buyer cannot take delivery on chain without paying. It returns how many
// units arrived.
func (k Keeper) receive(ctx context.Context, a string, id uint64, preimage []byte) (int, error) {
	s, err := k.openShipment(ctx, a, id)
	if err != nil {
		return 0, err
	}
	settlement, locked, err := k.lockedSettlement(ctx, id)
	if err != nil {
		return 0, err
	}
	switch {
	case locked:
		if err := checkReveal(ctx, settlement, preimage); err != nil {
			return 0, err
		}
	case len(preimage) > 0:
		return 0, errorsmod.Wrapf(types.ErrInvalidSettlement, "shipment %d has no locked settlement: send no preimage", id)
	}
	units, _, err := k.shipmentUnits(ctx, s)
	if err != nil {
		return 0, err
	}
	facts := map[string]lotFacts{}
	for _, u := range units {
		f, ok := facts[u.GTIN+"|"+u.Lot]
		if !ok {
			if f, err = k.lotFacts(ctx, u.GTIN, u.Lot); err != nil {
				return 0, err
			}
			facts[u.GTIN+"|"+u.Lot] = f
		}
		switch v := k.verdictWith(ctx, f, u, types.Verdict_VERDICT_UNSPECIFIED, nil); v {
		case types.Verdict_VERDICT_UNKNOWN_PRODUCT, types.Verdict_VERDICT_MANUFACTURER_NOT_MEMBER, types.Verdict_VERDICT_ILLEGITIMATE,
			types.Verdict_VERDICT_ALREADY_DISPENSED, types.Verdict_VERDICT_DECOMMISSIONED:
			return 0, errorsmod.Wrapf(types.ErrNotSaleable, "%s: %s; refuse the shipment", types.UnitKey(u.GTIN, u.Serial), v)
		}
	}
	ev := types.TraceEvent{EventType: types.EventTypeObject, Action: types.ActionObserve, BizStep: types.BizStepReceiving,
		Disposition: types.DispositionActive, Actor: a, From: s.From, To: a, TransactionReference: shipmentRef(s)}
	n, err := k.settle(ctx, s, a, types.ShipmentStatus_SHIPMENT_STATUS_RECEIVED, ev)
	if err != nil || !locked {
		return n, err
	}
	return n, k.reveal(ctx, settlement, preimage)
}

// refuse sends shipment id back: custody returns to the sender.
func (k Keeper) refuse(ctx context.Context, a string, id uint64) error {
	s, err := k.openShipment(ctx, a, id)
	if err != nil {
		return err
	}
	ev := types.TraceEvent{EventType: types.EventTypeObject, Action: types.ActionObserve, BizStep: types.BizStepReceiving,
		Disposition: types.DispositionReturned, Actor: a, From: a, To: s.From, TransactionReference: shipmentRef(s)}
	if _, err = k.settle(ctx, s, s.From, types.ShipmentStatus_SHIPMENT_STATUS_REFUSED, ev); err != nil {
		return err
	}
	return k.lapse(ctx, id, types.LapseRefused)
}
