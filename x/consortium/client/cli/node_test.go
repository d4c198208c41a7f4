package cli_test

import (
	"path/filepath"
	"testing"

	"github.com/cometbft/cometbft/p2p"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/consortium/client/cli"
	"github.com/healthchain/healthd/x/consortium/types"
)

// TestBuildRegisterNode: the CLI reads the node's node_key.json, which CometBFT
// wrote, and the registration it builds carries that node's id, signed by its
// key for the member and chain.
func TestBuildRegisterNode(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "node_key.json")
	nk, err := p2p.LoadOrGenNodeKey(keyFile)
	require.NoError(t, err)

	msg, err := cli.BuildRegisterNode(member, keyFile, "sentry.example.org:26656", "pharma-1")
	require.NoError(t, err)
	require.Equal(t, string(nk.ID()), msg.NodeID)
	require.Equal(t, member, msg.Member)
	require.Equal(t, "sentry.example.org:26656", msg.Address)
	require.NoError(t, msg.VerifyNodeKey("pharma-1", member))

	_, err = cli.BuildRegisterNode(member, keyFile, "", "")
	require.ErrorContains(t, err, "chain id is required")
	_, err = cli.BuildRegisterNode(member, filepath.Join(t.TempDir(), "missing.json"), "", "pharma-1")
	require.ErrorContains(t, err, "read the node key")
	_, err = cli.BuildRegisterNode(member, keyFile, "sentry.example.org", "pharma-1")
	require.ErrorIs(t, err, types.ErrInvalidNodeAddress)
	_, err = cli.BuildRegisterNode("", keyFile, "", "pharma-1")
	require.ErrorIs(t, err, types.ErrInvalidAddress)
}
