package app

import (
	"context"
	"errors"
	"strings"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	errorsmod "cosmossdk.io/errors"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
)

// RegisterGRPCServer registers the query services with the node's gRPC
// server, mapping the query context's request errors to gRPC codes.
func (app *App) RegisterGRPCServer(server gogogrpc.Server) {
	app.RegisterGRPCServerWithSkipCheckHeader(server, false)
}

// RegisterGRPCServerWithSkipCheckHeader is what the node calls: BaseApp's
// registration, through clientErrorServer.
func (app *App) RegisterGRPCServerWithSkipCheckHeader(server gogogrpc.Server, skipCheckHeader bool) {
	app.BaseApp.RegisterGRPCServerWithSkipCheckHeader(clientErrorServer{server}, skipCheckHeader)
}

// clientErrorServer wraps every query method so that a request BaseApp
// refuses before the handler runs (a height in the future or already pruned,
// a malformed height header, a query over its gas limit) answers with the gRPC
// code that says so: InvalidArgument, ResourceExhausted or Unavailable rather
// than Unknown, which the REST gateway turns into HTTP 500 as if the node had
// failed. Errors that already carry a code keep it.
type clientErrorServer struct{ gogogrpc.Server }

func (s clientErrorServer) RegisterService(sd *grpc.ServiceDesc, ss any) {
	desc := *sd
	desc.Methods = make([]grpc.MethodDesc, len(sd.Methods))
	for i, m := range sd.Methods {
		handler := m.Handler
		desc.Methods[i] = grpc.MethodDesc{
			MethodName: m.MethodName,
			Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
				resp, err := handler(srv, ctx, dec, interceptor)
				return resp, queryStatus(err)
			},
		}
	}
	s.Server.RegisterService(&desc, ss)
}

// queryStatus gives a refused query's error its gRPC code.
func queryStatus(err error) error {
	if err == nil || status.Code(err) != codes.Unknown {
		return err
	}
	var code codes.Code
	switch {
	case errors.Is(err, sdkerrors.ErrInvalidHeight) && strings.Contains(err.Error(), "not ready"):
		code = codes.Unavailable
	case errors.Is(err, sdkerrors.ErrInvalidHeight), errors.Is(err, sdkerrors.ErrInvalidRequest):
		code = codes.InvalidArgument
	case errors.Is(err, sdkerrors.ErrOutOfGas):
		code = codes.ResourceExhausted
	case errors.Is(err, sdkerrors.ErrNotFound):
		code = codes.NotFound
	default:
		return err
	}
	codespace, abciCode, _ := errorsmod.ABCIInfo(err, false)
	return status.Errorf(code, "%s (codespace %s code %d)", err.Error(), codespace, abciCode)
}
