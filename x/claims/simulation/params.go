package simulation

import (
	"context"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"

	"github.com/healthchain/healthd/x/claims/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
)

// UpdateParams sets the default params; signed by another account than the
// authority it is refused.
func UpdateParams(authority bool) simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		signer := csim.Authority(data, reporter)
		if !authority {
			signer = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(signer))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgUpdateParams{Authority: signer.AddressBech32, Params: types.DefaultParams()}
	}
}
