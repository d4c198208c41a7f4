package keeper_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	connectiontypes "github.com/cosmos/ibc-go/v11/modules/core/03-connection/types"
	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
	porttypes "github.com/cosmos/ibc-go/v11/modules/core/05-port/types"
	commitmenttypes "github.com/cosmos/ibc-go/v11/modules/core/23-commitment/types"
	ibcexported "github.com/cosmos/ibc-go/v11/modules/core/exported"
	ibctm "github.com/cosmos/ibc-go/v11/modules/light-clients/07-tendermint"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	"github.com/healthchain/healthd/x/bridge/keeper"
	"github.com/healthchain/healthd/x/bridge/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

const (
	// rxGTIN is a valid GTIN-14 (a prescription-only product in these tests),
	// otcGTIN another; badGTIN is rxGTIN with a wrong check digit.
	rxGTIN  = "09506000134352"
	otcGTIN = "04006381333931"
	badGTIN = "09506000134353"
	rxNDC   = "12345-678-90"
	otcNDC  = "1234-5678-90"

	lotA    = "LOTA1"
	lotB    = "LOTB2"
	expiryS = "2030-06-30"

	// chanA and chanB are open bridge channels; chanX is not a bridge channel.
	chanA = "channel-0"
	chanB = "channel-1"
	chanX = "channel-9"

	// chanA runs over connA and clientA to counterparty chain cpA, chanB over
	// connB and clientB to cpB: one open channel per counterparty.
	trustedClient = "07-tendermint-0"
	clientB       = "07-tendermint-1"
	connA         = "connection-0"
	connB         = "connection-1"
	cpA           = "counterparty-a"
	cpB           = "counterparty-b"
)

// blockTime is the block time of every test context.
var blockTime = testkit.BlockTime

// expiry is expiryS as drugtrace stores a unit's expiry.
var expiry = time.Date(2030, time.June, 30, 0, 0, 0, 0, time.UTC)

// ---------------------------------------------------------------------------
// fakes (the consortium is the real one: internal/testkit/members)
// ---------------------------------------------------------------------------

// fakeDrugtrace answers VerifyRef with a configured verdict (or error) and
// records the references it was asked about.
type fakeDrugtrace struct {
	verdict drugtracetypes.Verdict
	err     error
	asked   []string
}

var _ types.DrugtraceKeeper = (*fakeDrugtrace)(nil)

func (f *fakeDrugtrace) VerifyRef(_ context.Context, ref string, _ sdk.AccAddress) (drugtracetypes.Verdict, drugtracetypes.Unit, error) {
	f.asked = append(f.asked, ref)
	if f.err != nil {
		return drugtracetypes.Verdict_VERDICT_UNSPECIFIED, drugtracetypes.Unit{}, f.err
	}
	return f.verdict, drugtracetypes.Unit{}, nil
}

// fakeConnections holds connection ends by id.
type fakeConnections map[string]connectiontypes.ConnectionEnd

var _ types.ConnectionKeeper = fakeConnections(nil)

func (f fakeConnections) GetConnection(_ sdk.Context, id string) (connectiontypes.ConnectionEnd, bool) {
	c, ok := f[id]
	return c, ok
}

// fakeChannels answers every bridge channel as opened over connA (chanB over
// connB, and those in over over theirs), except the ones listed as missing.
type fakeChannels struct {
	missing map[string]bool
	over    map[string]string
}

var _ types.ChannelKeeper = fakeChannels{}

func (f fakeChannels) GetChannel(_ sdk.Context, portID, channelID string) (channeltypes.Channel, bool) {
	if portID != types.PortID || f.missing[channelID] {
		return channeltypes.Channel{}, false
	}
	conn := connA
	if c, ok := f.over[channelID]; ok {
		conn = c
	}
	return channeltypes.Channel{State: channeltypes.OPEN, Ordering: channeltypes.UNORDERED, ConnectionHops: []string{conn}}, true
}

