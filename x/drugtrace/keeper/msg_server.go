package keeper

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/internal/text"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// CBV business steps and dispositions used in trace events.
const (
	stepCommissioning   = "commissioning"
	stepPacking         = "packing"
	stepUnpacking       = "unpacking"
	stepShipping        = "shipping"
	stepReceiving       = "receiving"
	stepDispensing      = "dispensing"
	stepDecommissioning = "decommissioning"
	stepHolding         = "holding"

	dispActive        = "active"
	dispInTransit     = "in_transit"
	dispInProgress    = "in_progress"
	dispDispensed     = "dispensed"
	dispDestroyed     = "destroyed"
	dispStolen        = "stolen"
	dispExpired       = "expired"
	dispNonSellable   = "non_sellable_other"
	dispReturned      = "returned"
	evObject          = "ObjectEvent"
	evAggregation     = "AggregationEvent"
	actionAdd         = "ADD"
	actionObserve     = "OBSERVE"
	actionDelete      = "DELETE"
	maxContainerDepth = 2
)

// receiverRoles may receive shipments.
var receiverRoles = []consortiumtypes.Role{
	consortiumtypes.Role_ROLE_DISTRIBUTOR, consortiumtypes.Role_ROLE_PHARMACY, consortiumtypes.Role_ROLE_HOSPITAL,
}

// shipperRoles may ship: the supply chain's trading partners. Only they can
// raise a suspect-product alert, so outsiders cannot flood the alert log.
var shipperRoles = []consortiumtypes.Role{
	consortiumtypes.Role_ROLE_MANUFACTURER, consortiumtypes.Role_ROLE_DISTRIBUTOR,
	consortiumtypes.Role_ROLE_PHARMACY, consortiumtypes.Role_ROLE_HOSPITAL,
}

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the drugtrace Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{Keeper: k} }

func validateText(kind, s string, required bool) error {
	if s == "" && !required {
		return nil
	}
	if err := text.Check(s, types.MaxNameLength); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidProduct, "%s %s", kind, err)
	}
	return nil
}

// validateReference accepts letters, digits and - _ . : up to 64 characters.
func validateReference(kind, s string) error {
	if len(s) == 0 || len(s) > types.MaxReferenceLength {
		return errorsmod.Wrapf(types.ErrInvalidReference, "%s must be 1..%d characters", kind, types.MaxReferenceLength)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return errorsmod.Wrapf(types.ErrInvalidReference, "%s: character %q not allowed", kind, r)
		}
	}
	return nil
}

// RegisterProduct implements types.MsgServer.
func (ms msgServer) RegisterProduct(ctx context.Context, msg *types.MsgRegisterProduct) (*types.MsgRegisterProductResponse, error) {
	mfr, err := ms.parseAddress("manufacturer", msg.Manufacturer)
	if err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, mfr, consortiumtypes.Role_ROLE_MANUFACTURER); err != nil {
		return nil, err
	}
	if err := gs1.ValidateGTIN14(msg.GTIN); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidGTIN, "%s", err)
	}
	// A GTIN is allocated by the company whose GS1 company prefix it carries:
	// only that company may register it, so nobody squats another's products.
	member, err := ms.consortium.GetMember(ctx, mfr)
	if err != nil {
		return nil, err
	}
	if !member.OwnsGTIN(msg.GTIN) {
		return nil, errorsmod.Wrapf(types.ErrGTINNotOwned, "GTIN %s: %s holds the GS1 company prefixes [%s]",
			msg.GTIN, ms.addrString(mfr), strings.Join(member.GS1CompanyPrefixes, ", "))
	}
	if err := types.ValidateNDC(msg.NDC); err != nil {
		return nil, err
	}
	if err := validateText("name", msg.Name, true); err != nil {
		return nil, err
	}
	if err := validateText("strength", msg.Strength, false); err != nil {
		return nil, err
	}
	if err := validateText("form", msg.Form, false); err != nil {
		return nil, err
	}
	if has, err := ms.Products.Has(ctx, msg.GTIN); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrapf(types.ErrProductExists, "GTIN %s", msg.GTIN)
	}
	p := types.Product{GTIN: msg.GTIN, NDC: msg.NDC, Name: msg.Name, Strength: msg.Strength, Form: msg.Form,
		Manufacturer: ms.addrString(mfr), PrescriptionOnly: msg.PrescriptionOnly, RegisteredAt: sdk.UnwrapSDKContext(ctx).BlockTime()}
	return &types.MsgRegisterProductResponse{}, ms.Products.Set(ctx, p.GTIN, p)
}

