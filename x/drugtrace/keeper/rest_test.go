package keeper_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// queryAt serves the query server at the suite's context, as the node's gRPC
// router does, for the gateway's in-process handlers (which pass the HTTP
// request's context).
type queryAt struct {
	types.QueryServer
	ctx func() sdk.Context
}

func (q queryAt) Unit(_ context.Context, r *types.QueryUnitRequest) (*types.QueryUnitResponse, error) {
	return q.QueryServer.Unit(q.ctx(), r)
}

func (q queryAt) History(_ context.Context, r *types.QueryHistoryRequest) (*types.QueryHistoryResponse, error) {
	return q.QueryServer.History(q.ctx(), r)
}

func (q queryAt) EPCIS(_ context.Context, r *types.QueryEPCISRequest) (*types.QueryEPCISResponse, error) {
	return q.QueryServer.EPCIS(q.ctx(), r)
}

func (q queryAt) Verify(_ context.Context, r *types.QueryVerifyRequest) (*types.QueryVerifyResponse, error) {
	return q.QueryServer.Verify(q.ctx(), r)
}

// gogoBinary answers in protobuf binary: gogoproto messages through their own
// Marshal (the gateway's marshalers are for golang/protobuf messages), the
// gateway's error bodies through its ProtoMarshaller.
type gogoBinary struct{ gwruntime.ProtoMarshaller }

func (m *gogoBinary) Marshal(v any) ([]byte, error) {
	if g, ok := v.(interface{ Marshal() ([]byte, error) }); ok {
		return g.Marshal()
	}
	return m.ProtoMarshaller.Marshal(v)
}

// rest is the module's REST routes (the generated grpc-gateway handlers)
// over the suite's query server.
func (s *KeeperTestSuite) rest() http.Handler {
	mux := gwruntime.NewServeMux(gwruntime.WithMarshalerOption(gwruntime.MIMEWildcard, &gogoBinary{}))
	s.Require().NoError(types.RegisterQueryHandlerServer(context.Background(), mux, queryAt{QueryServer: s.qs, ctx: func() sdk.Context { return s.ctx }}))
	return mux
}

// get requests path (already escaped) and decodes a 200 answer into res.
func (s *KeeperTestSuite) get(h http.Handler, path string, res interface{ Unmarshal([]byte) error }) int {
	s.T().Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, err := io.ReadAll(rec.Body)
	s.Require().NoError(err)
	if rec.Code == http.StatusOK && res != nil {
		s.Require().NoError(res.Unmarshal(body), path)
	}
	return rec.Code
}