// fakeClient is a 07-tendermint light client: its chain id, its earliest
// consensus state and, optionally, a change to the client-state parameters
// an honest relayer sets.
type fakeClient struct {
	chainID string
	height  clienttypes.Height
	cons    *ibctm.ConsensusState
	params  func(*ibctm.ClientState)
}

// fakeClients holds light clients by id; ids of the form 07-tendermint-N
// stand for the clients ibc-go created with sequence N.
type fakeClients map[string]fakeClient

var _ types.ClientReader = fakeClients(nil)

func (f fakeClients) TendermintClient(_ sdk.Context, id string) (*ibctm.ClientState, bool) {
	c, ok := f[id]
	if !ok {
		return nil, false
	}
	cs := &ibctm.ClientState{
		ChainId: c.chainID, LatestHeight: c.height,
		ProofSpecs: commitmenttypes.GetSDKSpecs(), UpgradePath: []string{"upgrade", "upgradedIBCState"},
	}
	if c.params != nil {
		c.params(cs)
	}
	return cs, true
}

func (f fakeClients) EarliestConsensusState(_ sdk.Context, id string) (clienttypes.Height, *ibctm.ConsensusState, bool) {
	c, ok := f[id]
	if !ok || c.cons == nil {
		return clienttypes.Height{}, nil, false
	}
	return c.height, c.cons, true
}

// NextClientSequence is one above the highest sequence of a client held.
func (f fakeClients) NextClientSequence(sdk.Context) uint64 {
	var next uint64
	for id := range f {
		if _, seq, err := clienttypes.ParseClientIdentifier(id); err == nil && seq >= next {
			next = seq + 1
		}
	}
	return next
}

// cpOf is the counterparty the test channels lead to.
func cpOf(channelID string) string {
	if channelID == chanB {
		return cpB
	}
	return cpA
}

// pinOf is the header a test counterparty is pinned to: hashes derived from
// the chain id, at height 1-40.
func pinOf(chainID string) types.TrustedCounterparty {
	app, vals := sha256.Sum256([]byte("app/"+chainID)), sha256.Sum256([]byte("vals/"+chainID))
	return types.TrustedCounterparty{
		ChainID: chainID, RevisionNumber: 1, RevisionHeight: 40,
		AppHash: fmt.Sprintf("%X", app[:]), NextValidatorsHash: fmt.Sprintf("%X", vals[:]),
		Timestamp: blockTime.Add(-time.Hour),
	}
}

// clientFrom is an honest light client created from the pinned header.
func clientFrom(pin types.TrustedCounterparty) fakeClient {
	app, vals := sha256.Sum256([]byte("app/"+pin.ChainID)), sha256.Sum256([]byte("vals/"+pin.ChainID))
	return fakeClient{
		chainID: pin.ChainID, height: clienttypes.NewHeight(pin.RevisionNumber, pin.RevisionHeight),
		cons: &ibctm.ConsensusState{Timestamp: pin.Timestamp, Root: commitmenttypes.NewMerkleRoot(app[:]), NextValidatorsHash: vals[:]},
	}
}

// sentPacket is a packet handed to the fake ICS4Wrapper.
type sentPacket struct {
	SourcePort, SourceChannel string
	TimeoutHeight             clienttypes.Height
	TimeoutTimestamp          uint64
	Data                      []byte
	Sequence                  uint64
}

// fakeICS4 stands for the channel keeper: it hands out increasing sequences
// per channel (from base+1), records what it sends, and fails when told to
// (on every channel, or on failOn only).
type fakeICS4 struct {
	base     uint64
	next     map[string]uint64
	sent     []sentPacket
	failWith error
	failOn   string
	// discard: do not record sent packets (benchmarks).
	discard bool
}

var _ porttypes.ICS4Wrapper = (*fakeICS4)(nil)

func newFakeICS4() *fakeICS4 { return &fakeICS4{next: map[string]uint64{}} }

