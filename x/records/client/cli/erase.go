package cli

import (
	"github.com/spf13/cobra"
)

func eraseCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "erase [id] --from PATIENT",
		Short: "Destroy a record's encrypted blob and wrapped keys in the vault (the patient only)",
		Long: `erase asks the vault to delete the blob and every wrapped key of the record. The anchor stays on
chain; its commitment is salted with a secret salt, so it reveals nothing about the content afterwards.`,
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
			if err := s.Erase(cmd.Context(), id); err != nil {
				return err
			}
			return printJSON(cmd, map[string]any{"id": id, "erased": true})
		},
	}
	return txCommand(cmd)
}
