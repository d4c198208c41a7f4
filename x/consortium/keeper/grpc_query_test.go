package keeper_test

import (
	"bytes"
	"fmt"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/types"
)

func (s *KeeperTestSuite) requireCode(err error, want codes.Code) {
	s.T().Helper()
	s.Require().Error(err)
	st, ok := status.FromError(err)
	s.Require().True(ok, "not a gRPC status error: %v", err)
	s.Require().Equal(want, st.Code(), err.Error())
}

func (s *KeeperTestSuite) TestQueryMember() {
	addr := testkit.Addr("q-member")
	s.admit(addr, "Query Member", types.Role_ROLE_PHARMACY, types.Role_ROLE_HOSPITAL)
	want, err := s.keeper.GetMember(s.ctx, addr)
	s.Require().NoError(err)

	res, err := s.queryServer.Member(s.ctx, &types.QueryMemberRequest{Address: s.addrStr(addr)})
	s.Require().NoError(err)
	s.Require().Equal(want, res.Member)
	s.Require().Equal([]types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_PHARMACY}, res.Member.Roles)

	// Suspended members are still returned, with their status.
	s.suspend(addr, "review")
	res, err = s.queryServer.Member(s.ctx, &types.QueryMemberRequest{Address: s.addrStr(addr)})
	s.Require().NoError(err)
	s.Require().Equal(types.MemberStatus_MEMBER_STATUS_SUSPENDED, res.Member.Status)
	s.Require().Equal("review", res.Member.SuspensionReason)

	cases := []struct {
		name string
		req  *types.QueryMemberRequest
		code codes.Code
	}{
		{"not found", &types.QueryMemberRequest{Address: s.addrStr(testkit.Addr("q-nobody"))}, codes.NotFound},
		{"nil request", nil, codes.InvalidArgument},
		{"empty address", &types.QueryMemberRequest{}, codes.InvalidArgument},
		{"malformed address", &types.QueryMemberRequest{Address: "health1bogus"}, codes.InvalidArgument},
		{"address of another chain", &types.QueryMemberRequest{Address: testkit.OtherPrefix(addr)}, codes.InvalidArgument},
		{"validator operator address", &types.QueryMemberRequest{Address: sdk.ValAddress(addr).String()}, codes.InvalidArgument},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			res, err := s.queryServer.Member(s.ctx, tc.req)
			s.Require().Nil(res)
			s.requireCode(err, tc.code)
		})
	}
}

// admitFive admits five members and returns them sorted by address bytes (the
// order of the store).
func (s *KeeperTestSuite) admitFive() []sdk.AccAddress {
	roles := [][]types.Role{
		{types.Role_ROLE_LABORATORY},
		{types.Role_ROLE_LABORATORY, types.Role_ROLE_RESEARCH_SPONSOR},
		{types.Role_ROLE_HOSPITAL},
		{types.Role_ROLE_RESEARCH_SPONSOR},
		{types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY},
	}
	addrs := make([]sdk.AccAddress, 0, len(roles))
	for i, r := range roles {
		a := testkit.Addr(fmt.Sprintf("five-%d", i))
		s.admit(a, fmt.Sprintf("Member %d", i), r...)
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, func(a, b sdk.AccAddress) int { return bytes.Compare(a, b) })
	return addrs
}

