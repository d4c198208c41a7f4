package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

func TestRolesTo(t *testing.T) {
	var (
		mfr  = consortiumtypes.Role_ROLE_MANUFACTURER
		dist = consortiumtypes.Role_ROLE_DISTRIBUTOR
		ph   = consortiumtypes.Role_ROLE_PHARMACY
		hosp = consortiumtypes.Role_ROLE_HOSPITAL
		reg  = consortiumtypes.Role_ROLE_REGULATOR
	)
	for act, want := range map[types.Action][]consortiumtypes.Role{
		types.ActionRegisterProduct:     {mfr},
		types.ActionCommission:          {mfr},
		types.ActionPack:                {mfr, dist, ph, hosp},
		types.ActionShip:                {mfr, dist, ph, hosp},
		types.ActionDecommission:        {mfr, dist, ph, hosp},
		types.ActionReceive:             {dist, ph, hosp},
		types.ActionDispense:            {ph, hosp},
		types.ActionQuarantine:          {reg, mfr, dist, ph, hosp},
		types.ActionRelease:             {reg, mfr},
		types.ActionConfirmIllegitimate: {reg, mfr},
		types.ActionRecall:              {reg, mfr},
	} {
		require.Equal(t, want, types.RolesTo(act), "action %d", act)
	}
	require.Empty(t, types.RolesTo(types.Action(0)), "an unknown action allows no role")

	// The slice is a copy: changing it changes no one's rights.
	r := types.RolesTo(types.ActionDispense)
	r[0] = reg
	require.Equal(t, []consortiumtypes.Role{ph, hosp}, types.RolesTo(types.ActionDispense))
}

func TestHoldRules(t *testing.T) {
	asked := false
	isRegulator := func(v bool) func() bool { return func() bool { asked = true; return v } }

	require.True(t, types.MayLiftHold(false, isRegulator(false)))
	require.False(t, asked, "a custodian's or manufacturer's hold needs no role lookup")
	require.True(t, types.MayLiftHold(true, isRegulator(true)))
	require.False(t, types.MayLiftHold(true, isRegulator(false)))
	require.True(t, asked)

	require.True(t, types.MayTakeOverHold(false, true), "a regulator takes over")
	require.False(t, types.MayTakeOverHold(true, true), "a regulator's hold is not taken over again")
	require.False(t, types.MayTakeOverHold(false, false), "nor by anyone else")
	require.False(t, types.MayTakeOverHold(true, false))
}