func (f *fakeICS4) SendPacket(_ sdk.Context, port, channel string, th clienttypes.Height, tt uint64, data []byte) (uint64, error) {
	if f.failWith != nil && (f.failOn == "" || f.failOn == channel) {
		return 0, f.failWith
	}
	if _, ok := f.next[channel]; !ok {
		f.next[channel] = f.base
	}
	f.next[channel]++
	seq := f.next[channel]
	if !f.discard {
		f.sent = append(f.sent, sentPacket{SourcePort: port, SourceChannel: channel, TimeoutHeight: th,
			TimeoutTimestamp: tt, Data: slices.Clone(data), Sequence: seq})
	}
	return seq, nil
}

func (f *fakeICS4) WriteAcknowledgement(sdk.Context, ibcexported.PacketI, ibcexported.Acknowledgement) error {
	return nil
}

func (f *fakeICS4) GetAppVersion(sdk.Context, string, string) (string, bool) {
	return types.Version, true
}

// ics4State is what a failed transaction rolls back of the channel keeper:
// its sequences and packet commitments live in the transaction's store branch.
type ics4State struct {
	next map[string]uint64
	sent int
}

func (f *fakeICS4) snapshot() ics4State {
	return ics4State{next: maps.Clone(f.next), sent: len(f.sent)}
}

func (f *fakeICS4) restore(s ics4State) { f.next, f.sent = s.next, f.sent[:s.sent] }

// errClientExpired is what the channel keeper returns when the counterparty's
// light client has expired.
var errClientExpired = errorsmod.Wrap(clienttypes.ErrClientNotActive, "client 07-tendermint-0 is expired")

// ---------------------------------------------------------------------------
// environment (shared with the benchmarks)
// ---------------------------------------------------------------------------

type env struct {
	key     *storetypes.KVStoreKey
	cms     store.CommitMultiStore
	ctx     sdk.Context
	cdc     codec.Codec
	members *members.Consortium
	dt      *fakeDrugtrace
	conns   fakeConnections
	chans   fakeChannels
	clients fakeClients
	ics4    *fakeICS4
	k       *keeper.Keeper
	ms      types.MsgServer
	qs      types.QueryServer
}

// newEnv builds the keeper over a fresh IAVL store with the real x/consortium
// (members, its store beside the bridge's), fakes for x/drugtrace, the
// channel and connection keepers and the ICS4Wrapper, imports the default
// genesis and gives the chain role (with chanA and chanB open when role is set).
// The block height is 7, which the client origins record.
func newEnv(tb testing.TB, role types.ChainRole) *env {
	tb.Helper()
	key, consKey := storetypes.NewKVStoreKey(types.StoreKey), members.NewKey()
	tc := testkit.NewContext(tb, key, consKey)
	e := &env{
		key: key, cms: tc.CMS, ctx: tc.Ctx.WithBlockHeight(7), cdc: testkit.Codec(types.RegisterInterfaces),
		dt: &fakeDrugtrace{verdict: drugtracetypes.Verdict_VERDICT_AUTHENTIC_SALEABLE},
		conns: fakeConnections{
			connA: {ClientId: trustedClient, State: connectiontypes.OPEN},
			connB: {ClientId: clientB, State: connectiontypes.OPEN},
		},
		chans:   fakeChannels{missing: map[string]bool{}, over: map[string]string{chanB: connB}},
		clients: fakeClients{trustedClient: clientFrom(pinOf(cpA)), clientB: clientFrom(pinOf(cpB))},
		ics4:    newFakeICS4(),
	}
	e.members = members.New(tb, e.cdc, consKey, func() sdk.Context { return e.ctx })
	e.k = keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(key), testkit.AddressCodec, testkit.Gov, e.members.Keeper, e.dt, e.chans, e.conns)
	e.k.SetICS4Wrapper(e.ics4)
	e.k.SetClientReader(e.clients)
	e.ms, e.qs = keeper.NewMsgServerImpl(e.k), keeper.NewQueryServerImpl(e.k)
	require.NoError(tb, e.k.InitGenesis(e.ctx, types.DefaultGenesisState()))
	require.NoError(tb, e.k.EndBlock(e.ctx)) // records the clients' origins, as in the block that created them
	if role != types.ChainRole_CHAIN_ROLE_UNSPECIFIED {
		e.setRole(tb, role)
		for _, c := range []string{chanA, chanB} {
			e.openChannel(tb, c)
		}
	}
	return e
}