func (s *KeeperTestSuite) TestQueryMembersPagination() {
	addrs := s.admitFive()
	all := make([]string, len(addrs))
	for i, a := range addrs {
		all[i] = s.addrStr(a)
	}
	addresses := func(ms []types.Member) []string {
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = m.Address
		}
		return out
	}

	// Without pagination every member comes back, ordered by address.
	res, err := s.queryServer.Members(s.ctx, &types.QueryMembersRequest{})
	s.Require().NoError(err)
	s.Require().Equal(all, addresses(res.Members))
	res, err = s.queryServer.Members(s.ctx, nil)
	s.Require().NoError(err)
	s.Require().Len(res.Members, 5)

	// limit 2 with count_total, then follow next_key.
	res, err = s.queryServer.Members(s.ctx, &types.QueryMembersRequest{Pagination: &query.PageRequest{Limit: 2, CountTotal: true}})
	s.Require().NoError(err)
	s.Require().Equal(all[:2], addresses(res.Members))
	s.Require().NotEmpty(res.Pagination.NextKey)
	s.Require().EqualValues(5, res.Pagination.Total)

	var got []string
	got = append(got, addresses(res.Members)...)
	next := res.Pagination.NextKey
	pages := 1
	for next != nil {
		res, err = s.queryServer.Members(s.ctx, &types.QueryMembersRequest{Pagination: &query.PageRequest{Key: next, Limit: 2}})
		s.Require().NoError(err)
		s.Require().LessOrEqual(len(res.Members), 2)
		got = append(got, addresses(res.Members)...)
		next = res.Pagination.NextKey
		pages++
		s.Require().LessOrEqual(pages, 3, "pagination does not terminate")
	}
	s.Require().Equal(3, pages)
	s.Require().Equal(all, got)

	// Offset pagination.
	res, err = s.queryServer.Members(s.ctx, &types.QueryMembersRequest{Pagination: &query.PageRequest{Offset: 4, Limit: 2, CountTotal: true}})
	s.Require().NoError(err)
	s.Require().Equal(all[4:], addresses(res.Members))
	s.Require().Empty(res.Pagination.NextKey)
	s.Require().EqualValues(5, res.Pagination.Total)

	// Reverse.
	res, err = s.queryServer.Members(s.ctx, &types.QueryMembersRequest{Pagination: &query.PageRequest{Limit: 1, Reverse: true}})
	s.Require().NoError(err)
	s.Require().Equal(all[4:], addresses(res.Members))

	// Key and offset together are refused.
	_, err = s.queryServer.Members(s.ctx, &types.QueryMembersRequest{Pagination: &query.PageRequest{Key: []byte{1}, Offset: 1}})
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryMembersByRole() {
	addrs := s.admitFive()
	// Suspended members still hold their roles and are listed.
	suspended := testkit.Addr("five-0")
	s.suspend(suspended, "suspended but still listed")

	holders := func(r types.Role) []string {
		var out []string
		for _, a := range addrs {
			m, err := s.keeper.GetMember(s.ctx, a)
			s.Require().NoError(err)
			if m.HasRole(r) {
				out = append(out, m.Address)
			}
		}
		return out
	}
	addresses := func(ms []types.Member) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Address)
		}
		return out
	}
	s.Require().Len(holders(types.Role_ROLE_LABORATORY), 3)
	s.Require().Len(holders(types.Role_ROLE_RESEARCH_SPONSOR), 2)
	s.Require().Contains(holders(types.Role_ROLE_LABORATORY), s.addrStr(suspended))

	cases := []struct {
		role string
		want types.Role
	}{
		{"laboratory", types.Role_ROLE_LABORATORY},
		{"ROLE_LABORATORY", types.Role_ROLE_LABORATORY},
		{"role_laboratory", types.Role_ROLE_LABORATORY},
		{" Laboratory ", types.Role_ROLE_LABORATORY},
		{"research-sponsor", types.Role_ROLE_RESEARCH_SPONSOR},
		{"research_sponsor", types.Role_ROLE_RESEARCH_SPONSOR},
		{"ROLE_RESEARCH_SPONSOR", types.Role_ROLE_RESEARCH_SPONSOR},
		{"hospital", types.Role_ROLE_HOSPITAL},
		{"payer", types.Role_ROLE_PAYER}, // no holder
		{"transplant-centre", types.Role_ROLE_TRANSPLANT_CENTRE},
	}
	for _, tc := range cases {
		s.Run(tc.role, func() {
			res, err := s.queryServer.MembersByRole(s.ctx, &types.QueryMembersByRoleRequest{Role: tc.role})
			s.Require().NoError(err)
			s.Require().Equal(holders(tc.want), addresses(res.Members))
			for _, m := range res.Members {
				s.Require().True(m.HasRole(tc.want))
				full, err := s.keeper.GetMember(s.ctx, sdk.MustAccAddressFromBech32(m.Address))
				s.Require().NoError(err)
				s.Require().Equal(full, m, "MembersByRole returns the full record")
			}
		})
	}

	for _, bad := range []string{"", "surgeon", "unspecified", "ROLE_UNSPECIFIED", "2", "laboratory,hospital", "ROLE_"} {
		s.Run("invalid "+bad, func() {
			res, err := s.queryServer.MembersByRole(s.ctx, &types.QueryMembersByRoleRequest{Role: bad})
			s.Require().Nil(res)
			s.requireCode(err, codes.InvalidArgument)
		})
	}
	_, err := s.queryServer.MembersByRole(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)

	s.Run("pagination", func() {
		labs := holders(types.Role_ROLE_LABORATORY)
		res, err := s.queryServer.MembersByRole(s.ctx, &types.QueryMembersByRoleRequest{
			Role: "laboratory", Pagination: &query.PageRequest{Limit: 2, CountTotal: true},
		})
		s.Require().NoError(err)
		s.Require().Equal(labs[:2], addresses(res.Members))
		s.Require().NotEmpty(res.Pagination.NextKey)
		s.Require().EqualValues(3, res.Pagination.Total, "total counts the role's holders only")

		res, err = s.queryServer.MembersByRole(s.ctx, &types.QueryMembersByRoleRequest{
			Role: "laboratory", Pagination: &query.PageRequest{Key: res.Pagination.NextKey, Limit: 2},
		})
		s.Require().NoError(err)
		s.Require().Equal(labs[2:], addresses(res.Members))
		s.Require().Empty(res.Pagination.NextKey)
	})
}

// TestMembersByRoleCostIndependentOfOtherRoles: listing a role reads only that
// role's index entries, however many members hold other roles.
func (s *KeeperTestSuite) TestMembersByRoleCostIndependentOfOtherRoles() {
	for i := range 3 {
		s.admit(testkit.Addr(fmt.Sprintf("reg-%d", i)), fmt.Sprintf("Regulator %d", i), types.Role_ROLE_REGULATOR)
	}
	gas := func() storetypes.Gas {
		ctx := s.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
		res, err := s.queryServer.MembersByRole(ctx, &types.QueryMembersByRoleRequest{Role: "regulator"})
		s.Require().NoError(err)
		s.Require().Len(res.Members, 3)
		return ctx.GasMeter().GasConsumed()
	}
	small := gas()
	for i := range 500 {
		r := allRoles[i%len(allRoles)]
		if r == types.Role_ROLE_REGULATOR {
			r = types.Role_ROLE_PAYER
		}
		s.admit(testkit.Addr(fmt.Sprintf("other-%d", i)), fmt.Sprintf("Other %d", i), r)
	}
	s.Require().Equal(small, gas(), "MembersByRole read other roles' entries")
}
