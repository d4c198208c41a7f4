package keeper

import (
	"context"
	"fmt"
	"strings"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/organs/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// RegisterInvariants registers x/organs's invariants. The SDK v0.54 has no
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
	return nil
}
