package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/healthchain/healthd/evm/internal/ethtx"
	"github.com/healthchain/healthd/evm/relay"
)

// deployment is the JSON healthd-evm-deploy writes; the relay reads the
// contract address (and the first block to read) from it.
type deployment struct {
	HTLC      common.Address `json:"htlc"`
	HTLCBlock uint64         `json:"htlc_block"`
	Token     common.Address `json:"token"`
	ChainID   uint64         `json:"chain_id"`
}

func cmdRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	home := fs.String("home", defaultHome(), "the relay's directory: state.json (cursors and settlements) and a lock file")
	healthdRPC := fs.String("healthd-rpc", "http://127.0.0.1:26657", "healthd's CometBFT RPC")
	ethRPC := fs.String("eth-rpc", "http://127.0.0.1:8545", "the Ethereum node's JSON-RPC")
	htlcAddr := fs.String("htlc", "", "the HashedTimelockERC20 contract's address (or --deployment)")
	deployFile := fs.String("deployment", "", "a deployment JSON written by healthd-evm-deploy (contract address and block)")
	ks := fs.String("keystore", "", "the relay's go-ethereum keystore file (pays the withdrawals' gas)")
	pw := fs.String("password-file", "", "file whose first line is the keystore's password")
	status := fs.String("status", "", "serve GET /status on this loopback address (e.g. 127.0.0.1:8590); empty: off")
	poll := fs.Duration("poll", time.Second, "how often to read healthd and Ethereum")
	conf := fs.Uint64("confirmations", 0, "Ethereum blocks a log waits before it is applied (0 on a dev or instant-finality network)")
	healthdFrom := fs.Int64("healthd-from", 1, "first healthd height to read when there is no state yet")
	ethFrom := fs.Uint64("eth-from", 0, "first Ethereum block to read when there is no state yet (default: the deployment's block)")
	gas := fs.Uint64("gas-limit", 400_000, "gas limit of a withdraw (sent without estimation)")
	replace := fs.Duration("replace-after", time.Minute, "replace an unmined withdraw (same nonce, twice the fees) after this long")
	confirms := confirmFlags{}
	fs.Var(confirms, "confirm", "RECEIVER=KEY (repeatable): confirm on healthd, with healthd key KEY, each lock paying Ethereum address RECEIVER once it matches healthd's record (healthd reveals only confirmed locks); run the relay for the receiver")
	healthdBin := fs.String("healthd-bin", "healthd", "the healthd binary that sends the confirmations")
	healthdHome := fs.String("healthd-home", "", "the healthd home whose keyring holds the --confirm keys (default: healthd's)")
	healthdKeyring := fs.String("healthd-keyring-backend", "os", "the keyring backend of the --confirm keys")
	healthdChainID := fs.String("healthd-chain-id", "", "healthd's chain id (required with --confirm)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var confirmer relay.Confirmer
	if len(confirms) > 0 {
		if *healthdChainID == "" {
			return errors.New("--confirm needs --healthd-chain-id")
		}
		confirmer = &cliConfirmer{bin: *healthdBin, home: *healthdHome, keyringBackend: *healthdKeyring,
			chainID: *healthdChainID, node: *healthdRPC, keys: confirms}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if *ks == "" || *pw == "" {
		return errors.New("--keystore and --password-file are required")
	}
	key, err := relay.LoadKey(*ks, *pw)
	if err != nil {
		return err
	}
	var dep deployment
	if *deployFile != "" {
		bz, err := os.ReadFile(*deployFile)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(bz, &dep); err != nil {
			return fmt.Errorf("%s: %w", *deployFile, err)
		}
	}
	if *htlcAddr != "" {
		if !common.IsHexAddress(*htlcAddr) {
			return fmt.Errorf("--htlc %q is not an address", *htlcAddr)
		}
		dep.HTLC = common.HexToAddress(*htlcAddr)
	}
	if dep.HTLC == (common.Address{}) {
		return errors.New("--htlc or --deployment is required")
	}
	if *ethFrom == 0 {
		*ethFrom = dep.HTLCBlock
	}
	lockFile, err := relay.LockHome(*home)
	if err != nil {
		return err
	}
	defer lockFile.Close()
	h, err := relay.NewHealthd(*healthdRPC)
	if err != nil {
		return err
	}
	eth, err := ethtx.Dial(ctx, *ethRPC)
	if err != nil {
		return err
	}
	if code, err := eth.CodeAt(ctx, dep.HTLC, nil); err != nil || len(code) == 0 {
		return fmt.Errorf("no contract at %s on %s (%v)", dep.HTLC, *ethRPC, err)
	}
	r, err := relay.New(relay.Config{Home: *home, Healthd: h, Eth: eth, ChainID: eth.ChainID, HTLC: dep.HTLC, Key: key,
		HealthdFrom: *healthdFrom, EthFrom: *ethFrom, Confirmations: *conf, GasLimit: *gas, ReplaceAfter: *replace, Log: log,
		Confirmer: confirmer})
	if err != nil {
		return err
	}
	if *status != "" {
		srv, addr, err := r.ListenStatus(*status)
		if err != nil {
			return err
		}
		defer srv.Close()
		log.Info("status on", "url", "http://"+addr.String()+"/status")
	}
	log.Info("relay starting", "pid", os.Getpid(), "home", *home, "account", r.Address(), "htlc", dep.HTLC, "chain_id", eth.ChainID,
		"healthd", *healthdRPC, "eth", *ethRPC, "state", filepath.Join(*home, "state.json"))
	go func() { // the status line, whenever it changes
		last := ""
		t := time.NewTicker(*poll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			st := r.Status()
			line := st.Line()
			if line != last {
				if len(st.Mismatches) > 0 || st.Expired > 0 {
					log.Error("status: " + line)
				} else {
					log.Info("status: " + line)
				}
				last = line
			}
		}
	}()
	err = r.Run(ctx, *poll)
	log.Info("relay stopped", "status", r.Status().Line())
	return err
}

func defaultHome() string {
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".healthd-evm-relay")
	}
	return ".healthd-evm-relay"
}
