package drugtrace_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSettlementCLI: `tx drugtrace lock-settlement` takes the shipment id and
// the lock's fields as flags (bytes in hex) and `receive` takes
// --settlement-preimage; both parse their flags and stop at the signer (no
// keyring here), and a value that is not hex stops them at the flag.
func TestSettlementCLI(t *testing.T) {
	hash := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	lock := func(hashlock string) error {
		_, err := execute(t, "lock-settlement", "3", "--hashlock", hashlock, "--evm-lock-id", hash, "--evm-timelock", "1796000000",
			"--evm-receiver", "0x1111111111111111111111111111111111111111", "--evm-token", "0x2222222222222222222222222222222222222222",
			"--evm-amount", "5000000", "--from", "pharmacy")
		return err
	}
	require.ErrorContains(t, lock(hash), "keyring")
	require.ErrorContains(t, lock("not-hex!"), "neither a valid file path, hex, or base64")
	_, err := execute(t, "receive", "3", "--settlement-preimage", hash, "--from", "pharmacy")
	require.ErrorContains(t, err, "keyring")
	out, err := execute(t, "lock-settlement", "--help")
	require.NoError(t, err)
	for _, want := range []string{"--hashlock", "--evm-lock-id", "--evm-timelock", "--evm-receiver", "--evm-token", "--evm-amount", "docs/settlement.md"} {
		require.Contains(t, out, want)
	}
	out, err = execute(t, "receive", "--help")
	require.NoError(t, err)
	require.Contains(t, out, "--settlement-preimage")
}
