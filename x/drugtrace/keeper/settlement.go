package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// Payment against delivery (docs/settlement.md): the buyer locks an ERC-20
// payment on Ethereum under sha256(preimage), records the lock here, and
// receives the shipment with the preimage before t_h = evm_timelock - margin.

// blockUnix is the block time in unix seconds (0 before 1970, which no chain
// runs at). A reveal at block time t is accepted when floor(t) < t_h, that is
// when t < t_h, since t_h is a whole second.
func blockUnix(ctx context.Context) uint64 {
	if t := sdk.UnwrapSDKContext(ctx).BlockTime().Unix(); t > 0 {
		return uint64(t)
	}
	return 0
}

// settlement returns a shipment's settlement; found is false when it has none.
func (k Keeper) settlement(ctx context.Context, shipmentID uint64) (s types.Settlement, found bool, err error) {
	s, err = k.Settlements.Get(ctx, shipmentID)
	if errors.Is(err, collections.ErrNotFound) {
		return s, false, nil
	}
	return s, err == nil, err
}

// lockedSettlement returns a shipment's settlement when it is LOCKED.
func (k Keeper) lockedSettlement(ctx context.Context, shipmentID uint64) (types.Settlement, bool, error) {
	s, found, err := k.settlement(ctx, shipmentID)
	return s, found && s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED, err
}

// lapse marks a shipment's LOCKED settlement LAPSED, if it has one: it can no
// longer be revealed, and the buyer may refund on Ethereum after the timelock.
func (k Keeper) lapse(ctx context.Context, shipmentID uint64, reason string) error {
	s, locked, err := k.lockedSettlement(ctx, shipmentID)
	if err != nil || !locked {
		return err
	}
	s.Status, s.LapsedReason = types.SettlementStatus_SETTLEMENT_STATUS_LAPSED, reason
	if err := k.Settlements.Set(ctx, shipmentID, s); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventShipmentSettlementLapsed{
		ShipmentID: shipmentID, Hashlock: types.Hex(s.Hashlock), EVMLockID: types.Hex(s.EVMLockID), Reason: reason,
	})
}

// reveal marks a shipment's LOCKED settlement REVEALED with its preimage
// (which the caller has checked) and emits the event the relay acts on.
func (k Keeper) reveal(ctx context.Context, s types.Settlement, preimage []byte) error {
	s.Status, s.Preimage = types.SettlementStatus_SETTLEMENT_STATUS_REVEALED, preimage
	if err := k.Settlements.Set(ctx, s.ShipmentID, s); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventShipmentSettlementRevealed{
		ShipmentID: s.ShipmentID, Hashlock: types.Hex(s.Hashlock), Preimage: types.Hex(preimage), EVMLockID: types.Hex(s.EVMLockID),
	})
}

// checkReveal is the rule for receiving a shipment with a LOCKED settlement:
// the block time is before the deadline, and the preimage opens the hashlock.
func checkReveal(ctx context.Context, s types.Settlement, preimage []byte) error {
	if !s.Confirmed {
		return errorsmod.Wrapf(types.ErrSettlementUnconfirmed, "shipment %d: the seller has not confirmed the lock on Ethereum (confirm-settlement)", s.ShipmentID)
	}
	if now := blockUnix(ctx); now >= s.Deadline {
		return errorsmod.Wrapf(types.ErrSettlementExpired, "shipment %d: block time %d is not before the deadline %d", s.ShipmentID, now, s.Deadline)
	}
	return errorsmod.Wrapf(types.CheckPreimage(preimage, s.Hashlock), "shipment %d", s.ShipmentID)
}

// LockShipmentSettlement implements types.MsgServer: the shipment's addressee
// (the buyer) records its lock on Ethereum while the shipment is in transit.
func (ms msgServer) LockShipmentSettlement(ctx context.Context, msg *types.MsgLockShipmentSettlement) (*types.MsgLockShipmentSettlementResponse, error) {
	actor, err := ms.member(ctx, "actor", msg.Actor, types.ActionReceive)
	if err != nil {
		return nil, err
	}
	shipment, err := ms.openShipment(ctx, ms.addrString(actor), msg.ShipmentID)
	if err != nil {
		return nil, err
	}
	lock, err := msg.Lock().Normalize()
	if err != nil {
		return nil, err
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	now := blockUnix(ctx)
	deadline, ok := types.SettlementDeadline(lock.EVMTimelock, params.EVMSettlementMargin)
	// now + window cannot wrap: now is a block time, window at most a year.
	if !ok || deadline <= now+params.EVMMinRevealWindow {
		return nil, errorsmod.Wrapf(types.ErrSettlementTooSoon,
			"evm_timelock %d less margin %d s gives deadline %d; it must be more than %d s after the block time %d",
			lock.EVMTimelock, params.EVMSettlementMargin, deadline, params.EVMMinRevealWindow, now)
	}
	prev, found, err := ms.settlement(ctx, shipment.ID)
	if err != nil {
		return nil, err
	}
	expired := found && prev.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED && now >= prev.Deadline
	if found && prev.Status != types.SettlementStatus_SETTLEMENT_STATUS_LAPSED && !expired {
		return nil, errorsmod.Wrapf(types.ErrSettlementLocked, "shipment %d: settlement %s under hashlock %x", shipment.ID, prev.Status, prev.Hashlock)
	}
	if has, err := ms.Hashlocks.Has(ctx, lock.Hashlock); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrapf(types.ErrHashlockInUse, "%x", lock.Hashlock)
	}
	if expired {
		// An expired lock can never be revealed: it lapses, and this one replaces it.
		if err := ms.lapse(ctx, shipment.ID, types.LapseExpired); err != nil {
			return nil, err
		}
	}
	s := types.Settlement{
		ShipmentID: shipment.ID, Hashlock: lock.Hashlock, EVMLockID: lock.EVMLockID, EVMTimelock: lock.EVMTimelock, Deadline: deadline,
		EVMReceiver: lock.EVMReceiver, EVMToken: lock.EVMToken, EVMAmount: lock.EVMAmount, Status: types.SettlementStatus_SETTLEMENT_STATUS_LOCKED,
	}
	if err := ms.Settlements.Set(ctx, shipment.ID, s); err != nil {
		return nil, err
	}
	if err := ms.Hashlocks.Set(ctx, s.Hashlock, shipment.ID); err != nil {
		return nil, err
	}
	return &types.MsgLockShipmentSettlementResponse{Deadline: deadline}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventShipmentSettlementLocked{
			ShipmentID: shipment.ID, Buyer: shipment.To, Seller: shipment.From, Hashlock: types.Hex(s.Hashlock), EVMLockID: types.Hex(s.EVMLockID),
			EVMTimelock: s.EVMTimelock, Deadline: s.Deadline, EVMReceiver: s.EVMReceiver, EVMToken: s.EVMToken, EVMAmount: s.EVMAmount,
		})
}

