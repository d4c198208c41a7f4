package keeper_test

import (
	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/organs/keeper"
	"github.com/healthchain/healthd/x/organs/types"
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

// TestCustodyInvariant: an organ carried OPO → courier → centre keeps one
// custodian; a holder its hand-offs do not lead to, a pending recipient
// that is not the last hand-off's, or an acceptance of a candidate not
// accepted breaks the invariant.
func (s *KeeperTestSuite) TestCustodyInvariant() {
	s.atCentre(dinA, kidneyL)
	msg, broken := s.invariant("custody-chain-offers")
	s.Require().False(broken, msg)
	key := collections.Join(dinA, kidneyL)
	good, err := s.k.Organs.Get(s.ctx, key)
	s.Require().NoError(err)
	for name, tamper := range map[string]func(o *types.Organ){
		"holder":     func(o *types.Organ) { o.Holder = s.courier },
		"pending":    func(o *types.Organ) { o.PendingTo = s.centre2 },
		"acceptance": func(o *types.Organ) { o.AcceptedRank = 2; o.Candidates = 2 },
	} {
		o := good
		tamper(&o)
		s.Require().NoError(s.k.Organs.Set(s.ctx, key, o))
		_, broken := s.invariant("custody-chain-offers")
		s.Require().True(broken, name)
		s.Require().NoError(s.k.Organs.Set(s.ctx, key, good))
	}
	_, broken = s.invariant("custody-chain-offers")
	s.Require().False(broken)
}
