package keeper_test

import (
	"strings"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/trials/types"
)

// registerAs registers the fixture trial under registryID for sponsor, with
// irb as its ethics committee.
func (s *KeeperTestSuite) registerAs(sponsor, irb sdk.AccAddress, registryID string) uint64 {
	s.T().Helper()
	msg := s.registerMsg()
	msg.Sponsor, msg.EthicsCommittee, msg.RegistryID = s.str(sponsor), s.str(irb), registryID
	res, err := s.ms.RegisterTrial(s.ctx, msg)
	s.Require().NoError(err)
	return res.ID
}

func (s *KeeperTestSuite) approveMsg(irb sdk.AccAddress, trial uint64, v uint32) *types.MsgApproveVersion {
	return &types.MsgApproveVersion{EthicsCommittee: s.str(irb), TrialID: trial, Version: v}
}

// holder is the trial holding registryID, or 0.
func (s *KeeperTestSuite) holder(registryID string) uint64 {
	s.T().Helper()
	res, err := s.qs.TrialByRegistryID(s.ctx, &types.QueryTrialByRegistryIDRequest{RegistryId: registryID})
	if status.Code(err) == codes.NotFound {
		return 0
	}
	s.Require().NoError(err)
	return res.Trial.ID
}

func (s *KeeperTestSuite) releaseMsg(authority string, trial uint64) *types.MsgReleaseRegistryID {
	return &types.MsgReleaseRegistryID{Authority: authority, TrialID: trial,
		Reason: "ClinicalTrials.gov lists NCT04368728 under another sponsor"}
}

// TestSquatterBlocksNoOne: a sponsor who registers another sponsor's NCT
// number first takes nothing. The real sponsor registers under it too; the
// real trial's ethics committee approves version 1 and the real trial holds
// the id; the squatter's approval is then refused with nothing changed.
func (s *KeeperTestSuite) TestSquatterBlocksNoOne() {
	squatter := s.registerAs(s.sponsor2, s.irb2, nct)
	real := s.registerAs(s.sponsor, s.irb, "nct04368728") // the same id, in another case
	s.Require().NotEqual(squatter, real)
	s.Require().Zero(s.holder(nct), "registering holds nothing")
	for _, id := range []uint64{squatter, real} {
		s.Require().Equal(types.RegistryClaim_REGISTRY_CLAIM_UNSPECIFIED, s.trial(id).RegistryClaim)
	}

	s.fresh()
	_, err := s.ms.ApproveVersion(s.ctx, s.approveMsg(s.irb, real, 1))
	s.Require().NoError(err)
	s.Require().Equal(real, s.holder(nct))
	s.Require().Equal(types.RegistryClaim_REGISTRY_CLAIM_HELD, s.trial(real).RegistryClaim)
	claimed := testkit.Events[*types.EventRegistryIDClaimed](s.ctx)
	s.Require().Len(claimed, 1)
	s.Require().Equal(types.EventRegistryIDClaimed{TrialID: real, RegistryID: nct}, *claimed[0])

	err = s.refuse(types.ErrDuplicateRegistryID, func(ctx sdk.Context) error {
		_, err := s.ms.ApproveVersion(ctx, s.approveMsg(s.irb2, squatter, 1))
		return err
	})
	s.Require().ErrorContains(err, "held by trial")
	t := s.trial(squatter)
	s.Require().Equal(types.TrialStatus_TRIAL_STATUS_REGISTERED, t.Status)
	s.Require().Equal(types.RegistryClaim_REGISTRY_CLAIM_UNSPECIFIED, t.RegistryClaim)
	s.Require().Equal(real, s.holder(nct))

	// A later registration under the id is still allowed, and still holds nothing.
	late := s.registerAs(s.sponsor2, s.irb2, nct)
	s.Require().Equal(real, s.holder(nct))
	s.Require().Equal(types.RegistryClaim_REGISTRY_CLAIM_UNSPECIFIED, s.trial(late).RegistryClaim)
}

// TestFirstApprovalClaims: the first version approved claims the id, even
// when version 1 was rejected and an amendment approved; later approvals
// claim nothing more.
func (s *KeeperTestSuite) TestFirstApprovalClaims() {
	id := s.register()
	_, err := s.ms.RejectVersion(s.ctx, &types.MsgRejectVersion{EthicsCommittee: s.str(s.irb), TrialID: id, Version: 1})
	s.Require().NoError(err)
	s.Require().Zero(s.holder(nct), "a rejection claims nothing")
	v2 := s.amend(id, false)
	s.approve(id, v2)
	s.Require().Equal(id, s.holder(nct))
	s.fresh()
	s.approve(id, s.amend(id, false))
	s.Require().Empty(testkit.Events[*types.EventRegistryIDClaimed](s.ctx), "an amendment claims nothing")
	s.Require().Equal(id, s.holder(nct))
}

