package cli

import (
	"encoding/hex"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"

	"github.com/healthchain/healthd/x/records/client/recordsclient"
	"github.com/healthchain/healthd/x/records/types"
)

func verifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify [file] --id ID [--salt HEX] --from KEY",
		Short: "Check a file against a record's anchored commitment",
		Long: `verify canonicalises the file as put did and compares SHA-256(salt || canonical bytes) with the
record's commitment on chain. The salt is secret: give it with --salt, or let verify read it from
the record in the vault (the caller needs access). It fails when any byte of the record's content
differs.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			idStr, _ := cmd.Flags().GetString(flagID)
			id, err := parseID(idStr)
			if err != nil {
				return err
			}
			b, err := readRecordFile(args[0])
			if err != nil {
				return err
			}
			var v *recordsclient.Verification
			if saltHex, _ := cmd.Flags().GetString(flagSalt); saltHex != "" {
				salt, err := hex.DecodeString(saltHex)
				if err != nil || len(salt) != types.SaltSize {
					return fmt.Errorf("--salt: %d bytes of hex", types.SaltSize)
				}
				// With the salt, verify needs no key: only the chain's queries.
				clientCtx, err := client.GetClientQueryContext(cmd)
				if err != nil {
					return err
				}
				if v, err = recordsclient.Verify(cmd.Context(), types.NewQueryClient(clientCtx), id, b, salt); err != nil {
					return err
				}
			} else {
				s, err := newSession(cmd)
				if err != nil {
					return fmt.Errorf("without --salt, verify reads the salt from the vault: %w", err)
				}
				if v, err = s.Verify(cmd.Context(), id, b, nil); err != nil {
					return err
				}
			}
			if err := printJSON(cmd, map[string]any{"id": v.ID, "match": v.Match, "current": v.Current, "superseded_by": v.SupersededBy}); err != nil {
				return err
			}
			if !v.Match {
				return fmt.Errorf("%s does NOT match record %d", args[0], id)
			}
			return nil
		},
	}
	cmd.Flags().String(flagID, "", "record id (required)")
	cmd.Flags().String(flagSalt, "", "the record's salt, hex (default: read it from the vault with --from's access)")
	_ = cmd.MarkFlagRequired(flagID)
	return txCommand(cmd)
}
