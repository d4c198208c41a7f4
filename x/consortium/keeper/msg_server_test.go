package keeper_test

import (
	"strings"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/runtime"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/keeper"
	"github.com/healthchain/healthd/x/consortium/types"
)

const (
	evAdmitted     = "healthd.consortium.v1.EventMemberAdmitted"
	evRolesChanged = "healthd.consortium.v1.EventMemberRolesChanged"
	evSuspended    = "healthd.consortium.v1.EventMemberSuspended"
	evReinstated   = "healthd.consortium.v1.EventMemberReinstated"
)

var allRoles = []types.Role{
	types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY, types.Role_ROLE_PHARMACY,
	types.Role_ROLE_PAYER, types.Role_ROLE_MANUFACTURER, types.Role_ROLE_DISTRIBUTOR,
	types.Role_ROLE_REGULATOR, types.Role_ROLE_RESEARCH_SPONSOR, types.Role_ROLE_ORGAN_PROCUREMENT,
	types.Role_ROLE_TRANSPLANT_CENTRE, types.Role_ROLE_ETHICS_COMMITTEE,
}

// indexedRoles returns the roles the role index holds for addr.
func (s *KeeperTestSuite) indexedRoles(addr sdk.AccAddress) []types.Role {
	s.T().Helper()
	var out []types.Role
	s.Require().NoError(s.keeper.RoleIndex.Walk(s.ctx, nil, func(k collections.Pair[int32, sdk.AccAddress]) (bool, error) {
		if k.K2().Equals(addr) {
			out = append(out, types.Role(k.K1()))
		}
		return false, nil
	}))
	return out
}

// ---------------------------------------------------------------------------
// authority
// ---------------------------------------------------------------------------

// TestAuthority runs every message with the fallback (x/gov) authority and with
// a consensus-params authority, which then takes precedence over x/gov.
func (s *KeeperTestSuite) TestAuthority() {
	member := testkit.Addr("authority-member")
	suspended := testkit.Addr("authority-suspended")
	newcomer := testkit.Addr("authority-newcomer")

	msgs := []struct {
		name string
		exec func(ctx sdk.Context, signer string) error
	}{
		{"AdmitMember", func(ctx sdk.Context, signer string) error {
			msg := s.admitMsg(newcomer, "Newcomer Clinic", types.Role_ROLE_HOSPITAL)
			msg.Authority = signer
			_, err := s.msgServer.AdmitMember(ctx, msg)
			return err
		}},
		{"UpdateRoles", func(ctx sdk.Context, signer string) error {
			_, err := s.msgServer.UpdateRoles(ctx, &types.MsgUpdateRoles{Authority: signer, Address: s.addrStr(member), Roles: []types.Role{types.Role_ROLE_PAYER}})
			return err
		}},
		{"SuspendMember", func(ctx sdk.Context, signer string) error {
			_, err := s.msgServer.SuspendMember(ctx, &types.MsgSuspendMember{Authority: signer, Address: s.addrStr(member), Reason: "audit"})
			return err
		}},
		{"ReinstateMember", func(ctx sdk.Context, signer string) error {
			_, err := s.msgServer.ReinstateMember(ctx, &types.MsgReinstateMember{Authority: signer, Address: s.addrStr(suspended)})
			return err
		}},
		{"UpdateParams", func(ctx sdk.Context, signer string) error {
			_, err := s.msgServer.UpdateParams(ctx, &types.MsgUpdateParams{Authority: signer, Params: types.Params{MaxNodesPerMember: 3}})
			return err
		}},
	}

	stranger := func() string { return s.addrStr(testkit.Addr("stranger")) }
	noParams := func() *cmtproto.AuthorityParams { return nil }
	emptyParams := func() *cmtproto.AuthorityParams { return &cmtproto.AuthorityParams{Authority: ""} }
	multisigParams := func() *cmtproto.AuthorityParams { return &cmtproto.AuthorityParams{Authority: s.multisigAddr} }
	scenarios := []struct {
		name      string
		consensus func() *cmtproto.AuthorityParams // nil result: no consensus-params authority
		signer    func() string
		expErr    error
	}{
		{"fallback: x/gov accepted", noParams, func() string { return s.govAddr }, nil},
		{"fallback: multisig refused", noParams, func() string { return s.multisigAddr }, sdkerrors.ErrUnauthorized},
		{"fallback: stranger refused", noParams, stranger, sdkerrors.ErrUnauthorized},
		{"fallback: empty signer refused", noParams, func() string { return "" }, sdkerrors.ErrUnauthorized},
		{"fallback: x/gov with another prefix refused", noParams, func() string { return testkit.OtherPrefix(testkit.Addr("gov")) }, sdkerrors.ErrUnauthorized},
		{"empty consensus authority: x/gov accepted", emptyParams, func() string { return s.govAddr }, nil},
		{"empty consensus authority: multisig refused", emptyParams, func() string { return s.multisigAddr }, sdkerrors.ErrUnauthorized},
		{"consensus params: multisig accepted", multisigParams, func() string { return s.multisigAddr }, nil},
		{"consensus params: x/gov refused", multisigParams, func() string { return s.govAddr }, sdkerrors.ErrUnauthorized},
		{"consensus params: stranger refused", multisigParams, stranger, sdkerrors.ErrUnauthorized},
		{"consensus params: empty signer refused", multisigParams, func() string { return "" }, sdkerrors.ErrUnauthorized},
	}

	for _, m := range msgs {
		for _, sc := range scenarios {
			s.Run(m.name+"/"+sc.name, func() {
				s.SetupTest()
				s.admit(member, "Authority Member", types.Role_ROLE_HOSPITAL)
				s.admit(suspended, "Authority Suspended", types.Role_ROLE_LABORATORY)
				s.suspend(suspended, "pending audit")
				if ap := sc.consensus(); ap != nil {
					s.ctx = s.ctx.WithConsensusParams(cmtproto.ConsensusParams{Authority: ap})
				}
				s.freshEvents()
				before := s.dumpState()

				if sc.expErr != nil {
					s.refuse(sc.expErr, func(ctx sdk.Context) error { return m.exec(ctx, sc.signer()) })
					return
				}
				s.Require().NoError(m.exec(s.ctx, sc.signer()))
				s.Require().NotEqual(before.RawKV, s.dumpState().RawKV, "accepted message changed nothing")
				s.Require().Len(s.moduleEvents(), 1)
			})
		}
	}
}

