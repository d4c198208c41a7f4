package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"cosmossdk.io/log/v2"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/spf13/cobra"

	"github.com/healthchain/healthd/vault"
)

// Flags of the gateway commands.
const (
	FlagListen          = "listen"
	FlagNode            = "grpc"
	FlagChainID         = "chain-id"
	FlagAuditLog        = "audit-log"
	FlagBaseURL         = "base-url"
	FlagVaultURL        = "vault-url"
	FlagSessionTTL      = "session-ttl"
	FlagSecretFile      = "secret-file"
	FlagAllowRemote     = "allow-remote"
	FlagAllowRemoteNode = "allow-remote-node"
	FlagGateway         = "gateway"
	FlagWalletRPC       = "wallet-rpc"
	FlagWalletREST      = "wallet-rest"

	DefaultListen  = "127.0.0.1:8089"
	DefaultGateway = "http://" + DefaultListen
	// MaxSessionTTL bounds --session-ttl: a stolen token is useful at most this long.
	MaxSessionTTL = 12 * time.Hour
)

// Cmd returns the `gateway` command with its subcommands.
func Cmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gateway",
		Short: "Authenticated, audited read API (FHIR R4) in front of a node",
		Long: `The gateway is the one endpoint a hospital exposes to patients, clinicians,
payers and apps. A caller proves its account with its key and gets a short-lived
session; each read of patient data passes the row-level rules (the patient and
live guardians read their own data, members only under a live consent, payers
and providers only their claims, the regulator the supply chain) and is written
to a hash-chained audit log that the patient can read back.`,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(StartCmd(defaultHome), LoginCmd(), AuditVerifyCmd(defaultHome))
	return cmd
}

// StartCmd returns `gateway start`.
func StartCmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the gateway HTTP server",
		Long: `Run the gateway HTTP server.

It listens on a loopback address unless --allow-remote is given (it speaks plain
HTTP: expose it through a TLS-terminating proxy). It reads the chain through the
node's gRPC endpoint, which must be a loopback address unless --allow-remote-node
is given. Sessions are keyed by --secret-file (at least 32 bytes) or by a random
key made at start, so a restart ends every session.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runStart(cmd, defaultHome) },
	}
	f := cmd.Flags()
	f.String(FlagListen, DefaultListen, "address to listen on")
	f.String(FlagNode, vault.DefaultNode, "the node's gRPC address")
	f.String(FlagChainID, "", "the chain id (required; it is part of every signed login)")
	f.String(FlagAuditLog, "", "the audit log file (default <home>/gateway/audit.log)")
	f.String(FlagBaseURL, "", "the gateway's public URL, used in FHIR links (default http://<listen>)")
	f.String(FlagVaultURL, "", "the records vault's URL, where DocumentReference content points")
	f.Duration(FlagSessionTTL, 15*time.Minute, "how long a session token lasts (at most 12h)")
	f.String(FlagSecretFile, "", "file with the key for challenges and sessions (at least 32 bytes); default: random at start")
	f.Bool(FlagAllowRemote, false, "listen on a non-loopback address (behind a TLS-terminating proxy only)")
	f.Bool(FlagAllowRemoteNode, false, "use a non-loopback node over unencrypted gRPC")
	f.String(FlagWalletRPC, "", "the node's public CometBFT RPC URL, offered to a browser wallet (Keplr) that does not know the chain")
	f.String(FlagWalletREST, "", "the node's public REST URL, offered to a browser wallet (Keplr) that does not know the chain")
	return cmd
}

func runStart(cmd *cobra.Command, defaultHome string) error {
	f := cmd.Flags()
	listen, _ := f.GetString(FlagListen)
	node, _ := f.GetString(FlagNode)
	chainID, _ := f.GetString(FlagChainID)
	auditPath, _ := f.GetString(FlagAuditLog)
	baseURL, _ := f.GetString(FlagBaseURL)
	vaultURL, _ := f.GetString(FlagVaultURL)
	ttl, _ := f.GetDuration(FlagSessionTTL)
	secretFile, _ := f.GetString(FlagSecretFile)
	allowRemote, _ := f.GetBool(FlagAllowRemote)
	allowRemoteNode, _ := f.GetBool(FlagAllowRemoteNode)
	walletRPC, _ := f.GetString(FlagWalletRPC)
	walletREST, _ := f.GetString(FlagWalletREST)

	chainID = strings.TrimSpace(chainID)
	if chainID == "" {
		return errors.New("--chain-id is required: it is part of every signed login")
	}
	if ttl <= 0 || ttl > MaxSessionTTL {
		return fmt.Errorf("--%s must be between 1s and %s", FlagSessionTTL, MaxSessionTTL)
	}
	if !vault.IsLoopback(listen) && !allowRemote {
		return fmt.Errorf("refusing to listen on %q: not a loopback address; the gateway speaks plain HTTP, "+
			"so put it behind a TLS-terminating proxy and pass --%s to listen there anyway", listen, FlagAllowRemote)
	}
	if !vault.IsLoopback(node) && !allowRemoteNode {
		return fmt.Errorf("refusing node %q: not a loopback address and the gRPC connection is not encrypted; "+
			"pass --%s to use it anyway", node, FlagAllowRemoteNode)
	}
	var secret []byte
	if secretFile != "" {
		bz, err := os.ReadFile(secretFile)
		if err != nil {
			return fmt.Errorf("--%s: %w", FlagSecretFile, err)
		}
		secret = bz
	}
	if auditPath == "" {
		home := defaultHome
		if hf := f.Lookup(flags.FlagHome); hf != nil && hf.Value.String() != "" {
			home = hf.Value.String()
		}
		auditPath = filepath.Join(home, "gateway", "audit.log")
	}
	if err := os.MkdirAll(filepath.Dir(auditPath), 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(auditPath), err)
	}
	audit, err := OpenAuditLog(auditPath)
	if err != nil {
		return err
	}
	defer audit.Close()

	logger := log.NewLogger(cmd.ErrOrStderr())
	conn, err := vault.DialChain(node)
	if err != nil {
		return err
	}
	defer conn.Close()

	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := vault.CheckNodeChainID(ctx, conn, chainID); err != nil {
		if errors.Is(err, vault.ErrChainUnavailable) {
			logger.Warn("chain node not reachable yet; requests will get 503 until it is", "node", node, "err", err.Error())
		} else {
			return err
		}
	}

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", listen, err)
	}
	if baseURL == "" {
		baseURL = "http://" + ln.Addr().String()
	}
	var state *vault.State
	if secret != nil {
		// A secret that outlives the process: keep the used challenges on
		// disk too, beside the audit log.
		if state, err = vault.OpenState(filepath.Join(filepath.Dir(auditPath), "state")); err != nil {
			return err
		}
		defer state.Close()
	}
	handler, err := NewServer(Config{ChainID: chainID, BaseURL: baseURL, VaultURL: vaultURL, SessionTTL: ttl, Secret: secret, State: state,
		// The app sets the SDK's bond denomination, which fees are paid in.
		WalletRPC: walletRPC, WalletREST: walletREST, FeeDenom: sdk.DefaultBondDenom},
		NewGRPCChain(conn), audit, logger)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	fmt.Fprintf(cmd.OutOrStdout(), "gateway listening on %s (chain %s, node %s, audit log %s, %d entries)\n",
		baseURL, chainID, node, auditPath, audit.Len())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	logger.Info("gateway shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// LoginCmd returns `gateway login`: it prints a session token for --from.
func LoginCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Open a gateway session with a key and print its token",
		Long: `Open a gateway session with the key named by --from (challenge, signature,
token) and print the token, for Authorization: Bearer <token>:

  TOKEN=$(healthd gateway login --from patient)
  curl -H "Authorization: Bearer $TOKEN" "$GATEWAY/fhir/Consent?patient=$(healthd keys show patient -a)"

