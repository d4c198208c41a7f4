package keeper_test

import (
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/types"
)

// TestHooksGateValidatorsAndDelegations checks, after genesis (height > 0),
// that only active members may create a validator or open a delegation.
func (s *KeeperTestSuite) TestHooksGateValidatorsAndDelegations() {
	active := testkit.Addr("hook-active")
	suspended := testkit.Addr("hook-suspended")
	stranger := testkit.Addr("hook-stranger")
	valAddr := sdk.ValAddress(testkit.Addr("hook-validator"))

	s.admit(active, "Hook Active", types.Role_ROLE_HOSPITAL)
	s.admit(suspended, "Hook Suspended", types.Role_ROLE_HOSPITAL)
	s.suspend(suspended, "hooks test")
	s.Require().Positive(s.ctx.BlockHeight())

	var hooks stakingtypes.StakingHooks = s.keeper.Hooks()

	cases := []struct {
		name   string
		addr   sdk.AccAddress
		expErr error
	}{
		{"active member", active, nil},
		{"suspended member", suspended, types.ErrNotMember},
		{"non-member", stranger, types.ErrNotMember},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			before := s.dumpState()

			errVal := hooks.AfterValidatorCreated(s.ctx, sdk.ValAddress(tc.addr))
			errDel := hooks.BeforeDelegationCreated(s.ctx, tc.addr, valAddr)
			s.Require().Equal(before, s.dumpState(), "a hook changed state")
			if tc.expErr == nil {
				s.Require().NoError(errVal)
				s.Require().NoError(errDel)
				return
			}
			s.Require().ErrorIs(errVal, tc.expErr)
			s.Require().ErrorIs(errDel, tc.expErr)
			s.Require().Contains(errVal.Error(), s.addrStr(tc.addr))
			s.Require().Contains(errDel.Error(), s.addrStr(tc.addr))
		})
	}

	s.Run("delegating to a member's validator does not make the delegator a member", func() {
		err := hooks.BeforeDelegationCreated(s.ctx, stranger, sdk.ValAddress(active))
		s.Require().ErrorIs(err, types.ErrNotMember)
	})

	s.Run("reinstated member may create a validator again", func() {
		_, err := s.msgServer.ReinstateMember(s.ctx, &types.MsgReinstateMember{Authority: s.govAddr, Address: s.addrStr(suspended)})
		s.Require().NoError(err)
		s.Require().NoError(hooks.AfterValidatorCreated(s.ctx, sdk.ValAddress(suspended)))
		s.Require().NoError(hooks.BeforeDelegationCreated(s.ctx, suspended, valAddr))
	})
}

// TestHooksAcceptGenesisValidators: at height 0 (InitChain) validators and
// delegations written into x/staking's genesis are accepted whoever owns them;
// from height 1 on the same calls are refused.
func (s *KeeperTestSuite) TestHooksAcceptGenesisValidators() {
	suspended := testkit.Addr("genesis-suspended")
	stranger := testkit.Addr("genesis-stranger")
	s.admit(suspended, "Genesis Suspended", types.Role_ROLE_HOSPITAL)
	s.suspend(suspended, "x")
	h := s.keeper.Hooks()

	for _, addr := range []sdk.AccAddress{suspended, stranger} {
		s.ctx = s.ctx.WithBlockHeight(0)
		before := s.dumpState()
		s.Require().NoError(h.AfterValidatorCreated(s.ctx, sdk.ValAddress(addr)))
		s.Require().NoError(h.BeforeDelegationCreated(s.ctx, addr, sdk.ValAddress(addr)))
		s.Require().Equal(before, s.dumpState())

		s.ctx = s.ctx.WithBlockHeight(1)
		s.Require().ErrorIs(h.AfterValidatorCreated(s.ctx, sdk.ValAddress(addr)), types.ErrNotMember)
		s.Require().ErrorIs(h.BeforeDelegationCreated(s.ctx, addr, sdk.ValAddress(addr)), types.ErrNotMember)
	}
}

// TestHooksLetSuspendedMembersLeave: the other hooks never refuse, so a
// suspended member or a non-member can still undelegate, be slashed, be
// removed, and so on.
func (s *KeeperTestSuite) TestHooksLetSuspendedMembersLeave() {
	suspended := testkit.Addr("leave-suspended")
	stranger := testkit.Addr("leave-stranger")
	s.admit(suspended, "Leaving", types.Role_ROLE_PAYER)
	s.suspend(suspended, "leaving")
	h := s.keeper.Hooks()
	consAddr := sdk.ConsAddress(testkit.Addr("leave-cons"))

	for _, addr := range []sdk.AccAddress{suspended, stranger} {
		val := sdk.ValAddress(addr)
		before := s.dumpState()
		s.Require().NoError(h.BeforeValidatorModified(s.ctx, val))
		s.Require().NoError(h.AfterValidatorRemoved(s.ctx, consAddr, val))
		s.Require().NoError(h.AfterValidatorBonded(s.ctx, consAddr, val))
		s.Require().NoError(h.AfterValidatorBeginUnbonding(s.ctx, consAddr, val))
		s.Require().NoError(h.BeforeDelegationSharesModified(s.ctx, addr, val))
		s.Require().NoError(h.BeforeDelegationRemoved(s.ctx, addr, val))
		s.Require().NoError(h.AfterDelegationModified(s.ctx, addr, val))
		s.Require().NoError(h.BeforeValidatorSlashed(s.ctx, val, math.LegacyNewDecWithPrec(5, 2)))
		s.Require().NoError(h.AfterUnbondingInitiated(s.ctx, 7))
		s.Require().Equal(before, s.dumpState())
	}
}
