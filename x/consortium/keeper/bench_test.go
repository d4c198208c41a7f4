package keeper_test

import (
	"fmt"
	"testing"

	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/keeper"
	cstestutil "github.com/healthchain/healthd/x/consortium/testutil"
	"github.com/healthchain/healthd/x/consortium/types"
)

var benchSizes = []int{100, 10_000, 100_000}

// benchEnv returns a context and keeper over an IAVL store holding n members,
// committed, so that reads go through the committed tree as on a live chain.
// Member i holds role allRoles[i%len(allRoles)]; the returned address is member n/2.
func benchEnv(b *testing.B, n int) (sdk.Context, keeper.Keeper, sdk.AccAddress, types.Role) {
	b.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tc := testkit.NewContext(b, key)
	ctx := tc.Ctx.WithBlockHeight(1)
	ac := testkit.AddressCodec
	k := keeper.NewKeeper(testkit.Codec(types.RegisterInterfaces), runtime.NewKVStoreService(key), ac, testkit.Gov, nil)

	gs := &types.GenesisState{Members: make([]types.Member, n)}
	for i := range n {
		addr, err := ac.BytesToString(testkit.Addr(fmt.Sprintf("bench-%d", i)))
		require.NoError(b, err)
		gs.Members[i] = types.Member{
			Address: addr, Name: fmt.Sprintf("Bench Member %d", i),
			Roles: []types.Role{allRoles[i%len(allRoles)]}, NPI: cstestutil.NPI(testkit.Addr(fmt.Sprintf("bench-%d", i))),
			Status: types.MemberStatus_MEMBER_STATUS_ACTIVE,
		}
	}
	require.NoError(b, k.InitGenesis(ctx, gs))
	tc.CMS.Commit()

	target := testkit.Addr(fmt.Sprintf("bench-%d", n/2))
	role := allRoles[(n/2)%len(allRoles)]
	require.NoError(b, k.RequireRole(ctx, target, role))
	return ctx, k, target, role
}

// BenchmarkRequireRole measures a role check against stores of growing size.
// The check is a point lookup of one key, so ns/op and gas/op should stay in
// the same range from 100 to 100,000 members (the IAVL tree depth only grows
// logarithmically).
func BenchmarkRequireRole(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			ctx, k, target, role := benchEnv(b, n)
			// Store gas is deterministic whatever the machine's load: report it too.
			gctx := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			require.NoError(b, k.RequireRole(gctx, target, role))
			b.ReportAllocs()
			for b.Loop() {
				if err := k.RequireRole(ctx, target, role); err != nil {
					b.Fatal(err)
				}
			}
			// After the loop: b.Loop resets user metrics when it starts.
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}

// BenchmarkMembersByRole lists the first page (10) of one role's members.
func BenchmarkMembersByRole(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			ctx, k, _, role := benchEnv(b, n)
			qs := keeper.NewQueryServerImpl(k)
			req := &types.QueryMembersByRoleRequest{Role: role.ShortName(), Pagination: &query.PageRequest{Limit: 10}}
			gctx := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			_, err := qs.MembersByRole(gctx, req)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				res, err := qs.MembersByRole(ctx, req)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Members) != 10 {
					b.Fatalf("got %d members, want 10", len(res.Members))
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}