// ---------------------------------------------------------------------------
// AdmitMember
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestAdmitMember() {
	newAddr := testkit.Addr("acme-lab")
	existing := testkit.Addr("st-marys")
	suspended := testkit.Addr("suspended-pharmacy")

	cases := []struct {
		name     string
		malleate func(msg *types.MsgAdmitMember)
		expErr   error
		expRoles []types.Role // on success
	}{
		{"one role, NPI", func(*types.MsgAdmitMember) {}, nil, []types.Role{types.Role_ROLE_LABORATORY}},
		{"unsorted roles are stored sorted", func(m *types.MsgAdmitMember) {
			m.Roles = []types.Role{types.Role_ROLE_RESEARCH_SPONSOR, types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY}
		}, nil, []types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY, types.Role_ROLE_RESEARCH_SPONSOR}},
		{"all eleven roles, reversed", func(m *types.MsgAdmitMember) {
			m.Roles = nil
			for i := len(allRoles) - 1; i >= 0; i-- {
				m.Roles = append(m.Roles, allRoles[i])
			}
		}, nil, allRoles},
		{"GLN only", func(m *types.MsgAdmitMember) { m.NPI, m.GLN = "", validGLN3 }, nil, []types.Role{types.Role_ROLE_LABORATORY}},
		{"DEA only", func(m *types.MsgAdmitMember) { m.NPI, m.DEA = "", validDEA3 }, nil, []types.Role{types.Role_ROLE_LABORATORY}},
		{"NPI, GLN and DEA", func(m *types.MsgAdmitMember) { m.NPI, m.GLN, m.DEA = validNPI2, validGLN2, validDEA2 }, nil, []types.Role{types.Role_ROLE_LABORATORY}},
		{"name of maximum length in multi-byte characters", func(m *types.MsgAdmitMember) {
			m.Name = strings.Repeat("é", types.MaxNameLength)
		}, nil, []types.Role{types.Role_ROLE_LABORATORY}},
		{"name with inner spaces and punctuation", func(m *types.MsgAdmitMember) {
			m.Name = "Hôpital Saint-Louis (AP-HP) & Co."
		}, nil, []types.Role{types.Role_ROLE_LABORATORY}},

		// signer
		{"wrong signer", func(m *types.MsgAdmitMember) { m.Authority = s.multisigAddr }, sdkerrors.ErrUnauthorized, nil},
		{"signer is the new member itself", func(m *types.MsgAdmitMember) { m.Authority = m.Address }, sdkerrors.ErrUnauthorized, nil},
		{"empty signer", func(m *types.MsgAdmitMember) { m.Authority = "" }, sdkerrors.ErrUnauthorized, nil},

		// address
		{"empty address", func(m *types.MsgAdmitMember) { m.Address = "" }, types.ErrInvalidAddress, nil},
		{"malformed address", func(m *types.MsgAdmitMember) { m.Address = "health1notanaddress" }, types.ErrInvalidAddress, nil},
		{"address with bad checksum", func(m *types.MsgAdmitMember) {
			last := m.Address[len(m.Address)-1]
			repl := byte('q')
			if last == 'q' {
				repl = 'p'
			}
			m.Address = m.Address[:len(m.Address)-1] + string(repl)
		}, types.ErrInvalidAddress, nil},
		{"address of another chain", func(m *types.MsgAdmitMember) { m.Address = testkit.OtherPrefix(newAddr) }, types.ErrInvalidAddress, nil},
		{"whitespace address", func(m *types.MsgAdmitMember) { m.Address = "   " }, types.ErrInvalidAddress, nil},

		// name
		{"empty name", func(m *types.MsgAdmitMember) { m.Name = "" }, types.ErrInvalidName, nil},
		{"whitespace name", func(m *types.MsgAdmitMember) { m.Name = "   " }, types.ErrInvalidName, nil},
		{"leading space", func(m *types.MsgAdmitMember) { m.Name = " Acme" }, types.ErrInvalidName, nil},
		{"trailing newline", func(m *types.MsgAdmitMember) { m.Name = "Acme\n" }, types.ErrInvalidName, nil},
		{"too long name", func(m *types.MsgAdmitMember) { m.Name = strings.Repeat("a", types.MaxNameLength+1) }, types.ErrInvalidName, nil},
		{"control character in name", func(m *types.MsgAdmitMember) { m.Name = "Acme\x00Lab" }, types.ErrInvalidName, nil},
		{"invalid UTF-8 name", func(m *types.MsgAdmitMember) { m.Name = "Acme \xff Lab" }, types.ErrInvalidName, nil},

		// roles
		{"no roles", func(m *types.MsgAdmitMember) { m.Roles = nil }, types.ErrInvalidRole, nil},
		{"ROLE_UNSPECIFIED", func(m *types.MsgAdmitMember) { m.Roles = []types.Role{types.Role_ROLE_UNSPECIFIED} }, types.ErrInvalidRole, nil},
		{"ROLE_UNSPECIFIED beside a valid role", func(m *types.MsgAdmitMember) {
			m.Roles = []types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_UNSPECIFIED}
		}, types.ErrInvalidRole, nil},
		{"unknown role 99", func(m *types.MsgAdmitMember) { m.Roles = []types.Role{types.Role(99)} }, types.ErrInvalidRole, nil},
		{"negative role", func(m *types.MsgAdmitMember) { m.Roles = []types.Role{types.Role(-1)} }, types.ErrInvalidRole, nil},
		{"duplicate role", func(m *types.MsgAdmitMember) {
			m.Roles = []types.Role{types.Role_ROLE_PHARMACY, types.Role_ROLE_HOSPITAL, types.Role_ROLE_PHARMACY}
		}, types.ErrInvalidRole, nil},
		{"more roles than MaxRoles", func(m *types.MsgAdmitMember) {
			m.Roles = append(append([]types.Role{}, allRoles...), types.Role_ROLE_HOSPITAL)
		}, types.ErrInvalidRole, nil},

		// identifiers
		{"no identifier", func(m *types.MsgAdmitMember) { m.NPI, m.GLN, m.DEA = "", "", "" }, types.ErrInvalidIdentifier, nil},
		{"bad NPI check digit", func(m *types.MsgAdmitMember) { m.NPI = badNPI }, types.ErrInvalidIdentifier, nil},
		{"bad GLN check digit", func(m *types.MsgAdmitMember) { m.NPI, m.GLN = "", badGLN }, types.ErrInvalidIdentifier, nil},
		{"bad DEA check digit", func(m *types.MsgAdmitMember) { m.NPI, m.DEA = "", badDEA }, types.ErrInvalidIdentifier, nil},
		{"valid NPI but bad GLN", func(m *types.MsgAdmitMember) { m.GLN = badGLN }, types.ErrInvalidIdentifier, nil},
		{"valid NPI and GLN but bad DEA", func(m *types.MsgAdmitMember) { m.GLN, m.DEA = validGLN, badDEA }, types.ErrInvalidIdentifier, nil},
		{"NPI too short", func(m *types.MsgAdmitMember) { m.NPI = "123456789" }, types.ErrInvalidIdentifier, nil},
		{"NPI with a letter", func(m *types.MsgAdmitMember) { m.NPI = "12345678A3" }, types.ErrInvalidIdentifier, nil},

		// duplicates
		{"already admitted", func(m *types.MsgAdmitMember) { m.Address = s.addrStr(existing) }, types.ErrMemberExists, nil},
		{"already admitted and suspended", func(m *types.MsgAdmitMember) { m.Address = s.addrStr(suspended) }, types.ErrMemberExists, nil},
	}

	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.admit(existing, "St Mary's Hospital", types.Role_ROLE_HOSPITAL)
			s.admit(suspended, "Suspended Pharmacy", types.Role_ROLE_PHARMACY)
			s.suspend(suspended, "licence lapsed")

			msg := s.admitMsg(newAddr, "Acme Laboratory", types.Role_ROLE_LABORATORY)
			tc.malleate(msg)
			rolesSent := append([]types.Role(nil), msg.Roles...)
			s.freshEvents()
			before := s.dumpState()

			if tc.expErr != nil {
				s.refuse(tc.expErr, func(ctx sdk.Context) error {
					res, err := s.msgServer.AdmitMember(ctx, msg)
					s.Require().Nil(res)
					return err
				})
				return
			}
			res, err := s.msgServer.AdmitMember(s.ctx, msg)
			s.Require().NoError(err)
			s.Require().NotNil(res)
			s.Require().Equal(rolesSent, msg.Roles, "the message's role list was modified")

			got, err := s.keeper.GetMember(s.ctx, newAddr)
			s.Require().NoError(err)
			s.Require().Equal(types.Member{
				Address:         msg.Address,
				Name:            msg.Name,
				Roles:           tc.expRoles,
				NPI:             msg.NPI,
				GLN:             msg.GLN,
				DEA:             msg.DEA,
				Status:          types.MemberStatus_MEMBER_STATUS_ACTIVE,
				AdmittedAt:      blockTime,
				StatusChangedAt: blockTime,
			}, got)
			s.Require().Equal(tc.expRoles, s.indexedRoles(newAddr))

			ev := event[*types.EventMemberAdmitted](s)
			s.Require().Equal(&types.EventMemberAdmitted{Address: msg.Address, Name: msg.Name, Roles: tc.expRoles}, ev)
			s.Require().Equal([]string{evAdmitted}, s.moduleEvents())

			// The other members are untouched.
			after := s.dumpState()
			s.Require().Len(after.Genesis.Members, 3)
			for _, m := range before.Genesis.Members {
				s.Require().Contains(after.Genesis.Members, m)
			}
			for _, e := range before.RoleIndex {
				s.Require().Contains(after.RoleIndex, e)
			}
			s.Require().NoError(s.keeper.RequireRole(s.ctx, newAddr, tc.expRoles...))
		})
	}
}

