package simulation

import (
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	csim "github.com/healthchain/healthd/x/consortium/simulation"
	"github.com/healthchain/healthd/x/organs/keeper"
)

// Register adds x/organs's operations: every message, accepted and refused.
func Register(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	reg.Add(weights.Get("organs_update_params", 1), csim.Succeed(UpdateParams(true)))
	reg.Add(weights.Get("organs_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(false)))
}
