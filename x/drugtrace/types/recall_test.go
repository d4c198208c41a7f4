package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

func TestRecallCode(t *testing.T) {
	require.Equal(t, "CLASS_II:CONTAMINATION", types.RecallCode(types.RecallClass_RECALL_CLASS_II, types.RecallReason_RECALL_REASON_CONTAMINATION))
	require.Equal(t, "CLASS_I:COUNTERFEIT_SUSPECTED", types.RecallCode(types.RecallClass_RECALL_CLASS_I, types.RecallReason_RECALL_REASON_COUNTERFEIT_SUSPECTED))
	require.Equal(t, "CLASS_III:FAILED_SPECIFICATION", types.RecallCode(types.RecallClass_RECALL_CLASS_III, types.RecallReason_RECALL_REASON_FAILED_SPECIFICATION))
}

// TestRecallVocabulary: every class and reason is valid, has a line in the
// CLI's help under the name autocli gives it, and gives a code x/bridge can
// carry (printable ASCII without spaces, at most 64 bytes); UNSPECIFIED and
// unknown numbers are refused.
func TestRecallVocabulary(t *testing.T) {
	help := types.RecallHelp()
	for n, name := range types.RecallClass_name {
		c := types.RecallClass(n)
		if c == types.RecallClass_RECALL_CLASS_UNSPECIFIED {
			require.ErrorIs(t, types.ValidateRecall(c, types.RecallReason_RECALL_REASON_POTENCY), types.ErrInvalidRecall)
			continue
		}
		require.Contains(t, help, "\n  "+strings.ToLower(strings.TrimPrefix(name, "RECALL_CLASS_"))+" ", name)
		for m, rname := range types.RecallReason_name {
			r := types.RecallReason(m)
			if r == types.RecallReason_RECALL_REASON_UNSPECIFIED {
				require.ErrorIs(t, types.ValidateRecall(c, r), types.ErrInvalidRecall)
				continue
			}
			require.NoError(t, types.ValidateRecall(c, r), "%s %s", name, rname)
			require.Contains(t, help, "\n  "+strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(rname, "RECALL_REASON_")), "_", "-")+" ", rname)
			code := types.RecallCode(c, r)
			require.LessOrEqual(t, len(code), 64, code)
			for i := 0; i < len(code); i++ {
				require.True(t, code[i] > 0x20 && code[i] < 0x7f, "%q", code)
			}
		}
	}
	require.ErrorIs(t, types.ValidateRecall(4, types.RecallReason_RECALL_REASON_POTENCY), types.ErrInvalidRecall)
	require.ErrorIs(t, types.ValidateRecall(types.RecallClass_RECALL_CLASS_I, types.RecallReason(len(types.RecallReason_name))), types.ErrInvalidRecall)
}
