package types_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/organs/types"
)

const (
	din    = "G123498654321H"
	badDIN = "G123498654321I"
)

func c32(seed string) []byte {
	h := sha256.Sum256([]byte(seed))
	return h[:]
}

func TestValidateBasic(t *testing.T) {
	a, b := testkit.String(testkit.Addr("a")), testkit.String(testkit.Addr("b"))
	other := testkit.OtherPrefix(testkit.Addr("a"))
	now := testkit.BlockTime
	key := secp256k1.GenPrivKeyFromSecret([]byte("k")).PubKey().Bytes()
	edKey := ed25519.GenPrivKeyFromSecret([]byte("k")).PubKey().Bytes()
	uncompressed := append([]byte{4}, key[1:]...)
	r := types.Reading{Seq: 1, Time: now, CentiCelsius: 450}
	readings := func(rs ...types.Reading) *types.MsgPostReadings {
		return &types.MsgPostReadings{Submitter: a, Logger: "TL-1", DIN: din, OrganType: "HEART", Readings: rs, Signature: make([]byte, 64)}
	}
	cand := types.CandidateEntry{Commitment: c32("r"), Centre: b, ABO: types.ABO_ABO_A}
	tooMany := make([]types.CandidateEntry, types.MaxCandidatesLimit+1)
	for i := range tooMany {
		tooMany[i] = types.CandidateEntry{Commitment: c32(string(rune(i))), Centre: b, ABO: types.ABO_ABO_O}
	}
	params := types.DefaultParams()
	badParams := params
	badParams.OfferTimeout = 0
	case_ := testkit.Case

	testkit.ValidateBasic(t, map[string]testkit.BasicCase{
		"staff":                   case_(&types.MsgSetStaff{Member: a, Account: b}, nil),
		"staff of itself":         case_(&types.MsgSetStaff{Member: a, Account: a}, types.ErrInvalidStaff),
		"staff bad member":        case_(&types.MsgSetStaff{Member: "x", Account: b}, types.ErrInvalidAddress),
		"logger secp256k1":        case_(&types.MsgRegisterLogger{Actor: a, Logger: "TL-1", PubKey: key}, nil),
		"logger ed25519":          case_(&types.MsgRegisterLogger{Actor: a, Logger: "TL-1", PubKey: edKey}, nil),
		"logger uncompressed key": case_(&types.MsgRegisterLogger{Actor: a, Logger: "TL-1", PubKey: uncompressed}, types.ErrInvalidLogger),
		"logger no key":           case_(&types.MsgRegisterLogger{Actor: a, Logger: "TL-1"}, types.ErrInvalidLogger),
		"logger bad id":           case_(&types.MsgRegisterLogger{Actor: a, Logger: "TL/1", PubKey: key}, types.ErrInvalidLogger),
		"open deceased":           case_(&types.MsgOpenCase{Actor: a, DIN: din, AuthorisationCommitment: c32("d")}, nil),
		"open living":             case_(&types.MsgOpenCase{Actor: a, DIN: "=G12349865432177", Donor: b, DonorSalt: c32("salt")}, nil),
		"open living, no salt":    case_(&types.MsgOpenCase{Actor: a, DIN: din, Donor: b}, types.ErrInvalidBasis),
		"open living, short salt": case_(&types.MsgOpenCase{Actor: a, DIN: din, Donor: b, DonorSalt: c32("salt")[:16]}, types.ErrInvalidBasis),
		"open living, zero salt":  case_(&types.MsgOpenCase{Actor: a, DIN: din, Donor: b, DonorSalt: make([]byte, 32)}, types.ErrInvalidBasis),
		"open deceased with salt": case_(&types.MsgOpenCase{Actor: a, DIN: din, DonorSalt: c32("salt"), AuthorisationCommitment: c32("d")}, types.ErrInvalidBasis),
		"open bad check":          case_(&types.MsgOpenCase{Actor: a, DIN: badDIN, Donor: b}, types.ErrInvalidDIN),
		"open 13 characters":      case_(&types.MsgOpenCase{Actor: a, DIN: din[:13], Donor: b}, types.ErrInvalidDIN),
		"open lower case":         case_(&types.MsgOpenCase{Actor: a, DIN: "g123498654321h", Donor: b}, types.ErrInvalidDIN),
		"open both":               case_(&types.MsgOpenCase{Actor: a, DIN: din, Donor: b, AuthorisationCommitment: c32("d")}, types.ErrInvalidBasis),
		"open neither":            case_(&types.MsgOpenCase{Actor: a, DIN: din}, types.ErrInvalidBasis),
		"open donor bad":          case_(&types.MsgOpenCase{Actor: a, DIN: din, Donor: "nobody"}, types.ErrInvalidBasis),
		"open other prefix actor": case_(&types.MsgOpenCase{Actor: "", DIN: din, Donor: b}, types.ErrInvalidAddress),
		"record ABO":              case_(&types.MsgRecordABO{Actor: a, DIN: din, ABO: types.ABO_ABO_AB}, nil),
		"record no ABO":           case_(&types.MsgRecordABO{Actor: a, DIN: din}, types.ErrInvalidABO),
		"confirm unknown ABO":     case_(&types.MsgConfirmABO{Actor: a, DIN: din, ABO: 5}, types.ErrInvalidABO),
		"recover":                 case_(&types.MsgRecoverOrgan{Actor: a, DIN: din, OrganType: "KIDNEY_L", CrossClamp: now}, nil),
		"recover year 1970":       case_(&types.MsgRecoverOrgan{Actor: a, DIN: din, OrganType: "KIDNEY_L", CrossClamp: time.Unix(0, 0)}, types.ErrInvalidTime),
		"recover bad type":        case_(&types.MsgRecoverOrgan{Actor: a, DIN: din, OrganType: "kidney", CrossClamp: now}, types.ErrInvalidOrganType),
		"recover long type":       case_(&types.MsgRecoverOrgan{Actor: a, DIN: din, OrganType: "KIDNEY_LEFT_UPPER_POLE", CrossClamp: now}, types.ErrInvalidOrganType),
		"match run":               case_(&types.MsgPostMatchRun{Actor: a, DIN: din, OrganType: "LIVER", Candidates: []types.CandidateEntry{cand}}, nil),
		"match run too long":      case_(&types.MsgPostMatchRun{Actor: a, DIN: din, OrganType: "LIVER", Candidates: tooMany}, types.ErrTooMany),
		"match run other prefix":  case_(&types.MsgPostMatchRun{Actor: a, DIN: din, OrganType: "LIVER", Candidates: []types.CandidateEntry{{Commitment: c32("r"), Centre: other, ABO: 1}}}, nil),
		"offer":                   case_(&types.MsgOffer{Actor: a, DIN: din, OrganType: "LIVER", Rank: 1}, nil),
		"offer rank 0":            case_(&types.MsgOffer{Actor: a, DIN: din, OrganType: "LIVER"}, types.ErrInvalidCandidate),
		"accept":                  case_(&types.MsgRespondOffer{Actor: a, DIN: din, OrganType: "LIVER", Rank: 1, Accept: true}, nil),
		"decline no reason":       case_(&types.MsgRespondOffer{Actor: a, DIN: din, OrganType: "LIVER", Rank: 1}, types.ErrInvalidReason),
		"skip timeout":            case_(&types.MsgSkipCandidate{Actor: a, DIN: din, OrganType: "LIVER", Rank: 1, Reason: types.BypassReason_BYPASS_REASON_TIMEOUT}, nil),
		"skip no reason":          case_(&types.MsgSkipCandidate{Actor: a, DIN: din, OrganType: "LIVER", Rank: 1}, types.ErrInvalidReason),
		"hand off":                case_(&types.MsgHandOff{Actor: a, DIN: din, OrganType: "LIVER", To: b}, nil),
		"hand off bad to":         case_(&types.MsgHandOff{Actor: a, DIN: din, OrganType: "LIVER", To: "b"}, types.ErrInvalidAddress),
		"accept hand-off bad DIN": case_(&types.MsgAcceptHandOff{Actor: a, DIN: badDIN, OrganType: "LIVER"}, types.ErrInvalidDIN),
		"cancel hand-off":         case_(&types.MsgCancelHandOff{Actor: a, DIN: din, OrganType: "LIVER"}, nil),
		"readings":                case_(readings(r, types.Reading{Seq: 2, Time: now, CentiCelsius: -100}), nil),
		"readings none":           case_(readings(), types.ErrInvalidReading),
		"readings seq 0":          case_(readings(types.Reading{Time: now}), types.ErrInvalidReading),
		"readings same seq":       case_(readings(r, r), types.ErrInvalidReading),
		"readings time back":      case_(readings(types.Reading{Seq: 1, Time: now}, types.Reading{Seq: 2, Time: now.Add(-time.Second)}), types.ErrInvalidReading),
		"readings absurd temp":    case_(readings(types.Reading{Seq: 1, Time: now, CentiCelsius: 1 << 30}), types.ErrInvalidReading),
		"readings no signature":   case_(&types.MsgPostReadings{Submitter: a, Logger: "TL-1", DIN: din, OrganType: "HEART", Readings: []types.Reading{r}}, types.ErrBadSignature),
		"transplant":              case_(&types.MsgTransplant{Actor: a, DIN: din, OrganType: "HEART", RecipientCommitment: c32("r"), Reperfusion: now}, nil),
		"transplant override":     case_(&types.MsgTransplant{Actor: a, DIN: din, OrganType: "HEART", RecipientCommitment: c32("r"), Reperfusion: now, Override: 1}, nil),
		"transplant bad override": case_(&types.MsgTransplant{Actor: a, DIN: din, OrganType: "HEART", RecipientCommitment: c32("r"), Reperfusion: now, Override: 99}, types.ErrInvalidReason),
		"transplant year 10000":   case_(&types.MsgTransplant{Actor: a, DIN: din, OrganType: "HEART", RecipientCommitment: c32("r"), Reperfusion: types.MaxTime.Add(48 * time.Hour)}, types.ErrInvalidTime),
		"discard":                 case_(&types.MsgDiscard{Actor: a, DIN: din, OrganType: "HEART", Reason: 1}, nil),
		"discard no reason":       case_(&types.MsgDiscard{Actor: a, DIN: din, OrganType: "HEART"}, types.ErrInvalidReason),
		"params":                  case_(&types.MsgUpdateParams{Authority: a, Params: params}, nil),
		"params bad":              case_(&types.MsgUpdateParams{Authority: a, Params: badParams}, types.ErrInvalidParams),
	})
}

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	for name, mutate := range map[string]func(p *types.Params){
		"no organ types":         func(p *types.Params) { p.OrganTypes = nil },
		"organ type twice":       func(p *types.Params) { p.OrganTypes = append(p.OrganTypes, p.OrganTypes[0]) },
		"bad code":               func(p *types.Params) { p.OrganTypes[0].Code = "Heart" },
		"zero limit":             func(p *types.Params) { p.OrganTypes[0].MaxColdIschaemia = 0 },
		"limit over a week":      func(p *types.Params) { p.OrganTypes[0].MaxColdIschaemia = types.MaxIschaemiaLimit + time.Second },
		"fractional limit":       func(p *types.Params) { p.OrganTypes[0].MaxColdIschaemia = time.Hour + time.Millisecond },
		"empty temperature":      func(p *types.Params) { p.MinCentiCelsius = p.MaxCentiCelsius },
		"absurd temperature":     func(p *types.Params) { p.MaxCentiCelsius = 100_000 },
		"offer timeout too long": func(p *types.Params) { p.OfferTimeout = types.MaxOfferTimeout + time.Second },
		"no candidates":          func(p *types.Params) { p.MaxCandidates = 0 },
		"too many hand-offs":     func(p *types.Params) { p.MaxHandoffs = types.MaxHandOffsLimit + 1 },
		"too many readings":      func(p *types.Params) { p.MaxReadings = types.MaxReadingsLimit + 1 },
	} {
		p := types.DefaultParams()
		mutate(&p)
		require.ErrorIs(t, p.Validate(), types.ErrInvalidParams, name)
	}
	limit, ok := types.DefaultParams().OrganLimit("HEART")
	require.True(t, ok)
	require.Equal(t, 6*time.Hour, limit)
	_, ok = types.DefaultParams().OrganLimit("SPLEEN")
	require.False(t, ok)
}

// TestSignBytesDeterministic: the logger signs exactly what the chain checks.
func TestSignBytesDeterministic(t *testing.T) {
	m := &types.MsgPostReadings{Logger: "TL-1", DIN: din, OrganType: "HEART", Readings: []types.Reading{{Seq: 1, Time: testkit.BlockTime, CentiCelsius: 450}}}
	a, err := types.SignBytes("c", m)
	require.NoError(t, err)
	b, err := types.SignBytes("c", m)
	require.NoError(t, err)
	require.Equal(t, a, b)
	c, err := types.SignBytes("d", m)
	require.NoError(t, err)
	require.NotEqual(t, a, c, "the chain id is signed")
	m.Submitter = testkit.String(testkit.Addr("relay"))
	d, err := types.SignBytes("c", m)
	require.NoError(t, err)
	require.Equal(t, a, d, "whoever relays them, the readings sign the same")
}