// Commission implements types.MsgServer.
func (ms msgServer) Commission(ctx context.Context, msg *types.MsgCommission) (*types.MsgCommissionResponse, error) {
	mfr, err := ms.parseAddress("manufacturer", msg.Manufacturer)
	if err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, mfr, consortiumtypes.Role_ROLE_MANUFACTURER); err != nil {
		return nil, err
	}
	if err := gs1.ValidateGTIN14(msg.GTIN); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidGTIN, "%s", err)
	}
	p, err := ms.Products.Get(ctx, msg.GTIN)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrProductNotFound, "GTIN %s", msg.GTIN)
	}
	if err != nil {
		return nil, err
	}
	if p.Manufacturer != ms.addrString(mfr) {
		return nil, errorsmod.Wrapf(types.ErrNotManufacturer, "GTIN %s belongs to %s", msg.GTIN, p.Manufacturer)
	}
	if err := gs1.ValidateLot(msg.Lot); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidLot, "%s", err)
	}
	expiry, err := types.ParseExpiryDate(msg.Expiry)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if types.Expired(expiry, now) {
		return nil, errorsmod.Wrapf(types.ErrInvalidExpiry, "%s is already past", msg.Expiry)
	}
	if len(msg.Serials) == 0 {
		return nil, errorsmod.Wrap(types.ErrEmptyBatch, "no serials")
	}
	if err := ms.chargeUnits(ctx, len(msg.Serials)); err != nil {
		return nil, err
	}
	seen := make(map[string]struct{}, len(msg.Serials))
	units := make([]types.Unit, 0, len(msg.Serials))
	for _, serial := range msg.Serials {
		if err := gs1.ValidateSerial(serial); err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidSerial, "%s", err)
		}
		if _, dup := seen[serial]; dup {
			return nil, errorsmod.Wrapf(types.ErrDuplicateSerial, "%s listed twice", serial)
		}
		seen[serial] = struct{}{}
		pk := collections.Join(msg.GTIN, serial)
		if has, err := ms.Units.Has(ctx, pk); err != nil {
			return nil, err
		} else if has {
			return nil, errorsmod.Wrapf(types.ErrDuplicateSerial, "%s", types.UnitKey(msg.GTIN, serial))
		}
		u := types.Unit{GTIN: msg.GTIN, Serial: serial, Lot: msg.Lot, Expiry: expiry, Status: types.UnitStatus_UNIT_STATUS_ACTIVE,
			Custodian: p.Manufacturer, CommissionedAt: now}
		if err := ms.Units.Set(ctx, pk, u); err != nil {
			return nil, err
		}
		if err := ms.UnitsByLot.Set(ctx, collections.Join3(msg.GTIN, msg.Lot, serial)); err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	err = ms.record(ctx, types.TraceEvent{EventType: evObject, Action: actionAdd, BizStep: stepCommissioning, Disposition: dispActive, Actor: p.Manufacturer}, units)
	return &types.MsgCommissionResponse{Commissioned: uint32(len(units))}, err
}

// heldUnit loads a unit and checks that actor holds it, outside any container
// and shipment.
func (ms msgServer) heldUnit(ctx context.Context, ref string, actor string) (types.Unit, error) {
	u, err := ms.resolveUnit(ctx, ref)
	if err != nil {
		return u, err
	}
	key := types.UnitKey(u.GTIN, u.Serial)
	switch {
	case u.Custodian != actor:
		return u, errorsmod.Wrapf(types.ErrNotCustodian, "%s is held by %s", key, u.Custodian)
	case u.Status == types.UnitStatus_UNIT_STATUS_IN_TRANSIT:
		return u, errorsmod.Wrapf(types.ErrInTransit, "%s in shipment %d", key, u.ShipmentID)
	case u.Container != "":
		return u, errorsmod.Wrapf(types.ErrPacked, "%s is in container %s; unpack it first", key, u.Container)
	}
	return u, nil
}

