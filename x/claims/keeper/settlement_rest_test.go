package keeper_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/claims/types"
)

// settlementAt serves ClaimSettlement at the suite's context, as the node's
// gRPC router does for the gateway's in-process handler.
type settlementAt struct {
	types.QueryServer
	ctx func() sdk.Context
}

func (q settlementAt) ClaimSettlement(_ context.Context, r *types.QueryClaimSettlementRequest) (*types.QueryClaimSettlementResponse, error) {
	return q.QueryServer.ClaimSettlement(q.ctx(), r)
}

// gogoBinary answers in protobuf binary through the gogoproto messages' own
// Marshal (the gateway's marshalers are for golang/protobuf messages).
type gogoBinary struct{ gwruntime.ProtoMarshaller }

func (m *gogoBinary) Marshal(v any) ([]byte, error) {
	if g, ok := v.(interface{ Marshal() ([]byte, error) }); ok {
		return g.Marshal()
	}
	return m.ProtoMarshaller.Marshal(v)
}

// TestSettlementREST: the settlement answers under the claim's REST route,
// with expired computed at the block time; a claim without one is 404.
func (s *KeeperTestSuite) TestSettlementREST() {
	id, _ := s.htlcClaim(s.patient)
	sec := newSecret("rest")
	deadline := s.lock(s.lockMsg(s.payer, id, sec))
	mux := gwruntime.NewServeMux(gwruntime.WithMarshalerOption(gwruntime.MIMEWildcard, &gogoBinary{}))
	s.Require().NoError(types.RegisterQueryHandlerServer(context.Background(), mux, settlementAt{QueryServer: s.qs, ctx: func() sdk.Context { return s.ctx }}))
	get := func(path string) (int, []byte) {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body, err := io.ReadAll(rec.Body)
		s.Require().NoError(err)
		return rec.Code, body
	}
	path := fmt.Sprintf("/healthd/claims/v1/claims/%d/settlement", id)
	code, body := get(path)
	s.Require().Equal(http.StatusOK, code)
	var res types.QueryClaimSettlementResponse
	s.Require().NoError(res.Unmarshal(body))
	s.Require().Equal(sec.hashlock, res.Settlement.Hashlock)
	s.Require().Equal(deadline, res.Settlement.Deadline)
	s.Require().False(res.Expired)

	s.advance(2 * time.Hour) // past the deadline
	code, body = get(path)
	s.Require().Equal(http.StatusOK, code)
	s.Require().NoError(res.Unmarshal(body))
	s.Require().True(res.Expired)

	code, _ = get("/healthd/claims/v1/claims/99/settlement")
	s.Require().Equal(http.StatusNotFound, code)
}
