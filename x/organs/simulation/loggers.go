package simulation

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/organs/keeper"
	"github.com/healthchain/healthd/x/organs/types"
)

// Temperature loggers: a member registers a logger's ed25519 key; the member
// packing a container (the OPO at recovery, the holder at a hand-off) may put
// one of its loggers in it; the logger's signed readings are posted, some out
// of the params' range (an excursion, which a transplant must override).
// The simulation derives each logger's key from its id, so the factory that
// posts readings can sign them.

// loggerKey is the simulated logger's key.
func loggerKey(id string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("healthd simulation logger " + id))
	return ed25519.NewKeyFromSeed(seed[:])
}

// ownLogger returns a random logger owned by member, or "" (also when keep
// says no, or at random one time in three: not every container has one).
func ownLogger(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, member string) string {
	var ids []string
	_ = k.Loggers.Walk(ctx, nil, func(id string, l types.Logger) (bool, error) {
		if l.Owner == member {
			ids = append(ids, id)
		}
		return len(ids) >= 20, nil
	})
	if len(ids) == 0 || data.Rand().IntInRange(0, 3) == 0 {
		return ""
	}
	return ids[data.Rand().IntInRange(0, len(ids))]
}

// RegisterLogger is an OPO or transplant centre (or its staff) registering a
// new logger's key for the member; with valid false an id already
// registered, which is refused.
func RegisterLogger(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgRegisterLogger] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRegisterLogger) {
		member := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_ORGAN_PROCUREMENT, ctypes.Role_ROLE_TRANSPLANT_CENTRE)
		if reporter.IsSkipped() {
			return nil, nil
		}
		actor := person(ctx, k, data, reporter, member.AddressBech32, "")
		if reporter.IsSkipped() {
			return nil, nil
		}
		id := fmt.Sprintf("SIM-LOG-%06d", data.Rand().IntInRange(0, 1_000_000))
		if !valid {
			var ids []string
			_ = k.Loggers.Walk(ctx, nil, func(id string, _ types.Logger) (bool, error) {
				ids = append(ids, id)
				return len(ids) >= 300, nil
			})
			id = csim.Pick(data, reporter, "logger", ids)
		} else if has, _ := k.Loggers.Has(ctx, id); has {
			reporter.Skip("logger id taken")
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{actor}, &types.MsgRegisterLogger{Actor: actor.AddressBech32, Logger: id, PubKey: loggerKey(id).Public().(ed25519.PublicKey)}
	}
}

func chainID(ctx context.Context) string {
	if id := sdk.UnwrapSDKContext(ctx).ChainID(); id != "" {
		return id
	}
	return simsx.SimAppChainID
}

// PostReadings is the holder (or its staff) posting one to three readings
// of the organ's current logger taken now, signed by the logger, one in
// five out of the params' temperature range; with valid false signed by
// another key, which is refused.
func PostReadings(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgPostReadings] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgPostReadings) {
		o := csim.Pick(data, reporter, "organ with a logger", openOrgans(ctx, k, func(o types.Organ) bool { return o.Logger != "" }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		ls, err := k.Attachments.Get(ctx, collections.Join3(o.DIN, o.OrganType, o.Logger))
		if err != nil || len(ls.Stays) == 0 || ls.Stays[len(ls.Stays)-1].Until != nil {
			reporter.Skip("the logger has no open stay")
			return nil, nil
		}
		params, err := k.Params.Get(ctx)
		if err != nil {
			reporter.Skipf("params: %s", err)
			return nil, nil
		}
		submitter := person(ctx, k, data, reporter, o.Holder, "")
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		n := r.IntInRange(1, min(4, int(params.MaxReadings)+1))
		stay := ls.Stays[len(ls.Stays)-1]
		t := now(ctx)
		readings := make([]types.Reading, 0, n)
		for i := range n {
			c := int32(r.IntInRange(int(params.MinCentiCelsius), int(params.MaxCentiCelsius)+1))
			if r.IntInRange(0, 5) == 0 {
				c = params.MaxCentiCelsius + int32(r.IntInRange(1, 500))
			}
			readings = append(readings, types.Reading{Seq: stay.LastSeq + uint64(i) + 1, Time: t, CentiCelsius: c})
		}
		msg := &types.MsgPostReadings{Submitter: submitter.AddressBech32, Logger: o.Logger, DIN: o.DIN, OrganType: o.OrganType, Readings: readings}
		doc, err := types.SignBytes(chainID(ctx), msg)
		if err != nil {
			reporter.Skipf("sign bytes: %s", err)
			return nil, nil
		}
		key := loggerKey(o.Logger)
		if !valid {
			key = loggerKey(o.Logger + "-forged")
		}
		msg.Signature = ed25519.Sign(key, doc)
		return []simsx.SimAccount{submitter}, msg
	}
}
