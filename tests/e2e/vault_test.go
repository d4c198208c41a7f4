package e2e

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"

	"github.com/healthchain/healthd/vault"
)

// vaultAs returns a vault client signing with a key of the localnet's test keyring.
func (n *node) vaultAs(key string) *vault.Client {
	n.t.Helper()
	ir := codectestutil.CodecOptions{}.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(ir)
	kr, err := keyring.New("healthd", keyring.BackendTest, n.home, nil, codec.NewProtoCodec(ir))
	require.NoError(n.t, err)
	signer, err := vault.KeyringSigner(kr, key)
	require.NoError(n.t, err)
	return &vault.Client{BaseURL: vaultURL, ChainID: "healthd-e2e", Signer: signer}
}

// vaultRefuses asks the vault directly, bypassing the client's own checks, for
// a record's blob and key, and expects both refused with reason.
func vaultRefuses(t *testing.T, n *node, key string, id uint64, reason string) {
	t.Helper()
	c := n.vaultAs(key)
	_, _, err := c.GetBlob(context.Background(), id)
	var verr *vault.Error
	require.True(t, errors.As(err, &verr), "blob: %v", err)
	require.Equal(t, http.StatusForbidden, verr.Status, verr.Message)
	require.Equal(t, reason, verr.Reason, verr.Message)
	_, err = c.GetKey(context.Background(), id)
	require.True(t, errors.As(err, &verr), "key: %v", err)
	require.Equal(t, http.StatusForbidden, verr.Status, verr.Message)
	require.Equal(t, reason, verr.Reason)
}
