package keeper_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/organs/types"
)

// atSuiteCtx serves the queries the REST test reads at the suite's context
// (the gateway's in-process handlers pass the HTTP request's context).
type atSuiteCtx struct {
	types.QueryServer
	ctx func() sdk.Context
}

func (q atSuiteCtx) Organ(_ context.Context, r *types.QueryOrganRequest) (*types.QueryOrganResponse, error) {
	return q.QueryServer.Organ(q.ctx(), r)
}

func (q atSuiteCtx) Custody(_ context.Context, r *types.QueryCustodyRequest) (*types.QueryCustodyResponse, error) {
	return q.QueryServer.Custody(q.ctx(), r)
}

func (q atSuiteCtx) Overrides(_ context.Context, r *types.QueryOverridesRequest) (*types.QueryOverridesResponse, error) {
	return q.QueryServer.Overrides(q.ctx(), r)
}

func (q atSuiteCtx) Case(_ context.Context, r *types.QueryCaseRequest) (*types.QueryCaseResponse, error) {
	return q.QueryServer.Case(q.ctx(), r)
}

// protoBody answers with gogoproto messages in binary, so the test decodes
// exactly what the handler returned; errors keep the gateway's encoding.
type protoBody struct{ gwruntime.ProtoMarshaller }

func (m *protoBody) Marshal(v any) ([]byte, error) {
	if g, ok := v.(interface{ Marshal() ([]byte, error) }); ok {
		return g.Marshal()
	}
	return m.ProtoMarshaller.Marshal(v)
}

// getREST requests path from the module's generated REST routes and decodes
// a 200 answer into res; it returns the HTTP status.
func (s *KeeperTestSuite) getREST(path string, res interface{ Unmarshal([]byte) error }) int {
	s.T().Helper()
	mux := gwruntime.NewServeMux(gwruntime.WithMarshalerOption(gwruntime.MIMEWildcard, &protoBody{}))
	s.Require().NoError(types.RegisterQueryHandlerServer(context.Background(), mux, atSuiteCtx{QueryServer: s.qs, ctx: func() sdk.Context { return s.ctx }}))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, err := io.ReadAll(rec.Body)
	s.Require().NoError(err)
	if rec.Code == http.StatusOK && res != nil {
		s.Require().NoError(res.Unmarshal(body), path)
	}
	return rec.Code
}

// TestREST reads an organ's custody chain, cold-ischaemia time and the
// overrides back through the REST routes, the DIN in either form.
func (s *KeeperTestSuite) TestREST() {
	s.atCentre(dinA, kidneyL)
	s.advance(40 * time.Hour)
	mustRun(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, s.ctx.BlockTime(), types.OverrideReason_OVERRIDE_REASON_RECIPIENT_CRITICAL))
	const v1 = "/healthd/organs/v1/"

	var custody types.QueryCustodyResponse
	s.Require().Equal(http.StatusOK, s.getREST(v1+"cases/"+dinA+"/organs/"+kidneyL+"/custody", &custody))
	s.Require().Equal(s.centre, custody.Holder)
	s.Require().Len(custody.Custody, 2)
	s.Require().Equal([]string{s.courier, s.centre}, []string{custody.Custody[0].To, custody.Custody[1].To})

	var organ types.QueryOrganResponse
	s.Require().Equal(http.StatusOK, s.getREST(v1+"cases/"+url.PathEscape(dinABarcode)+"/organs/"+kidneyL, &organ))
	s.Require().EqualValues(40*3600, organ.ColdIschaemiaSeconds)
	s.Require().EqualValues(36*3600, organ.LimitSeconds)
	s.Require().True(organ.OverLimit)
	s.Require().Len(organ.Offers, 1)
	s.Require().Len(organ.Custody, 2)

	var ov types.QueryOverridesResponse
	s.Require().Equal(http.StatusOK, s.getREST(v1+"overrides", &ov))
	s.Require().Len(ov.Organs, 1)

	for path, code := range map[string]int{
		v1 + "cases/" + badDIN:                         http.StatusBadRequest,
		v1 + "cases/" + dinB:                           http.StatusNotFound,
		v1 + "cases/" + dinA + "/organs/HEART":         http.StatusNotFound,
		v1 + "cases/" + dinA + "/organs/heart/custody": http.StatusBadRequest,
	} {
		s.Require().Equal(code, s.getREST(path, nil), path)
	}
}