// openChannel records a bridge channel as the handshake does (chanB to cpB
// over clientB, any other to cpA over clientA).
func (e *env) openChannel(tb testing.TB, channelID string) {
	tb.Helper()
	bc := types.BridgeChannel{ChannelID: channelID, CounterpartyChainID: cpA, ClientID: trustedClient}
	if channelID == chanB {
		bc.CounterpartyChainID, bc.ClientID = cpB, clientB
	}
	require.NoError(tb, e.k.Channels.Set(e.ctx, channelID, bc))
}

// setRole writes the params directly (as the app tests do): role, the two
// trusted counterparties and the default packet timeout.
func (e *env) setRole(tb testing.TB, role types.ChainRole) {
	tb.Helper()
	p := types.DefaultParams()
	p.Role, p.TrustedCounterparties = role, []types.TrustedCounterparty{pinOf(cpA), pinOf(cpB)}
	require.NoError(tb, e.k.Params.Set(e.ctx, p))
}

// distrust takes both counterparties out of params (another stays trusted),
// as the authority does when it stops trusting them.
func (e *env) distrust(tb testing.TB) {
	tb.Helper()
	p, err := e.k.Params.Get(e.ctx)
	require.NoError(tb, err)
	p.TrustedCounterparties = []types.TrustedCounterparty{pinOf("counterparty-z")}
	require.NoError(tb, e.k.Params.Set(e.ctx, p))
}

func (e *env) addr(a sdk.AccAddress) string { return testkit.String(a) }

// ---------------------------------------------------------------------------
// suite
// ---------------------------------------------------------------------------

// KeeperTestSuite runs the keeper against the real consortium and the fakes.
// Every message, packet callback and hook runs the way the chain runs it: on
// a branch of the state written back only when it succeeds (baseapp for a
// transaction, ibc-go core for OnRecvPacket), the channel keeper's sequences
// included.
type KeeperTestSuite struct {
	suite.Suite
	*env

	// Members: hospital and hospital2, pharmacy, manufacturer, suspended (a
	// suspended hospital and pharmacy); stranger is no member. patient1 to
	// patient4 are plain accounts. hospitalAddr is hospital's bytes.
	hospital, hospital2, pharmacy, manufacturer, suspended, stranger string
	patient1, patient2, patient3, patient4                           string
	hospitalAddr                                                     sdk.AccAddress
	validUntil                                                       time.Time
}

func TestKeeperTestSuite(t *testing.T) { suite.Run(t, new(KeeperTestSuite)) }

// SetupTest starts every test on a hospital chain with chanA and chanB open.
func (s *KeeperTestSuite) SetupTest() { s.setup(types.ChainRole_CHAIN_ROLE_HOSPITAL) }

func (s *KeeperTestSuite) setup(role types.ChainRole) {
	s.env = newEnv(s.T(), role)
	mk := func(seed string, roles ...consortiumtypes.Role) (string, sdk.AccAddress) {
		a := testkit.Addr(seed)
		if len(roles) > 0 {
			s.members.Admit(a, roles...)
		}
		return testkit.String(a), a
	}
	s.hospital, s.hospitalAddr = mk("hospital", consortiumtypes.Role_ROLE_HOSPITAL)
	s.hospital2, _ = mk("hospital-2", consortiumtypes.Role_ROLE_HOSPITAL)
	s.pharmacy, _ = mk("pharmacy", consortiumtypes.Role_ROLE_PHARMACY)
	s.manufacturer, _ = mk("manufacturer", consortiumtypes.Role_ROLE_MANUFACTURER)
	var suspended sdk.AccAddress
	s.suspended, suspended = mk("suspended", consortiumtypes.Role_ROLE_HOSPITAL, consortiumtypes.Role_ROLE_PHARMACY)
	s.members.Suspend(suspended)
	s.stranger, _ = mk("stranger")
	s.patient1, _ = mk("patient-1")
	s.patient2, _ = mk("patient-2")
	s.patient3, _ = mk("patient-3")
	s.patient4, _ = mk("patient-4")
	s.validUntil = blockTime.Add(30 * 24 * time.Hour)
	s.freshEvents()
}

