package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/cosmos/cosmos-sdk/client"
)

// clientConfigKeys are the settings of config/client.toml.
// vault is healthd's own: the records vault `healthd records` talks to.
var clientConfigKeys = []string{"chain-id", "keyring-backend", "keyring-default-keyname", "output", "node", "broadcast-mode", "vault"}

// ConfigCmd reads and writes the client settings in <home>/config/client.toml.
func ConfigCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "config [key] [value]",
		Short: "Show or set client settings (config/client.toml)",
		Long: "Without arguments, print every client setting. With a key, print it. With a key and a value, set it.\n" +
			"Keys: chain-id, keyring-backend, keyring-default-keyname, output, node, broadcast-mode, vault (the records vault's URL).",
		Example: "healthd config chain-id healthd-local\nhealthd config node tcp://127.0.0.1:26657\nhealthd config keyring-backend test\n" +
			"healthd config vault http://127.0.0.1:8088",
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			path := filepath.Join(clientCtx.HomeDir, "config", "client.toml")
			v := viper.New()
			v.SetConfigFile(path)
			v.SetConfigType("toml")
			if _, err := os.Stat(path); err == nil {
				if err := v.ReadInConfig(); err != nil {
					return fmt.Errorf("read %s: %w", path, err)
				}
			}
			switch len(args) {
			case 0:
				for _, k := range clientConfigKeys {
					cmd.Printf("%s = %q\n", k, v.GetString(k))
				}
				return nil
			case 1:
				if !slices.Contains(clientConfigKeys, args[0]) {
					return fmt.Errorf("unknown key %q (keys: %v)", args[0], clientConfigKeys)
				}
				cmd.Println(v.GetString(args[0]))
				return nil
			}
			if !slices.Contains(clientConfigKeys, args[0]) {
				return fmt.Errorf("unknown key %q (keys: %v)", args[0], clientConfigKeys)
			}
			v.Set(args[0], args[1])
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			return v.WriteConfigAs(path)
		},
	}
}