// ConfirmShipmentSettlement implements types.MsgServer: the shipment's
// sender (the lock's receiver) confirms that the lock the buyer recorded is on
// Ethereum as recorded. A locked shipment is received, revealing the
// preimage, only once confirmed: goods are never taken in against a payment
// that is not there.
func (ms msgServer) ConfirmShipmentSettlement(ctx context.Context, msg *types.MsgConfirmShipmentSettlement) (*types.MsgConfirmShipmentSettlementResponse, error) {
	actor, err := ms.parseAddress("actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	shipment, err := ms.Shipments.Get(ctx, msg.ShipmentID)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrShipmentNotFound, "%d", msg.ShipmentID)
	}
	if err != nil {
		return nil, err
	}
	if shipment.From != ms.addrString(actor) {
		return nil, errorsmod.Wrapf(types.ErrNotSender, "shipment %d was sent by %s", shipment.ID, shipment.From)
	}
	s, locked, err := ms.lockedSettlement(ctx, shipment.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case !locked:
		return nil, errorsmod.Wrapf(types.ErrSettlementNotFound, "shipment %d has no locked settlement", shipment.ID)
	case !bytes.Equal(s.Hashlock, msg.Hashlock):
		return nil, errorsmod.Wrapf(types.ErrInvalidSettlement, "shipment %d is locked under hashlock %x, not %x", shipment.ID, s.Hashlock, msg.Hashlock)
	case s.Confirmed:
		return nil, errorsmod.Wrapf(types.ErrSettlementLocked, "shipment %d: the lock is already confirmed", shipment.ID)
	case blockUnix(ctx) >= s.Deadline:
		return nil, errorsmod.Wrapf(types.ErrSettlementExpired, "shipment %d: the deadline %d has passed", shipment.ID, s.Deadline)
	}
	s.Confirmed = true
	if err := ms.Settlements.Set(ctx, shipment.ID, s); err != nil {
		return nil, err
	}
	return &types.MsgConfirmShipmentSettlementResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventShipmentSettlementConfirmed{ShipmentID: shipment.ID, Hashlock: types.Hex(s.Hashlock), EVMLockID: types.Hex(s.EVMLockID)})
}

// ShipmentSettlement implements types.QueryServer. expired is computed at
// query time: a LOCKED settlement whose deadline the block time has reached.
func (q queryServer) ShipmentSettlement(ctx context.Context, req *types.QueryShipmentSettlementRequest) (*types.QueryShipmentSettlementResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	s, err := q.k.Settlements.Get(ctx, req.ShipmentId)
	if errors.Is(err, collections.ErrNotFound) {
		err = errorsmod.Wrapf(types.ErrSettlementNotFound, "shipment %d", req.ShipmentId)
	}
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryShipmentSettlementResponse{
		Settlement: s,
		Expired:    s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED && blockUnix(ctx) >= s.Deadline,
	}, nil
}

// CheckSettlements is the settlement invariant: every settlement's hashlock
// is indexed under its shipment, every indexed hashlock names a shipment with
// a settlement, a LOCKED settlement's shipment is in transit and a REVEALED
// one's received.
func (k Keeper) CheckSettlements(ctx context.Context) ([]string, error) {
	var broken []string
	err := k.Settlements.Walk(ctx, nil, func(id uint64, s types.Settlement) (bool, error) {
		owner, err := k.Hashlocks.Get(ctx, s.Hashlock)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return true, err
		}
		if err != nil || owner != id {
			broken = append(broken, fmt.Sprintf("settlement of shipment %d: hashlock %x not indexed under it", id, s.Hashlock))
		}
		sh, err := k.Shipments.Get(ctx, id)
		if err != nil {
			broken = append(broken, fmt.Sprintf("settlement of shipment %d: %s", id, err))
			return false, nil
		}
		switch {
		case s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED && sh.Status != types.ShipmentStatus_SHIPMENT_STATUS_IN_TRANSIT,
			s.Status == types.SettlementStatus_SETTLEMENT_STATUS_REVEALED && sh.Status != types.ShipmentStatus_SHIPMENT_STATUS_RECEIVED:
			broken = append(broken, fmt.Sprintf("settlement of shipment %d is %s, the shipment %s", id, s.Status, sh.Status))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	err = k.Hashlocks.Walk(ctx, nil, func(h []byte, id uint64) (bool, error) {
		has, err := k.Settlements.Has(ctx, id)
		if err == nil && !has {
			broken = append(broken, fmt.Sprintf("hashlock %x names shipment %d, which has no settlement", h, id))
		}
		return err != nil, err
	})
	return broken, err
}
