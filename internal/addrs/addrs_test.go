package addrs

import (
	"testing"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec/address"
)

var errInvalid = errorsmod.Register("addrs_test", 2, "invalid address")

func TestParseAndString(t *testing.T) {
	ac := address.NewBech32Codec("health")
	raw := []byte("twenty-byte-address!")
	s, err := ac.BytesToString(raw)
	require.NoError(t, err)

	got, err := Parse(ac, errInvalid, "patient", s)
	require.NoError(t, err)
	require.Equal(t, raw, []byte(got))
	require.Equal(t, s, String(ac, got))

	for _, bad := range []string{"", "health1xyz", "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"} {
		_, err := Parse(ac, errInvalid, "patient", bad)
		require.ErrorIs(t, err, errInvalid, bad)
		require.ErrorContains(t, err, "patient")
	}
}

func TestCheck(t *testing.T) {
	ac := address.NewBech32Codec("health")
	s20, err := ac.BytesToString([]byte("twenty-byte-address!"))
	require.NoError(t, err)
	s32, err := ac.BytesToString(make([]byte, 32))
	require.NoError(t, err)
	s5, err := ac.BytesToString([]byte("short"))
	require.NoError(t, err)
	require.NoError(t, Check(errInvalid, "a", s20))
	require.NoError(t, Check(errInvalid, "a", s32))
	require.NoError(t, CheckAll(errInvalid, "a", s20, "b", s32))
	for _, bad := range []string{"", "health1xyz", s20[:len(s20)-1] + "q", s5, "hospital"} {
		require.ErrorIs(t, Check(errInvalid, "a", bad), errInvalid, bad)
	}
	require.ErrorIs(t, CheckAll(errInvalid, "a", s20, "b", ""), errInvalid)
}
