package simulation

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"

	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
)

// Hash-time-locked settlement on Ethereum: the payer records its lock of a
// pended or appealed claim, and its review reveals the preimage when it
// approves. The simulation derives the preimage from the claim and the lock
// id (both stored), so the review that follows the lock can reveal it.

// preimage is the secret of a simulated lock.
func preimage(claimID uint64, lockID []byte) []byte {
	h := sha256.New()
	h.Write([]byte("healthd simulation preimage"))
	_ = binary.Write(h, binary.BigEndian, claimID)
	h.Write(lockID)
	return h.Sum(nil)
}

func evmAddress(data *simsx.ChainDataSource) string {
	return "0x" + hex.EncodeToString(randomBytes(data, 19)) + "01" // never the zero address
}

func blockUnix(ctx context.Context) uint64 { return uint64(max(now(ctx).Unix(), 1)) }

// lockable reports whether the claim may take a new lock: pended or
// appealed, and no settlement, a lapsed one, or a locked one past its
// deadline.
func lockable(ctx context.Context, k keeper.Keeper, c types.Claim) bool {
	if !reviewable(c) {
		return false
	}
	s, err := k.Settlements.Get(ctx, c.ID)
	return err != nil || s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LAPSED ||
		s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED && blockUnix(ctx) >= s.Deadline
}

// LockSettlement is the claim's payer recording its Ethereum lock of a
// pended or appealed claim, with a timelock an hour to a day past the
// params' margin and reveal window; with valid false the timelock leaves
// less than the reveal window, which is refused.
func LockSettlement(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgLockClaimSettlement] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgLockClaimSettlement) {
		c := csim.Pick(data, reporter, "claim to lock", claimsWhere(ctx, k, func(c types.Claim) bool { return lockable(ctx, k, c) }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		payer := claimPayer(ctx, k, data, reporter, c)
		if reporter.IsSkipped() {
			return nil, nil
		}
		p, err := k.Params.Get(ctx)
		if err != nil {
			reporter.Skipf("params: %s", err)
			return nil, nil
		}
		r := data.Rand()
		timelock := blockUnix(ctx) + p.EVMSettlementMargin + p.EVMMinRevealWindow + uint64(r.IntInRange(3600, 86_400))
		if !valid {
			timelock = blockUnix(ctx) + p.EVMSettlementMargin + p.EVMMinRevealWindow/2
		}
		lockID := randomBytes(data, types.EVMLockIDLength)
		hashlock := sha256.Sum256(preimage(c.ID, lockID))
		if has, _ := k.Hashlocks.Has(ctx, hashlock[:]); has {
			reporter.Skip("hashlock used")
			return nil, nil
		}
		return []simsx.SimAccount{payer}, &types.MsgLockClaimSettlement{
			Payer: payer.AddressBech32, ClaimID: c.ID, Hashlock: hashlock[:], EVMLockID: lockID, EVMTimelock: timelock,
			EVMReceiver: evmAddress(data), EVMToken: evmAddress(data), EVMAmount: fmt.Sprint(r.IntInRange(1, 1_000_000_000)),
		}
	}
}

// liveLocks returns (up to 300) LOCKED settlements before their deadline on
// claims still under review, confirmed by their provider or not.
func liveLocks(ctx context.Context, k keeper.Keeper, confirmed bool) []types.Settlement {
	t := blockUnix(ctx)
	var locked []types.Settlement
	_ = k.Settlements.Walk(ctx, nil, func(_ uint64, s types.Settlement) (bool, error) {
		if s.Status == types.SettlementStatus_SETTLEMENT_STATUS_LOCKED && t < s.Deadline && s.Confirmed == confirmed {
			if c, err := k.Claims.Get(ctx, s.ClaimID); err == nil && reviewable(c) {
				locked = append(locked, s)
			}
		}
		return len(locked) >= 300, nil
	})
	return locked
}

// ConfirmSettlement is the claim's provider confirming the payer's lock (as
// its relay does after checking it on Ethereum); with valid false another
// provider tries, which is refused.
func ConfirmSettlement(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgConfirmClaimSettlement] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgConfirmClaimSettlement) {
		s := csim.Pick(data, reporter, "unconfirmed lock", liveLocks(ctx, k, false))
		if reporter.IsSkipped() {
			return nil, nil
		}
		c, err := k.Claims.Get(ctx, s.ClaimID)
		if err != nil {
			reporter.Skipf("claim: %s", err)
			return nil, nil
		}
		var who simsx.SimAccount
		if valid {
			who = claimProvider(ctx, k, data, reporter, c)
		} else {
			who = otherWithRole(ctx, k, data, reporter, c.Provider, providerRoles...)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{who}, &types.MsgConfirmClaimSettlement{Provider: who.AddressBech32, ClaimID: c.ID, Hashlock: s.Hashlock}
	}
}

// RevealSettlement is the payer approving a claim with a live, confirmed
// lock and revealing the preimage; with valid false a preimage that does not
// match, which is refused. An approval the adjudication does not turn into a
// payment (a line outside the plan, say) is refused as well: the payer must
// deny it instead. RevealUnconfirmed approves with the right preimage a lock
// its provider has not confirmed, which is refused.
func RevealSettlement(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgReviewClaim] {
	return reveal(k, true, valid)
}

// RevealUnconfirmed: see RevealSettlement.
func RevealUnconfirmed(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgReviewClaim] {
	return reveal(k, false, true)
}

func reveal(k keeper.Keeper, confirmed, valid bool) simsx.SimMsgFactoryFn[*types.MsgReviewClaim] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReviewClaim) {
		s := csim.Pick(data, reporter, "live lock", liveLocks(ctx, k, confirmed))
		if reporter.IsSkipped() {
			return nil, nil
		}
		c, err := k.Claims.Get(ctx, s.ClaimID)
		if err != nil {
			reporter.Skipf("claim: %s", err)
			return nil, nil
		}
		payer := claimPayer(ctx, k, data, reporter, c)
		if reporter.IsSkipped() {
			return nil, nil
		}
		secret := preimage(c.ID, s.EVMLockID)
		if !valid {
			secret = randomBytes(data, types.PreimageLength)
		}
		return []simsx.SimAccount{payer}, &types.MsgReviewClaim{Payer: payer.AddressBech32, ClaimID: c.ID,
			Decision: types.ReviewDecision_REVIEW_DECISION_APPROVE, SettlementPreimage: secret}
	}
}