func (s *KeeperTestSuite) setBlockTime(t time.Time) { s.ctx = s.ctx.WithBlockTime(t) }

func (s *KeeperTestSuite) freshEvents() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

// export is the whole bridge state as genesis.
func (s *KeeperTestSuite) export() *types.GenesisState {
	s.T().Helper()
	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	return gs
}

// dump is every entry of the module store, indexes included.
func (s *KeeperTestSuite) dump() []string { return testkit.Dump(s.ctx, s.key) }

// exec runs fn on a branch of the state and writes it back (with its events)
// only if fn succeeds. A failure also rolls back the fake channel keeper.
func (s *KeeperTestSuite) exec(fn func(ctx sdk.Context) error) error {
	snap := s.ics4.snapshot()
	cc, write := s.ctx.CacheContext()
	err := fn(cc)
	if err == nil {
		write()
		return nil
	}
	s.ics4.restore(snap)
	return err
}

// run executes one message the way baseapp does.
func run[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req) (Res, error) {
	var res Res
	err := s.exec(func(ctx sdk.Context) error {
		var err error
		res, err = f(ctx, req)
		return err
	})
	return res, err
}

// mustRun runs a message that must succeed. What the msg server accepts
// must also pass ValidateBasic: CheckTx never refuses what a block accepts.
func mustRun[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req) Res {
	s.T().Helper()
	res, err := run(s, f, req)
	s.Require().NoError(err, "%T", req)
	if m, ok := any(req).(sdk.HasValidateBasic); ok {
		s.Require().NoError(m.ValidateBasic(), "%T accepted by the msg server", req)
	}
	return res
}

// refuse runs fn, which must fail with want (errors.Is), leaving the bridge
// state (genesis export and every raw store entry, indexes included), the
// events and the sent packets unchanged. Stricter than the chain needs, fn
// must also fail before writing to its branch or sending anything; refusals
// that come after a write use refuseAfterWrites.
func (s *KeeperTestSuite) refuse(want error, fn func(ctx sdk.Context) error) {
	s.T().Helper()
	s.refusal(want, false, fn)
}

// refuseAfterWrites is refuse for a refusal the keeper reaches after writing
// to the branch or sending a packet: the failed transaction discards both.
func (s *KeeperTestSuite) refuseAfterWrites(want error, fn func(ctx sdk.Context) error) {
	s.T().Helper()
	s.refusal(want, true, fn)
}

func (s *KeeperTestSuite) refusal(want error, afterWrites bool, fn func(ctx sdk.Context) error) {
	s.T().Helper()
	snap := s.ics4.snapshot()
	sent := func(sdk.Context) (any, error) { return len(s.ics4.sent), nil }
	err, wrote := testkit.RefusedInTx(s.T(), s.ctx, want, fn, testkit.Store(s.key), testkit.Genesis(s.k.ExportGenesis), sent)
	s.ics4.restore(snap) // the channel keeper's writes live in the discarded branch too
	if afterWrites {
		s.Require().True(wrote, "refused before writing: use refuse")
	} else {
		s.Require().False(wrote, "refused (%v) after writing to its branch, sending a packet or emitting events", err)
	}
}

// refuseMsg runs a message that must be refused.
func refuseMsg[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req, want error, afterWrites bool) {
	s.T().Helper()
	s.refusal(want, afterWrites, func(ctx sdk.Context) error {
		_, err := f(ctx, req)
		return err
	})
}

// eventsOf returns the typed events of type T emitted on s.ctx.
func eventsOf[T proto.Message](s *KeeperTestSuite) []T { return testkit.Events[T](s.ctx) }

// ---------------------------------------------------------------------------
// packets
// ---------------------------------------------------------------------------

func encode(s *KeeperTestSuite, d types.PacketData) []byte {
	s.T().Helper()
	bz, err := types.EncodePacket(d)
	s.Require().NoError(err)
	return bz
}

