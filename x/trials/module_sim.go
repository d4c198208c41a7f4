package trials

import (
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/healthchain/healthd/x/trials/keeper"
	"github.com/healthchain/healthd/x/trials/simulation"
)

var (
	_ module.AppModuleSimulation   = AppModule{}
	_ simsx.HasWeightedOperationsX = AppModule{}
	_ module.HasInvariants         = AppModule{}
)

// GenerateGenesisState writes the module's genesis for a simulation.
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	simulation.RandomizedGenState(simState)
}

// RegisterStoreDecoder registers no decoder: collections keys and values are
// printed raw in a store diff.
func (AppModule) RegisterStoreDecoder(simtypes.StoreDecoderRegistry) {}

// WeightedOperations is empty: the operations are registered through
// WeightedOperationsX (simsx).
func (AppModule) WeightedOperations(module.SimulationState) []simtypes.WeightedOperation { return nil }

// WeightedOperationsX registers the module's message factories.
func (am AppModule) WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry) {
	simulation.Register(weights, reg, am.keeper)
}

// RegisterInvariants registers the module's invariants.
func (am AppModule) RegisterInvariants(ir sdk.InvariantRegistry) {
	keeper.RegisterInvariants(ir, am.keeper)
}
