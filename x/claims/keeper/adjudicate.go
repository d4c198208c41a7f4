package keeper

import (
	"context"
	"errors"
	"math/big"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/claims/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// adjudicate prices claim c (again, after a review) and acts on the outcome:
// a denied claim is DENIED; a pended one waits, holding its duplicate slots;
// an approved one counts in the accumulators and prior authorisations and is
// paid from escrow (PAID), or waits for escrow (PAYABLE). Every read is an
// indexed lookup: the plan, the coverage, one accumulator, and per line one
// prior authorisation and one duplicate slot; per cited record one anchor.
func (k Keeper) adjudicate(ctx context.Context, c *types.Claim, denied map[int]string, reviewed bool) error {
	isNew := c.Status == types.ClaimStatus_CLAIM_STATUS_UNSPECIFIED
	if !isNew {
		if err := k.release(ctx, c); err != nil {
			return err
		}
	}
	plan, err := k.Plans.Get(ctx, c.PlanID)
	if err != nil {
		return err
	}
	cov, err := k.Coverages.Get(ctx, c.CoverageID)
	if err != nil {
		return err
	}
	year := types.PlanYear(c.ServiceDate)
	acc, err := k.accumulator(ctx, cov.ID, year)
	if err != nil {
		return err
	}
	provider, patient := k.mustAddr(c.Provider), k.mustAddr(c.Patient)
	in := types.AdjudicationInput{
		Plan: plan, Coverage: cov, ServiceDate: c.ServiceDate, Lines: c.Lines, Accumulator: acc,
		PriorAuths: map[string]types.PriorAuth{}, Duplicates: map[int]bool{}, RecordsOK: true,
		Denied: denied, Reviewed: reviewed,
	}
	for i, l := range c.Lines {
		if _, done := in.PriorAuths[l.Code]; !done {
			id, err := k.LatestPriorAuth.Get(ctx, collections.Join(cov.ID, l.Code))
			switch {
			case err == nil:
				pa, err := k.PriorAuths.Get(ctx, id)
				if err != nil {
					return err
				}
				in.PriorAuths[l.Code] = pa
			case !errors.Is(err, collections.ErrNotFound):
				return err
			}
		}
		// The claim's own slots were freed by release above: any holder is another claim.
		has, err := k.Duplicates.Has(ctx, dupKey(provider, patient, l.Code, c.ServiceDate))
		if err != nil {
			return err
		}
		in.Duplicates[i] = has
	}
	for _, id := range c.RecordIDs {
		r, err := k.records.GetRecord(ctx, id)
		if errors.Is(err, recordstypes.ErrRecordNotFound) {
			in.RecordsOK = false
			break
		}
		if err != nil {
			return err
		}
		if r.Patient != c.Patient {
			in.RecordsOK = false
			break
		}
	}

	adj := types.Adjudicate(in)
	if isNew {
		c.Settlement = plan.Settlement
	}
	if !reviewed && c.Settlement == types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC &&
		(adj.Outcome == types.ClaimStatus_CLAIM_STATUS_APPROVED || adj.Outcome == types.ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED) {
		// The engine never pays an HTLC claim: it waits, with the amounts
		// computed, for the payer to lock the payment and approve with the
		// preimage.
		adj.Outcome, adj.PendReasons = types.ClaimStatus_CLAIM_STATUS_PENDED, append(adj.PendReasons, types.PendSettlement)
	}
	c.Results, c.Outcome, c.PendReasons = adj.Results, adj.Outcome, adj.PendReasons
	c.UpdatedAt = sdk.UnwrapSDKContext(ctx).BlockTime()
	switch adj.Outcome {
	case types.ClaimStatus_CLAIM_STATUS_DENIED:
		err = k.setStatus(ctx, c, types.ClaimStatus_CLAIM_STATUS_DENIED)
	case types.ClaimStatus_CLAIM_STATUS_PENDED:
		if err = k.holdSlots(ctx, c, provider, patient); err == nil {
			err = k.setStatus(ctx, c, types.ClaimStatus_CLAIM_STATUS_PENDED)
		}
	default:
		err = k.apply(ctx, c, adj, year, provider, patient)
	}
	if err != nil {
		return err
	}
	if isNew {
		return k.putClaim(ctx, *c)
	}
	return k.Claims.Set(ctx, c.ID, *c)
}

// holdSlots marks the claim's approved lines as billed, for duplicate detection.
func (k Keeper) holdSlots(ctx context.Context, c *types.Claim, provider, patient sdk.AccAddress) error {
	for i, l := range c.Lines {
		if c.Results[i].Approved {
			if err := k.Duplicates.Set(ctx, dupKey(provider, patient, l.Code, c.ServiceDate), c.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// apply counts an approved claim in the accumulators and prior
// authorisations, then pays it or queues it for payment.
func (k Keeper) apply(ctx context.Context, c *types.Claim, adj types.Adjudication, year int32, provider, patient sdk.AccAddress) error {
	if err := k.Accumulators.Set(ctx, collections.Join(c.CoverageID, year), adj.Accumulator); err != nil {
		return err
	}
	for id, units := range sortedUse(adj.PriorAuthUsed) {
		pa, err := k.PriorAuths.Get(ctx, id)
		if err != nil {
			return err
		}
		if uint64(pa.UnitsUsed)+uint64(units) > uint64(pa.Units) {
			return errorsmod.Wrapf(types.ErrOverflow, "prior authorisation %d: %d of %d units used, %d more", id, pa.UnitsUsed, pa.Units, units)
		}
		pa.UnitsUsed += units
		if err := k.PriorAuths.Set(ctx, id, pa); err != nil {
			return err
		}
	}
	if err := k.holdSlots(ctx, c, provider, patient); err != nil {
		return err
	}
	c.Applied = true
	return k.pay(ctx, c)
}

// sortedUse iterates a prior-authorisation use map in id order (determinism).
func sortedUse(m map[uint64]uint32) func(func(uint64, uint32) bool) {
	return func(yield func(uint64, uint32) bool) {
		ids := make([]uint64, 0, len(m))
		for id := range m {
			ids = append(ids, id)
		}
		for i := 1; i < len(ids); i++ {
			for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
				ids[j], ids[j-1] = ids[j-1], ids[j]
			}
		}
		for _, id := range ids {
			if !yield(id, m[id]) {
				return
			}
		}
	}
}

// owed is what the plan still owes the provider for an approved claim. A
// re-adjudication never claws back what was paid.
func owed(c *types.Claim) math.Int {
	o := types.SumPlanPays(c.Results).Sub(c.Paid)
	if o.IsNegative() {
		return math.ZeroInt()
	}
	return o
}

// pay pays what is owed from the payer's escrow (PAID), or queues the claim
// while the escrow is short (PAYABLE). A claim settled on Ethereum is PAID
// with nothing moved here: ReviewClaim reached this only with the preimage
// of its locked settlement, which it reveals in the same transaction.
func (k Keeper) pay(ctx context.Context, c *types.Claim) error {
	payer := k.mustAddr(c.Payer)
	if c.Settlement == types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC {
		if err := k.dequeue(ctx, payer, c.ID); err != nil {
			return err
		}
		return k.setStatus(ctx, c, types.ClaimStatus_CLAIM_STATUS_PAID)
	}
	amount := owed(c)
	balance, err := k.escrow(ctx, payer)
	if err != nil {
		return err
	}
	if amount.GT(balance) {
		if err := k.enqueue(ctx, payer, c.ID, amount); err != nil {
			return err
		}
		if c.Status == types.ClaimStatus_CLAIM_STATUS_PAYABLE {
			return nil // still waiting
		}
		return k.setStatus(ctx, c, types.ClaimStatus_CLAIM_STATUS_PAYABLE)
	}
	if amount.IsPositive() {
		params, err := k.Params.Get(ctx)
		if err != nil {
			return err
		}
		if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, k.mustAddr(c.Provider),
			sdk.NewCoins(sdk.NewCoin(params.SettlementDenom, amount))); err != nil {
			return err
		}
		if err := k.Escrow.Set(ctx, payer, balance.Sub(amount)); err != nil {
			return err
		}
		c.Paid = c.Paid.Add(amount)
		if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventClaimPaid{
			ClaimID: c.ID, Provider: c.Provider, Payer: c.Payer, Amount: amount.String(),
		}); err != nil {
			return err
		}
	}
	if err := k.dequeue(ctx, payer, c.ID); err != nil {
		return err
	}
	return k.setStatus(ctx, c, types.ClaimStatus_CLAIM_STATUS_PAID)
}

// payQueue pays a payer's payable claims, smallest amount first (then
// oldest), while the escrow covers the next one; at most MaxPayoutsPerFunding
// per call. A claim larger than the escrow never stops a smaller one: the
// walk is in amount order, so the first claim that does not fit ends it, and
// the work is bounded by the payouts plus one read.
func (k Keeper) payQueue(ctx context.Context, payer sdk.AccAddress) ([]uint64, error) {
	balance, err := k.escrow(ctx, payer)
	if err != nil {
		return nil, err
	}
	var ids []uint64
	err = k.PayableByAmount.Walk(ctx, collections.NewPrefixedTripleRange[sdk.AccAddress, []byte, uint64](payer),
		func(key collections.Triple[sdk.AccAddress, []byte, uint64]) (bool, error) {
			amount := math.NewIntFromBigInt(new(big.Int).SetBytes(key.K2()))
			if amount.GT(balance) {
				return true, nil
			}
			balance = balance.Sub(amount)
			ids = append(ids, key.K3())
			return len(ids) >= types.MaxPayoutsPerFunding, nil
		})
	if err != nil {
		return nil, err
	}
	var paid []uint64
	for _, id := range ids {
		c, err := k.Claims.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := k.pay(ctx, &c); err != nil {
			return nil, err
		}
		if c.Status != types.ClaimStatus_CLAIM_STATUS_PAID {
			// The queue entry was stale: pay re-queued the claim at what it is
			// owed. One such entry must not stop the funding of the others.
			continue
		}
		if err := k.Claims.Set(ctx, c.ID, c); err != nil {
			return nil, err
		}
		paid = append(paid, id)
	}
	return paid, nil
}

// release undoes what an adjudication applied: the claim's cost sharing
// leaves the accumulators, its prior-authorisation units return, its
// duplicate slots free up and it leaves the payable queue. Payments stay.
func (k Keeper) release(ctx context.Context, c *types.Claim) error {
	provider, patient := k.mustAddr(c.Provider), k.mustAddr(c.Patient)
	if c.Applied {
		key := collections.Join(c.CoverageID, types.PlanYear(c.ServiceDate))
		acc, err := k.accumulator(ctx, c.CoverageID, types.PlanYear(c.ServiceDate))
		if err != nil {
			return err
		}
		for i, r := range c.Results {
			if !r.Approved {
				continue
			}
			acc.DeductibleMet = acc.DeductibleMet.Sub(r.Deductible)
			acc.OutOfPocketMet = acc.OutOfPocketMet.Sub(r.PatientResponsibility)
			if r.PriorAuthID != 0 {
				pa, err := k.PriorAuths.Get(ctx, r.PriorAuthID)
				if err != nil {
					return err
				}
				if pa.UnitsUsed < c.Lines[i].Units {
					return errorsmod.Wrapf(types.ErrOverflow, "prior authorisation %d: returning %d units of %d used", pa.ID, c.Lines[i].Units, pa.UnitsUsed)
				}
				pa.UnitsUsed -= c.Lines[i].Units
				if err := k.PriorAuths.Set(ctx, pa.ID, pa); err != nil {
					return err
				}
			}
		}
		if acc.DeductibleMet.IsNegative() || acc.OutOfPocketMet.IsNegative() {
			return errorsmod.Wrapf(types.ErrInvalidClaim, "accumulators of coverage %d would go negative", c.CoverageID)
		}
		if err := k.Accumulators.Set(ctx, key, acc); err != nil {
			return err
		}
		c.Applied = false
	}
	for _, l := range c.Lines {
		key := dupKey(provider, patient, l.Code, c.ServiceDate)
		owner, err := k.Duplicates.Get(ctx, key)
		if err == nil && owner == c.ID {
			if err := k.Duplicates.Remove(ctx, key); err != nil {
				return err
			}
		} else if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
	}
	return k.dequeue(ctx, k.mustAddr(c.Payer), c.ID)
}

// setStatus moves a claim along the lifecycle and emits the transition; the
// caller stores the claim, and with it the status index.
func (k Keeper) setStatus(ctx context.Context, c *types.Claim, to types.ClaimStatus) error {
	from := c.Status
	if !types.CanTransition(from, to) {
		return errorsmod.Wrapf(types.ErrInvalidTransition, "claim %d: %s to %s", c.ID, from, to)
	}
	c.Status = to
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventClaimStatus{
		ClaimID: c.ID, Provider: c.Provider, Patient: c.Patient, Payer: c.Payer, From: from, To: to, Outcome: c.Outcome,
	})
}