// incoming is a packet from the counterparty received on our channel dst.
func incoming(data []byte, dst string, seq uint64) channeltypes.Packet {
	return channeltypes.NewPacket(data, seq, types.PortID, "channel-77", types.PortID, dst,
		clienttypes.ZeroHeight(), uint64(blockTime.Add(time.Hour).UnixNano()))
}

// outgoing is the packet the fake channel keeper sent, as core IBC hands it
// back to OnAcknowledgementPacket / OnTimeoutPacket.
func outgoing(p sentPacket) channeltypes.Packet {
	return channeltypes.NewPacket(p.Data, p.Sequence, p.SourcePort, p.SourceChannel, types.PortID, "channel-77",
		p.TimeoutHeight, p.TimeoutTimestamp)
}

// recv runs OnRecvPacket as ibc-go core does (writes kept only on success).
func (s *KeeperTestSuite) recv(p channeltypes.Packet) (types.Ack, error) {
	var ack types.Ack
	err := s.exec(func(ctx sdk.Context) error {
		var err error
		ack, err = s.k.OnRecvPacket(ctx, p)
		return err
	})
	return ack, err
}

func (s *KeeperTestSuite) mustRecv(p channeltypes.Packet) types.Ack {
	s.T().Helper()
	ack, err := s.recv(p)
	s.Require().NoError(err)
	return ack
}

func (s *KeeperTestSuite) ack(p sentPacket, ack channeltypes.Acknowledgement) error {
	return s.exec(func(ctx sdk.Context) error { return s.k.OnAcknowledgementPacket(ctx, outgoing(p), ack) })
}

func (s *KeeperTestSuite) timeout(p sentPacket) error {
	return s.exec(func(ctx sdk.Context) error { return s.k.OnTimeoutPacket(ctx, outgoing(p)) })
}

func successAck(a types.Ack) channeltypes.Acknowledgement {
	return channeltypes.NewResultAcknowledgement(types.EncodeAck(a))
}

func prescriptionAck(openID uint64) channeltypes.Acknowledgement {
	return successAck(types.Ack{Result: &types.Ack_Prescription{Prescription: &types.PrescriptionAck{OpenID: openID}}})
}

// lastSent is the last packet the fake channel keeper sent.
func (s *KeeperTestSuite) lastSent() sentPacket {
	s.T().Helper()
	s.Require().NotEmpty(s.ics4.sent)
	return s.ics4.sent[len(s.ics4.sent)-1]
}

// decodeSent decodes a sent packet's data strictly, as the counterparty does.
func (s *KeeperTestSuite) decodeSent(p sentPacket) *types.PacketData {
	s.T().Helper()
	d, err := types.DecodePacket(p.Data)
	s.Require().NoError(err)
	return &d
}

// ---------------------------------------------------------------------------
// state builders
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) prescriptionMsg() *types.MsgSendPrescription {
	return &types.MsgSendPrescription{Prescriber: s.hospital, ChannelID: chanA, Patient: s.patient1, GTIN: rxGTIN,
		Quantity: 1, Refills: 1, ValidUntil: s.validUntil}
}

// send sends a prescription from the hospital chain and returns its id and packet.
func (s *KeeperTestSuite) send(msg *types.MsgSendPrescription) (uint64, sentPacket) {
	s.T().Helper()
	res := mustRun(s, s.ms.SendPrescription, msg)
	return res.ID, s.lastSent()
}

// sendOpen sends a prescription and acknowledges it with remote id openID.
func (s *KeeperTestSuite) sendOpen(msg *types.MsgSendPrescription, openID uint64) uint64 {
	s.T().Helper()
	id, pkt := s.send(msg)
	s.Require().NoError(s.ack(pkt, prescriptionAck(openID)))
	s.Require().Equal(types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, s.prescription(id).Status)
	return id
}

func (s *KeeperTestSuite) prescription(id uint64) types.Prescription {
	s.T().Helper()
	p, err := s.k.Prescriptions.Get(s.ctx, id)
	s.Require().NoError(err)
	return p
}

