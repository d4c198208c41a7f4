package keeper

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/trials/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// ConsentKeeper returns the consent module the keeper asks about subjects'
// consents; the simulation enrols and records only where they hold.
func (k Keeper) ConsentKeeper() types.ConsentKeeper { return k.consent }

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
	return []namedCheck{{"registry-ids-versions", k.checkTrials}, {"enrolment-counts-sae-queue", k.checkSubjects}}
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

// checkSubjects checks the counters and queues kept beside the enrolments
// and SAE clocks: each trial's enrolled count and the per (trial, site,
// version) counts equal the enrolments that were enrolled (withdrawn ones
// included), and the open-SAE queue holds exactly the unreported clocks
// under their due time.
func (k Keeper) checkSubjects(ctx context.Context) ([]string, error) {
	var broken []string
	perTrial := map[uint64]uint64{}
	counts := map[string]uint64{}
	key := func(trial uint64, site string, version uint32) string {
		return fmt.Sprintf("%d/%s/%d", trial, site, version)
	}
	err := k.Enrolments.Walk(ctx, nil, func(_ SubjectKey, e types.Enrolment) (bool, error) {
		if e.EnrolledVersion != 0 {
			perTrial[e.TrialID]++
			counts[key(e.TrialID, e.Site, e.EnrolledVersion)]++
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	err = k.EnrolmentCounts.Walk(ctx, nil, func(kk collections.Triple[uint64, sdk.AccAddress, uint32], n uint64) (bool, error) {
		kc := key(kk.K1(), k.addrString(kk.K2()), kk.K3())
		if counts[kc] != n {
			broken = append(broken, fmt.Sprintf("enrolment count %s is %d, %d enrolments", kc, n, counts[kc]))
		}
		delete(counts, kc)
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	for kc, n := range counts {
		broken = append(broken, fmt.Sprintf("no enrolment count %s for %d enrolments", kc, n))
	}
	err = k.Trials.Walk(ctx, nil, func(id uint64, t types.Trial) (bool, error) {
		if t.Enrolled != perTrial[id] {
			broken = append(broken, fmt.Sprintf("trial %d counts %d enrolled, %d enrolments were", id, t.Enrolled, perTrial[id]))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	open := 0
	err = k.SAEClocks.Walk(ctx, nil, func(id uint64, c types.SAEClock) (bool, error) {
		queued, err := k.OpenSAEs.Has(ctx, collections.Join(c.DueAt, id))
		if err != nil {
			return true, err
		}
		if queued != (c.ReportedAt == nil) {
			broken = append(broken, fmt.Sprintf("SAE clock %d: reported %t, queued %t", id, c.ReportedAt != nil, queued))
		}
		if queued {
			open++
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	n := 0
	err = k.OpenSAEs.Walk(ctx, nil, func(collections.Pair[time.Time, uint64]) (bool, error) { n++; return false, nil })
	if n != open {
		broken = append(broken, fmt.Sprintf("open-SAE queue holds %d entries, %d clocks are open", n, open))
	}
	return broken, err
}
