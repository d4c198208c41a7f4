package keeper

import (
	"context"
	"errors"
	"math"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/bridge/types"
)

// recvRecall stores the notice and notifies, through the lot index, the
// patients who received a unit of the lot: at most
// MaxRecallNotificationsPerBlock now, the rest from the EndBlocker. A notice
// for a lot already notified is acknowledged without notifying again.
func (k *Keeper) recvRecall(ctx sdk.Context, channelID string, r *types.RecallPacket) (types.Ack, error) {
	if _, err := k.requireRole(ctx, types.ChainRole_CHAIN_ROLE_HOSPITAL); err != nil {
		return types.Ack{}, err
	}
	ack := func(n uint32) types.Ack {
		return types.Ack{Result: &types.Ack_Recall{Recall: &types.RecallAck{Patients: n}}}
	}
	key := collections.Join(r.GTIN, r.Lot)
	if prev, err := k.RecallNotices.Get(ctx, key); err == nil {
		return ack(prev.Patients), nil
	} else if !errors.Is(err, collections.ErrNotFound) {
		return types.Ack{}, err
	}
	notice := types.RecallNotice{
		GTIN: r.GTIN, Lot: r.Lot, Reason: r.Reason, RecalledAt: fromUnix(r.RecalledAt), ReceivedAt: ctx.BlockTime(),
		ChannelID: channelID, Notifying: true,
	}
	if _, err := k.notifyBatch(ctx, &notice, types.MaxRecallNotificationsPerBlock); err != nil {
		return types.Ack{}, err
	}
	return ack(notice.Patients), nil
}

// addPatient counts one more patient notified; the count saturates rather
// than wrap (it is a report: the notifications themselves are events).
func addPatient(n uint32) uint32 {
	if n == math.MaxUint32 {
		return n
	}
	return n + 1
}

// lotFrom ranges over the lot index entries of one lot, from a patient on.
type lotFrom struct{ gtin, lot, from string }

func (r lotFrom) RangeValues() (start, end *collections.RangeKey[collections.Triple[string, string, string]], order collections.Order, err error) {
	prefix := collections.TripleSuperPrefix[string, string, string](r.gtin, r.lot)
	start = collections.RangeKeyExact(prefix)
	if r.from != "" {
		start = collections.RangeKeyExact(collections.Join3(r.gtin, r.lot, r.from))
	}
	return start, collections.RangeKeyPrefixEnd(prefix), collections.OrderAscending, nil
}

// notifyBatch notifies up to budget patients of the notice's lot, from its
// next_patient on, and stores the notice with its progress. It returns how
// many it notified.
func (k *Keeper) notifyBatch(ctx sdk.Context, n *types.RecallNotice, budget int) (int, error) {
	it, err := k.DispensedByLot.Iterate(ctx, lotFrom{gtin: n.GTIN, lot: n.Lot, from: n.NextPatient})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	done := 0
	n.Notifying, n.NextPatient = false, ""
	for ; it.Valid(); it.Next() {
		key, err := it.Key()
		if err != nil {
			return 0, err
		}
		if done == budget {
			n.Notifying, n.NextPatient = true, key.K3()
			break
		}
		if err := ctx.EventManager().EmitTypedEvent(&types.EventRecallNotification{Patient: key.K3()}); err != nil {
			return 0, err
		}
		done++
		n.Patients = addPatient(n.Patients)
	}
	key := collections.Join(n.GTIN, n.Lot)
	if n.Notifying {
		err = k.Notifying.Set(ctx, key)
	} else {
		err = k.Notifying.Remove(ctx, key)
	}
	if err != nil {
		return 0, err
	}
	return done, k.RecallNotices.Set(ctx, key, *n)
}

// notifyLate notifies the patient of a unit whose lot's recall notice arrived
// before the unit's dispense confirmation. A patient still ahead of the
// EndBlocker's cursor is left to it.
func (k *Keeper) notifyLate(ctx sdk.Context, e types.MedicationEntry) error {
	n, err := k.RecallNotices.Get(ctx, collections.Join(e.GTIN, e.Lot))
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if n.Notifying && e.Patient >= n.NextPatient {
		return nil
	}
	n.Patients = addPatient(n.Patients)
	if err := k.RecallNotices.Set(ctx, collections.Join(e.GTIN, e.Lot), n); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventRecallNotification{Patient: e.Patient})
}

// EndBlock goes on notifying the patients of recalls too large for the
// transaction that received them, at most MaxRecallNotificationsPerBlock per
// block in all.
func (k *Keeper) EndBlock(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := k.recordClientOrigins(sdkCtx); err != nil {
		return err
	}
	budget := types.MaxRecallNotificationsPerBlock
	// Every notice in the index has a patient left, so each one taken uses
	// budget: at most budget notices are read.
	var open []collections.Pair[string, string]
	if err := k.Notifying.Walk(ctx, nil, func(key collections.Pair[string, string]) (bool, error) {
		open = append(open, key)
		return len(open) >= budget, nil
	}); err != nil {
		return err
	}
	for _, key := range open {
		if budget == 0 {
			break
		}
		n, err := k.RecallNotices.Get(ctx, key)
		if err != nil {
			return err
		}
		done, err := k.notifyBatch(sdkCtx, &n, budget)
		if err != nil {
			return err
		}
		budget -= done
	}
	return nil
}
