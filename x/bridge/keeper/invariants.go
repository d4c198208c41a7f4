package keeper

import (
	"context"
	"fmt"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/bridge/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k *Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// RegisterInvariants registers x/bridge's invariants. The SDK v0.54 has no
// x/crisis to run them: the app's simulation test collects them through this
// registry interface and runs them after blocks (docs/simulation.md).
func RegisterInvariants(ir sdk.InvariantRegistry, k *Keeper) {
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
func invariants(k *Keeper) []namedCheck {
	return []namedCheck{{"prescription-counts", k.checkPrescriptions}}
}

// checkPrescriptions checks each prescription's dispense count against what
// it allows (never more; an open one with none left is closed) and the
// by-patient index against the prescriptions. That each count matches the
// dispenses x/drugtrace recorded against the prescription is checked by the
// app's simulation, which reads both modules.
func (k *Keeper) checkPrescriptions(ctx context.Context) ([]string, error) {
	var broken []string
	n := 0
	err := k.Prescriptions.Walk(ctx, nil, func(id uint64, p types.Prescription) (bool, error) {
		n++
		if p.ID != id {
			broken = append(broken, fmt.Sprintf("prescription stored under %d is %d", id, p.ID))
		}
		if allowed := uint64(p.Quantity) * (1 + uint64(p.Refills)); uint64(p.Dispensed) > allowed {
			broken = append(broken, fmt.Sprintf("prescription %d dispensed %d units, allows %d", id, p.Dispensed, allowed))
		}
		if p.Status == types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN && p.Remaining() == 0 {
			broken = append(broken, fmt.Sprintf("prescription %d open with nothing left", id))
		}
		has, err := k.PrescriptionsByPatient.Has(ctx, collections.Join(p.Patient, id))
		if err != nil {
			return true, err
		}
		if !has {
			broken = append(broken, fmt.Sprintf("prescription %d missing from its patient's index", id))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	indexed := 0
	err = k.PrescriptionsByPatient.Walk(ctx, nil, func(collections.Pair[string, uint64]) (bool, error) {
		indexed++
		return false, nil
	})
	if indexed != n {
		broken = append(broken, fmt.Sprintf("%d prescriptions, %d in the by-patient index", n, indexed))
	}
	return broken, err
}
