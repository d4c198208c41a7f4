package cmd

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/healthchain/healthd/app"
)

// initCometConfig returns CometBFT's defaults with the block time a consortium
// chain wants: a block every two seconds.
func initCometConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = 2 * time.Second
	return cfg
}

// initAppConfig returns the SDK's app.toml defaults with healthd's fee denom
// and the API and gRPC servers enabled.
func initAppConfig() (string, any) {
	cfg := serverconfig.DefaultConfig()
	cfg.MinGasPrices = "0" + app.BondDenom
	cfg.API.Enable = true
	cfg.GRPC.Enable = true
	return serverconfig.DefaultConfigTemplate, cfg
}