// heldContainer loads a top-level container actor holds, not in transit.
func (ms msgServer) heldContainer(ctx context.Context, ref string, actor string) (types.Container, error) {
	sscc, err := types.ParseSSCCRef(ref)
	if err != nil {
		return types.Container{}, err
	}
	c, err := ms.Containers.Get(ctx, sscc)
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
		if depth > maxContainerDepth {
			return errorsmod.Wrapf(types.ErrInvalidSSCC, "containers nested deeper than %d", maxContainerDepth)
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
		var children []string
		if err := k.ContainerChildren.Walk(ctx, collections.NewPrefixedPairRange[string, string](s),
			func(key collections.Pair[string, string]) (bool, error) {
				children = append(children, key.K2())
				return false, nil
			}); err != nil {
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

// Pack implements types.MsgServer.
func (ms msgServer) Pack(ctx context.Context, msg *types.MsgPack) (*types.MsgPackResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, actor, shipperRoles...); err != nil {
		return nil, err
	}
	a := ms.addrString(actor)
	sscc, err := types.ParseSSCCRef(msg.SSCC)
	if err != nil {
		return nil, err
	}
	if has, err := ms.Containers.Has(ctx, sscc); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrapf(types.ErrContainerExists, "%s", sscc)
	}
	if len(msg.Units)+len(msg.Containers) == 0 {
		return nil, errorsmod.Wrap(types.ErrEmptyBatch, "nothing to pack")
	}
	if err := ms.capList(ctx, len(msg.Units)+len(msg.Containers)); err != nil {
		return nil, err
	}
	total := len(msg.Units)
	var children []types.Container
	seenContainers := map[string]bool{}
	for _, ref := range msg.Containers {
		c, err := ms.heldContainer(ctx, ref, a)
		if err != nil {
			return nil, err
		}
		if seenContainers[c.SSCC] || c.SSCC == sscc {
			return nil, errorsmod.Wrapf(types.ErrInvalidSSCC, "container %s listed twice", c.SSCC)
		}
		seenContainers[c.SSCC] = true
		if has, err := ms.hasChildren(ctx, c.SSCC); err != nil {
			return nil, err
		} else if has {
			return nil, errorsmod.Wrapf(types.ErrInvalidSSCC, "container %s holds containers itself: at most %d levels", c.SSCC, maxContainerDepth)
		}
		children = append(children, c)
		total += int(c.Units)
	}
	if err := ms.chargeUnits(ctx, total); err != nil {
		return nil, err
	}
	var units []types.Unit
	seen := map[string]bool{}
	for _, ref := range msg.Units {
		id, err := types.ParseUnitRef(ref, sdk.UnwrapSDKContext(ctx).BlockTime())
		if err != nil {
			return nil, err
		}
		if seen[types.UnitKey(id.GTIN, id.Serial)] {
			return nil, errorsmod.Wrapf(types.ErrDuplicateSerial, "%s listed twice", types.UnitKey(id.GTIN, id.Serial))
		}
		seen[types.UnitKey(id.GTIN, id.Serial)] = true
		u, err := ms.heldUnit(ctx, ref, a)
		if err != nil {
			return nil, err
		}
		if u.Status != types.UnitStatus_UNIT_STATUS_ACTIVE {
			return nil, errorsmod.Wrapf(types.ErrInvalidStatus, "%s is %s", types.UnitKey(u.GTIN, u.Serial), u.Status)
		}
		u.Container = sscc
		if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
			return nil, err
		}
		if err := ms.ContainerUnits.Set(ctx, collections.Join3(sscc, u.GTIN, u.Serial)); err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	var nestedUnits []types.Unit
	for _, c := range children {
		c.Parent = sscc
		if err := ms.Containers.Set(ctx, c.SSCC, c); err != nil {
			return nil, err
		}
		if err := ms.ContainerChildren.Set(ctx, collections.Join(sscc, c.SSCC)); err != nil {
			return nil, err
		}
		inner, _, err := ms.contents(ctx, c.SSCC)
		if err != nil {
			return nil, err
		}
		nestedUnits = append(nestedUnits, inner...)
	}
	if err := ms.Containers.Set(ctx, sscc, types.Container{SSCC: sscc, Custodian: a, Units: uint32(total)}); err != nil {
		return nil, err
	}
	ev := types.TraceEvent{EventType: evAggregation, Action: actionAdd, BizStep: stepPacking, Disposition: dispInProgress, Actor: a, Container: sscc}
	return &types.MsgPackResponse{}, ms.record(ctx, ev, append(units, nestedUnits...))
}

func (k Keeper) hasChildren(ctx context.Context, sscc string) (bool, error) {
	has := false
	err := k.ContainerChildren.Walk(ctx, collections.NewPrefixedPairRange[string, string](sscc),
		func(collections.Pair[string, string]) (bool, error) { has = true; return true, nil })
	return has, err
}

// Unpack implements types.MsgServer.
func (ms msgServer) Unpack(ctx context.Context, msg *types.MsgUnpack) (*types.MsgUnpackResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	if err := ms.consortium.RequireRole(ctx, actor, shipperRoles...); err != nil {
		return nil, err
	}
	a := ms.addrString(actor)
	c, err := ms.heldContainer(ctx, msg.SSCC, a)
	if err != nil {
		return nil, err
	}
	// Gas per unit but no cap: a container packed under a higher cap must
	// stay unpackable when the cap is lowered, or its units would be stuck.
	if err := ms.chargeUnitsUncapped(ctx, int(c.Units)); err != nil {
		return nil, err
	}
	var direct []types.Unit
	if err := ms.ContainerUnits.Walk(ctx, collections.NewPrefixedTripleRange[string, string, string](c.SSCC),
		func(key collections.Triple[string, string, string]) (bool, error) {
			u, err := ms.Units.Get(ctx, collections.Join(key.K2(), key.K3()))
			direct = append(direct, u)
			return err != nil, err
		}); err != nil {
		return nil, err
	}
	for _, u := range direct {
		u.Container = ""
		if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
			return nil, err
		}
		if err := ms.ContainerUnits.Remove(ctx, collections.Join3(c.SSCC, u.GTIN, u.Serial)); err != nil {
			return nil, err
		}
	}
	var children []string
	if err := ms.ContainerChildren.Walk(ctx, collections.NewPrefixedPairRange[string, string](c.SSCC),
		func(key collections.Pair[string, string]) (bool, error) {
			children = append(children, key.K2())
			return false, nil
		}); err != nil {
		return nil, err
	}
	var nestedUnits []types.Unit
	for _, ch := range children {
		child, err := ms.Containers.Get(ctx, ch)
		if err != nil {
			return nil, err
		}
		child.Parent = ""
		if err := ms.Containers.Set(ctx, ch, child); err != nil {
			return nil, err
		}
		if err := ms.ContainerChildren.Remove(ctx, collections.Join(c.SSCC, ch)); err != nil {
			return nil, err
		}
		inner, _, err := ms.contents(ctx, ch)
		if err != nil {
			return nil, err
		}
		nestedUnits = append(nestedUnits, inner...)
	}
	if err := ms.Containers.Remove(ctx, c.SSCC); err != nil {
		return nil, err
	}
	ev := types.TraceEvent{EventType: evAggregation, Action: actionDelete, BizStep: stepUnpacking, Disposition: dispInProgress, Actor: a, Container: c.SSCC}
	return &types.MsgUnpackResponse{}, ms.record(ctx, ev, append(direct, nestedUnits...))
}

// alert records a suspect-product alert and emits it.
func (k Keeper) alert(ctx context.Context, u types.Unit, actor, attempted string, v types.Verdict) (uint64, error) {
	id, err := nextID(ctx, k.AlertSeq)
	if err != nil {
		return 0, err
	}
	id++ // alert ids start at 1: 0 in a response means "no alert"
	a := types.Alert{ID: id, Unit: types.UnitKey(u.GTIN, u.Serial), Actor: actor, Attempted: attempted, Verdict: v,
		Time: sdk.UnwrapSDKContext(ctx).BlockTime()}
	if err := k.Alerts.Set(ctx, id, a); err != nil {
		return 0, err
	}
	return id, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventSuspectProduct{Alert: a})
}

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
	if v := c.k.verdictWith(ctx, f, u, nil); v != types.Verdict_VERDICT_AUTHENTIC_SALEABLE {
		return errorsmod.Wrapf(types.ErrNotSaleable, "%s: %s", types.UnitKey(u.GTIN, u.Serial), v)
	}
	return nil
}

