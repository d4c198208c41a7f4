package querysrv_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec/address"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/internal/querylimit"
	"github.com/healthchain/healthd/internal/querysrv"
)

var (
	errInvalidAddress = errorsmod.Register("querysrv_test", 2, "invalid address")
	errThingNotFound  = errorsmod.Register("querysrv_test", 3, "thing not found")
	errBadRef         = errorsmod.Register("querysrv_test", 4, "invalid reference")
	errOther          = errorsmod.Register("querysrv_test", 5, "something else")
)

type request struct{ ID uint64 }

// requireStatus checks err is a gRPC status with code and message.
func requireStatus(t *testing.T, err error, code codes.Code, msg string) {
	t.Helper()
	st, ok := status.FromError(err)
	require.True(t, ok, "%v is not a gRPC status", err)
	require.Equal(t, code, st.Code(), err.Error())
	require.Equal(t, msg, st.Message())
}

func TestNonNil(t *testing.T) {
	requireStatus(t, querysrv.NonNil[request](nil), codes.InvalidArgument, "empty request")
	var typed *request
	requireStatus(t, querysrv.NonNil(typed), codes.InvalidArgument, "empty request")
	require.NoError(t, querysrv.NonNil(&request{}))
}

func TestAddress(t *testing.T) {
	ac := address.NewBech32Codec("health")
	raw := []byte("twenty-byte-address!")
	s, err := ac.BytesToString(raw)
	require.NoError(t, err)

	got, err := querysrv.Address(ac, errInvalidAddress, "patient", s)
	require.NoError(t, err)
	require.Equal(t, raw, []byte(got))

	for _, bad := range []string{"", "health1xyz", "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", s + " "} {
		_, err := querysrv.Address(ac, errInvalidAddress, "patient", bad)
		_, want := addrs.Parse(ac, errInvalidAddress, "patient", bad)
		require.Error(t, want, bad)
		// The message the keepers' own parse gives, field and all.
		requireStatus(t, err, codes.InvalidArgument, want.Error())
		require.Contains(t, err.Error(), "patient")
		require.Contains(t, err.Error(), "invalid address")
	}
}

func TestErrorMap(t *testing.T) {
	m := querysrv.NewErrorMap([]error{errThingNotFound}, []error{errInvalidAddress, errBadRef})
	plain := errors.New("disk on fire")
	cases := []struct {
		name string
		err  error
		code codes.Code
	}{
		{"registered not found", errThingNotFound, codes.NotFound},
		{"registered not found, wrapped", errorsmod.Wrapf(errThingNotFound, "thing %d", 7), codes.NotFound},
		{"collections not found", collections.ErrNotFound, codes.NotFound},
		{"collections not found, wrapped", errorsmod.Wrapf(collections.ErrNotFound, "thing %d", 7), codes.NotFound},
		{"collections not found, fmt-wrapped", fmt.Errorf("thing 7: %w", collections.ErrNotFound), codes.NotFound},
		{"first invalid", errorsmod.Wrap(errInvalidAddress, "patient"), codes.InvalidArgument},
		{"second invalid", errorsmod.Wrap(errBadRef, "ref"), codes.InvalidArgument},
		{"unlisted registered", errorsmod.Wrap(errOther, "x"), codes.Internal},
		{"plain", plain, codes.Internal},
		{"plain, wrapped", errorsmod.Wrap(plain, "reading"), codes.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireStatus(t, m.Status(tc.err), tc.code, tc.err.Error())
		})
	}
}

func TestErrorMapNotFoundFirst(t *testing.T) {
	m := querysrv.NewErrorMap([]error{errThingNotFound}, []error{errThingNotFound})
	requireStatus(t, m.Status(errThingNotFound), codes.NotFound, errThingNotFound.Error())
}

func TestErrorMapEmpty(t *testing.T) {
	var m querysrv.ErrorMap
	requireStatus(t, m.Status(errThingNotFound), codes.Internal, errThingNotFound.Error())
	m = querysrv.NewErrorMap(nil, nil)
	requireStatus(t, m.Status(collections.ErrNotFound), codes.NotFound, collections.ErrNotFound.Error())
	requireStatus(t, m.Status(errInvalidAddress), codes.Internal, errInvalidAddress.Error())
}

func TestErrorMapNil(t *testing.T) {
	m := querysrv.NewErrorMap([]error{errThingNotFound}, nil)
	require.NoError(t, m.Status(nil))
}

func TestErrorMapPassesStatusThrough(t *testing.T) {
	m := querysrv.NewErrorMap([]error{errThingNotFound}, []error{errBadRef})
	st := status.Error(codes.FailedPrecondition, "not yet")
	for _, err := range []error{
		st,
		status.Error(codes.Unknown, "unknown"),
		status.Error(codes.NotFound, errThingNotFound.Error()),
		fmt.Errorf("outer: %w", st),
		errorsmod.Wrap(st, "outer"),
		querylimit.TruncateError(status.Error(codes.PermissionDenied, string(make([]byte, 2*querylimit.MaxErrorBytes)))),
	} {
		require.Equal(t, err, m.Status(err), err.Error())
		require.Equal(t, status.Code(err), status.Code(m.Status(err)))
	}
}

func TestNewErrorMapCopiesLists(t *testing.T) {
	notFound := []error{errThingNotFound}
	m := querysrv.NewErrorMap(notFound, nil)
	notFound[0] = errOther
	requireStatus(t, m.Status(errThingNotFound), codes.NotFound, errThingNotFound.Error())
	requireStatus(t, m.Status(errOther), codes.Internal, errOther.Error())
}