// TestAdmitMemberTwice admits, then refuses the same address with other data.
func (s *KeeperTestSuite) TestAdmitMemberTwice() {
	addr := testkit.Addr("twice")
	s.admit(addr, "First Name", types.Role_ROLE_HOSPITAL)
	s.freshEvents()
	msg := s.admitMsg(addr, "Second Name", types.Role_ROLE_PAYER)
	msg.NPI, msg.GLN = validNPI4, validGLN
	err := s.refuse(types.ErrMemberExists, testkit.Call(s.msgServer.AdmitMember, msg))
	s.Require().Contains(err.Error(), msg.Address)
}

// TestAdmitMemberStoresCanonicalAddress: bech32 also accepts the all-upper-case
// spelling of an address. The stored record and the event must carry the
// canonical (lower-case) spelling, as every other module and client compares
// address strings.
func (s *KeeperTestSuite) TestAdmitMemberStoresCanonicalAddress() {

	addr := testkit.Addr("upper-case")
	msg := s.admitMsg(addr, "Upper Case Org", types.Role_ROLE_HOSPITAL)
	msg.Address = strings.ToUpper(msg.Address)
	_, err := s.msgServer.AdmitMember(s.ctx, msg)
	s.Require().NoError(err)
	m, err := s.keeper.GetMember(s.ctx, addr)
	s.Require().NoError(err)
	s.Require().Equal(s.addrStr(addr), m.Address)
	ev := event[*types.EventMemberAdmitted](s)
	s.Require().Equal(s.addrStr(addr), ev.Address)
}