func (s *KeeperTestSuite) prescriptionPacket(id uint64, patient, gtin, ndc string, qty, refills uint32) types.PacketData {
	return types.PacketData{Flow: &types.PacketData_Prescription{Prescription: &types.PrescriptionPacket{
		ID: id, Prescriber: s.hospital, Patient: patient, GTIN: gtin, NDC: ndc, Quantity: qty, Refills: refills,
		ValidUntil: s.validUntil.Unix(),
	}}}
}

// openOnPharma receives a prescription (hospital id sourceID) on the pharma
// chain over chanA and returns the id it is opened under.
func (s *KeeperTestSuite) openOnPharma(sourceID uint64, patient, gtin, ndc string, qty, refills uint32) uint64 {
	s.T().Helper()
	ack := s.mustRecv(incoming(encode(s, s.prescriptionPacket(sourceID, patient, gtin, ndc, qty, refills)), chanA, sourceID))
	s.Require().NotNil(ack.GetPrescription())
	return ack.GetPrescription().OpenID
}

func (s *KeeperTestSuite) dispensePacket(hospitalID uint64, patient, gtin, serial, lot string) types.PacketData {
	return types.PacketData{Flow: &types.PacketData_Dispense{Dispense: &types.DispensePacket{
		PrescriptionID: hospitalID, Patient: patient, GTIN: gtin, Serial: serial, Lot: lot, Expiry: expiryS,
		Pharmacy: s.pharmacy, DispensedAt: blockTime.Add(-time.Minute).Unix(),
	}}}
}

func (s *KeeperTestSuite) recallPacket(gtin, lot string) types.PacketData {
	return types.PacketData{Flow: &types.PacketData_Recall{Recall: &types.RecallPacket{
		GTIN: gtin, Lot: lot, Reason: "contamination", RecalledAt: blockTime.Add(-time.Minute).Unix(),
	}}}
}

// dispensation is a dispense of unit serial (lot A) of a prescription-only
// product with the rx GTIN and NDC to patient, naming prescription id.
func (s *KeeperTestSuite) dispensation(id uint64, patient, serial string) drugtracetypes.Dispensation {
	return drugtracetypes.Dispensation{
		Pharmacy: s.pharmacy, Patient: patient, PrescriptionID: id,
		Product: drugtracetypes.Product{GTIN: rxGTIN, NDC: rxNDC, Name: "Amoxicillin", PrescriptionOnly: true},
		Unit: drugtracetypes.Unit{GTIN: rxGTIN, Serial: serial, Lot: lotA, Expiry: expiry,
			Status: drugtracetypes.UnitStatus_UNIT_STATUS_ACTIVE, Custodian: s.pharmacy},
	}
}

func (s *KeeperTestSuite) beforeDispense(d drugtracetypes.Dispensation) error {
	return s.exec(func(ctx sdk.Context) error { return s.k.BeforeDispense(ctx, d) })
}

func (s *KeeperTestSuite) afterRecall(r drugtracetypes.Recall) error {
	return s.exec(func(ctx sdk.Context) error { return s.k.AfterRecall(ctx, r) })
}

func (s *KeeperTestSuite) historyOf(patient string) []types.MedicationEntry {
	s.T().Helper()
	var out []types.MedicationEntry
	rng := collections.NewPrefixedPairRange[string, uint64](patient)
	s.Require().NoError(s.k.History.Walk(s.ctx, rng, func(_ collections.Pair[string, uint64], e types.MedicationEntry) (bool, error) {
		out = append(out, e)
		return false, nil
	}))
	return out
}

func strU(v uint64) string { return fmt.Sprint(v) }

// rxCommitment is a pharmacy's commitment to its own prescription reference,
// as `tx drugtrace dispense --rx` computes it.
var rxCommitment = drugtracetypes.PrescriptionCommitment(drugtracetypes.PrescriptionSalt(bytes.Repeat([]byte{0x5a}, 32), rxGTIN+"/RX1"), "RX-2026.001")
