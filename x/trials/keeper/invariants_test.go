package keeper_test

import (
	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/trials/keeper"
)

type routes map[string]sdk.Invariant

func (r routes) RegisterRoute(_, route string, inv sdk.Invariant) { r[route] = inv }

func (s *KeeperTestSuite) invariant(route string) (string, bool) {
	s.T().Helper()
	r := routes{}
	keeper.RegisterInvariants(r, s.k)
	inv, ok := r[route]
	s.Require().True(ok, "route %s registered", route)
	return inv(s.ctx)
}

// TestSubjectsInvariant: after an enrolment and an SAE, the counts and the
// open-SAE queue agree; a trial's enrolled count off by one, a per-site
// count gone, or an open clock missing from the queue breaks it.
func (s *KeeperTestSuite) TestSubjectsInvariant() {
	id, _ := s.enrolled()
	res, err := s.ms.ReportSAE(s.ctx, s.saeMsg(id, true, true))
	s.Require().NoError(err)
	msg, broken := s.invariant("enrolment-counts-sae-queue")
	s.Require().False(broken, msg)

	t := s.trial(id)
	t.Enrolled++
	s.Require().NoError(s.k.Trials.Set(s.ctx, id, t))
	_, broken = s.invariant("enrolment-counts-sae-queue")
	s.Require().True(broken, "enrolled count")
	t.Enrolled--
	s.Require().NoError(s.k.Trials.Set(s.ctx, id, t))

	countKey := collections.Join3(id, s.site, uint32(1))
	n, err := s.k.EnrolmentCounts.Get(s.ctx, countKey)
	s.Require().NoError(err)
	s.Require().NoError(s.k.EnrolmentCounts.Remove(s.ctx, countKey))
	_, broken = s.invariant("enrolment-counts-sae-queue")
	s.Require().True(broken, "per-site count")
	s.Require().NoError(s.k.EnrolmentCounts.Set(s.ctx, countKey, n))

	s.Require().NoError(s.k.OpenSAEs.Remove(s.ctx, collections.Join(res.DueAt, res.ID)))
	_, broken = s.invariant("enrolment-counts-sae-queue")
	s.Require().True(broken, "open-SAE queue")
	s.Require().NoError(s.k.OpenSAEs.Set(s.ctx, collections.Join(res.DueAt, res.ID)))
	msg, broken = s.invariant("enrolment-counts-sae-queue")
	s.Require().False(broken, msg)
}