// ---------------------------------------------------------------------------
// UpdateRoles
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestUpdateRoles() {
	member := testkit.Addr("update-member")
	other := testkit.Addr("update-other")
	unknown := testkit.Addr("update-unknown")

	cases := []struct {
		name     string
		malleate func(msg *types.MsgUpdateRoles)
		expErr   error
		expRoles []types.Role
	}{
		{"replace roles", func(*types.MsgUpdateRoles) {}, nil, []types.Role{types.Role_ROLE_LABORATORY, types.Role_ROLE_PHARMACY}},
		{"same roles in another order", func(m *types.MsgUpdateRoles) {
			m.Roles = []types.Role{types.Role_ROLE_LABORATORY, types.Role_ROLE_HOSPITAL}
		}, nil, []types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY}},
		{"down to a single role", func(m *types.MsgUpdateRoles) {
			m.Roles = []types.Role{types.Role_ROLE_REGULATOR}
		}, nil, []types.Role{types.Role_ROLE_REGULATOR}},

		{"wrong signer", func(m *types.MsgUpdateRoles) { m.Authority = s.multisigAddr }, sdkerrors.ErrUnauthorized, nil},
		{"member signs its own update", func(m *types.MsgUpdateRoles) { m.Authority = m.Address }, sdkerrors.ErrUnauthorized, nil},
		{"empty address", func(m *types.MsgUpdateRoles) { m.Address = "" }, types.ErrInvalidAddress, nil},
		{"malformed address", func(m *types.MsgUpdateRoles) { m.Address = "health1xyz" }, types.ErrInvalidAddress, nil},
		{"unknown member", func(m *types.MsgUpdateRoles) { m.Address = s.addrStr(unknown) }, types.ErrMemberNotFound, nil},
		{"no roles", func(m *types.MsgUpdateRoles) { m.Roles = nil }, types.ErrInvalidRole, nil},
		{"ROLE_UNSPECIFIED", func(m *types.MsgUpdateRoles) { m.Roles = []types.Role{types.Role_ROLE_UNSPECIFIED} }, types.ErrInvalidRole, nil},
		{"unknown role 99", func(m *types.MsgUpdateRoles) { m.Roles = []types.Role{types.Role_ROLE_PAYER, types.Role(99)} }, types.ErrInvalidRole, nil},
		{"duplicate role", func(m *types.MsgUpdateRoles) {
			m.Roles = []types.Role{types.Role_ROLE_PAYER, types.Role_ROLE_PAYER}
		}, types.ErrInvalidRole, nil},
	}

	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.admit(member, "Update Member", types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY)
			s.admit(other, "Update Other", types.Role_ROLE_HOSPITAL)
			admitted, err := s.keeper.GetMember(s.ctx, member)
			s.Require().NoError(err)

			msg := &types.MsgUpdateRoles{
				Authority: s.govAddr,
				Address:   s.addrStr(member),
				Roles:     []types.Role{types.Role_ROLE_PHARMACY, types.Role_ROLE_LABORATORY},
			}
			tc.malleate(msg)
			s.ctx = s.ctx.WithBlockTime(blockTime.Add(time.Hour))
			s.freshEvents()
			if tc.expErr != nil {
				s.refuse(tc.expErr, testkit.Call(s.msgServer.UpdateRoles, msg))
				return
			}
			_, err = s.msgServer.UpdateRoles(s.ctx, msg)
			s.Require().NoError(err)

			got, err := s.keeper.GetMember(s.ctx, member)
			s.Require().NoError(err)
			want := admitted
			want.Roles = tc.expRoles
			s.Require().Equal(want, got, "only the roles may change")
			s.Require().Equal(tc.expRoles, s.indexedRoles(member))

			// The role index now answers for the new roles only.
			for _, r := range allRoles {
				res, err := s.queryServer.MembersByRole(s.ctx, &types.QueryMembersByRoleRequest{Role: r.ShortName()})
				s.Require().NoError(err)
				listed := false
				for _, m := range res.Members {
					if m.Address == msg.Address {
						listed = true
					}
				}
				s.Require().Equal(got.HasRole(r), listed, "role %s", r.ShortName())
				err = s.keeper.RequireRole(s.ctx, member, r)
				if got.HasRole(r) {
					s.Require().NoError(err)
				} else {
					s.Require().ErrorIs(err, types.ErrMissingRole)
				}
			}
			// The other member keeps its hospital index entry.
			s.Require().Equal([]types.Role{types.Role_ROLE_HOSPITAL}, s.indexedRoles(other))

			ev := event[*types.EventMemberRolesChanged](s)
			s.Require().Equal(&types.EventMemberRolesChanged{
				Address:       msg.Address,
				PreviousRoles: []types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY},
				Roles:         tc.expRoles,
			}, ev)
		})
	}
}

