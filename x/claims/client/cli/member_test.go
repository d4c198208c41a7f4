package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"

	"github.com/healthchain/healthd/x/claims/client/claimsclient"
)

// TestMemberIDKey: enroll and check-member derive the --from key's member id
// key through the keyring, as claimsclient does, and say what is missing
// without --from.
func TestMemberIDKey(t *testing.T) {
	ir := codectestutil.CodecOptions{AccAddressPrefix: "health"}.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(ir)
	kr := keyring.NewInMemory(codec.NewProtoCodec(ir))
	require.NoError(t, kr.ImportPrivKeyHex("payer", "1f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778", "secp256k1"))

	_, err := memberIDKey(client.Context{}.WithKeyring(kr))
	require.ErrorContains(t, err, "--from")
	key, err := memberIDKey(client.Context{}.WithKeyring(kr).WithFromName("payer"))
	require.NoError(t, err)
	want, err := claimsclient.DeriveMemberIDKey(claimsclient.KeyringSigner(kr, "payer"))
	require.NoError(t, err)
	require.Equal(t, want, key)
	_, err = memberIDKey(client.Context{}.WithKeyring(kr).WithFromName("nobody"))
	require.ErrorContains(t, err, "nobody")
}

// TestMemberCommands: enroll says the member id stays on the client;
// check-member takes --from and the keyring flags besides the query flags.
func TestMemberCommands(t *testing.T) {
	require.Contains(t, enrollCmd().Long, "never sent")
	cmd := checkMemberCmd()
	for _, f := range []string{flags.FlagFrom, flags.FlagKeyringBackend, flags.FlagNode} {
		require.NotNil(t, cmd.Flags().Lookup(f), f)
	}
	require.NoError(t, cmd.Args(cmd, []string{"health1...", "MEM-000123"}))
	require.Error(t, cmd.Args(cmd, []string{"health1..."}))
}
