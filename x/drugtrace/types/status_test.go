package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

func TestUnitTransitions(t *testing.T) {
	const (
		none           = types.UnitStatus_UNIT_STATUS_UNSPECIFIED
		active         = types.UnitStatus_UNIT_STATUS_ACTIVE
		inTransit      = types.UnitStatus_UNIT_STATUS_IN_TRANSIT
		dispensed      = types.UnitStatus_UNIT_STATUS_DISPENSED
		decommissioned = types.UnitStatus_UNIT_STATUS_DECOMMISSIONED
		quarantined    = types.UnitStatus_UNIT_STATUS_QUARANTINED
		illegitimate   = types.UnitStatus_UNIT_STATUS_ILLEGITIMATE
	)
	allowed := map[[2]types.UnitStatus]bool{
		{none, active}:                 true, // commission
		{active, inTransit}:            true, // ship
		{inTransit, active}:            true, // receive, refuse
		{active, quarantined}:          true,
		{inTransit, quarantined}:       true,
		{quarantined, active}:          true, // release
		{quarantined, inTransit}:       true, // release before the shipment arrives
		{active, dispensed}:            true,
		{active, decommissioned}:       true,
		{quarantined, decommissioned}:  true,
		{quarantined, illegitimate}:    true,
		{active, illegitimate}:         true, // unit of a held lot
		{inTransit, illegitimate}:      true,
		{dispensed, illegitimate}:      true,
		{decommissioned, illegitimate}: true,
	}
	for from := range types.UnitStatus_name {
		for to := range types.UnitStatus_name {
			f, t2 := types.UnitStatus(from), types.UnitStatus(to)
			require.Equal(t, allowed[[2]types.UnitStatus{f, t2}], types.CanTransition(f, t2), "%s -> %s", f, t2)
		}
	}
	// Nothing leaves ILLEGITIMATE, nothing goes back to ACTIVE once it left the chain.
	require.False(t, types.CanTransition(illegitimate, active))
	require.False(t, types.CanTransition(dispensed, active))
	require.False(t, types.CanTransition(decommissioned, active))
	require.False(t, types.CanTransition(types.UnitStatus(99), active))
}
