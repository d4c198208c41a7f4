package cli

import (
	"github.com/spf13/cobra"
)

func amendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "amend [id] [file] --from AUTHOR",
		Short: "Anchor a new version of a record; the old version stays and points to it",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			category, _ := cmd.Flags().GetString(flagCategory)
			b, err := readRecordFile(args[1])
			if err != nil {
				return err
			}
			res, err := s.Amend(cmd.Context(), id, b, category)
			if err != nil {
				return err
			}
			return printJSON(cmd, res)
		},
	}
	cmd.Flags().String(flagCategory, "", "consent category (default: the amended version's)")
	return txCommand(cmd)
}
