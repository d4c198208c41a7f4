package app_test

import (
	"encoding/json"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"

	transfertypes "github.com/cosmos/ibc-go/v11/modules/apps/transfer/types"
	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	ibctesting "github.com/cosmos/ibc-go/v11/testing"

	"github.com/healthchain/healthd/app"
)

// newTestingApp lets ibc-go's testing package run healthd chains in process.
func newTestingApp() (ibctesting.TestingApp, map[string]json.RawMessage) {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.EmptyAppOptions{})
	return a, a.DefaultGenesis()
}

// TestIBCTransferBetweenHealthdChains opens a real 07-tendermint connection and
// an ICS-20 channel between two healthd chains and relays a transfer.
func TestIBCTransferBetweenHealthdChains(t *testing.T) {
	coord := ibctesting.NewCustomAppCoordinator(t, 2, newTestingApp)
	chainA, chainB := coord.GetChain(ibctesting.GetChainID(1)), coord.GetChain(ibctesting.GetChainID(2))
	path := ibctesting.NewTransferPath(chainA, chainB)
	path.Setup()

	appA, appB := chainA.App.(*app.App), chainB.App.(*app.App)
	sender, receiver := chainA.SenderAccount.GetAddress(), chainB.SenderAccount.GetAddress()
	coin := sdk.NewCoin(app.BondDenom, ibctesting.DefaultCoinAmount)
	before := appA.BankKeeper.GetBalance(chainA.GetContext(), sender, app.BondDenom)

	msg := transfertypes.NewMsgTransfer(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID, coin,
		sender.String(), receiver.String(), clienttypes.NewHeight(1, 110), 0, "")
	res, err := chainA.SendMsgs(msg)
	require.NoError(t, err)
	packet, err := ibctesting.ParseV1PacketFromEvents(res.Events)
	require.NoError(t, err)
	require.NoError(t, path.RelayPacket(packet))

	after := appA.BankKeeper.GetBalance(chainA.GetContext(), sender, app.BondDenom)
	require.Equal(t, before.Amount.Sub(coin.Amount), after.Amount, "sender debited")
	voucher := transfertypes.NewDenom(app.BondDenom, transfertypes.NewHop(path.EndpointB.ChannelConfig.PortID, path.EndpointB.ChannelID))
	require.Equal(t, coin.Amount, appB.BankKeeper.GetBalance(chainB.GetContext(), receiver, voucher.IBCDenom()).Amount, "voucher minted on chain B")
}
