package keeper

import (
	"context"
	"fmt"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/records/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// ConsentKeeper returns x/consent as the keeper sees it; the simulation asks
// it who may act for a patient.
func (k Keeper) ConsentKeeper() types.ConsentKeeper { return k.consent }

// RegisterInvariants registers x/records's invariants. The SDK v0.54 has no
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
		{"record-indexes", k.checkRecordIndexes},
		{"version-chain", k.checkVersionChain},
	}
}

// checkRecordIndexes checks that the CID index maps each record's CID to it
// and holds nothing else, that the patient index lists each record under its
// patient, and that no erased record (tombstone) is still stored.
func (k Keeper) checkRecordIndexes(ctx context.Context) ([]string, error) {
	var broken []string
	n := 0
	err := k.Records.Walk(ctx, nil, func(id uint64, r types.Record) (bool, error) {
		n++
		got, err := k.Records.Indexes.CID.MatchExact(ctx, r.CID)
		if err != nil || got != id {
			broken = append(broken, fmt.Sprintf("record %d: CID %s indexed to %d (%v)", id, r.CID, got, err))
		}
		if has, err := k.Tombstones.Has(ctx, id); err != nil || has {
			broken = append(broken, fmt.Sprintf("record %d stored and tombstoned", id))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	cids, patients := 0, 0
	if err := k.Records.Indexes.CID.Walk(ctx, nil, func(string, uint64) (bool, error) { cids++; return false, nil }); err != nil {
		return broken, err
	}
	err = k.Records.Indexes.Patient.Walk(ctx, nil, func(patient sdk.AccAddress, id uint64) (bool, error) {
		patients++
		r, err := k.Records.Get(ctx, id)
		if err != nil || r.Patient != k.addrString(patient) {
			broken = append(broken, fmt.Sprintf("patient index lists record %d under %s", id, k.addrString(patient)))
		}
		return false, nil
	})
	if cids != n || patients != n {
		broken = append(broken, fmt.Sprintf("%d records, %d CIDs indexed, %d in the patient index", n, cids, patients))
	}
	return broken, err
}

// checkVersionChain checks each amendment chain: a superseded version's
// successor exists, supersedes it, has the next version number and the same
// root; the version index maps (root, version) to the record.
func (k Keeper) checkVersionChain(ctx context.Context) ([]string, error) {
	var broken []string
	err := k.Records.Walk(ctx, nil, func(id uint64, r types.Record) (bool, error) {
		if got, err := k.Records.Indexes.Version.MatchExact(ctx, collections.Join(r.RootID, uint64(r.Version))); err != nil || got != id {
			broken = append(broken, fmt.Sprintf("record %d: version %d of root %d indexed to %d (%v)", id, r.Version, r.RootID, got, err))
		}
		if r.SupersededBy == 0 {
			return false, nil
		}
		next, err := k.Records.Get(ctx, r.SupersededBy)
		switch {
		case err != nil:
			broken = append(broken, fmt.Sprintf("record %d superseded by %d: %s", id, r.SupersededBy, err))
		case next.Supersedes != id || next.Version != r.Version+1 || next.RootID != r.RootID:
			broken = append(broken, fmt.Sprintf("record %d superseded by %d, which supersedes %d as version %d of root %d", id, next.ID, next.Supersedes, next.Version, next.RootID))
		}
		return false, nil
	})
	return broken, err
}
