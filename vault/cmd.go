package vault

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
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
)

// Flags of `vault start`.
const (
	FlagListen          = "listen"
	FlagData            = "data"
	FlagNode            = "grpc"
	FlagChainID         = "chain-id"
	FlagMaxBlobSize     = "max-blob-size"
	FlagAllowRemote     = "allow-remote"
	FlagAllowRemoteNode = "allow-remote-node"
	FlagMaxUploads      = "max-uploads"
	FlagMaxUploadsPer   = "max-uploads-per-account"
	FlagMinUploadRate   = "min-upload-rate"
	// FlagProvisionalDeadline is how long an upload may wait for its anchor
	// before the sweeper deletes it (see Sweeper).
	FlagProvisionalDeadline = "provisional-deadline"

	DefaultListen = "127.0.0.1:8088"
	DefaultNode   = "127.0.0.1:9090"
)

// HTTP server timeouts of `vault start`.
const (
	readHeaderTimeout = 10 * time.Second
	// readTimeout covers requests without an accepted body; an accepted
	// body gets its own deadlines (Config.BodyIdleTimeout and
	// Config.MinUploadRate), set by the handler once the request is
	// authenticated, so an unauthenticated caller holds a connection for
	// at most this long.
	readTimeout       = 1 * time.Minute
	writeTimeout      = 15 * time.Minute // a 256 MiB download on a slow link
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	shutdownTimeout   = 30 * time.Second
	startupChainCheck = 5 * time.Second
)

// Cmd returns the `vault` command with its subcommands.
func Cmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vault",
		Short: "Encrypted record blob and wrapped-key vault",
		Long: `The vault stores the encrypted blobs anchored by x/records, addressed by their
CID, and the record keys wrapped for each account. It never sees plaintext, and
serves a blob or key only to accounts the chain allows.`,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(StartCmd(defaultHome))
	return cmd
}

