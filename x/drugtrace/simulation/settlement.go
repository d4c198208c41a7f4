package simulation

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	csim "github.com/healthchain/healthd/x/consortium/simulation"
	"github.com/healthchain/healthd/x/drugtrace/keeper"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// Payment against delivery on Ethereum: the addressee records its lock of a
// shipment in transit, the sender confirms it, and the receipt reveals the
// preimage. The simulation derives the preimage from the shipment and the
// lock id (both stored), so the receipt that follows can reveal it.

func settlementPreimage(shipmentID uint64, lockID []byte) []byte {
	h := sha256.New()
	h.Write([]byte("healthd simulation shipment preimage"))
	_ = binary.Write(h, binary.BigEndian, shipmentID)
	h.Write(lockID)
	return h.Sum(nil)
}

func simBytes(data *simsx.ChainDataSource, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(data.Rand().IntInRange(0, 256))
	}
	return b
}

func blockUnix(ctx context.Context) uint64 {
	return uint64(max(sdk.UnwrapSDKContext(ctx).BlockTime().Unix(), 1))
}

// lockedSettlement returns a shipment's LOCKED settlement, if it has one.
func lockedSettlement(ctx context.Context, k keeper.Keeper, id uint64) (types.Settlement, bool) {
	s, err := k.Settlements.Get(ctx, id)
	return s, err == nil && s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED
}

// settledShipments returns the shipments in transit whose settlement passes keep.
func settledShipments(ctx context.Context, k keeper.Keeper, keep func(s types.Settlement, locked bool) bool) []types.Shipment {
	var out []types.Shipment
	for _, sh := range shipments(ctx, k, true) {
		s, locked := lockedSettlement(ctx, k, sh.ID)
		if keep(s, locked) {
			out = append(out, sh)
		}
	}
	return out
}

// LockShipmentSettlement is the addressee recording its Ethereum lock of a
// shipment in transit with no live lock; with valid false a timelock that
// leaves less than the reveal window, which is refused.
func LockShipmentSettlement(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgLockShipmentSettlement] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgLockShipmentSettlement) {
		t := blockUnix(ctx)
		sh := csim.Pick(data, reporter, "shipment without a live lock", settledShipments(ctx, k, func(s types.Settlement, locked bool) bool {
			return !locked || t >= s.Deadline
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		buyer := custodian(ctx, k, data, reporter, sh.To, types.ActionReceive)
		if reporter.IsSkipped() {
			return nil, nil
		}
		p, err := k.Params.Get(ctx)
		if err != nil {
			reporter.Skipf("params: %s", err)
			return nil, nil
		}
		r := data.Rand()
		timelock := t + p.EVMSettlementMargin + p.EVMMinRevealWindow + uint64(r.IntInRange(3600, 86_400))
		if !valid {
			timelock = t + p.EVMSettlementMargin + p.EVMMinRevealWindow/2
		}
		lockID := simBytes(data, types.EVMLockIDLength)
		hashlock := sha256.Sum256(settlementPreimage(sh.ID, lockID))
		if has, _ := k.Hashlocks.Has(ctx, hashlock[:]); has {
			reporter.Skip("hashlock used")
			return nil, nil
		}
		addr := func() string { return "0x" + hex.EncodeToString(simBytes(data, 19)) + "01" }
		return []simsx.SimAccount{buyer}, &types.MsgLockShipmentSettlement{
			Actor: buyer.AddressBech32, ShipmentID: sh.ID, Hashlock: hashlock[:], EVMLockID: lockID, EVMTimelock: timelock,
			EVMReceiver: addr(), EVMToken: addr(), EVMAmount: fmt.Sprint(r.IntInRange(1, 1_000_000_000)),
		}
	}
}

// liveLocked returns the shipments in transit with a LOCKED settlement before
// its deadline, confirmed by the seller or not.
func liveLocked(ctx context.Context, k keeper.Keeper, confirmed bool) []types.Shipment {
	t := blockUnix(ctx)
	return settledShipments(ctx, k, func(s types.Settlement, locked bool) bool {
		return locked && t < s.Deadline && s.Confirmed == confirmed
	})
}

// ConfirmShipmentSettlement is the shipment's sender confirming the lock;
// with valid false another account tries, which is refused.
func ConfirmShipmentSettlement(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgConfirmShipmentSettlement] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgConfirmShipmentSettlement) {
		sh := csim.Pick(data, reporter, "unconfirmed lock", liveLocked(ctx, k, false))
		if reporter.IsSkipped() {
			return nil, nil
		}
		s, _ := lockedSettlement(ctx, k, sh.ID)
		var who simsx.SimAccount
		if valid {
			who = data.GetAccount(reporter, sh.From)
		} else {
			who = data.AnyAccountN(10, reporter, simsx.ExcludeAddresses(sh.From))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{who}, &types.MsgConfirmShipmentSettlement{Actor: who.AddressBech32, ShipmentID: sh.ID, Hashlock: s.Hashlock}
	}
}

// ReceiveSettled is the addressee receiving a shipment with a live lock and
// revealing its preimage: with confirmed true a confirmed lock (accepted, or
// refused as any receipt may be), with confirmed false an unconfirmed one,
// which is refused.
func ReceiveSettled(k keeper.Keeper, confirmed bool) simsx.SimMsgFactoryFn[*types.MsgReceive] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReceive) {
		sh := csim.Pick(data, reporter, "locked shipment", liveLocked(ctx, k, confirmed))
		if reporter.IsSkipped() {
			return nil, nil
		}
		s, _ := lockedSettlement(ctx, k, sh.ID)
		buyer := custodian(ctx, k, data, reporter, sh.To, types.ActionReceive)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{buyer}, &types.MsgReceive{Actor: buyer.AddressBech32, ShipmentID: sh.ID,
			SettlementPreimage: settlementPreimage(sh.ID, s.EVMLockID)}
	}
}
