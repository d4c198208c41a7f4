package testkit_test

import (
	"errors"
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/internal/testkit"
)

func TestPrefixIsTheApps(t *testing.T) {
	require.Equal(t, app.AccountAddressPrefix, testkit.AccountPrefix)
	require.Equal(t, testkit.AccountPrefix, sdk.GetConfig().GetBech32AccountAddrPrefix())
}

func TestAddr(t *testing.T) {
	require.Equal(t, testkit.Addr("patient"), testkit.Addr("patient"))
	require.NotEqual(t, testkit.Addr("patient"), testkit.Addr("patient-2"))
	require.Len(t, testkit.Addr("patient"), 20)
	s := testkit.String(testkit.Addr("patient"))
	require.Regexp(t, "^health1", s)
	require.Equal(t, s, testkit.Addr("patient").String(), "the SDK's config has the chain's prefix")
	require.Regexp(t, "^cosmos1", testkit.OtherPrefix(testkit.Addr("patient")))
	require.Regexp(t, "^health1", testkit.Gov)
}

func TestContext(t *testing.T) {
	key := storetypes.NewKVStoreKey("kit")
	tc := testkit.NewContext(t, key)
	require.Equal(t, testkit.BlockTime, tc.Ctx.BlockTime())
	require.EqualValues(t, testkit.BlockHeight, tc.Ctx.BlockHeight())
	require.Empty(t, tc.Ctx.EventManager().Events())
	tc.Ctx.KVStore(key).Set([]byte{1}, []byte{2})
	tc.CMS.Commit()
	reopened := testkit.NewContextOn(t, tc.DB, key)
	require.Equal(t, []string{"01=02"}, testkit.Dump(reopened.Ctx, key))
}

func TestDump(t *testing.T) {
	key := storetypes.NewKVStoreKey("kit")
	ctx := testkit.NewContext(t, key).Ctx
	kv := ctx.KVStore(key)
	kv.Set([]byte{3, 1}, []byte("c"))
	kv.Set([]byte{1, 9}, []byte("a"))
	kv.Set([]byte{2}, []byte("b"))
	require.Equal(t, []string{"0109=61", "02=62", "0301=63"}, testkit.Dump(ctx, key))
	require.Equal(t, []string{"0109=61", "0301=63"}, testkit.Dump(ctx, key, collections.NewPrefix(3), collections.NewPrefix(1), collections.NewPrefix(3)))
	require.Empty(t, testkit.Dump(ctx, key, collections.NewPrefix(4)))
}

func TestEvents(t *testing.T) {
	ctx := testkit.NewContext(t).Ctx
	// Any proto message will do as a typed event.
	require.NoError(t, ctx.EventManager().EmitTypedEvent(&banktypes.MsgSend{FromAddress: "a"}))
	ctx.EventManager().EmitEvent(sdk.NewEvent("other"))
	require.NoError(t, ctx.EventManager().EmitTypedEvent(&banktypes.MsgSend{FromAddress: "b"}))
	evs := testkit.Events[*banktypes.MsgSend](ctx)
	require.Len(t, evs, 2)
	require.Equal(t, "b", evs[1].FromAddress)
	require.Empty(t, testkit.Events[*banktypes.MsgMultiSend](ctx))
	require.Equal(t, []string{"cosmos.bank.v1beta1.MsgSend", "cosmos.bank.v1beta1.MsgSend"}, testkit.EventTypes(ctx, "cosmos.bank."))
}

// recorder is a testing.TB that records a failure instead of failing the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) FailNow()              { r.failed = true; panic(r) }

// fails reports whether f failed its TB.
func fails(t *testing.T, f func(tb testing.TB)) bool {
	r := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != r {
				panic(p)
			}
		}()
		f(r)
	}()
	return r.failed
}

func TestRefused(t *testing.T) {
	errWant, errOther := errors.New("want"), errors.New("other")
	key := storetypes.NewKVStoreKey("kit")
	ctx := testkit.NewContext(t, key).Ctx
	ctx.KVStore(key).Set([]byte{1}, []byte{1})
	watch := testkit.Store(key)
	write := func(ctx sdk.Context) { ctx.KVStore(key).Set([]byte{2}, []byte{2}) }
	emit := func(ctx sdk.Context) { ctx.EventManager().EmitEvent(sdk.NewEvent("x")) }

	require.False(t, fails(t, func(tb testing.TB) {
		testkit.Refused(tb, ctx, errWant, func(sdk.Context) error { return errWant }, watch)
	}))
	for name, fn := range map[string]func(sdk.Context) error{
		"accepted":      func(sdk.Context) error { return nil },
		"other error":   func(sdk.Context) error { return errOther },
		"wrote, failed": func(ctx sdk.Context) error { write(ctx); return errWant },
		"emitted":       func(ctx sdk.Context) error { emit(ctx); return errWant },
	} {
		require.True(t, fails(t, func(tb testing.TB) { testkit.Refused(tb, ctx, errWant, fn, watch) }), name)
	}

	for name, fn := range map[string]func(sdk.Context) error{
		"nothing": func(sdk.Context) error { return errWant },
		"wrote":   func(ctx sdk.Context) error { write(ctx); return errWant },
		"emitted": func(ctx sdk.Context) error { emit(ctx); return errWant },
	} {
		var wrote bool
		require.False(t, fails(t, func(tb testing.TB) { _, wrote = testkit.RefusedInTx(tb, ctx, errWant, fn, watch) }), name)
		require.Equal(t, name != "nothing", wrote, name)
	}
	require.True(t, fails(t, func(tb testing.TB) {
		testkit.RefusedInTx(tb, ctx, errWant, func(ctx sdk.Context) error { write(ctx); return errOther }, watch)
	}), "other error")

	// Whatever fn did, ctx is as it was.
	require.Equal(t, []string{"01=01"}, testkit.Dump(ctx, key))
	require.Empty(t, ctx.EventManager().Events())
}