// ---------------------------------------------------------------------------
// SuspendMember
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestSuspendMember() {
	member := testkit.Addr("suspend-member")
	other := testkit.Addr("suspend-other")
	third := testkit.Addr("suspend-third")
	unknown := testkit.Addr("suspend-unknown")
	suspendTime := blockTime.Add(24 * time.Hour)

	cases := []struct {
		name      string
		setup     func() // validators etc.
		malleate  func(msg *types.MsgSuspendMember)
		expErr    error
		expJailed bool // on success: the member's validator was jailed by this message
	}{
		{"member without validator", func() {}, func(*types.MsgSuspendMember) {}, nil, false},
		{"member without validator, others validate", func() {
			s.staking.addValidator(s.T(), other, stakingtypes.Bonded, false)
		}, func(*types.MsgSuspendMember) {}, nil, false},
		{"bonded validator with another bonded validator is jailed", func() {
			s.staking.addValidator(s.T(), member, stakingtypes.Bonded, false)
			s.staking.addValidator(s.T(), other, stakingtypes.Bonded, false)
		}, func(*types.MsgSuspendMember) {}, nil, true},
		{"unbonded validator is jailed even when another is the only bonded one", func() {
			s.staking.addValidator(s.T(), member, stakingtypes.Unbonded, false)
			s.staking.addValidator(s.T(), other, stakingtypes.Bonded, false)
		}, func(*types.MsgSuspendMember) {}, nil, true},
		{"unbonding validator is jailed", func() {
			s.staking.addValidator(s.T(), member, stakingtypes.Unbonding, false)
		}, func(*types.MsgSuspendMember) {}, nil, true},
		{"already jailed validator is not jailed again", func() {
			s.staking.addValidator(s.T(), member, stakingtypes.Bonded, true)
			s.staking.addValidator(s.T(), other, stakingtypes.Bonded, false)
		}, func(*types.MsgSuspendMember) {}, nil, false},
		{"already jailed only bonded validator does not block suspension", func() {
			s.staking.addValidator(s.T(), member, stakingtypes.Bonded, true)
		}, func(*types.MsgSuspendMember) {}, nil, false},
		{"reason of maximum length", func() {}, func(m *types.MsgSuspendMember) {
			m.Reason = strings.Repeat("ü", types.MaxReasonLength)
		}, nil, false},

		{"wrong signer", func() {}, func(m *types.MsgSuspendMember) { m.Authority = s.multisigAddr }, sdkerrors.ErrUnauthorized, false},
		{"wrong signer does not jail", func() {
			s.staking.addValidator(s.T(), member, stakingtypes.Bonded, false)
			s.staking.addValidator(s.T(), other, stakingtypes.Bonded, false)
		}, func(m *types.MsgSuspendMember) { m.Authority = s.addrStr(other) }, sdkerrors.ErrUnauthorized, false},
		{"empty address", func() {}, func(m *types.MsgSuspendMember) { m.Address = "" }, types.ErrInvalidAddress, false},
		{"malformed address", func() {}, func(m *types.MsgSuspendMember) { m.Address = "nope" }, types.ErrInvalidAddress, false},
		{"unknown member", func() {}, func(m *types.MsgSuspendMember) { m.Address = s.addrStr(unknown) }, types.ErrMemberNotFound, false},
		{"unknown member operating a validator is not jailed", func() {
			s.staking.addValidator(s.T(), unknown, stakingtypes.Bonded, false)
			s.staking.addValidator(s.T(), other, stakingtypes.Bonded, false)
		}, func(m *types.MsgSuspendMember) { m.Address = s.addrStr(unknown) }, types.ErrMemberNotFound, false},
		{"already suspended", func() {
			s.suspend(member, "first suspension")
		}, func(*types.MsgSuspendMember) {}, types.ErrMemberSuspended, false},
		{"empty reason", func() {}, func(m *types.MsgSuspendMember) { m.Reason = "" }, types.ErrInvalidReason, false},
		{"whitespace reason", func() {}, func(m *types.MsgSuspendMember) { m.Reason = " \t\n " }, types.ErrInvalidReason, false},
		{"too long reason", func() {}, func(m *types.MsgSuspendMember) { m.Reason = strings.Repeat("x", types.MaxReasonLength+1) }, types.ErrInvalidReason, false},
		{"control character in reason", func() {}, func(m *types.MsgSuspendMember) { m.Reason = "line1\nline2" }, types.ErrInvalidReason, false},
		{"invalid UTF-8 reason", func() {}, func(m *types.MsgSuspendMember) { m.Reason = "bad \xc3" }, types.ErrInvalidReason, false},
		{"only bonded validator", func() {
			s.staking.addValidator(s.T(), member, stakingtypes.Bonded, false)
		}, func(*types.MsgSuspendMember) {}, types.ErrLastValidator, false},
		{"only bonded validator, others unbonded", func() {
			s.staking.addValidator(s.T(), member, stakingtypes.Bonded, false)
			s.staking.addValidator(s.T(), other, stakingtypes.Unbonded, false)
			s.staking.addValidator(s.T(), third, stakingtypes.Unbonding, false)
		}, func(*types.MsgSuspendMember) {}, types.ErrLastValidator, false},
	}

	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.admit(member, "Suspend Member", types.Role_ROLE_PHARMACY, types.Role_ROLE_DISTRIBUTOR)
			s.admit(other, "Suspend Other", types.Role_ROLE_HOSPITAL)
			tc.setup()
			admitted, err := s.keeper.GetMember(s.ctx, member)
			s.Require().NoError(err)
			jailsBefore := len(s.staking.jailed)

			msg := &types.MsgSuspendMember{Authority: s.govAddr, Address: s.addrStr(member), Reason: "data-sharing agreement breached"}
			tc.malleate(msg)
			s.ctx = s.ctx.WithBlockTime(suspendTime)
			s.freshEvents()
			if tc.expErr != nil {
				s.refuse(tc.expErr, testkit.Call(s.msgServer.SuspendMember, msg))
				if tc.expErr == types.ErrLastValidator {
					s.Require().NoError(s.keeper.RequireRole(s.ctx, member, types.Role_ROLE_PHARMACY), "refused suspension must leave the member active")
				}
				return
			}
			_, err = s.msgServer.SuspendMember(s.ctx, msg)
			s.Require().NoError(err)

			got, err := s.keeper.GetMember(s.ctx, member)
			s.Require().NoError(err)
			want := admitted
			want.Status = types.MemberStatus_MEMBER_STATUS_SUSPENDED
			want.SuspensionReason = msg.Reason
			want.StatusChangedAt = suspendTime
			s.Require().Equal(want, got)
			s.Require().Equal(blockTime, got.AdmittedAt)

			// A suspended member fails every check, but keeps its roles and index entries.
			s.Require().ErrorIs(s.keeper.RequireRole(s.ctx, member, types.Role_ROLE_PHARMACY), types.ErrNotMember)
			s.Require().ErrorIs(s.keeper.RequireActive(s.ctx, member), types.ErrNotMember)
			s.Require().Equal(admitted.Roles, s.indexedRoles(member))
			s.Require().NoError(s.keeper.RequireRole(s.ctx, other, types.Role_ROLE_HOSPITAL))

			if tc.expJailed {
				s.Require().True(s.staking.isJailed(member))
				s.Require().Len(s.staking.jailed, jailsBefore+1)
				val, err := s.staking.GetValidator(s.ctx, sdk.ValAddress(member))
				s.Require().NoError(err)
				consAddr, err := val.GetConsAddr()
				s.Require().NoError(err)
				s.Require().Equal(sdk.ConsAddress(consAddr), s.staking.jailed[len(s.staking.jailed)-1])
			} else {
				s.Require().Len(s.staking.jailed, jailsBefore, "no validator may be jailed")
			}
			s.Require().False(s.staking.isJailed(other), "another member's validator was jailed")

			ev := event[*types.EventMemberSuspended](s)
			s.Require().Equal(&types.EventMemberSuspended{Address: msg.Address, Reason: msg.Reason, ValidatorJailed: tc.expJailed}, ev)
		})
	}
}

