package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/version"
)

func getCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get [id] --out FILE [--purpose P] --from KEY",
		Short: "Request access if needed, fetch from the vault, decrypt, verify against the chain, write the file",
		Long: `get checks on chain whether the caller may read the record (the patient and the author may; anyone
else needs a live access grant). Without one, --purpose requests it: the patient's consent must cover
the purpose and the record's category, and the grant is added to the patient's accounting of
disclosures. The blob's CID and the record's salted commitment are checked before the file is written.`,
		Example: fmt.Sprintf("%s records get 3 --purpose TREAT --out glucose.json --from hospital", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			out, _ := cmd.Flags().GetString(flagOut)
			force, _ := cmd.Flags().GetBool(flagForce)
			purpose, _ := cmd.Flags().GetString(flagPurpose)
			if out == "" {
				return errors.New("give --out FILE")
			}
			if _, err := os.Stat(out); err == nil && !force {
				return fmt.Errorf("%s exists: give --force to overwrite", out)
			}
			o, err := s.Get(cmd.Context(), id, purpose)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, o.Bytes, 0o600); err != nil {
				return err
			}
			r := o.Record
			return printJSON(cmd, map[string]any{
				"id": r.ID, "kind": r.Kind, "category": r.Category, "out": out, "bytes": len(o.Bytes),
				"verified": true, "grant_id": o.GrantID, "salt": hex.EncodeToString(o.Header.Salt),
			})
		},
	}
	cmd.Flags().String(flagOut, "", "file to write (required)")
	cmd.Flags().String(flagPurpose, "", "purpose of use for an access request (TREAT, HPAYMT, ...)")
	cmd.Flags().Bool(flagForce, false, "overwrite --out")
	return txCommand(cmd)
}
