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
	"github.com/healthchain/healthd/x/claims/types"
)

// Hash-time-locked settlement (docs/settlement.md): the payer locks an ERC-20
// payment on Ethereum under sha256(preimage), records the lock here, and
// approves the claim with the preimage before t_h = evm_timelock - margin.

// blockUnix is the block time in unix seconds (0 before 1970, which no chain
// runs at). A reveal at block time t is accepted when floor(t) < t_h, that is
// when t < t_h, since t_h is a whole second.
func blockUnix(ctx context.Context) uint64 {
	if t := sdk.UnwrapSDKContext(ctx).BlockTime().Unix(); t > 0 {
		return uint64(t)
	}
	return 0
}

// settlement returns a claim's settlement; found is false when it has none.
func (k Keeper) settlement(ctx context.Context, claimID uint64) (s types.Settlement, found bool, err error) {
	s, err = k.Settlements.Get(ctx, claimID)
	if errors.Is(err, collections.ErrNotFound) {
		return s, false, nil
	}
	return s, err == nil, err
}

// lockedSettlement returns a claim's settlement when it is LOCKED.
func (k Keeper) lockedSettlement(ctx context.Context, claimID uint64) (types.Settlement, bool, error) {
	s, found, err := k.settlement(ctx, claimID)
	return s, found && s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED, err
}

// lapse marks a claim's LOCKED settlement LAPSED, if it has one: it can no
// longer be revealed, and the payer may refund on Ethereum after the timelock.
func (k Keeper) lapse(ctx context.Context, claimID uint64, reason string) error {
	s, locked, err := k.lockedSettlement(ctx, claimID)
	if err != nil || !locked {
		return err
	}
	s.Status, s.LapsedReason = types.SettlementStatus_SETTLEMENT_STATUS_LAPSED, reason
	if err := k.Settlements.Set(ctx, claimID, s); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventClaimSettlementLapsed{
		ClaimID: claimID, Hashlock: types.Hex(s.Hashlock), EVMLockID: types.Hex(s.EVMLockID), Reason: reason,
	})
}

// reveal marks a claim's LOCKED settlement REVEALED with its preimage (which
// the caller has checked) and emits the event the relay acts on.
func (k Keeper) reveal(ctx context.Context, s types.Settlement, preimage []byte) error {
	s.Status, s.Preimage = types.SettlementStatus_SETTLEMENT_STATUS_REVEALED, preimage
	if err := k.Settlements.Set(ctx, s.ClaimID, s); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventClaimSettlementRevealed{
		ClaimID: s.ClaimID, Hashlock: types.Hex(s.Hashlock), Preimage: types.Hex(preimage), EVMLockID: types.Hex(s.EVMLockID),
	})
}

// checkReveal is the rule for an approving decision on a claim with a LOCKED
// settlement: the block time is before the deadline, and the preimage opens
// the hashlock.
func checkReveal(ctx context.Context, s types.Settlement, preimage []byte) error {
	if !s.Confirmed {
		return errorsmod.Wrapf(types.ErrSettlementUnconfirmed, "claim %d: the provider has not confirmed the lock on Ethereum (confirm-settlement)", s.ClaimID)
	}
	if now := blockUnix(ctx); now >= s.Deadline {
		return errorsmod.Wrapf(types.ErrSettlementExpired, "claim %d: block time %d is not before the deadline %d", s.ClaimID, now, s.Deadline)
	}
	return errorsmod.Wrapf(types.CheckPreimage(preimage, s.Hashlock), "claim %d", s.ClaimID)
}

// LockClaimSettlement implements types.MsgServer: the claim's payer records
// its lock on Ethereum for a pended or appealed claim.
func (m msgServer) LockClaimSettlement(ctx context.Context, msg *types.MsgLockClaimSettlement) (*types.MsgLockClaimSettlementResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	c, err := m.k.GetClaim(ctx, msg.ClaimID)
	if err != nil {
		return nil, err
	}
	if c.Payer != m.k.addrString(payer) {
		return nil, errorsmod.Wrapf(types.ErrNotPayer, "claim %d is for %s", c.ID, c.Payer)
	}
	if c.Status != types.ClaimStatus_CLAIM_STATUS_PENDED && c.Status != types.ClaimStatus_CLAIM_STATUS_APPEALED {
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "claim %d is %s: only pended or appealed claims are settled by lock", c.ID, c.Status)
	}
	lock, err := msg.Lock().Normalize()
	if err != nil {
		return nil, err
	}
	params, err := m.k.Params.Get(ctx)
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
	prev, found, err := m.k.settlement(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	expired := found && prev.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED && now >= prev.Deadline
	if found && prev.Status != types.SettlementStatus_SETTLEMENT_STATUS_LAPSED && !expired {
		return nil, errorsmod.Wrapf(types.ErrSettlementLocked, "claim %d: settlement %s under hashlock %x", c.ID, prev.Status, prev.Hashlock)
	}
	if has, err := m.k.Hashlocks.Has(ctx, lock.Hashlock); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrapf(types.ErrHashlockInUse, "%x", lock.Hashlock)
	}
	if expired {
		// An expired lock can never be revealed: it lapses, and this one replaces it.
		if err := m.k.lapse(ctx, c.ID, types.LapseExpired); err != nil {
			return nil, err
		}
	}
	s := types.Settlement{
		ClaimID: c.ID, Hashlock: lock.Hashlock, EVMLockID: lock.EVMLockID, EVMTimelock: lock.EVMTimelock, Deadline: deadline,
		EVMReceiver: lock.EVMReceiver, EVMToken: lock.EVMToken, EVMAmount: lock.EVMAmount, Status: types.SettlementStatus_SETTLEMENT_STATUS_LOCKED,
	}
	if err := m.k.Settlements.Set(ctx, c.ID, s); err != nil {
		return nil, err
	}
	if err := m.k.Hashlocks.Set(ctx, s.Hashlock, c.ID); err != nil {
		return nil, err
	}
	if c.Settlement != types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC {
		// From now on the claim is never paid from escrow.
		c.Settlement = types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC
		if err := m.k.Claims.Set(ctx, c.ID, c); err != nil {
			return nil, err
		}
	}
	return &types.MsgLockClaimSettlementResponse{Deadline: deadline}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventClaimSettlementLocked{
			ClaimID: c.ID, Payer: c.Payer, Provider: c.Provider, Hashlock: types.Hex(s.Hashlock), EVMLockID: types.Hex(s.EVMLockID),
			EVMTimelock: s.EVMTimelock, Deadline: s.Deadline, EVMReceiver: s.EVMReceiver, EVMToken: s.EVMToken, EVMAmount: s.EVMAmount,
		})
}

