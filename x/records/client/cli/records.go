// Package cli is `healthd records put|amend|get|verify|share|erase|keys`:
// one thin command per file, each reading its flags, calling the records
// client library (x/records/client/recordsclient) and printing the result as
// JSON. The work itself (validating, committing, encrypting, wrapping keys,
// talking to the chain and the vault) is the library's, so that tests, the
// gateway and other tools do it the same way.
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"

	"github.com/healthchain/healthd/x/records/client/recordsclient"
	"github.com/healthchain/healthd/x/records/types"
)

const (
	flagPatient  = "patient"
	flagCategory = "category"
	flagFormat   = "format"
	flagVault    = "vault"
	flagOut      = "out"
	flagPurpose  = "purpose"
	flagID       = "id"
	flagSalt     = "salt"
	flagTo       = "to"
	flagForce    = "force"

	// DefaultVault is the vault the localnet starts.
	DefaultVault = "http://127.0.0.1:8088"
	// MaxRecordSize bounds a record file.
	MaxRecordSize = 256 << 20
)

// Cmd returns `healthd records`.
func Cmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "records",
		Short: "Put, get, verify, share and erase medical records: encrypted in the vault, anchored on chain",
		Long: `Records stay off chain, encrypted under a fresh key per record. The chain holds a salted
commitment (SHA-256 of a 32-byte salt and the record's canonical bytes), the CIDv1 of the
encrypted blob, and every access grant. Record keys are wrapped to the age X25519 keys that
accounts derive from their own signing key (healthd records keys register).`,
		RunE: client.ValidateCmd,
	}
	cmd.AddCommand(putCmd(), amendCmd(), getCmd(), verifyCmd(), shareCmd(), eraseCmd(), keysCmd())
	explainVaultErrors(cmd)
	return cmd
}

// explainVaultErrors makes every subcommand's unreachable-vault error say
// which URL was tried and how to set it.
func explainVaultErrors(c *cobra.Command) {
	for _, sub := range c.Commands() {
		explainVaultErrors(sub)
	}
	run := c.RunE
	if run == nil || c.Flags().Lookup(flagVault) == nil {
		return
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		err := run(cmd, args)
		if err == nil {
			return nil
		}
		url, from := vaultURL(cmd, client.GetClientContextFromCmd(cmd).HomeDir)
		return explainVault(err, url, from)
	}
}

func addVaultFlag(cmd *cobra.Command) {
	cmd.Flags().String(flagVault, "", "vault URL (default: env HEALTHD_VAULT, else `vault` in config/client.toml, else "+DefaultVault+")")
}

// vaultURL is the vault to talk to: --vault, else HEALTHD_VAULT, else the
// `vault` setting of the client configuration (`healthd config vault URL`,
// which the localnet writes), else DefaultVault. It also says where it came
// from, for errors.
func vaultURL(cmd *cobra.Command, home string) (url, from string) {
	if u, _ := cmd.Flags().GetString(flagVault); u != "" {
		return u, "--vault"
	}
	if u := os.Getenv("HEALTHD_VAULT"); u != "" {
		return u, "HEALTHD_VAULT"
	}
	v := viper.New()
	v.SetConfigFile(filepath.Join(home, "config", "client.toml"))
	v.SetConfigType("toml")
	if err := v.ReadInConfig(); err == nil && v.GetString("vault") != "" {
		return v.GetString("vault"), "vault in " + v.ConfigFileUsed()
	}
	return DefaultVault, "the default"
}

// explainVault makes an unreachable vault's error say which URL was tried,
// where it came from, and how to set another.
func explainVault(err error, url, from string) error {
	var ue *neturl.Error
	if err == nil || !errors.As(err, &ue) {
		return err
	}
	return fmt.Errorf("the records vault at %s (from %s) did not answer: %w\n"+
		"set its URL with --vault, HEALTHD_VAULT, or `healthd config vault URL` (the localnet writes it)", url, from, err)
}

func txCommand(cmd *cobra.Command) *cobra.Command {
	flags.AddTxFlagsToCmd(cmd)
	addVaultFlag(cmd)
	// These commands sign and wait for their own transactions: estimate gas by default.
	for name, def := range map[string]string{flags.FlagGas: flags.GasFlagAuto, flags.FlagGasAdjustment: "1.5"} {
		f := cmd.Flags().Lookup(name)
		_ = f.Value.Set(def)
		f.DefValue = def
	}
	return cmd
}

// newSession opens a library session for the --from key, the --vault URL and
// the transaction flags; progress notes go to stderr.
func newSession(cmd *cobra.Command) (*recordsclient.Session, error) {
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return nil, err
	}
	if clientCtx.FromName == "" {
		return nil, errors.New("give --from: the key that signs")
	}
	url, _ := vaultURL(cmd, clientCtx.HomeDir)
	return recordsclient.NewSession(recordsclient.Config{
		Client: clientCtx,
		// Built per transaction, as `tx` commands build theirs, so that
		// commands that never broadcast never need a signable factory.
		TxFactory: func() (tx.Factory, error) { return tx.NewFactoryCLI(clientCtx, cmd.Flags()) },
		VaultURL:  url,
		Progress:  say,
	})
}

// printJSON prints v as indented JSON on stdout.
func printJSON(cmd *cobra.Command, v any) error {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(cmd.OutOrStdout(), string(out))
	return err
}

// say prints progress to stderr, keeping stdout for the result.
func say(format string, args ...any) { _, _ = fmt.Fprintf(os.Stderr, format+"\n", args...) }

func readRecordFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxRecordSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, MaxRecordSize)
	}
	return b, nil
}

func parseID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("record id %q: a positive integer", s)
	}
	return id, nil
}

func formatFlag(cmd *cobra.Command) (types.Format, error) {
	f, _ := cmd.Flags().GetString(flagFormat)
	if f == "" || f == "auto" {
		return types.Format_FORMAT_UNSPECIFIED, nil
	}
	return types.ParseFormat(f)
}