// TestSuspendMemberWithoutStakingKeeper: a keeper built without x/staking
// suspends without touching validators.
func (s *KeeperTestSuite) TestSuspendMemberWithoutStakingKeeper() {
	s.keeper = keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), testkit.AddressCodec, s.govAddr, nil)
	s.msgServer = keeper.NewMsgServerImpl(s.keeper)
	addr := testkit.Addr("no-staking")
	s.admit(addr, "No Staking", types.Role_ROLE_PAYER)
	s.suspend(addr, "test")
	s.Require().ErrorIs(s.keeper.RequireActive(s.ctx, addr), types.ErrNotMember)
}

// TestSuspendTwoValidatorsInOneBlock suspends, in one block, the members that
// operate the two bonded validators of a two-validator network. x/staking only
// updates the last validator set at the end of the block, so after the first
// suspension GetLastValidators still lists two validators, one of them jailed.
// The second suspension must be refused with ErrLastValidator, or the chain is
// left without any validator at the end of the block.
func (s *KeeperTestSuite) TestSuspendTwoValidatorsInOneBlock() {

	a, b := testkit.Addr("two-a"), testkit.Addr("two-b")
	s.admit(a, "Validator A", types.Role_ROLE_HOSPITAL)
	s.admit(b, "Validator B", types.Role_ROLE_HOSPITAL)
	s.staking.addValidator(s.T(), a, stakingtypes.Bonded, false)
	s.staking.addValidator(s.T(), b, stakingtypes.Bonded, false)

	s.suspend(a, "first")
	s.Require().True(s.staking.isJailed(a))

	s.freshEvents()
	s.refuse(types.ErrLastValidator, testkit.Call(s.msgServer.SuspendMember, &types.MsgSuspendMember{Authority: s.govAddr, Address: s.addrStr(b), Reason: "second"}))
	s.Require().False(s.staking.isJailed(b))
}

