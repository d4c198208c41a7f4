package cmd

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/healthchain/healthd/app"
)

// initCometConfig returns CometBFT's defaults with what a consortium chain
// wants: a block every two seconds; peers filtered by the app, which accepts
// only nodes registered to active members (filter_peers, app/peerfilter.go);
// the RPC on loopback, since it serves every block and transaction to whoever
// reaches it. P2P keeps listening on every interface: the members' nodes
// connect there, and only registered ones are accepted.
func initCometConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = 2 * time.Second
	cfg.FilterPeers = true
	cfg.RPC.ListenAddress = "tcp://127.0.0.1:26657"
	return cfg
}

// initAppConfig returns the SDK's app.toml defaults with healthd's fee denom
// and the API and gRPC servers enabled, on loopback: they answer every query
// of the chain's state to whoever reaches them, unauthenticated, so a node
// exposes them only behind something that authenticates callers (the gateway
// of DESIGN.md), never on a public interface.
func initAppConfig() (string, any) {
	cfg := serverconfig.DefaultConfig()
	cfg.MinGasPrices = "0" + app.BondDenom
	cfg.API.Enable = true
	cfg.API.Address = "tcp://127.0.0.1:1317"
	cfg.GRPC.Enable = true
	cfg.GRPC.Address = "127.0.0.1:9090"
	return serverconfig.DefaultConfigTemplate, cfg
}
