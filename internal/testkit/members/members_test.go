package members_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	"github.com/healthchain/healthd/x/consortium/types"
)

func TestConsortium(t *testing.T) {
	key := members.NewKey()
	ctx := testkit.NewContext(t, key).Ctx
	cons := members.New(t, testkit.Codec(types.RegisterInterfaces), key, func() sdk.Context { return ctx })
	k := cons.Keeper
	manufacturer, hospital, stranger := testkit.Addr("manufacturer"), testkit.Addr("hospital"), testkit.Addr("stranger")

	cons.Admit(manufacturer, types.Role_ROLE_MANUFACTURER)
	cons.Admit(hospital, types.Role_ROLE_HOSPITAL, types.Role_ROLE_PHARMACY)
	require.NoError(t, k.RequireRole(ctx, manufacturer, types.Role_ROLE_MANUFACTURER))
	require.NoError(t, k.RequireRole(ctx, hospital, types.Role_ROLE_PHARMACY))
	require.ErrorIs(t, k.RequireRole(ctx, hospital, types.Role_ROLE_MANUFACTURER), types.ErrMissingRole)
	require.ErrorIs(t, k.RequireRole(ctx, stranger, types.Role_ROLE_HOSPITAL), types.ErrNotMember)

	cons.SetCompanyPrefixes(manufacturer, "9506000")
	m, err := k.GetMember(ctx, manufacturer)
	require.NoError(t, err)
	require.Equal(t, []string{"9506000"}, m.GS1CompanyPrefixes)
	require.NotEmpty(t, m.NPI, "identifiers kept")

	cons.SetRoles(manufacturer, types.Role_ROLE_DISTRIBUTOR)
	require.ErrorIs(t, k.RequireRole(ctx, manufacturer, types.Role_ROLE_MANUFACTURER), types.ErrMissingRole)

	cons.Suspend(hospital)
	require.ErrorIs(t, k.RequireRole(ctx, hospital, types.Role_ROLE_HOSPITAL), types.ErrNotMember)
	ctx = ctx.WithBlockTime(testkit.BlockTime.Add(1))
	cons.Reinstate(hospital)
	require.NoError(t, k.RequireRole(ctx, hospital, types.Role_ROLE_HOSPITAL))
	m, err = k.GetMember(ctx, hospital)
	require.NoError(t, err)
	require.Equal(t, testkit.BlockTime.Add(1), m.StatusChangedAt, "written on the test's current context")

	require.Empty(t, ctx.EventManager().Events(), "membership changes emit no events into the test's context")

	key2 := members.NewKey()
	ctx2 := testkit.NewContext(t, key2).Ctx
	copied := members.New(t, testkit.Codec(types.RegisterInterfaces), key2, func() sdk.Context { return ctx2 })
	copied.CopyFrom(cons)
	require.Equal(t, testkit.Dump(ctx, key), testkit.Dump(ctx2, key2))
}