// TestReleaseRegistryID: a squatter whose ethics committee approved first
// holds the id; only the chain authority releases it, with a reason; the
// real trial's ethics committee then approves and the real trial holds it.
// The released trial keeps its record and never holds the id again.
func (s *KeeperTestSuite) TestReleaseRegistryID() {
	squatter := s.registerAs(s.sponsor2, s.irb2, nct)
	_, err := s.ms.ApproveVersion(s.ctx, s.approveMsg(s.irb2, squatter, 1))
	s.Require().NoError(err)
	real := s.registerAs(s.sponsor, s.irb, nct)
	s.refuse(types.ErrDuplicateRegistryID, func(ctx sdk.Context) error {
		_, err := s.ms.ApproveVersion(ctx, s.approveMsg(s.irb, real, 1))
		return err
	})

	// Every wrong actor, and every wrong target, is refused with nothing changed.
	for _, who := range []sdk.AccAddress{s.sponsor, s.sponsor2, s.irb, s.irb2, s.site, s.regulator, s.subject, s.stranger} {
		s.Run("signer "+s.str(who), func() {
			s.refuse(sdkerrors.ErrUnauthorized, func(ctx sdk.Context) error {
				_, err := s.ms.ReleaseRegistryID(ctx, s.releaseMsg(s.str(who), squatter))
				return err
			})
		})
	}
	cases := []struct {
		name     string
		malleate func(*types.MsgReleaseRegistryID)
		want     error
	}{
		{"trial that holds nothing", func(m *types.MsgReleaseRegistryID) { m.TrialID = real }, types.ErrRegistryIDNotHeld},
		{"unknown trial", func(m *types.MsgReleaseRegistryID) { m.TrialID = 99 }, types.ErrTrialNotFound},
		{"trial 0", func(m *types.MsgReleaseRegistryID) { m.TrialID = 0 }, types.ErrTrialNotFound},
		{"no reason", func(m *types.MsgReleaseRegistryID) { m.Reason = "" }, types.ErrInvalidReason},
		{"reason too long", func(m *types.MsgReleaseRegistryID) { m.Reason = strings.Repeat("a", types.MaxReleaseReasonLength+1) }, types.ErrInvalidReason},
		{"authority not an address", func(m *types.MsgReleaseRegistryID) { m.Authority = "gov" }, types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := s.releaseMsg(testkit.Gov, squatter)
			tc.malleate(msg)
			s.refuse(tc.want, func(ctx sdk.Context) error {
				_, err := s.ms.ReleaseRegistryID(ctx, msg)
				return err
			})
		})
	}

	s.fresh()
	_, err = s.ms.ReleaseRegistryID(s.ctx, s.releaseMsg(testkit.Gov, squatter))
	s.Require().NoError(err)
	t := s.trial(squatter)
	s.Require().Equal(types.RegistryClaim_REGISTRY_CLAIM_RELEASED, t.RegistryClaim)
	s.Require().NotNil(t.RegistryReleasedAt)
	s.Require().Equal(s.ctx.BlockTime(), *t.RegistryReleasedAt)
	s.Require().Equal(s.releaseMsg("", 0).Reason, t.RegistryReleaseReason)
	s.Require().Equal(types.TrialStatus_TRIAL_STATUS_RECRUITING, t.Status, "the trial's record stays")
	s.Require().Zero(s.holder(nct))
	released := testkit.Events[*types.EventRegistryIDReleased](s.ctx)
	s.Require().Len(released, 1)
	s.Require().Equal(types.EventRegistryIDReleased{TrialID: squatter, RegistryID: nct, Reason: t.RegistryReleaseReason}, *released[0])

	// Released twice: refused.
	s.refuse(types.ErrRegistryIDNotHeld, func(ctx sdk.Context) error {
		_, err := s.ms.ReleaseRegistryID(ctx, s.releaseMsg(testkit.Gov, squatter))
		return err
	})
	// The real trial's ethics committee approves now, and the real trial holds the id.
	_, err = s.ms.ApproveVersion(s.ctx, s.approveMsg(s.irb, real, 1))
	s.Require().NoError(err)
	s.Require().Equal(real, s.holder(nct))
	// The released trial's later approvals claim nothing back.
	v, err := s.ms.AmendProtocol(s.ctx, &types.MsgAmendProtocol{Sponsor: s.str(s.sponsor2), TrialID: squatter,
		Commitment: commitment("amendment"), CID: cid("amendment")})
	s.Require().NoError(err)
	_, err = s.ms.ApproveVersion(s.ctx, s.approveMsg(s.irb2, squatter, v.Version))
	s.Require().NoError(err)
	s.Require().Equal(real, s.holder(nct))
	s.Require().Equal(types.RegistryClaim_REGISTRY_CLAIM_RELEASED, s.trial(squatter).RegistryClaim)
}
