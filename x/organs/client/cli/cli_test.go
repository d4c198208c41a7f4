package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/organs/client/cli"
	"github.com/healthchain/healthd/x/organs/types"
)

func TestParseCandidate(t *testing.T) {
	c, err := cli.ParseCandidate(strings.Repeat("ab", 32) + ":health1xyz:ab")
	require.NoError(t, err)
	require.Equal(t, types.ABO_ABO_AB, c.ABO)
	require.Len(t, c.Commitment, 32)
	require.Equal(t, "health1xyz", c.Centre)
	for _, bad := range []string{"", "zz:health1xyz:A", strings.Repeat("ab", 32) + ":health1xyz:C", strings.Repeat("ab", 32) + ":health1xyz", "a:b:c:d"} {
		_, err := cli.ParseCandidate(bad)
		require.Error(t, err, bad)
	}
}

func TestParseReading(t *testing.T) {
	r, err := cli.ParseReading("3,2026-03-02T10:00:00Z,-150")
	require.NoError(t, err)
	require.Equal(t, types.Reading{Seq: 3, Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), CentiCelsius: -150}, r)
	for _, bad := range []string{"", "1,2026-03-02T10:00:00Z", "x,2026-03-02T10:00:00Z,1", "1,yesterday,1", "1,2026-03-02T10:00:00Z,4.5"} {
		_, err := cli.ParseReading(bad)
		require.Error(t, err, bad)
	}
}
