package app_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/healthchain/healthd/internal/querylimit"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

// routeQuery runs a query through the app's GRPCQueryRouter, as an ABCI query,
// a gRPC call and a REST call through grpc-gateway all do.
func routeQuery(t *testing.T, c *testChain, ctx sdk.Context, path string, req, res proto.Message) error {
	t.Helper()
	route := c.app.GRPCQueryRouter().Route(path)
	require.NotNil(t, route, path)
	bz, err := proto.Marshal(req)
	require.NoError(t, err)
	out, err := route(ctx, &abci.RequestQuery{Path: path, Data: bz})
	if err != nil {
		return err
	}
	return proto.Unmarshal(out.Value, res)
}

// A page of at most querylimit.MaxPageLimit entries, whatever limit the caller
// asks for, on an SDK module's query as on healthd's.
func TestQueryPageSizeCapped(t *testing.T) {
	c := newTestChain(t)
	ctx := c.app.NewUncachedContext(false, cmtproto.Header{Height: c.height, Time: c.time})
	for i := range querylimit.MaxPageLimit + 50 {
		denom := fmt.Sprintf("udenom%04d", i)
		c.app.BankKeeper.SetDenomMetaData(ctx, banktypes.Metadata{
			Base: denom, Display: denom, Name: denom, Symbol: strings.ToUpper(denom),
			DenomUnits: []*banktypes.DenomUnit{{Denom: denom}},
		})
	}
	var res banktypes.QueryDenomsMetadataResponse
	err := routeQuery(t, c, ctx, "/cosmos.bank.v1beta1.Query/DenomsMetadata",
		&banktypes.QueryDenomsMetadataRequest{Pagination: &query.PageRequest{Limit: math.MaxUint64}}, &res)
	require.NoError(t, err)
	require.Len(t, res.Metadatas, querylimit.MaxPageLimit)
	require.NotEmpty(t, res.Pagination.NextKey, "the caller can go on from the next key")

	var cres consenttypes.QueryConsentsResponse
	err = routeQuery(t, c, ctx, "/healthd.consent.v1.Query/ConsentsByPatient",
		&consenttypes.QueryConsentsByPatientRequest{Patient: c.accs["outsider"].addr.String(), Pagination: &query.PageRequest{Limit: math.MaxUint64}}, &cres)
	require.NoError(t, err, "a healthd query still answers with a capped page")
}

// An error does not echo a 100 kB argument back in full.
func TestQueryErrorDoesNotEchoLongInput(t *testing.T) {
	c := newTestChain(t)
	var res consenttypes.QueryConsentsResponse
	err := routeQuery(t, c, c.ctx(), "/healthd.consent.v1.Query/ConsentsByPatient",
		&consenttypes.QueryConsentsByPatientRequest{Patient: strings.Repeat("x", 100_000)}, &res)
	require.Error(t, err)
	require.LessOrEqual(t, len(err.Error()), querylimit.MaxErrorBytes+64, "error: %.200s", err.Error())
}
