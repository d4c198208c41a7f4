package app_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

// serviceCapture is a gRPC server that keeps what is registered with it.
type serviceCapture struct {
	descs map[string]*grpc.ServiceDesc
	impls map[string]any
}

func (s *serviceCapture) RegisterService(sd *grpc.ServiceDesc, ss any) {
	s.descs[sd.ServiceName], s.impls[sd.ServiceName] = sd, ss
}

// TestQueryRequestErrorsAreClientErrors: a query at a height the node does
// not have yet, or with a malformed height header, answers InvalidArgument
// (HTTP 400 through the REST gateway), not Unknown (HTTP 500); a module's own
// codes (NotFound) and a good query are unchanged.
func TestQueryRequestErrorsAreClientErrors(t *testing.T) {
	c := newTestChain(t)
	srv := &serviceCapture{descs: map[string]*grpc.ServiceDesc{}, impls: map[string]any{}}
	c.app.RegisterGRPCServer(srv)
	desc := srv.descs["healthd.consent.v1.Query"]
	require.NotNil(t, desc)
	call := func(method, height string, id uint64) error {
		for _, m := range desc.Methods {
			if m.MethodName != method {
				continue
			}
			md := metadata.MD{}
			if height != "" {
				md = metadata.Pairs(grpctypes.GRPCBlockHeightHeader, height)
			}
			ctx := metadata.NewIncomingContext(context.Background(), md)
			_, err := m.Handler(srv.impls[desc.ServiceName], ctx, func(v any) error {
				if r, ok := v.(*consenttypes.QueryConsentRequest); ok {
					r.Id = id
				}
				return nil
			}, nil)
			return err
		}
		t.Fatalf("no method %s", method)
		return nil
	}
	for name, tc := range map[string]struct {
		method, height string
		id             uint64
		want           codes.Code
	}{
		"future height":    {"Params", strconv.FormatInt(c.height+1000, 10), 0, codes.InvalidArgument},
		"negative height":  {"Params", "-1", 0, codes.InvalidArgument},
		"malformed height": {"Params", "tomorrow", 0, codes.InvalidArgument},
		"latest":           {"Params", "", 0, codes.OK},
		"module not found": {"Consent", "", 99, codes.NotFound},
	} {
		t.Run(name, func(t *testing.T) {
			err := call(tc.method, tc.height, tc.id)
			require.Equal(t, tc.want, status.Code(err), "%v", err)
		})
	}
}
