package querylimit_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querylimit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

var errTest = errorsmod.Register("querylimittest", 2, "bad input")

// recorder is a service implementation that remembers the request it saw.
type recorder struct {
	seen *consortiumtypes.QueryMembersRequest
	err  error
}

func serviceDesc() *grpc.ServiceDesc {
	return &grpc.ServiceDesc{
		ServiceName: "test.Query",
		Methods: []grpc.MethodDesc{{
			MethodName: "Members",
			Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
				req := new(consortiumtypes.QueryMembersRequest)
				if err := dec(req); err != nil {
					return nil, err
				}
				r := srv.(*recorder)
				r.seen = req
				return &consortiumtypes.QueryMembersResponse{}, r.err
			},
		}},
	}
}

// call runs the wrapped handler as the GRPCQueryRouter would: dec fills the
// request the way an unmarshal of the caller's bytes does.
func call(t *testing.T, r *recorder, limit uint64) error {
	t.Helper()
	sd := querylimit.WrapServiceDesc(serviceDesc())
	_, err := sd.Methods[0].Handler(r, context.Background(), func(req any) error {
		req.(*consortiumtypes.QueryMembersRequest).Pagination = &query.PageRequest{Limit: limit}
		return nil
	}, nil)
	return err
}

func TestPageLimitCapped(t *testing.T) {
	for _, tc := range []struct {
		name        string
		limit, want uint64
	}{
		{"max uint64", math.MaxUint64, querylimit.MaxPageLimit},
		{"one over", querylimit.MaxPageLimit + 1, querylimit.MaxPageLimit},
		{"at the cap", querylimit.MaxPageLimit, querylimit.MaxPageLimit},
		{"small", 7, 7},
		{"zero means the SDK default", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{}
			require.NoError(t, call(t, r, tc.limit))
			require.Equal(t, tc.want, r.seen.Pagination.Limit)
		})
	}
	// A request without pagination, or of a type without it, is left alone.
	require.False(t, querylimit.CapPage(&consortiumtypes.QueryMembersRequest{}))
	require.False(t, querylimit.CapPage(&consortiumtypes.QueryMemberRequest{}))
}

func TestErrorTruncatedKeepsCodes(t *testing.T) {
	echoed := strings.Repeat("A", 100_000)
	r := &recorder{err: errorsmod.Wrapf(errTest, "unit %q", echoed)}
	err := call(t, r, 1)
	require.Error(t, err)
	require.LessOrEqual(t, len(err.Error()), querylimit.MaxErrorBytes+64)
	require.Contains(t, err.Error(), "bytes not shown")
	require.True(t, errors.Is(err, errTest), "still the registered error")
	codespace, code, _ := errorsmod.ABCIInfo(err, false)
	require.Equal(t, "querylimittest", codespace)
	require.EqualValues(t, 2, code)
	st := status.Convert(err)
	require.Equal(t, status.Code(errorsmod.Wrap(errTest, "x")), st.Code())
	require.LessOrEqual(t, len(st.Message()), querylimit.MaxErrorBytes+64)

	// A gRPC status error keeps its code.
	r.err = status.Error(codes.InvalidArgument, echoed)
	err = call(t, r, 1)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	require.LessOrEqual(t, len(status.Convert(err).Message()), querylimit.MaxErrorBytes+64)

	// A short error is returned as it is.
	short := errorsmod.Wrap(errTest, "short")
	r.err = short
	require.Same(t, short, call(t, r, 1))
}

func TestTruncateRuneBoundary(t *testing.T) {
	s := strings.Repeat("é", 10) // 2 bytes each
	got := querylimit.Truncate(s, 5)
	require.True(t, strings.HasPrefix(got, "éé…"), got)
	require.Equal(t, "abc", querylimit.Truncate("abc", 5))
}

func TestLimitURL(t *testing.T) {
	h := querylimit.LimitURL(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthd/drugtrace/v1/units/"+strings.Repeat("9", 100_000), nil))
	require.Equal(t, http.StatusRequestURITooLong, rec.Code)
	require.Less(t, rec.Body.Len(), 200, "the URL is not echoed")

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthd/consortium/v1/members", nil))
	require.Equal(t, http.StatusTeapot, rec.Code)
}