The gateway is --gateway, else HEALTHD_GATEWAY, else ` + DefaultGateway + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			from, _ := cmd.Flags().GetString(flags.FlagFrom)
			if from == "" {
				return errors.New("--from is required: the name of the key whose account logs in")
			}
			kr := clientCtx.Keyring
			if kr == nil || cmd.Flags().Changed(flags.FlagKeyringBackend) {
				backend, _ := cmd.Flags().GetString(flags.FlagKeyringBackend)
				if kr, err = client.NewKeyringFromBackend(clientCtx, backend); err != nil {
					return err
				}
			}
			signer, err := vault.KeyringSigner(kr, from)
			if err != nil {
				return err
			}
			url, _ := cmd.Flags().GetString(FlagGateway)
			if url == "" {
				url = os.Getenv("HEALTHD_GATEWAY")
			}
			if url == "" {
				url = DefaultGateway
			}
			s, err := Login(cmd.Context(), nil, url, signer)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), s.Token)
			fmt.Fprintf(cmd.ErrOrStderr(), "session for %s until %s\n", s.Account, s.ExpiresAt.Format(time.RFC3339))
			return nil
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	cmd.Flags().String(flags.FlagFrom, "", "the key to log in with")
	cmd.Flags().String(flags.FlagKeyringBackend, flags.DefaultKeyringBackend, "keyring backend (os|file|kwallet|pass|test|memory)")
	cmd.Flags().String(FlagGateway, "", "the gateway's URL (default HEALTHD_GATEWAY, else "+DefaultGateway+")")
	return cmd
}

// AuditVerifyCmd returns `gateway audit-verify`.
func AuditVerifyCmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit-verify [audit-log]",
		Short: "Check the audit log's hash chain and print its length and last hash",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := filepath.Join(defaultHome, "gateway", "audit.log")
			if hf := cmd.Flags().Lookup(flags.FlagHome); hf != nil && hf.Value.String() != "" {
				path = filepath.Join(hf.Value.String(), "gateway", "audit.log")
			}
			if len(args) == 1 {
				path = args[0]
			}
			n, last, err := VerifyAuditLog(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "audit log %s: %d entries, hash chain intact, last hash %s\n", path, n, last)
			return nil
		},
	}
	return cmd
}
