package keeper

import (
	"context"
	"fmt"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/trials/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// RegisterInvariants registers x/trials's invariants. The SDK v0.54 has no
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
	return []namedCheck{{"registry-ids-versions", k.checkTrials}}
}

// checkTrials checks that each claimed registry id is held by a trial that
// carries it and says it holds it, that each trial holding its id is the
// holder, and that each trial's protocol versions are numbered 1..latest
// with the current one approved.
func (k Keeper) checkTrials(ctx context.Context) ([]string, error) {
	var broken []string
	err := k.RegistryHolders.Walk(ctx, nil, func(id string, trial uint64) (bool, error) {
		t, err := k.Trials.Get(ctx, trial)
		switch {
		case err != nil:
			broken = append(broken, fmt.Sprintf("registry id %s held by trial %d: %s", id, trial, err))
		case t.RegistryID != id || t.RegistryClaim != types.RegistryClaim_REGISTRY_CLAIM_HELD:
			broken = append(broken, fmt.Sprintf("registry id %s held by trial %d, which carries %s (%s)", id, trial, t.RegistryID, t.RegistryClaim))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	err = k.Trials.Walk(ctx, nil, func(id uint64, t types.Trial) (bool, error) {
		if t.RegistryClaim == types.RegistryClaim_REGISTRY_CLAIM_HELD {
			if holder, err := k.RegistryHolders.Get(ctx, t.RegistryID); err != nil || holder != id {
				broken = append(broken, fmt.Sprintf("trial %d holds %s, the holder is %d", id, t.RegistryID, holder))
			}
		}
		n := uint32(0)
		err := k.Versions.Walk(ctx, collections.NewPrefixedPairRange[uint64, uint32](id), func(key collections.Pair[uint64, uint32], v types.ProtocolVersion) (bool, error) {
			n++
			if key.K2() != n || v.Number != n || v.TrialID != id {
				broken = append(broken, fmt.Sprintf("trial %d: version %d stored as %d/%d", id, v.Number, key.K1(), key.K2()))
			}
			if v.Number == t.CurrentVersion && v.Status != types.VersionStatus_VERSION_STATUS_APPROVED {
				broken = append(broken, fmt.Sprintf("trial %d: current version %d is %s", id, v.Number, v.Status))
			}
			return false, nil
		})
		if err != nil {
			return true, err
		}
		if n != t.LatestVersion {
			broken = append(broken, fmt.Sprintf("trial %d: latest version %d, %d stored", id, t.LatestVersion, n))
		}
		return false, nil
	})
	return broken, err
}