// Ship implements types.MsgServer. A unit named by someone who does not hold
// it is a suspect product: the shipment is refused and an alert recorded, in a
// successful transaction so that the alert is kept.
func (ms msgServer) Ship(ctx context.Context, msg *types.MsgShip) (*types.MsgShipResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	a := ms.addrString(actor)
	if err := ms.consortium.RequireRole(ctx, actor, shipperRoles...); err != nil {
		return nil, err
	}
	to, err := ms.parseAddress("to", msg.To)
	if err != nil {
		return nil, err
	}
	if to.Equals(actor) {
		return nil, errorsmod.Wrap(types.ErrInvalidRecipient, "shipping to oneself")
	}
	if err := ms.consortium.RequireRole(ctx, to, receiverRoles...); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidRecipient, "%s", err)
	}
	if msg.TransactionReference != "" {
		if err := validateReference("transaction reference", msg.TransactionReference); err != nil {
			return nil, err
		}
	}
	if len(msg.Units)+len(msg.Containers) == 0 {
		return nil, errorsmod.Wrap(types.ErrEmptyBatch, "nothing to ship")
	}
	if err := ms.capList(ctx, len(msg.Units)+len(msg.Containers)); err != nil {
		return nil, err
	}

	// A unit held by someone else: refuse and alert.
	for _, ref := range msg.Units {
		u, err := ms.resolveUnit(ctx, ref)
		if err != nil {
			return nil, err
		}
		if u.Custodian != a {
			id, err := ms.alert(ctx, u, a, stepShipping, types.Verdict_VERDICT_CUSTODY_MISMATCH)
			if err != nil {
				return nil, err
			}
			return &types.MsgShipResponse{Refused: true, AlertID: id}, nil
		}
	}

	total := len(msg.Units)
	var containers []types.Container
	seenContainers := map[string]bool{}
	for _, ref := range msg.Containers {
		c, err := ms.heldContainer(ctx, ref, a)
		if err != nil {
			return nil, err
		}
		if seenContainers[c.SSCC] {
			return nil, errorsmod.Wrapf(types.ErrInvalidSSCC, "container %s listed twice", c.SSCC)
		}
		seenContainers[c.SSCC] = true
		containers = append(containers, c)
		total += int(c.Units)
	}
	if err := ms.chargeUnits(ctx, total); err != nil {
		return nil, err
	}
	id, err := nextID(ctx, ms.ShipmentSeq)
	if err != nil {
		return nil, err
	}
	id++ // shipment ids start at 1: 0 means "not in a shipment"

	var moved []types.Unit
	seen := map[string]bool{}
	for _, ref := range msg.Units {
		u, err := ms.heldUnit(ctx, ref, a)
		if err != nil {
			return nil, err
		}
		key := types.UnitKey(u.GTIN, u.Serial)
		if seen[key] {
			return nil, errorsmod.Wrapf(types.ErrDuplicateSerial, "%s listed twice", key)
		}
		seen[key] = true
		moved = append(moved, u)
	}
	shipment := types.Shipment{ID: id, From: a, To: ms.addrString(to), Status: types.ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT,
		ShippedAt: sdk.UnwrapSDKContext(ctx).BlockTime(), TransactionReference: msg.TransactionReference}
	for _, c := range containers {
		inner, nested, err := ms.contents(ctx, c.SSCC)
		if err != nil {
			return nil, err
		}
		for _, cc := range append(nested, c) {
			cc.ShipmentID = id
			if err := ms.Containers.Set(ctx, cc.SSCC, cc); err != nil {
				return nil, err
			}
		}
		shipment.Containers = append(shipment.Containers, c.SSCC)
		moved = append(moved, inner...)
	}
	shippable := &shippableChecker{k: ms.Keeper, facts: map[string]lotFacts{}}
	for i, u := range moved {
		if err := shippable.check(ctx, u); err != nil {
			return nil, err
		}
		u.Status, u.ShipmentID = types.UnitStatus_UNIT_STATUS_IN_TRANSIT, id
		if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
			return nil, err
		}
		moved[i] = u
		if u.Container == "" {
			shipment.Units = append(shipment.Units, types.UnitKey(u.GTIN, u.Serial))
		}
	}
	if err := ms.Shipments.Set(ctx, id, shipment); err != nil {
		return nil, err
	}
	ev := types.TraceEvent{EventType: evObject, Action: actionObserve, BizStep: stepShipping, Disposition: dispInTransit,
		Actor: a, From: a, To: shipment.To, TransactionReference: shipmentRef(shipment)}
	return &types.MsgShipResponse{ShipmentID: id}, ms.record(ctx, ev, moved)
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

// openShipment loads a shipment in transit addressed to actor.
func (ms msgServer) openShipment(ctx context.Context, actorStr string, id uint64) (types.Shipment, string, error) {
	actor, err := ms.parseAddress("actor", actorStr)
	if err != nil {
		return types.Shipment{}, "", err
	}
	if err := ms.consortium.RequireRole(ctx, actor, receiverRoles...); err != nil {
		return types.Shipment{}, "", err
	}
	s, err := ms.Shipments.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return s, "", errorsmod.Wrapf(types.ErrShipmentNotFound, "%d", id)
	}
	if err != nil {
		return s, "", err
	}
	a := ms.addrString(actor)
	switch {
	case s.To != a:
		return s, "", errorsmod.Wrapf(types.ErrNotAddressee, "shipment %d is addressed to %s", id, s.To)
	case s.Status != types.ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT:
		return s, "", errorsmod.Wrapf(types.ErrShipmentClosed, "shipment %d is %s", id, s.Status)
	}
	return s, a, nil
}

