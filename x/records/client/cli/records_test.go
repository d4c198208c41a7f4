package cli

import (
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