// ConfirmClaimSettlement implements types.MsgServer: the claim's provider
// (the lock's receiver) confirms that the lock the payer recorded is on
// Ethereum as recorded. Only a confirmed lock is revealed by an approval, so
// a claim is never approved against a payment that is not there.
func (m msgServer) ConfirmClaimSettlement(ctx context.Context, msg *types.MsgConfirmClaimSettlement) (*types.MsgConfirmClaimSettlementResponse, error) {
	provider, err := m.k.parseAddress("provider", msg.Provider)
	if err != nil {
		return nil, err
	}
	c, err := m.k.GetClaim(ctx, msg.ClaimID)
	if err != nil {
		return nil, err
	}
	if c.Provider != m.k.addrString(provider) {
		return nil, errorsmod.Wrapf(types.ErrNotProvider, "claim %d was submitted by %s", c.ID, c.Provider)
	}
	s, locked, err := m.k.lockedSettlement(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case !locked:
		return nil, errorsmod.Wrapf(types.ErrSettlementNotFound, "claim %d has no locked settlement", c.ID)
	case !bytes.Equal(s.Hashlock, msg.Hashlock):
		return nil, errorsmod.Wrapf(types.ErrInvalidSettlement, "claim %d is locked under hashlock %x, not %x", c.ID, s.Hashlock, msg.Hashlock)
	case s.Confirmed:
		return nil, errorsmod.Wrapf(types.ErrSettlementLocked, "claim %d: the lock is already confirmed", c.ID)
	case blockUnix(ctx) >= s.Deadline:
		return nil, errorsmod.Wrapf(types.ErrSettlementExpired, "claim %d: the deadline %d has passed", c.ID, s.Deadline)
	}
	s.Confirmed = true
	if err := m.k.Settlements.Set(ctx, c.ID, s); err != nil {
		return nil, err
	}
	return &types.MsgConfirmClaimSettlementResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventClaimSettlementConfirmed{ClaimID: c.ID, Hashlock: types.Hex(s.Hashlock), EVMLockID: types.Hex(s.EVMLockID)})
}

// ClaimSettlement implements types.QueryServer. expired is computed at query
// time: a LOCKED settlement whose deadline the block time has reached.
func (q queryServer) ClaimSettlement(ctx context.Context, req *types.QueryClaimSettlementRequest) (*types.QueryClaimSettlementResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	s, err := getOr(ctx, q.k.Settlements, req.ClaimId, errorsmod.Wrapf(types.ErrSettlementNotFound, "claim %d", req.ClaimId))
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryClaimSettlementResponse{
		Settlement: s,
		Expired:    s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED && blockUnix(ctx) >= s.Deadline,
	}, nil
}

// CheckSettlements is the settlement invariant: every settlement's hashlock
// is indexed under its claim, every indexed hashlock names a claim with a
// settlement, a LOCKED settlement's claim is pended or appealed and a
// REVEALED one's is paid, both settled by EVM_HTLC.
func (k Keeper) CheckSettlements(ctx context.Context) ([]string, error) {
	var broken []string
	err := k.Settlements.Walk(ctx, nil, func(id uint64, s types.Settlement) (bool, error) {
		owner, err := k.Hashlocks.Get(ctx, s.Hashlock)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return true, err
		}
		if err != nil || owner != id {
			broken = append(broken, fmt.Sprintf("settlement of claim %d: hashlock %x not indexed under it", id, s.Hashlock))
		}
		c, err := k.GetClaim(ctx, id)
		if err != nil {
			broken = append(broken, fmt.Sprintf("settlement of claim %d: %s", id, err))
			return false, nil
		}
		htlc := c.Settlement == types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC
		switch s.Status {
		case types.SettlementStatus_SETTLEMENT_STATUS_LOCKED:
			if !htlc || (c.Status != types.ClaimStatus_CLAIM_STATUS_PENDED && c.Status != types.ClaimStatus_CLAIM_STATUS_APPEALED) {
				broken = append(broken, fmt.Sprintf("settlement of claim %d is locked, the claim %s (%s)", id, c.Status, c.Settlement))
			}
		case types.SettlementStatus_SETTLEMENT_STATUS_REVEALED:
			if !htlc || c.Status != types.ClaimStatus_CLAIM_STATUS_PAID {
				broken = append(broken, fmt.Sprintf("settlement of claim %d is revealed, the claim %s (%s)", id, c.Status, c.Settlement))
			}
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	err = k.Hashlocks.Walk(ctx, nil, func(h []byte, id uint64) (bool, error) {
		has, err := k.Settlements.Has(ctx, id)
		if err == nil && !has {
			broken = append(broken, fmt.Sprintf("hashlock %x names claim %d, which has no settlement", h, id))
		}
		return err != nil, err
	})
	return broken, err
}
