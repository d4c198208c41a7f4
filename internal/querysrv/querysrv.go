// Package querysrv is the prologue every healthd query server shares: the
// nil-request check, the address parse and the mapping of keeper errors to
// gRPC status codes, so that every module answers the same mistake with the
// same code and message.
package querysrv

import (
	"errors"
	"reflect"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
)

// NonNil refuses a nil request with InvalidArgument "empty request". A request
// decoded by the gRPC router is never nil; one passed by a caller in process
// may be.
func NonNil[T any](req *T) error {
	if req == nil {
		return status.Error(codes.InvalidArgument, "empty request")
	}
	return nil
}

// Address decodes the address s given in field as the module's keeper does
// (internal/addrs.Parse, wrapping invalid, the module's registered "invalid
// address" error); a bad one is InvalidArgument with that error's message.
func Address(ac address.Codec, invalid *errorsmod.Error, field, s string) (sdk.AccAddress, error) {
	a, err := addrs.Parse(ac, invalid, field, s)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return a, nil
}

// ErrorMap gives the errors a module's keeper returns their gRPC codes.
type ErrorMap struct {
	notFound []error
	invalid  []error
}

// NewErrorMap returns the map of a module whose registered errors notFound
// mean NotFound and invalid mean InvalidArgument; collections.ErrNotFound
// means NotFound too.
func NewErrorMap(notFound, invalid []error) ErrorMap {
	return ErrorMap{
		notFound: append(slices.Clone(notFound), collections.ErrNotFound),
		invalid:  slices.Clone(invalid),
	}
}

// Status returns err as a gRPC status error whose message is err's: NotFound
// or InvalidArgument when err is (or wraps) one of the map's errors, checked
// in that order, Internal otherwise. A nil err is nil, and an error that is
// (or wraps) a gRPC status already is returned unchanged, keeping its code.
func (m ErrorMap) Status(err error) error {
	switch {
	case err == nil, isStatus(err):
		return err
	case isAny(err, m.notFound):
		return status.Error(codes.NotFound, err.Error())
	case isAny(err, m.invalid):
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}

func isAny(err error, targets []error) bool {
	return slices.ContainsFunc(targets, func(t error) bool { return errors.Is(err, t) })
}

// statusType is the type of the errors package status makes.
var statusType = reflect.TypeOf(status.Error(codes.Unknown, ""))

// isStatus reports whether err is, or wraps, an error package status made.
// Having a GRPCStatus method is not enough: registered errors and whatever
// errorsmod.Wrap returns have one too, which says Unknown.
func isStatus(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if reflect.TypeOf(err) == statusType {
			return true
		}
	}
	return false
}