// settle ends a shipment: custody goes to holder and the units become active.
func (ms msgServer) settle(ctx context.Context, s types.Shipment, holder string, status types.ShipmentStatus, ev types.TraceEvent) (int, error) {
	units, containers, err := ms.shipmentUnits(ctx, s)
	if err != nil {
		return 0, err
	}
	// Gas per unit, but no cap: a shipment already on its way must always be
	// receivable or refusable, even if the cap was lowered meanwhile.
	if err := ms.chargeUnitsUncapped(ctx, len(units)); err != nil {
		return 0, err
	}
	for i, u := range units {
		switch u.Status {
		case types.UnitStatus_UNIT_STATUS_IN_TRANSIT:
			u.Status = types.UnitStatus_UNIT_STATUS_ACTIVE
		case types.UnitStatus_UNIT_STATUS_QUARANTINED:
			// Held while in transit: it stays held, and a release makes it active.
			u.HeldStatus = types.UnitStatus_UNIT_STATUS_ACTIVE
		}
		// Illegitimate (and any other terminal) status is kept as it is.
		u.ShipmentID, u.Custodian = 0, holder
		if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
			return 0, err
		}
		units[i] = u
	}
	for _, c := range containers {
		c.ShipmentID, c.Custodian = 0, holder
		if err := ms.Containers.Set(ctx, c.SSCC, c); err != nil {
			return 0, err
		}
	}
	s.Status = status
	if err := ms.Shipments.Set(ctx, s.ID, s); err != nil {
		return 0, err
	}
	return len(units), ms.record(ctx, ev, units)
}

// Receive implements types.MsgServer. Every unit is re-verified as authentic
// (commissioned by a member manufacturer, not illegitimate, dispensed or
// decommissioned); a shipment carrying one that is not must be refused.
func (ms msgServer) Receive(ctx context.Context, msg *types.MsgReceive) (*types.MsgReceiveResponse, error) {
	s, a, err := ms.openShipment(ctx, msg.Actor, msg.ShipmentID)
	if err != nil {
		return nil, err
	}
	units, _, err := ms.shipmentUnits(ctx, s)
	if err != nil {
		return nil, err
	}
	facts := map[string]lotFacts{}
	for _, u := range units {
		f, ok := facts[u.GTIN+"|"+u.Lot]
		if !ok {
			if f, err = ms.lotFacts(ctx, u.GTIN, u.Lot); err != nil {
				return nil, err
			}
			facts[u.GTIN+"|"+u.Lot] = f
		}
		switch v := ms.verdictWith(ctx, f, u, nil); v {
		case types.Verdict_VERDICT_UNKNOWN_PRODUCT, types.Verdict_VERDICT_MANUFACTURER_NOT_MEMBER, types.Verdict_VERDICT_ILLEGITIMATE,
			types.Verdict_VERDICT_ALREADY_DISPENSED, types.Verdict_VERDICT_DECOMMISSIONED:
			return nil, errorsmod.Wrapf(types.ErrNotSaleable, "%s: %s; refuse the shipment", types.UnitKey(u.GTIN, u.Serial), v)
		}
	}
	ev := types.TraceEvent{EventType: evObject, Action: actionObserve, BizStep: stepReceiving, Disposition: dispActive,
		Actor: a, From: s.From, To: a, TransactionReference: shipmentRef(s)}
	n, err := ms.settle(ctx, s, a, types.ShipmentStatus_SHIPMENT_STATUS_RECEIVED, ev)
	return &types.MsgReceiveResponse{Units: uint32(n)}, err
}

// RefuseShipment implements types.MsgServer.
func (ms msgServer) RefuseShipment(ctx context.Context, msg *types.MsgRefuseShipment) (*types.MsgRefuseShipmentResponse, error) {
	s, a, err := ms.openShipment(ctx, msg.Actor, msg.ShipmentID)
	if err != nil {
		return nil, err
	}
	ev := types.TraceEvent{EventType: evObject, Action: actionObserve, BizStep: stepReceiving, Disposition: dispReturned,
		Actor: a, From: a, To: s.From, TransactionReference: shipmentRef(s)}
	_, err = ms.settle(ctx, s, s.From, types.ShipmentStatus_SHIPMENT_STATUS_REFUSED, ev)
	return &types.MsgRefuseShipmentResponse{}, err
}

// Dispense implements types.MsgServer. A second dispense of a unit is a
// suspect product: refused, with an alert recorded in a successful transaction.
func (ms msgServer) Dispense(ctx context.Context, msg *types.MsgDispense) (*types.MsgDispenseResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	a := ms.addrString(actor)
	if err := ms.consortium.RequireRole(ctx, actor, consortiumtypes.Role_ROLE_PHARMACY, consortiumtypes.Role_ROLE_HOSPITAL); err != nil {
		return nil, err
	}
	patient, err := ms.parseAddress("patient reference", msg.PatientRef)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidReference, "patient reference must be the patient's (pseudonymous) account address")
	}
	u, err := ms.resolveUnit(ctx, msg.Unit)
	if err != nil {
		return nil, err
	}
	p, err := ms.Products.Get(ctx, u.GTIN)
	if err != nil {
		return nil, err
	}
	if p.PrescriptionOnly || msg.PrescriptionRef != "" {
		if err := validateReference("prescription reference", msg.PrescriptionRef); err != nil {
			return nil, err
		}
	}
	v, err := ms.Verdict(ctx, u, actor)
	if err != nil {
		return nil, err
	}
	if v == types.Verdict_VERDICT_ALREADY_DISPENSED {
		id, err := ms.alert(ctx, u, a, stepDispensing, v)
		if err != nil {
			return nil, err
		}
		return &types.MsgDispenseResponse{Refused: true, AlertID: id}, nil
	}
	if v != types.Verdict_VERDICT_AUTHENTIC_SALEABLE {
		return nil, errorsmod.Wrapf(types.ErrNotSaleable, "%s: %s", types.UnitKey(u.GTIN, u.Serial), v)
	}
	if u.Container != "" {
		return nil, errorsmod.Wrapf(types.ErrPacked, "%s is in container %s; unpack it first", types.UnitKey(u.GTIN, u.Serial), u.Container)
	}
	if ms.hooks != nil {
		d := types.Dispensation{Pharmacy: a, Patient: ms.addrString(patient), PrescriptionRef: msg.PrescriptionRef, Product: p, Unit: u}
		if err := ms.hooks.BeforeDispense(ctx, d); err != nil {
			return nil, err
		}
	}
	u.Status = types.UnitStatus_UNIT_STATUS_DISPENSED
	if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(ms.addrString(patient) + "|" + types.UnitKey(u.GTIN, u.Serial)))
	ev := types.TraceEvent{EventType: evObject, Action: actionObserve, BizStep: stepDispensing, Disposition: dispDispensed,
		Actor: a, TransactionReference: msg.PrescriptionRef, PatientRefHash: hex.EncodeToString(sum[:])}
	return &types.MsgDispenseResponse{}, ms.record(ctx, ev, []types.Unit{u})
}

