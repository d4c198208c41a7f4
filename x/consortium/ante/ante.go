// Package ante holds the consortium's ante decorator, which keeps staking
// permissioned at the door of the transaction.
package ante

import (
	"context"

	coreaddress "cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/healthchain/healthd/x/consortium/types"
)

// maxExecDepth bounds the nesting of authz MsgExec the decorator will unwrap.
const maxExecDepth = 5

// MembershipChecker is the part of the consortium keeper the decorator needs.
type MembershipChecker interface {
	RequireActive(ctx context.Context, addr sdk.AccAddress) error
}

// StakingGateDecorator refuses, for anyone who is not an active consortium
// member, creating a validator, delegating, redelegating, cancelling an
// unbonding (which re-delegates) and unjailing, also when the message is
// wrapped in authz MsgExec.
type StakingGateDecorator struct {
	members  MembershipChecker
	accCodec coreaddress.Codec
	valCodec coreaddress.Codec
}

// NewStakingGateDecorator returns the decorator. The codecs parse the bech32
// addresses carried in staking messages.
func NewStakingGateDecorator(members MembershipChecker, accPrefix, valPrefix string) StakingGateDecorator {
	return StakingGateDecorator{
		members:  members,
		accCodec: address.NewBech32Codec(accPrefix),
		valCodec: address.NewBech32Codec(valPrefix),
	}
}

// AnteHandle implements sdk.AnteDecorator.
func (d StakingGateDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	for _, msg := range tx.GetMsgs() {
		if err := d.check(ctx, msg, 0); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

func (d StakingGateDecorator) check(ctx sdk.Context, msg sdk.Msg, depth int) error {
	switch m := msg.(type) {
	case *stakingtypes.MsgCreateValidator:
		return d.requireOperator(ctx, m.ValidatorAddress, "create a validator")
	case *slashingtypes.MsgUnjail:
		return d.requireOperator(ctx, m.ValidatorAddr, "unjail a validator")
	case *stakingtypes.MsgDelegate:
		return d.requireAccount(ctx, m.DelegatorAddress, "delegate")
	case *stakingtypes.MsgBeginRedelegate:
		return d.requireAccount(ctx, m.DelegatorAddress, "redelegate")
	case *stakingtypes.MsgCancelUnbondingDelegation:
		return d.requireAccount(ctx, m.DelegatorAddress, "cancel an unbonding delegation")
	case *authz.MsgExec:
		if depth >= maxExecDepth {
			return errorsmod.Wrapf(types.ErrNotMember, "authz MsgExec nested deeper than %d", maxExecDepth)
		}
		inner, err := m.GetMessages()
		if err != nil {
			return err
		}
		for _, im := range inner {
			if err := d.check(ctx, im, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d StakingGateDecorator) requireOperator(ctx sdk.Context, valAddr, action string) error {
	bz, err := d.valCodec.StringToBytes(valAddr)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidAddress, "validator address %q: %s", valAddr, err)
	}
	if err := d.members.RequireActive(ctx, bz); err != nil {
		return errorsmod.Wrapf(err, "only active members may %s", action)
	}
	return nil
}

func (d StakingGateDecorator) requireAccount(ctx sdk.Context, accAddr, action string) error {
	bz, err := d.accCodec.StringToBytes(accAddr)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidAddress, "address %q: %s", accAddr, err)
	}
	if err := d.members.RequireActive(ctx, bz); err != nil {
		return errorsmod.Wrapf(err, "only active members may %s", action)
	}
	return nil
}
