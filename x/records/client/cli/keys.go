package cli

import (
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
)

func keysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "The account's record encryption key, derived from its signing key",
		RunE:  client.ValidateCmd,
	}
	show := &cobra.Command{
		Use:   "show --from KEY",
		Short: "Print the age recipient derived from the key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := s.Identity()
			if err != nil {
				return err
			}
			return printJSON(cmd, map[string]any{"account": s.Address(), "recipient": id.Recipient().String()})
		},
	}
	register := &cobra.Command{
		Use:   "register --from KEY",
		Short: "Publish the derived age recipient on chain so that record keys can be wrapped for this account",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := s.RegisterKey(cmd.Context())
			if err != nil {
				return err
			}
			return printJSON(cmd, map[string]any{"account": s.Address(), "recipient": id.Recipient().String(), "registered": true})
		},
	}
	cmd.AddCommand(txCommand(show), txCommand(register))
	return cmd
}
