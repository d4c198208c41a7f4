package cli

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
)

func TestCommands(t *testing.T) {
	names := map[string]bool{}
	for _, c := range TxCmd().Commands() {
		names[c.Name()] = true
		require.NotNil(t, c.Flags().Lookup(flags.FlagFrom), "tx %s signs", c.Name())
	}
	for _, c := range QueryCmds() {
		names[c.Name()] = true
		require.NotNil(t, c.Flags().Lookup(flags.FlagFrom), "q %s derives the caller's key", c.Name())
	}
	require.Equal(t, map[string]bool{"break-glass": true, "break-glass-justification": true}, names)
}

// TestBreakGlassRefusesUnknownJustificationOffline: an unknown code is
// refused before the chain is asked or anything is sealed.
func TestBreakGlassRefusesUnknownJustificationOffline(t *testing.T) {
	for _, j := range []string{"asleep", "unspecified", "1", ""} {
		cmd := breakGlassCmd()
		cmd.SetArgs([]string{"health1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a", j})
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		ctx := context.WithValue(t.Context(), client.ClientContextKey, &client.Context{})
		require.ErrorContains(t, cmd.ExecuteContext(ctx), "justification", j)
	}
}

// TestJustificationNeedsFrom: the justification opens only with the
// caller's own key, so --from is required.
func TestJustificationNeedsFrom(t *testing.T) {
	cmd := justificationCmd()
	cmd.SetArgs([]string{"1"})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	ctx := context.WithValue(t.Context(), client.ClientContextKey, &client.Context{})
	require.ErrorContains(t, cmd.ExecuteContext(ctx), "give --from")
}