// Decommission implements types.MsgServer.
func (ms msgServer) Decommission(ctx context.Context, msg *types.MsgDecommission) (*types.MsgDecommissionResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	disp := map[types.DecommissionReason]string{
		types.DecommissionReason_DECOMMISSION_REASON_DESTROYED: dispDestroyed,
		types.DecommissionReason_DECOMMISSION_REASON_STOLEN:    dispStolen,
		types.DecommissionReason_DECOMMISSION_REASON_SAMPLE:    dispNonSellable,
		types.DecommissionReason_DECOMMISSION_REASON_EXPIRED:   dispExpired,
	}[msg.Reason]
	if disp == "" {
		return nil, errorsmod.Wrapf(types.ErrInvalidStatus, "decommission reason %d", int32(msg.Reason))
	}
	if err := ms.consortium.RequireRole(ctx, actor, shipperRoles...); err != nil {
		return nil, err
	}
	u, err := ms.heldUnit(ctx, msg.Unit, ms.addrString(actor))
	if err != nil {
		return nil, err
	}
	if u.Status != types.UnitStatus_UNIT_STATUS_ACTIVE && u.Status != types.UnitStatus_UNIT_STATUS_QUARANTINED {
		return nil, errorsmod.Wrapf(types.ErrInvalidStatus, "%s is %s", types.UnitKey(u.GTIN, u.Serial), u.Status)
	}
	// Decommissioning a unit a regulator holds, or one of a held lot, would
	// destroy the evidence: the hold must be lifted first.
	if u.Status == types.UnitStatus_UNIT_STATUS_QUARANTINED && u.QuarantinedByRegulator {
		return nil, errorsmod.Wrapf(types.ErrUnderHold, "%s is quarantined by the regulator %s", types.UnitKey(u.GTIN, u.Serial), u.QuarantinedBy)
	}
	if hold, err := ms.LotHolds.Get(ctx, collections.Join(u.GTIN, u.Lot)); err == nil {
		return nil, errorsmod.Wrapf(types.ErrUnderHold, "%s: lot %s is held by %s", types.UnitKey(u.GTIN, u.Serial), u.Lot, hold.By)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	u.Status, u.DecommissionReason = types.UnitStatus_UNIT_STATUS_DECOMMISSIONED, msg.Reason
	u.HeldStatus, u.QuarantinedBy, u.QuarantinedByRegulator = types.UnitStatus_UNIT_STATUS_UNSPECIFIED, "", false
	if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
		return nil, err
	}
	ev := types.TraceEvent{EventType: evObject, Action: actionDelete, BizStep: stepDecommissioning, Disposition: disp, Actor: u.Custodian}
	return &types.MsgDecommissionResponse{}, ms.record(ctx, ev, []types.Unit{u})
}

// isRegulator reports whether actor is an active regulator.
func (ms msgServer) isRegulator(ctx context.Context, actor sdk.AccAddress) bool {
	return ms.consortium.RequireRole(ctx, actor, consortiumtypes.Role_ROLE_REGULATOR) == nil
}

// requireRegulatorOrManufacturer refuses an actor who is not an active
// regulator or manufacturer (unknown and suspended members included).
func (ms msgServer) requireRegulatorOrManufacturer(ctx context.Context, actor sdk.AccAddress) error {
	return ms.consortium.RequireRole(ctx, actor, consortiumtypes.Role_ROLE_REGULATOR, consortiumtypes.Role_ROLE_MANUFACTURER)
}

// isRegulatorOrManufacturer reports whether actor is a regulator or the product's manufacturer.
func (ms msgServer) isRegulatorOrManufacturer(ctx context.Context, actor sdk.AccAddress, gtin string) (bool, error) {
	if ms.isRegulator(ctx, actor) {
		return true, nil
	}
	p, err := ms.Products.Get(ctx, gtin)
	if errors.Is(err, collections.ErrNotFound) {
		return false, errorsmod.Wrapf(types.ErrProductNotFound, "GTIN %s", gtin)
	}
	if err != nil {
		return false, err
	}
	if p.Manufacturer != ms.addrString(actor) {
		return false, nil
	}
	return ms.consortium.RequireRole(ctx, actor, consortiumtypes.Role_ROLE_MANUFACTURER) == nil, nil
}

