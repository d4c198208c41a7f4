// Package simulation holds x/claims's message factories and randomized genesis
// for the SDK's random-message simulation.
package simulation

import (
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/healthchain/healthd/x/claims/types"
)

// RandomizedGenState starts the module empty, with its default params: the
// simulation's operations build its state from the consortium's members.
func RandomizedGenState(simState *module.SimulationState) {
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(types.DefaultGenesisState())
}
