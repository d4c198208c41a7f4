package cli

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client/flags"
)

func TestCommandTree(t *testing.T) {
	names := map[string]bool{}
	for _, c := range Cmd().Commands() {
		names[c.Name()] = true
		leaves := c.Commands()
		if len(leaves) == 0 {
			leaves = append(leaves, c)
		}
		for _, leaf := range leaves {
			for _, f := range []string{flagVault, flags.FlagFrom, flags.FlagGas} {
				require.NotNil(t, leaf.Flags().Lookup(f), "%s %s has --%s", c.Name(), leaf.Name(), f)
			}
			require.Equal(t, flags.GasFlagAuto, leaf.Flags().Lookup(flags.FlagGas).DefValue, "%s estimates gas", leaf.Name())
		}
	}
	require.Equal(t, map[string]bool{"put": true, "amend": true, "get": true, "verify": true, "share": true, "erase": true, "keys": true}, names)
}

func TestParseID(t *testing.T) {
	id, err := parseID("42")
	require.NoError(t, err)
	require.EqualValues(t, 42, id)
	for _, bad := range []string{"0", "-1", "x", "", "18446744073709551616"} {
		_, err := parseID(bad)
		require.ErrorContains(t, err, "a positive integer", bad)
	}
}

// TestVerifyRefusesBadSaltOffline: a malformed --salt is refused before the
// chain or the vault is asked.
func TestVerifyRefusesBadSaltOffline(t *testing.T) {
	file := filepath.Join("..", "..", "..", "..", "internal", "fhirr4", "testdata", "observation_lab.json")
	for _, salt := range []string{"zz", "00ff"} {
		cmd := Cmd()
		cmd.SetArgs([]string{"verify", file, "--id", "1", "--salt", salt})
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		require.ErrorContains(t, cmd.ExecuteContext(t.Context()), "--salt: 32 bytes of hex", salt)
	}
}

// TestVaultURL: --vault, then HEALTHD_VAULT, then `vault` in client.toml
// (what the localnet writes with `healthd config vault`), then the default.
func TestVaultURL(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "config"), 0o755))
	cmd := getCmd()
	t.Setenv("HEALTHD_VAULT", "")

	url, from := vaultURL(cmd, home)
	require.Equal(t, DefaultVault, url)
	require.Equal(t, "the default", from)

	require.NoError(t, os.WriteFile(filepath.Join(home, "config", "client.toml"),
		[]byte("node = \"tcp://127.0.0.1:29657\"\nvault = \"http://127.0.0.1:11088\"\n"), 0o600))
	url, from = vaultURL(cmd, home)
	require.Equal(t, "http://127.0.0.1:11088", url)
	require.Contains(t, from, "client.toml")

	t.Setenv("HEALTHD_VAULT", "http://127.0.0.1:9999")
	url, from = vaultURL(cmd, home)
	require.Equal(t, "http://127.0.0.1:9999", url)
	require.Equal(t, "HEALTHD_VAULT", from)

	require.NoError(t, cmd.Flags().Set(flagVault, "http://127.0.0.1:7777"))
	url, from = vaultURL(cmd, home)
	require.Equal(t, "http://127.0.0.1:7777", url)
	require.Equal(t, "--vault", from)
}

// TestUnreachableVaultSaysWhere: a vault that does not answer is named, with
// where its URL came from and how to set it; other errors pass unchanged.
func TestUnreachableVaultSaysWhere(t *testing.T) {
	_, err := http.Get("http://127.0.0.1:1/v1/challenge") // nothing listens on port 1
	require.Error(t, err)
	wrapped := fmt.Errorf("vault: challenge: %w", err)
	got := explainVault(wrapped, "http://127.0.0.1:1", "vault in client.toml")
	require.ErrorIs(t, got, err)
	require.Contains(t, got.Error(), "http://127.0.0.1:1 (from vault in client.toml) did not answer")
	require.Contains(t, got.Error(), "healthd config vault URL")
	other := errors.New("record 7 not found")
	require.Equal(t, other, explainVault(other, "x", "y"))
}
