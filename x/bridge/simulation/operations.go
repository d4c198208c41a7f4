package simulation

import (
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/x/bridge/keeper"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
)

// Register adds x/bridge's operations: every message, accepted and refused.
func Register(weights simsx.WeightSource, reg simsx.Registry, k *keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	reg.Add(weights.Get("bridge_update_params", 1), csim.Succeed(UpdateParams(true)))
	reg.Add(weights.Get("bridge_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(false)))
}
