// Package members gives the keeper tests of the modules that depend on
// x/consortium a real consortium: a keeper over its own store in the test's
// multistore, with shorthands to admit, re-role, suspend and reinstate
// members. It is apart from the generic kit so that x/consortium's own tests
// can use testkit without importing themselves.
package members

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/keeper"
	cstestutil "github.com/healthchain/healthd/x/consortium/testutil"
	"github.com/healthchain/healthd/x/consortium/types"
)

// Consortium is a real x/consortium keeper. Its shorthands send the
// consortium's own messages, signed by testkit.Gov, on the test's current
// context; their events go to a throwaway event manager, so a test sees only
// the events of the module it tests.
type Consortium struct {
	Key       *storetypes.KVStoreKey
	Keeper    keeper.Keeper
	MsgServer types.MsgServer

	tb  testing.TB
	ctx func() sdk.Context
}

// NewKey returns a store key for x/consortium, to mount with testkit.NewContext.
func NewKey() *storetypes.KVStoreKey { return storetypes.NewKVStoreKey(types.StoreKey) }

// New builds the keeper over key, which the test has mounted, without a
// staking keeper (no member runs a validator). ctx returns the test's current
// context (the suite's ctx field, which tests move in time).
func New(tb testing.TB, cdc codec.BinaryCodec, key *storetypes.KVStoreKey, ctx func() sdk.Context) *Consortium {
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), testkit.AddressCodec, testkit.Gov, nil)
	return &Consortium{Key: key, Keeper: k, MsgServer: keeper.NewMsgServerImpl(k), tb: tb, ctx: ctx}
}

// quiet is the current context with an event manager of its own.
func (c *Consortium) quiet() sdk.Context { return c.ctx().WithEventManager(sdk.NewEventManager()) }

// Admit makes addr an active member holding roles, with an NPI of its own
// (identifiers are unique among members).
func (c *Consortium) Admit(addr sdk.AccAddress, roles ...types.Role) {
	c.tb.Helper()
	_, err := c.MsgServer.AdmitMember(c.quiet(), &types.MsgAdmitMember{
		Authority: testkit.Gov, Address: testkit.String(addr), Name: "Test member", Roles: roles, NPI: cstestutil.NPI(addr),
	})
	require.NoError(c.tb, err, "admitting %s", addr)
}

// SetRoles replaces the roles of the member addr.
func (c *Consortium) SetRoles(addr sdk.AccAddress, roles ...types.Role) {
	c.tb.Helper()
	_, err := c.MsgServer.UpdateRoles(c.quiet(), &types.MsgUpdateRoles{Authority: testkit.Gov, Address: testkit.String(addr), Roles: roles})
	require.NoError(c.tb, err, "setting the roles of %s", addr)
}

// SetCompanyPrefixes replaces the GS1 company prefixes of the member addr,
// keeping its other identifiers.
func (c *Consortium) SetCompanyPrefixes(addr sdk.AccAddress, prefixes ...string) {
	c.tb.Helper()
	ctx := c.quiet()
	m, err := c.Keeper.GetMember(ctx, addr)
	require.NoError(c.tb, err)
	_, err = c.MsgServer.UpdateIdentifiers(ctx, &types.MsgUpdateIdentifiers{
		Authority: testkit.Gov, Address: testkit.String(addr), NPI: m.NPI, GLN: m.GLN, DEA: m.DEA, GS1CompanyPrefixes: prefixes,
	})
	require.NoError(c.tb, err, "setting the company prefixes of %s", addr)
}

// Suspend suspends the member addr: it stays a member but no longer passes
// a role check.
func (c *Consortium) Suspend(addr sdk.AccAddress) {
	c.tb.Helper()
	_, err := c.MsgServer.SuspendMember(c.quiet(), &types.MsgSuspendMember{Authority: testkit.Gov, Address: testkit.String(addr), Reason: "audit finding"})
	require.NoError(c.tb, err, "suspending %s", addr)
}

// Reinstate makes the suspended member addr active again.
func (c *Consortium) Reinstate(addr sdk.AccAddress) {
	c.tb.Helper()
	_, err := c.MsgServer.ReinstateMember(c.quiet(), &types.MsgReinstateMember{Authority: testkit.Gov, Address: testkit.String(addr)})
	require.NoError(c.tb, err, "reinstating %s", addr)
}

// CopyFrom gives c the members of other, through the consortium's genesis
// export and import, for a test that imports a module's state into a fresh
// store and needs the same members there.
func (c *Consortium) CopyFrom(other *Consortium) {
	c.tb.Helper()
	gs, err := other.Keeper.ExportGenesis(other.ctx())
	require.NoError(c.tb, err)
	require.NoError(c.tb, c.Keeper.InitGenesis(c.ctx(), gs))
}