// ---------------------------------------------------------------------------
// ReinstateMember
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestReinstateMember() {
	member := testkit.Addr("reinstate-member")
	active := testkit.Addr("reinstate-active")
	unknown := testkit.Addr("reinstate-unknown")
	reinstateTime := blockTime.Add(72 * time.Hour)

	cases := []struct {
		name     string
		malleate func(msg *types.MsgReinstateMember)
		expErr   error
	}{
		{"suspended member", func(*types.MsgReinstateMember) {}, nil},
		{"wrong signer", func(m *types.MsgReinstateMember) { m.Authority = s.multisigAddr }, sdkerrors.ErrUnauthorized},
		{"member reinstates itself", func(m *types.MsgReinstateMember) { m.Authority = m.Address }, sdkerrors.ErrUnauthorized},
		{"empty address", func(m *types.MsgReinstateMember) { m.Address = "" }, types.ErrInvalidAddress},
		{"malformed address", func(m *types.MsgReinstateMember) { m.Address = "health1" }, types.ErrInvalidAddress},
		{"unknown member", func(m *types.MsgReinstateMember) { m.Address = s.addrStr(unknown) }, types.ErrMemberNotFound},
		{"active member", func(m *types.MsgReinstateMember) { m.Address = s.addrStr(active) }, types.ErrMemberNotSuspended},
	}

	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.staking.addValidator(s.T(), member, stakingtypes.Bonded, false)
			s.staking.addValidator(s.T(), active, stakingtypes.Bonded, false)
			s.admit(member, "Reinstate Member", types.Role_ROLE_MANUFACTURER)
			s.admit(active, "Reinstate Active", types.Role_ROLE_DISTRIBUTOR)
			s.ctx = s.ctx.WithBlockTime(blockTime.Add(time.Hour))
			s.suspend(member, "recall investigation")
			s.Require().True(s.staking.isJailed(member))
			jails := len(s.staking.jailed)
			admitted, err := s.keeper.GetMember(s.ctx, member)
			s.Require().NoError(err)

			msg := &types.MsgReinstateMember{Authority: s.govAddr, Address: s.addrStr(member)}
			tc.malleate(msg)
			s.ctx = s.ctx.WithBlockTime(reinstateTime)
			s.freshEvents()
			if tc.expErr != nil {
				s.refuse(tc.expErr, testkit.Call(s.msgServer.ReinstateMember, msg))
				return
			}
			_, err = s.msgServer.ReinstateMember(s.ctx, msg)
			s.Require().NoError(err)

			got, err := s.keeper.GetMember(s.ctx, member)
			s.Require().NoError(err)
			want := admitted
			want.Status = types.MemberStatus_MEMBER_STATUS_ACTIVE
			want.SuspensionReason = ""
			want.StatusChangedAt = reinstateTime
			s.Require().Equal(want, got)
			s.Require().Equal(blockTime, got.AdmittedAt)
			s.Require().NoError(s.keeper.RequireRole(s.ctx, member, types.Role_ROLE_MANUFACTURER))
			s.Require().Equal([]types.Role{types.Role_ROLE_MANUFACTURER}, s.indexedRoles(member))

			// The validator stays jailed until its operator unjails it.
			s.Require().True(s.staking.isJailed(member))
			s.Require().Len(s.staking.jailed, jails)

			s.Require().Equal(&types.EventMemberReinstated{Address: msg.Address}, event[*types.EventMemberReinstated](s))

			// The reinstated member validates as genesis state.
			gs, err := s.keeper.ExportGenesis(s.ctx)
			s.Require().NoError(err)
			s.Require().NoError(gs.Validate(testkit.AddressCodec))
		})
	}
}

