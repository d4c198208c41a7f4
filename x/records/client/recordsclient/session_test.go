package recordsclient

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"

	"github.com/healthchain/healthd/vault"
)

func TestNewSessionNeedsKey(t *testing.T) {
	_, err := NewSession(Config{})
	require.ErrorContains(t, err, "signing key")
}

// TestSessionIdentity: a session derives its identity through the keyring,
// as the CLI does, and gets what DeriveIdentity gives for the same key.
func TestSessionIdentity(t *testing.T) {
	ir := codectestutil.CodecOptions{AccAddressPrefix: vault.AccountPrefix}.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(ir)
	kr := keyring.NewInMemory(codec.NewProtoCodec(ir))
	require.NoError(t, kr.ImportPrivKeyHex("patient", hex.EncodeToString(fixedKey().Key), "secp256k1"))

	s, err := NewSession(Config{Client: client.Context{}.WithKeyring(kr).WithFromName("patient"), VaultURL: "http://127.0.0.1:1"})
	require.NoError(t, err)
	signer, err := vault.PrivKeySigner(fixedKey())
	require.NoError(t, err)
	require.Equal(t, signer.Address(), s.Address())
	for range 2 {
		id, err := s.Identity()
		require.NoError(t, err)
		require.Equal(t, fixedRecipient, id.Recipient().String())
	}
	// Without a transaction factory the session cannot broadcast.
	_, err = s.RegisterKey(t.Context())
	require.ErrorContains(t, err, "cannot broadcast")
}
