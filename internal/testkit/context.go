package testkit

import (
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
)

// BlockTime is the block time of every test context. It is in UTC, in whole
// seconds and has no monotonic reading, so it survives a protobuf round trip
// unchanged.
var BlockTime = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

// BlockHeight is the block height of every test context.
const BlockHeight = 42

// Context is a context over a fresh multistore, with the database and the
// multistore themselves for the tests that commit or reopen it.
type Context struct {
	Ctx sdk.Context
	DB  dbm.DB
	CMS store.CommitMultiStore
}

// NewContext mounts keys, and a transient store, on a multistore over a new
// in-memory database and returns a context at BlockTime and BlockHeight with
// an empty event manager.
func NewContext(tb testing.TB, keys ...storetypes.StoreKey) Context {
	tb.Helper()
	return NewContextOn(tb, dbm.NewMemDB(), keys...)
}

// NewContextOn is NewContext over db, which may already hold committed state.
// Each store lives under its own prefix of db, so the multistore can be
// committed and loaded again.
func NewContextOn(tb testing.TB, db dbm.DB, keys ...storetypes.StoreKey) Context {
	tb.Helper()
	cms := store.NewCommitMultiStore(db, log.NewNopLogger())
	for _, k := range keys {
		cms.MountStoreWithDB(k, storetypes.StoreTypeIAVL, nil)
	}
	cms.MountStoreWithDB(storetypes.NewTransientStoreKey("transient_test"), storetypes.StoreTypeTransient, nil)
	require.NoError(tb, cms.LoadLatestVersion())
	ctx := sdk.NewContext(cms, cmtproto.Header{Time: BlockTime, Height: BlockHeight}, false, log.NewNopLogger()).
		WithBlockTime(BlockTime).WithBlockHeight(BlockHeight).WithEventManager(sdk.NewEventManager())
	return Context{Ctx: ctx, DB: db, CMS: cms}
}

// Codec is a proto codec with the interfaces registered by each of register
// (the modules' RegisterInterfaces).
func Codec(register ...func(codectypes.InterfaceRegistry)) codec.Codec {
	enc := moduletestutil.MakeTestEncodingConfig()
	for _, r := range register {
		r(enc.InterfaceRegistry)
	}
	return enc.Codec
}
