package testkit

import (
	"context"
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Watch reads a piece of state that a refused call must leave as it was.
type Watch func(ctx sdk.Context) (any, error)

// Store watches the entries of the store under key (see Dump).
func Store(key storetypes.StoreKey, only ...collections.Prefix) Watch {
	return func(ctx sdk.Context) (any, error) { return Dump(ctx, key, only...), nil }
}

// Genesis watches a module's exported genesis.
func Genesis[G any](export func(context.Context) (G, error)) Watch {
	return func(ctx sdk.Context) (any, error) { return export(ctx) }
}

// Call adapts a Msg or Query handler and its request to the function Refused runs.
func Call[Req, Res any](handler func(context.Context, Req) (Res, error), req Req) func(sdk.Context) error {
	return func(ctx sdk.Context) error {
		_, err := handler(ctx, req)
		return err
	}
}

// Refused runs fn on a branch of ctx, as baseapp runs a transaction, and
// requires that it fails with want (errors.Is: the registered error), having
// written nothing to its branch (every watch reads as before) and emitted no
// event. The branch is discarded, so ctx is left as it was whatever happens.
// It returns fn's error for checks on its text.
func Refused(tb testing.TB, ctx sdk.Context, want error, fn func(sdk.Context) error, watch ...Watch) error {
	tb.Helper()
	err, wrote := RefusedInTx(tb, ctx, want, fn, watch...)
	require.False(tb, wrote, "state changed or events were emitted although refused (%v)", err)
	return err
}

// RefusedInTx is Refused for a handler that may refuse after it began
// writing: only what the chain sees is required (the error; the failed
// transaction's branch, writes and events, is discarded). wrote tells whether
// fn had written to its branch or emitted events before failing.
func RefusedInTx(tb testing.TB, ctx sdk.Context, want error, fn func(sdk.Context) error, watch ...Watch) (err error, wrote bool) {
	tb.Helper()
	before := read(tb, ctx, watch)
	branch, _ := ctx.CacheContext()
	err = fn(branch)
	require.Error(tb, err, "accepted, want %v", want)
	require.ErrorIs(tb, err, want)
	if len(branch.EventManager().Events()) > 0 {
		return err, true
	}
	after := read(tb, branch, watch)
	for i := range before {
		if !assert.ObjectsAreEqual(before[i], after[i]) {
			return err, true
		}
	}
	return err, false
}

func read(tb testing.TB, ctx sdk.Context, watch []Watch) []any {
	tb.Helper()
	out := make([]any, len(watch))
	for i, w := range watch {
		v, err := w(ctx)
		require.NoError(tb, err, "reading watched state")
		out[i] = v
	}
	return out
}