// lotTarget validates a (GTIN, lot) target that has commissioned units.
func (ms msgServer) lotTarget(ctx context.Context, gtin, lot string) error {
	if err := gs1.ValidateGTIN14(gtin); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidGTIN, "%s", err)
	}
	if err := gs1.ValidateLot(lot); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidLot, "%s", err)
	}
	found := false
	err := ms.UnitsByLot.Walk(ctx, collections.NewSuperPrefixedTripleRange[string, string, string](gtin, lot),
		func(collections.Triple[string, string, string]) (bool, error) { found = true; return true, nil })
	if err != nil {
		return err
	}
	if !found {
		return errorsmod.Wrapf(types.ErrUnknownLot, "GTIN %s lot %s", gtin, lot)
	}
	return nil
}

// target checks that exactly one of a unit or a (GTIN, lot) is named.
func target(unit, gtin, lot string) (bool, error) {
	switch {
	case unit != "" && (gtin != "" || lot != ""):
		return false, errorsmod.Wrap(types.ErrInvalidUnitRef, "name a unit or a GTIN and lot, not both")
	case unit != "":
		return true, nil
	case gtin == "" || lot == "":
		return false, errorsmod.Wrap(types.ErrInvalidUnitRef, "name a unit, or both a GTIN and a lot")
	}
	return false, nil
}

// Quarantine implements types.MsgServer: the custodian or a regulator holds a
// unit; a regulator or the manufacturer holds a whole lot with one write.
func (ms msgServer) Quarantine(ctx context.Context, msg *types.MsgQuarantine) (*types.MsgQuarantineResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	a := ms.addrString(actor)
	if err := ms.consortium.RequireRole(ctx, actor, append([]consortiumtypes.Role{consortiumtypes.Role_ROLE_REGULATOR}, shipperRoles...)...); err != nil {
		return nil, err
	}
	isUnit, err := target(msg.Unit, msg.GTIN, msg.Lot)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	regulator := ms.isRegulator(ctx, actor)
	if !isUnit {
		if err := ms.lotTarget(ctx, msg.GTIN, msg.Lot); err != nil {
			return nil, err
		}
		if ok, err := ms.isRegulatorOrManufacturer(ctx, actor, msg.GTIN); err != nil {
			return nil, err
		} else if !ok {
			return nil, errorsmod.Wrap(types.ErrNotAllowed, "only a regulator or the product's manufacturer holds a lot")
		}
		key := collections.Join(msg.GTIN, msg.Lot)
		hold, err := ms.LotHolds.Get(ctx, key)
		switch {
		case errors.Is(err, collections.ErrNotFound):
			hold = types.LotHold{GTIN: msg.GTIN, Lot: msg.Lot, At: now}
		case err != nil:
			return nil, err
		case !regulator || hold.ByRegulator:
			return nil, errorsmod.Wrapf(types.ErrAlreadyQuarantined, "GTIN %s lot %s", msg.GTIN, msg.Lot)
		}
		// A regulator takes over a manufacturer's hold, as it does a
		// custodian's unit quarantine: from now on only a regulator lifts it.
		hold.By, hold.ByRegulator = a, regulator
		return &types.MsgQuarantineResponse{}, ms.LotHolds.Set(ctx, key, hold)
	}
	u, err := ms.resolveUnit(ctx, msg.Unit)
	if err != nil {
		return nil, err
	}
	if u.Custodian != a && !regulator {
		return nil, errorsmod.Wrapf(types.ErrNotCustodian, "only the custodian or a regulator quarantines %s", types.UnitKey(u.GTIN, u.Serial))
	}
	switch u.Status {
	case types.UnitStatus_UNIT_STATUS_QUARANTINED:
		if !regulator || u.QuarantinedByRegulator {
			return nil, errorsmod.Wrapf(types.ErrAlreadyQuarantined, "%s", types.UnitKey(u.GTIN, u.Serial))
		}
		// A regulator takes over a custodian's quarantine: from now on only a
		// regulator lifts it, and the unit cannot be decommissioned meanwhile.
		u.QuarantinedBy, u.QuarantinedByRegulator = a, true
		if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
			return nil, err
		}
		ev := types.TraceEvent{EventType: evObject, Action: actionObserve, BizStep: stepHolding, Disposition: dispNonSellable, Actor: a}
		return &types.MsgQuarantineResponse{}, ms.record(ctx, ev, []types.Unit{u})
	case types.UnitStatus_UNIT_STATUS_ACTIVE, types.UnitStatus_UNIT_STATUS_IN_TRANSIT:
	default:
		return nil, errorsmod.Wrapf(types.ErrInvalidStatus, "%s is %s", types.UnitKey(u.GTIN, u.Serial), u.Status)
	}
	u.HeldStatus, u.Status = u.Status, types.UnitStatus_UNIT_STATUS_QUARANTINED
	u.QuarantinedBy, u.QuarantinedByRegulator = a, regulator
	if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
		return nil, err
	}
	ev := types.TraceEvent{EventType: evObject, Action: actionObserve, BizStep: stepHolding, Disposition: dispNonSellable, Actor: a}
	return &types.MsgQuarantineResponse{}, ms.record(ctx, ev, []types.Unit{u})
}

