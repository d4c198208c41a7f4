package claims_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSettlementCommands: lock-settlement takes the claim id and the lock's
// fields as flags (bytes in hex), review takes --settlement-preimage, and
// `q claims settlement` the claim id. The tx commands parse their flags and
// stop at the signer (no keyring here); a value that is not hex stops them
// at the flag.
func TestSettlementCommands(t *testing.T) {
	hash := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	lock := func(hashlock string) error {
		_, err := run(t, true, "lock-settlement", "7", "--hashlock", hashlock, "--evm-lock-id", hash, "--evm-timelock", "1796000000",
			"--evm-receiver", "0x1111111111111111111111111111111111111111", "--evm-token", "0x2222222222222222222222222222222222222222",
			"--evm-amount", "24000000", "--from", "payer")
		return err
	}
	require.ErrorContains(t, lock(hash), "keyring")
	require.ErrorContains(t, lock("not-hex!"), "neither a valid file path, hex, or base64")
	_, err := run(t, true, "review", "7", "approve", "--settlement-preimage", hash, "--from", "payer")
	require.ErrorContains(t, err, "keyring")
	_, err = run(t, false, "settlement", "7")
	require.ErrorIs(t, err, errNoNode)
	out, err := run(t, true, "lock-settlement", "--help")
	require.NoError(t, err)
	for _, want := range []string{"--hashlock", "--evm-lock-id", "--evm-timelock", "--evm-receiver", "--evm-token", "--evm-amount", "docs/settlement.md"} {
		require.Contains(t, out, want)
	}
	out, err = run(t, true, "review", "--help")
	require.NoError(t, err)
	require.Contains(t, out, "--settlement-preimage")
}
