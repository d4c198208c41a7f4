package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

func shareCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "share [id] --to ADDR --from PATIENT",
		Short: "Wrap a record's key for another account (after granting it consent)",
		Long: `share unwraps the record key with the patient's key and wraps it again for the account given with
--to, using the encryption key that account registered. The account still needs a live access grant,
which the chain gives only under the patient's consent, before the vault serves it the blob.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			to, _ := cmd.Flags().GetString(flagTo)
			if _, err := sdk.AccAddressFromBech32(to); err != nil {
				return fmt.Errorf("--to %q: %w", to, err)
			}
			if err := s.Share(cmd.Context(), id, to); err != nil {
				return err
			}
			return printJSON(cmd, map[string]any{"id": id, "shared_with": to})
		},
	}
	cmd.Flags().String(flagTo, "", "account to share the record key with (required)")
	_ = cmd.MarkFlagRequired(flagTo)
	return txCommand(cmd)
}
