package keeper_test

import (
	"fmt"
	"strings"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/types"
)

func (s *KeeperTestSuite) TestRequireRole() {
	lab := testkit.Addr("rr-lab")
	multi := testkit.Addr("rr-multi")
	suspended := testkit.Addr("rr-suspended")
	stranger := testkit.Addr("rr-stranger")

	cases := []struct {
		name     string
		addr     func() []byte
		roles    []types.Role
		expErr   error
		expInMsg []string // substrings of the error message
		notInMsg []string
	}{
		{"active member with the role", func() []byte { return lab }, []types.Role{types.Role_ROLE_LABORATORY}, nil, nil, nil},
		{"active member with one of several roles", func() []byte { return lab },
			[]types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_PHARMACY, types.Role_ROLE_LABORATORY}, nil, nil, nil},
		{"member with several roles, asked for its last one", func() []byte { return multi },
			[]types.Role{types.Role_ROLE_TRANSPLANT_CENTRE}, nil, nil, nil},
		{"member lacking the role", func() []byte { return lab }, []types.Role{types.Role_ROLE_PHARMACY},
			types.ErrMissingRole, []string{"pharmacy"}, nil},
		{"member lacking every one of several roles", func() []byte { return lab },
			[]types.Role{types.Role_ROLE_RESEARCH_SPONSOR, types.Role_ROLE_PAYER, types.Role_ROLE_TRANSPLANT_CENTRE},
			types.ErrMissingRole, []string{"research-sponsor", "payer", "transplant-centre"}, []string{"laboratory"}},
		{"multi-role member lacking the role", func() []byte { return multi }, []types.Role{types.Role_ROLE_REGULATOR},
			types.ErrMissingRole, []string{"regulator"}, []string{"hospital", "transplant-centre"}},
		{"non-member", func() []byte { return stranger }, []types.Role{types.Role_ROLE_LABORATORY},
			types.ErrNotMember, []string{"not a consortium member"}, nil},
		{"suspended member holding the role", func() []byte { return suspended }, []types.Role{types.Role_ROLE_PAYER},
			types.ErrNotMember, []string{"suspended"}, nil},
		{"suspended member lacking the role", func() []byte { return suspended }, []types.Role{types.Role_ROLE_HOSPITAL},
			types.ErrNotMember, nil, nil},
		{"no role asked", func() []byte { return lab }, nil, types.ErrInvalidRole, nil, nil},
	}

	s.admit(lab, "RR Lab", types.Role_ROLE_LABORATORY)
	s.admit(multi, "RR Multi", types.Role_ROLE_TRANSPLANT_CENTRE, types.Role_ROLE_HOSPITAL, types.Role_ROLE_ORGAN_PROCUREMENT)
	s.admit(suspended, "RR Suspended", types.Role_ROLE_PAYER)
	s.suspend(suspended, "unpaid dues")

	for _, tc := range cases {
		s.Run(tc.name, func() {
			before := s.dumpState()
			err := s.keeper.RequireRole(s.ctx, tc.addr(), tc.roles...)
			s.Require().Equal(before, s.dumpState(), "RequireRole changed state")
			if tc.expErr == nil {
				s.Require().NoError(err)
				return
			}
			s.Require().ErrorIs(err, tc.expErr)
			for _, want := range tc.expInMsg {
				s.Require().Contains(err.Error(), want)
			}
			for _, unwanted := range tc.notInMsg {
				s.Require().NotContains(err.Error(), unwanted)
			}
			if tc.expErr == types.ErrMissingRole || tc.expErr == types.ErrNotMember {
				s.Require().Contains(err.Error(), s.addrStr(tc.addr()), "the error names the account")
			}
		})
	}
}

// TestRequireRoleEveryRole admits one member per role and checks that each
// holds its own role and none of the others.
func (s *KeeperTestSuite) TestRequireRoleEveryRole() {
	for _, r := range allRoles {
		s.admit(testkit.Addr("every-"+r.String()), "Member "+r.ShortName(), r)
	}
	for _, held := range allRoles {
		addr := testkit.Addr("every-" + held.String())
		for _, asked := range allRoles {
			err := s.keeper.RequireRole(s.ctx, addr, asked)
			if asked == held {
				s.Require().NoError(err)
			} else {
				s.Require().ErrorIs(err, types.ErrMissingRole)
				s.Require().True(strings.HasSuffix(err.Error(), asked.ShortName()+": member lacks required role"), err.Error())
			}
		}
	}
}

func (s *KeeperTestSuite) TestGetMemberAndRequireActive() {
	addr := testkit.Addr("active")
	_, err := s.keeper.GetMember(s.ctx, addr)
	s.Require().ErrorIs(err, types.ErrMemberNotFound)
	s.Require().ErrorIs(s.keeper.RequireActive(s.ctx, addr), types.ErrNotMember)

	s.admit(addr, "Active Org", types.Role_ROLE_PAYER)
	s.Require().NoError(s.keeper.RequireActive(s.ctx, addr))
	s.suspend(addr, "x")
	s.Require().ErrorIs(s.keeper.RequireActive(s.ctx, addr), types.ErrNotMember)
	m, err := s.keeper.GetMember(s.ctx, addr)
	s.Require().NoError(err)
	s.Require().Equal(types.MemberStatus_MEMBER_STATUS_SUSPENDED, m.Status)
}

// requireRoleGas returns the gas RequireRole consumes for addr.
func (s *KeeperTestSuite) requireRoleGas(addr []byte, role types.Role) (storetypes.Gas, error) {
	ctx := s.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	err := s.keeper.RequireRole(ctx, addr, role)
	return ctx.GasMeter().GasConsumed(), err
}

// TestRequireRoleCostIndependentOfMemberCount: the store gas of a role check
// (flat cost per read plus bytes read) is the same with 10 and with 2,000
// members, so the check is a point lookup, not a scan.
func (s *KeeperTestSuite) TestRequireRoleCostIndependentOfMemberCount() {
	target := testkit.Addr("gas-target")
	s.admit(target, "Gas Target", types.Role_ROLE_LABORATORY)
	populate := func(from, to int) {
		for i := from; i < to; i++ {
			s.admit(testkit.Addr(fmt.Sprintf("gas-%d", i)), fmt.Sprintf("Gas %d", i), allRoles[i%len(allRoles)])
		}
	}
	populate(0, 9)

	hitSmall, err := s.requireRoleGas(target, types.Role_ROLE_LABORATORY)
	s.Require().NoError(err)
	missSmall, err := s.requireRoleGas(target, types.Role_ROLE_PAYER)
	s.Require().ErrorIs(err, types.ErrMissingRole)
	s.Require().Positive(hitSmall)

	populate(9, 2000)
	hitLarge, err := s.requireRoleGas(target, types.Role_ROLE_LABORATORY)
	s.Require().NoError(err)
	missLarge, err := s.requireRoleGas(target, types.Role_ROLE_PAYER)
	s.Require().ErrorIs(err, types.ErrMissingRole)

	s.Require().Equal(hitSmall, hitLarge, "RequireRole cost grew with the number of members")
	s.Require().Equal(missSmall, missLarge, "RequireRole cost grew with the number of members")
}
