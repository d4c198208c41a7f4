// Package querylimit bounds the work one query can ask of a node, for every
// gRPC query service the app registers (healthd's modules and the SDK's), on
// every path a query takes: ABCI query, gRPC and REST through grpc-gateway.
//
//   - Page size: a request's `pagination.limit` above MaxPageLimit is lowered to
//     MaxPageLimit (the response's next_key lets the caller go on), so
//     `limit=18446744073709551615` no longer returns a whole store in one answer.
//   - Echoed input: an error message longer than MaxErrorBytes is cut there, so a
//     100 kB path parameter is not sent back in full. The error keeps its
//     registered codespace and code and its gRPC status code.
//   - Request size: REST requests whose URL is longer than MaxURLBytes are refused
//     with 414 before any handler decodes them.
package querylimit

import (
	"context"
	"fmt"
	"net/http"
	"unicode/utf8"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"
)

const (
	// MaxPageLimit is the largest page a paginated query returns. The SDK's
	// default (a request without a limit) is 100.
	MaxPageLimit = 200
	// MaxErrorBytes is the longest error message a query returns.
	MaxErrorBytes = 512
	// MaxURLBytes is the longest REST request URL (path and query) served.
	MaxURLBytes = 4096
)

// paginated is a request with a standard cosmos PageRequest.
type paginated interface {
	GetPagination() *query.PageRequest
}

// CapPage lowers the request's page limit to MaxPageLimit. It reports whether it
// changed anything.
func CapPage(req any) bool {
	p, ok := req.(paginated)
	if !ok {
		return false
	}
	page := p.GetPagination()
	if page == nil || page.Limit <= MaxPageLimit {
		return false
	}
	page.Limit = MaxPageLimit
	return true
}

// Registrar wraps a gRPC service registrar (the app's GRPCQueryRouter) so that
// every method of every service registered through it goes through CapPage
// and TruncateError.
type Registrar struct {
	gogogrpc.Server
}

var _ gogogrpc.Server = Registrar{}

// RegisterService registers a copy of sd whose method handlers are wrapped.
func (r Registrar) RegisterService(sd *grpc.ServiceDesc, impl any) {
	r.Server.RegisterService(WrapServiceDesc(sd), impl)
}

// WrapServiceDesc returns a copy of sd whose unary handlers cap the page size
// of the decoded request and truncate the message of a returned error.
func WrapServiceDesc(sd *grpc.ServiceDesc) *grpc.ServiceDesc {
	out := *sd
	out.Methods = make([]grpc.MethodDesc, len(sd.Methods))
	for i, m := range sd.Methods {
		inner := m.Handler
		m.Handler = func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
			capped := func(req any) error {
				if err := dec(req); err != nil {
					return err
				}
				CapPage(req)
				return nil
			}
			res, err := inner(srv, ctx, capped, icpt)
			return res, TruncateError(err)
		}
		out.Methods[i] = m
	}
	return &out
}

// TruncateError returns err unchanged when its message is at most MaxErrorBytes,
// and otherwise an error whose message is cut there and which still unwraps to
// err (so errors.Is, the registered ABCI code and the gRPC code are kept).
func TruncateError(err error) error {
	if err == nil || len(err.Error()) <= MaxErrorBytes {
		return err
	}
	return &truncatedError{err: err, msg: Truncate(err.Error(), MaxErrorBytes)}
}

// Truncate cuts s to at most n bytes on a rune boundary and says how much it left out.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes not shown)", s[:cut], len(s)-cut)
}

type truncatedError struct {
	err error
	msg string
}

func (e *truncatedError) Error() string { return e.msg }
func (e *truncatedError) Unwrap() error { return e.err }

// Cause lets cosmossdk.io/errors find the registered error for its ABCI code.
func (e *truncatedError) Cause() error { return e.err }

// GRPCStatus keeps the wrapped error's gRPC code with a truncated message.
func (e *truncatedError) GRPCStatus() *status.Status {
	s := status.Convert(e.err)
	return status.New(s.Code(), Truncate(s.Message(), MaxErrorBytes))
}

// LimitURL refuses, with 414, a request whose URL is longer than MaxURLBytes.
func LimitURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RequestURI()) > MaxURLBytes {
			http.Error(w, fmt.Sprintf("request URL longer than %d bytes", MaxURLBytes), http.StatusRequestURITooLong)
			return
		}
		next.ServeHTTP(w, r)
	})
}
