package simulation

import (
	"context"
	"time"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"

	"github.com/healthchain/healthd/x/bridge/keeper"
	"github.com/healthchain/healthd/x/bridge/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
)

// UpdateParams sets the chain's bridge role (none or hospital) and a packet
// timeout of one to sixty minutes, keeping the trusted counterparties;
// signed by another account than the authority it is refused. The pharma
// role is not set: on a pharma chain x/drugtrace dispenses prescription-only
// products only against prescriptions received over IBC, which a one-chain
// simulation never receives, so x/drugtrace's dispensing factories would be
// refused.
func UpdateParams(k *keeper.Keeper, authority bool) simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		signer := csim.Authority(data, reporter)
		if !authority {
			signer = data.AnyAccountN(10, reporter, simsx.ExcludeAccounts(signer))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		p, err := k.Params.Get(ctx)
		if err != nil {
			p = types.DefaultParams()
		}
		r := data.Rand()
		p.Role = types.ChainRole_CHAIN_ROLE_UNSPECIFIED
		if r.Bool() {
			p.Role = types.ChainRole_CHAIN_ROLE_HOSPITAL
		}
		p.PacketTimeout = time.Duration(r.IntInRange(1, 61)) * time.Minute
		return []simsx.SimAccount{signer}, &types.MsgUpdateParams{Authority: signer.AddressBech32, Params: p}
	}
}
