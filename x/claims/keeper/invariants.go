package keeper

import (
	"context"
	"fmt"
	"strings"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/healthchain/healthd/x/claims/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// ConsentKeeper returns the consent module the keeper asks for disclosure;
// the simulation submits claims only where the patient's consents hold.
func (k Keeper) ConsentKeeper() types.ConsentKeeper { return k.consent }

// RegisterInvariants registers x/claims's invariants. The SDK v0.54 has no
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
		{"escrow-owes-payable-claims", k.checkPayable},
		{"escrow-balance", k.checkEscrowBalance},
		{"claim-indexes", k.checkClaimIndexes},
		{"settlements", k.CheckSettlements},
	}
}

// checkPayable checks that escrow owes exactly the unpaid approved claims:
// the payable queue holds every PAYABLE claim and nothing else, under its
// payer, for what it is owed; its amount-ordered twin holds the same
// entries; each payer's Owed is the sum of its queue; and a payer's escrow
// never covers its smallest payable claim (funding pays smallest first).
func (k Keeper) checkPayable(ctx context.Context) ([]string, error) {
	var broken []string
	payable := map[uint64]types.Claim{}
	err := k.Claims.Walk(ctx, nil, func(id uint64, c types.Claim) (bool, error) {
		if c.Status == types.ClaimStatus_CLAIM_STATUS_PAYABLE {
			payable[id] = c
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	sums := map[string]math.Int{}
	smallest := map[string]math.Int{}
	queued := 0
	err = k.PayableQueue.Walk(ctx, nil, func(key addrID, amount math.Int) (bool, error) {
		queued++
		payer := k.addrString(key.K1())
		c, ok := payable[key.K2()]
		switch {
		case !ok:
			broken = append(broken, fmt.Sprintf("claim %d queued for payment by %s, not PAYABLE", key.K2(), payer))
		case c.Payer != payer:
			broken = append(broken, fmt.Sprintf("claim %d queued under %s, its payer is %s", key.K2(), payer, c.Payer))
		case !amount.Equal(owed(&c)):
			broken = append(broken, fmt.Sprintf("claim %d queued for %s, owed %s", key.K2(), amount, owed(&c)))
		}
		if !amount.IsPositive() {
			broken = append(broken, fmt.Sprintf("claim %d queued for %s", key.K2(), amount))
		}
		has, err := k.PayableByAmount.Has(ctx, collections.Join3(key.K1(), amountKey(amount), key.K2()))
		if err != nil {
			return true, err
		}
		if !has {
			broken = append(broken, fmt.Sprintf("claim %d missing from the amount-ordered queue", key.K2()))
		}
		if s, ok := sums[payer]; ok {
			sums[payer] = s.Add(amount)
		} else {
			sums[payer] = amount
		}
		if m, ok := smallest[payer]; !ok || amount.LT(m) {
			smallest[payer] = amount
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	if queued != len(payable) {
		broken = append(broken, fmt.Sprintf("%d PAYABLE claims, %d queued for payment", len(payable), queued))
	}
	byAmount := 0
	if err := k.PayableByAmount.Walk(ctx, nil, func(collections.Triple[sdk.AccAddress, []byte, uint64]) (bool, error) {
		byAmount++
		return false, nil
	}); err != nil {
		return broken, err
	}
	if byAmount != queued {
		broken = append(broken, fmt.Sprintf("payable queue holds %d entries, its amount order %d", queued, byAmount))
	}
	owedPayers := 0
	err = k.Owed.Walk(ctx, nil, func(payer sdk.AccAddress, total math.Int) (bool, error) {
		owedPayers++
		if s, ok := sums[k.addrString(payer)]; !ok || !s.Equal(total) {
			broken = append(broken, fmt.Sprintf("payer %s owes %s by Owed, its queue sums to %v", k.addrString(payer), total, s))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	if owedPayers != len(sums) {
		broken = append(broken, fmt.Sprintf("%d payers in Owed, %d with queued claims", owedPayers, len(sums)))
	}
	for payer, m := range smallest {
		addr, err := k.addressCodec.StringToBytes(payer)
		if err != nil {
			return broken, err
		}
		e, err := k.escrow(ctx, addr)
		if err != nil {
			return broken, err
		}
		if e.GTE(m) {
			broken = append(broken, fmt.Sprintf("payer %s holds escrow %s but its smallest payable claim (%s) is unpaid", payer, e, m))
		}
	}
	return broken, nil
}

// checkEscrowBalance checks that the escrow the payers hold adds up to the
// module account's balance in the settlement denom (when the bank keeper can
// tell a balance).
func (k Keeper) checkEscrowBalance(ctx context.Context) ([]string, error) {
	bank, ok := k.bank.(interface {
		GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) sdk.Coin
	})
	if !ok {
		return nil, nil
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	total := math.ZeroInt()
	if err := k.Escrow.Walk(ctx, nil, func(_ sdk.AccAddress, v math.Int) (bool, error) {
		total = total.Add(v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	held := bank.GetBalance(ctx, authtypes.NewModuleAddress(types.ModuleName), params.SettlementDenom)
	if !held.Amount.Equal(total) {
		return []string{fmt.Sprintf("payers' escrow adds up to %s, the module account holds %s", total, held)}, nil
	}
	return nil, nil
}

// checkClaimIndexes checks the claims' payer and status indexes against the claims.
func (k Keeper) checkClaimIndexes(ctx context.Context) ([]string, error) {
	var broken []string
	n := 0
	if err := k.Claims.Walk(ctx, nil, func(uint64, types.Claim) (bool, error) { n++; return false, nil }); err != nil {
		return nil, err
	}
	seen := 0
	err := k.Claims.Indexes.Payer.Walk(ctx, nil, func(payer sdk.AccAddress, id uint64) (bool, error) {
		seen++
		c, err := k.Claims.Get(ctx, id)
		if err != nil || c.Payer != k.addrString(payer) {
			broken = append(broken, fmt.Sprintf("payer index lists claim %d under %s", id, k.addrString(payer)))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	statuses := 0
	err = k.Claims.Indexes.Status.Walk(ctx, nil, func(status int32, id uint64) (bool, error) {
		statuses++
		c, err := k.Claims.Get(ctx, id)
		if err != nil || int32(c.Status) != status {
			broken = append(broken, fmt.Sprintf("status index lists claim %d under %s", id, types.ClaimStatus(status)))
		}
		return false, nil
	})
	if seen != n || statuses != n {
		broken = append(broken, fmt.Sprintf("%d claims, %d in the payer index, %d in the status index", n, seen, statuses))
	}
	return broken, err
}