// TestMemberLifecycle suspends and reinstates a member twice and checks every
// exported state validates.
func (s *KeeperTestSuite) TestMemberLifecycle() {
	addr := testkit.Addr("lifecycle")
	s.admit(addr, "Lifecycle Clinic", types.Role_ROLE_HOSPITAL, types.Role_ROLE_PHARMACY)
	for i := range 2 {
		s.ctx = s.ctx.WithBlockTime(blockTime.Add(time.Duration(2*i+1) * time.Hour))
		s.suspend(addr, "round")
		s.Require().ErrorIs(s.keeper.RequireRole(s.ctx, addr, types.Role_ROLE_HOSPITAL), types.ErrNotMember)
		gs, err := s.keeper.ExportGenesis(s.ctx)
		s.Require().NoError(err)
		s.Require().NoError(gs.Validate(testkit.AddressCodec))

		s.ctx = s.ctx.WithBlockTime(blockTime.Add(time.Duration(2*i+2) * time.Hour))
		_, err = s.msgServer.ReinstateMember(s.ctx, &types.MsgReinstateMember{Authority: s.govAddr, Address: s.addrStr(addr)})
		s.Require().NoError(err)
		s.Require().NoError(s.keeper.RequireRole(s.ctx, addr, types.Role_ROLE_PHARMACY))
		gs, err = s.keeper.ExportGenesis(s.ctx)
		s.Require().NoError(err)
		s.Require().NoError(gs.Validate(testkit.AddressCodec))
		s.Require().Equal(blockTime.Add(time.Duration(2*i+2)*time.Hour), gs.Members[0].StatusChangedAt)
	}
}