// TestRESTUnitForms: every unit query answers over REST for every form a unit
// is given in. A path segment cannot carry a "/": "GTIN/serial" has its own
// route (units/{gtin}/{serial}, the route that answered 501 Not Implemented
// before), an element string fits in units/{unit}, and the query form
// (unit?unit=...) takes anything, a Digital Link or a serial with a "/".
func (s *KeeperTestSuite) TestRESTUnitForms() {
	s.unitsAt(s.pharmacy, s.manufacturer, gtinA, lotA, "U1", "AB/1", "history")
	h := s.rest()
	const v1 = "/healthd/drugtrace/v1/"
	q := url.QueryEscape
	label := elementString(gtinA, stdExpiryGS1, lotA, "U1")
	link := "https://id.gs1.org/01/" + gtinA + "/10/" + lotA + "/21/U1?17=" + stdExpiryGS1
	scan := "]d201" + gtinA + "17" + stdExpiryGS1 + "10" + lotA + "\x1d21U1"

	units := map[string]string{ // path → the serial it names
		v1 + "units/" + gtinA + "/U1":                                  "U1",
		v1 + "units/" + gtinA[1:] + "/U1":                              "U1", // GTIN-13
		v1 + "units/" + url.PathEscape(label):                          "U1",
		v1 + "units/" + url.PathEscape(scan):                           "U1",
		v1 + "unit?unit=" + q(gtinA+"/U1"):                             "U1",
		v1 + "unit?unit=" + q(label):                                   "U1",
		v1 + "unit?unit=" + q(link):                                    "U1",
		v1 + "unit?unit=" + q(scan):                                    "U1",
		v1 + "unit?unit=" + q(gtinA+"/AB/1"):                           "AB/1",
		v1 + "unit?unit=" + q("(01)"+gtinA+"(21)AB/1"):                 "AB/1",
		v1 + "units/" + url.PathEscape("(01)"+gtinA+"(21)AB") + "%2F1": "AB/1",
	}
	for path, serial := range units {
		var res types.QueryUnitResponse
		s.Require().Equal(http.StatusOK, s.get(h, path, &res), path)
		s.Require().Equal(serial, res.Unit.Serial, path)
		s.Require().Equal(gtinA, res.Unit.GTIN, path)
	}

	for _, path := range []string{
		v1 + "units/" + gtinA + "/U1/history",
		v1 + "units/" + url.PathEscape(label) + "/history",
		v1 + "history?unit=" + q(link),
		v1 + "history?unit=" + q(gtinA+"/AB/1"),
	} {
		var res types.QueryHistoryResponse
		s.Require().Equal(http.StatusOK, s.get(h, path, &res), path)
		s.Require().NotEmpty(res.Events, path)
		s.Require().Equal(types.BizStepCommissioning, res.Events[0].BizStep, path)
	}

	for _, path := range []string{
		v1 + "units/" + gtinA + "/U1/epcis",
		v1 + "units/" + url.PathEscape(label) + "/epcis",
		v1 + "epcis?unit=" + q(link),
	} {
		var res types.QueryEPCISResponse
		s.Require().Equal(http.StatusOK, s.get(h, path, &res), path)
		s.Require().Contains(res.JSON, "EPCISDocument", path)
	}

	for path, want := range map[string]types.Verdict{
		v1 + "verify/" + gtinA + "/U1?asker=" + s.pharmacy:                                                      types.Verdict_VERDICT_AUTHENTIC_SALEABLE,
		v1 + "verify/" + gtinA + "/U1?asker=" + s.pharmacy2:                                                     types.Verdict_VERDICT_CUSTODY_MISMATCH,
		v1 + "verify/" + url.PathEscape(label) + "?asker=" + s.pharmacy:                                         types.Verdict_VERDICT_AUTHENTIC_SALEABLE,
		v1 + "verify?unit=" + q(link) + "&asker=" + s.pharmacy:                                                  types.Verdict_VERDICT_AUTHENTIC_SALEABLE,
		v1 + "verify?unit=" + q(elementString(gtinA, stdExpiryGS1, lotA2, "U1")):                                types.Verdict_VERDICT_LOT_MISMATCH,
		v1 + "verify/" + gtinA + "/NEVER":                                                                       types.Verdict_VERDICT_NEVER_COMMISSIONED,
		v1 + "verify?unit=" + q("https://id.gs1.org/01/"+gtinA[1:]+"/21/U1?17=290101") + "&asker=" + s.pharmacy: types.Verdict_VERDICT_EXPIRY_MISMATCH,
	} {
		var res types.QueryVerifyResponse
		s.Require().Equal(http.StatusOK, s.get(h, path, &res), path)
		s.Require().Equal(want, res.Verdict, path)
	}

	// units/{x}/history is a history, tried before units/{gtin}/{serial}: a
	// unit whose serial is "history" is reached through the query form.
	var hist types.QueryUnitResponse
	s.Require().Equal(http.StatusOK, s.get(h, v1+"unit?unit="+q(gtinA+"/history"), &hist))
	s.Require().Equal("history", hist.Unit.Serial)
	s.Require().Equal(http.StatusBadRequest, s.get(h, v1+"units/"+gtinA+"/history", nil), "history of the unit \"GTIN\"")

	// Errors keep their codes over REST.
	for path, code := range map[string]int{
		v1 + "units/" + gtinA + "/NOPE":                                        http.StatusNotFound,
		v1 + "unit?unit=" + q(elementString(gtinA, stdExpiryGS1, lotA2, "U1")): http.StatusNotFound,
		v1 + "unit?unit=junk":                                                  http.StatusBadRequest,
		v1 + "unit":                                                            http.StatusBadRequest,
		v1 + "units/" + badGTIN + "/U1":                                        http.StatusBadRequest,
		v1 + "verify?unit=" + q(gtinA+"/U1") + "&asker=health1bad":             http.StatusBadRequest,
	} {
		s.Require().Equal(code, s.get(h, path, nil), path)
	}
}