// StartCmd returns `vault start`.
func StartCmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the vault HTTP server",
		Long: `Run the vault HTTP server.

The vault listens on a loopback address by default and refuses any other
listen address unless --allow-remote is given: it speaks plain HTTP, so expose
it to other hosts only behind a TLS-terminating proxy. It queries the chain
through the node's gRPC endpoint (--grpc), also in plaintext, which must be a
loopback address unless --allow-remote-node is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runStart(cmd, defaultHome) },
	}
	f := cmd.Flags()
	f.String(FlagListen, DefaultListen, "HTTP listen address (host:port); must be loopback unless --allow-remote")
	f.String(FlagData, filepath.Join(defaultHome, "vault"), "storage directory (blobs, wrapped keys, tombstones, state.db); follows --home when that is set")
	f.String(FlagNode, DefaultNode, "gRPC address of a healthd node; must be loopback unless --allow-remote-node (not --node: that names CometBFT RPC)")
	f.String(FlagChainID, "", "chain id, part of every signed request (required)")
	f.Int64(FlagMaxBlobSize, DefaultMaxBlobSize, "largest accepted blob, in bytes")
	f.Int(FlagMaxUploads, DefaultMaxUploads, "blob uploads in progress at once, in all (more get 503 VAULT_BUSY)")
	f.Int(FlagMaxUploadsPer, DefaultMaxUploadsPerAccount, "blob uploads in progress at once for one account (more get 429 TOO_MANY_UPLOADS)")
	f.Int64(FlagMinUploadRate, DefaultMinUploadRate, "slowest accepted upload, in bytes per second: a body must arrive within 30 s plus its size at this rate")
	f.Duration(FlagProvisionalDeadline, DefaultProvisionalDeadline, "how long an uploaded blob may wait for its anchoring transaction to commit; after that, a blob no record anchors is deleted with its wrapped keys")
	f.Bool(FlagAllowRemote, false, "allow a non-loopback --listen address (put a TLS proxy in front)")
	f.Bool(FlagAllowRemoteNode, false, "allow a non-loopback --grpc address (the gRPC connection is not encrypted)")
	_ = cmd.MarkFlagRequired(FlagChainID)
	return cmd
}

// IsLoopback reports whether a host:port names a loopback address.
// An empty host (all interfaces) is not loopback.
func IsLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func runStart(cmd *cobra.Command, defaultHome string) error {
	f := cmd.Flags()
	listen, _ := f.GetString(FlagListen)
	data, _ := f.GetString(FlagData)
	node, _ := f.GetString(FlagNode)
	chainID, _ := f.GetString(FlagChainID)
	maxBlob, _ := f.GetInt64(FlagMaxBlobSize)
	allowRemote, _ := f.GetBool(FlagAllowRemote)
	allowRemoteNode, _ := f.GetBool(FlagAllowRemoteNode)
	maxUploads, _ := f.GetInt(FlagMaxUploads)
	maxUploadsPer, _ := f.GetInt(FlagMaxUploadsPer)
	minRate, _ := f.GetInt64(FlagMinUploadRate)
	deadline, _ := f.GetDuration(FlagProvisionalDeadline)

	chainID = strings.TrimSpace(chainID)
	if chainID == "" {
		return errors.New("--chain-id is required: it is part of every signed request")
	}
	if maxBlob <= 0 {
		return fmt.Errorf("--%s must be positive", FlagMaxBlobSize)
	}
	if maxUploads <= 0 || maxUploadsPer <= 0 || minRate <= 0 {
		return fmt.Errorf("--%s, --%s and --%s must be positive", FlagMaxUploads, FlagMaxUploadsPer, FlagMinUploadRate)
	}
	if deadline < time.Minute {
		return fmt.Errorf("--%s must be at least a minute: an upload is deleted if its anchor has not committed by then", FlagProvisionalDeadline)
	}
	if !IsLoopback(listen) && !allowRemote {
		return fmt.Errorf("refusing to listen on %q: not a loopback address; the vault speaks plain HTTP, "+
			"so put it behind a TLS-terminating proxy and pass --%s to listen there anyway", listen, FlagAllowRemote)
	}
	if !IsLoopback(node) && !allowRemoteNode {
		return fmt.Errorf("refusing node %q: not a loopback address and the gRPC connection is not encrypted; "+
			"pass --%s to use it anyway", node, FlagAllowRemoteNode)
	}
	// --data defaults to <home>/vault, where home follows a --home flag
	// inherited from the root command.
	if !f.Changed(FlagData) {
		if hf := f.Lookup("home"); hf != nil && hf.Changed && hf.Value.String() != "" {
			data = filepath.Join(hf.Value.String(), "vault")
		} else if data == "" {
			data = filepath.Join(defaultHome, "vault")
		}
	}

	logger := log.NewLogger(cmd.ErrOrStderr())

	store, err := NewDiskStore(data)
	if err != nil {
		return err
	}
	spool := filepath.Join(store.Root(), "tmp")
	if err := os.MkdirAll(spool, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", spool, err)
	}
	if err := os.Chmod(spool, 0o700); err != nil {
		return fmt.Errorf("restricting %s: %w", spool, err)
	}
	removeSpooled(spool)

	// Closed last (deferred first): after the server and the sweeper stop.
	state, err := OpenState(store.Root())
	if err != nil {
		return err
	}
	defer state.Close()

	conn, err := DialChain(node)
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

	if err := CheckNodeChainID(ctx, conn, chainID); err != nil {
		if errors.Is(err, ErrChainUnavailable) {
			logger.Warn("chain node not reachable yet; requests will get 502 until it is", "node", node, "err", err.Error())
		} else {
			return err
		}
	}

	chain := NewGRPCChain(conn)
	handler := NewServer(Config{
		ChainID:              chainID,
		MaxBlobSize:          maxBlob,
		TempDir:              spool,
		MaxUploads:           maxUploads,
		MaxUploadsPerAccount: maxUploadsPer,
		MinUploadRate:        minRate,
		State:                state,
	}, store, chain, logger)

	sweeper := NewSweeper(SweepConfig{Deadline: deadline, Syncing: NodeSyncing(conn)}, state, store, chain, logger)
	sweepCtx, stopSweep := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() {
		defer close(swept)
		sweeper.Run(sweepCtx)
	}()
	defer func() {
		stopSweep()
		<-swept
	}()

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", listen, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
	fmt.Fprintf(cmd.OutOrStdout(), "vault listening on http://%s (chain %s, node %s, data %s)\n", ln.Addr(), chainID, node, store.Root())

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
	logger.Info("vault shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// removeSpooled deletes uploads spooled by an earlier run that died.
func removeSpooled(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "vault-upload-") {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// NodeSyncing returns a SweepConfig.Syncing that asks the node through conn
// whether it is still catching up.
func NodeSyncing(conn *grpc.ClientConn) func(context.Context) (bool, error) {
	client := cmtservice.NewServiceClient(conn)
	return func(ctx context.Context) (bool, error) {
		res, err := client.GetSyncing(ctx, &cmtservice.GetSyncingRequest{})
		if err != nil {
			return false, err
		}
		return res.Syncing, nil
	}
}

// CheckNodeChainID compares the node's network with chainID. It returns an
// error wrapping ErrChainUnavailable if the node cannot be asked.
func CheckNodeChainID(ctx context.Context, conn *grpc.ClientConn, chainID string) error {
	ctx, cancel := context.WithTimeout(ctx, startupChainCheck)
	defer cancel()
	res, err := cmtservice.NewServiceClient(conn).GetNodeInfo(ctx, &cmtservice.GetNodeInfoRequest{})
	if err != nil {
		return fmt.Errorf("%w: node info: %v", ErrChainUnavailable, err)
	}
	if ni := res.GetDefaultNodeInfo(); ni != nil && ni.Network != chainID {
		return fmt.Errorf("the node at the --grpc address runs chain %q, not %q", ni.Network, chainID)
	}
	return nil
}