// Release implements types.MsgServer.
func (ms msgServer) Release(ctx context.Context, msg *types.MsgRelease) (*types.MsgReleaseResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	if err := ms.requireRegulatorOrManufacturer(ctx, actor); err != nil {
		return nil, err
	}
	isUnit, err := target(msg.Unit, msg.GTIN, msg.Lot)
	if err != nil {
		return nil, err
	}
	if !isUnit {
		if ok, err := ms.isRegulatorOrManufacturer(ctx, actor, msg.GTIN); err != nil {
			return nil, err
		} else if !ok {
			return nil, errorsmod.Wrap(types.ErrNotAllowed, "only a regulator or the product's manufacturer releases a lot")
		}
		key := collections.Join(msg.GTIN, msg.Lot)
		hold, err := ms.LotHolds.Get(ctx, key)
		if errors.Is(err, collections.ErrNotFound) {
			return nil, errorsmod.Wrapf(types.ErrNotQuarantined, "GTIN %s lot %s", msg.GTIN, msg.Lot)
		}
		if err != nil {
			return nil, err
		}
		if hold.ByRegulator && !ms.isRegulator(ctx, actor) {
			return nil, errorsmod.Wrapf(types.ErrRegulatorHold, "GTIN %s lot %s was held by the regulator %s: only a regulator releases it", msg.GTIN, msg.Lot, hold.By)
		}
		return &types.MsgReleaseResponse{}, ms.LotHolds.Remove(ctx, key)
	}
	u, err := ms.resolveUnit(ctx, msg.Unit)
	if err != nil {
		return nil, err
	}
	if ok, err := ms.isRegulatorOrManufacturer(ctx, actor, u.GTIN); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorsmod.Wrap(types.ErrNotAllowed, "only a regulator or the product's manufacturer releases a unit")
	}
	if u.Status != types.UnitStatus_UNIT_STATUS_QUARANTINED {
		return nil, errorsmod.Wrapf(types.ErrNotQuarantined, "%s is %s", types.UnitKey(u.GTIN, u.Serial), u.Status)
	}
	if u.QuarantinedByRegulator && !ms.isRegulator(ctx, actor) {
		return nil, errorsmod.Wrapf(types.ErrRegulatorHold, "%s was quarantined by the regulator %s: only a regulator releases it", types.UnitKey(u.GTIN, u.Serial), u.QuarantinedBy)
	}
	u.Status, u.HeldStatus = u.HeldStatus, types.UnitStatus_UNIT_STATUS_UNSPECIFIED
	u.QuarantinedBy, u.QuarantinedByRegulator = "", false
	if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
		return nil, err
	}
	ev := types.TraceEvent{EventType: evObject, Action: actionObserve, BizStep: stepHolding, Disposition: dispActive, Actor: ms.addrString(actor)}
	return &types.MsgReleaseResponse{}, ms.record(ctx, ev, []types.Unit{u})
}

// ConfirmIllegitimate implements types.MsgServer.
func (ms msgServer) ConfirmIllegitimate(ctx context.Context, msg *types.MsgConfirmIllegitimate) (*types.MsgConfirmIllegitimateResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	if err := ms.requireRegulatorOrManufacturer(ctx, actor); err != nil {
		return nil, err
	}
	u, err := ms.resolveUnit(ctx, msg.Unit)
	if err != nil {
		return nil, err
	}
	if ok, err := ms.isRegulatorOrManufacturer(ctx, actor, u.GTIN); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorsmod.Wrap(types.ErrNotAllowed, "only a regulator or the product's manufacturer confirms a unit illegitimate")
	}
	held, err := ms.LotHolds.Has(ctx, collections.Join(u.GTIN, u.Lot))
	if err != nil {
		return nil, err
	}
	if u.Status != types.UnitStatus_UNIT_STATUS_QUARANTINED && !held {
		return nil, errorsmod.Wrapf(types.ErrNotQuarantined, "%s must be quarantined first", types.UnitKey(u.GTIN, u.Serial))
	}
	u.Status, u.HeldStatus = types.UnitStatus_UNIT_STATUS_ILLEGITIMATE, types.UnitStatus_UNIT_STATUS_UNSPECIFIED
	u.QuarantinedBy, u.QuarantinedByRegulator = "", false
	if err := ms.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
		return nil, err
	}
	ev := types.TraceEvent{EventType: evObject, Action: actionObserve, BizStep: stepHolding, Disposition: dispNonSellable, Actor: ms.addrString(actor)}
	return &types.MsgConfirmIllegitimateResponse{}, ms.record(ctx, ev, []types.Unit{u})
}

// Recall implements types.MsgServer: one write blocks every unit of the lot.
func (ms msgServer) Recall(ctx context.Context, msg *types.MsgRecall) (*types.MsgRecallResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	if err := ms.requireRegulatorOrManufacturer(ctx, actor); err != nil {
		return nil, err
	}
	if err := ms.lotTarget(ctx, msg.GTIN, msg.Lot); err != nil {
		return nil, err
	}
	if err := validateReference("recall reason", msg.Reason); err != nil {
		return nil, err
	}
	if ok, err := ms.isRegulatorOrManufacturer(ctx, actor, msg.GTIN); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorsmod.Wrap(types.ErrNotAllowed, "only a regulator or the product's manufacturer recalls a lot")
	}
	key := collections.Join(msg.GTIN, msg.Lot)
	if has, err := ms.Recalls.Has(ctx, key); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrapf(types.ErrAlreadyRecalled, "GTIN %s lot %s", msg.GTIN, msg.Lot)
	}
	r := types.Recall{GTIN: msg.GTIN, Lot: msg.Lot, By: ms.addrString(actor), Reason: msg.Reason, At: sdk.UnwrapSDKContext(ctx).BlockTime()}
	if err := ms.Recalls.Set(ctx, key, r); err != nil {
		return nil, err
	}
	if ms.hooks != nil {
		if err := ms.hooks.AfterRecall(ctx, r); err != nil {
			return nil, err
		}
	}
	return &types.MsgRecallResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRecall{Recall: r})
}

// UpdateParams implements types.MsgServer.
func (ms msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, ms.Params.Set(ctx, msg.Params)
}
