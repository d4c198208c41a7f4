package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consent/types"
)

// EndBlocker moves consents whose end has passed out of the active indexes, at
// most params.MaxExpirationsPerBlock per block, oldest first. Checks already
// treat an ended consent as expired, so a backlog only delays the bookkeeping.
func (k Keeper) EndBlocker(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	_, err = k.ExpireDue(ctx, params.MaxExpirationsPerBlock)
	return err
}

// ExpireDue expires up to limit consents whose end is at or before the block
// time and returns how many it expired.
func (k Keeper) ExpireDue(ctx context.Context, limit uint32) (uint32, error) {
	if limit == 0 {
		return 0, nil
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	var due []collections.Pair[time.Time, uint64]
	// The queue is ordered by end time: stop at the first entry still in the future.
	rng := new(collections.Range[collections.Pair[time.Time, uint64]]).
		EndInclusive(collections.Join(now, ^uint64(0)))
	err := k.ExpiryQueue.Walk(ctx, rng, func(key collections.Pair[time.Time, uint64]) (bool, error) {
		due = append(due, key)
		return uint32(len(due)) >= limit, nil
	})
	if err != nil {
		return 0, err
	}
	for _, key := range due {
		c, err := k.Consents.Get(ctx, key.K2())
		if err != nil {
			return 0, err
		}
		if err := k.expire(ctx, c); err != nil {
			return 0, err
		}
	}
	return uint32(len(due)), nil
}

// expire marks an ended consent expired, takes it out of the active indexes and
// records the expiry in the patient's history.
func (k Keeper) expire(ctx context.Context, c types.Consent) error {
	patient, _ := k.addressCodec.StringToBytes(c.Patient)
	grantee, _ := k.addressCodec.StringToBytes(c.Grantee)
	if err := k.deactivate(ctx, patient, grantee, c); err != nil {
		return err
	}
	c.Status = types.ConsentStatus_CONSENT_STATUS_EXPIRED
	if err := k.Consents.Set(ctx, c.ID, c); err != nil {
		return err
	}
	if err := k.audit(ctx, patient, types.AuditEntry{Action: types.AuditAction_AUDIT_ACTION_EXPIRED, ConsentID: c.ID, Counterparty: c.Grantee}); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventConsentExpired{ConsentID: c.ID, Patient: c.Patient})
}

// ended reports whether an active consent's end has passed at the block time.
func ended(ctx context.Context, c types.Consent) bool {
	return !sdk.UnwrapSDKContext(ctx).BlockTime().Before(c.End)
}
