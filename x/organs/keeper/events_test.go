package keeper_test

import (
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/organs/types"
)

// TestEventsCarryNoPHI: over a whole flow, no event names the donor (its
// account, commitment or salt), a recipient's or the authorisation's
// commitment, or a blood group, and
// every state change emitted a typed event.
func (s *KeeperTestSuite) TestEventsCarryNoPHI() {
	s.fullState()
	s.Require().NotEmpty(testkit.EventTypes(s.ctx, "healthd.organs."))
	forbidden := []string{s.donor, hex.EncodeToString(s.acc(s.donor)), base64.StdEncoding.EncodeToString(s.acc(s.donor))}
	donorCommitment := types.DonorCommitment(salt("donor"), s.acc(s.donor))
	for _, c := range [][]byte{commitment("r1"), commitment("r7"), commitment("r8"), commitment("authorisation " + dinA), donorCommitment, salt("donor")} {
		forbidden = append(forbidden, hex.EncodeToString(c), strings.ToUpper(hex.EncodeToString(c)), base64.StdEncoding.EncodeToString(c))
	}
	for _, e := range s.ctx.EventManager().Events() {
		if !strings.HasPrefix(e.Type, "healthd.organs.") {
			continue
		}
		for _, a := range e.Attributes {
			s.Require().NotContains(strings.ToLower(a.Key), "abo", "%s", e.Type)
			for _, f := range forbidden {
				s.Require().NotContains(a.Value, f, "%s.%s", e.Type, a.Key)
			}
		}
	}
}

func (s *KeeperTestSuite) TestEveryMessageEmits() {
	// Each kind of state change the full flow made has its event type (staff
	// were set up before the suite's events were reset).
	s.fullState()
	seen := map[string]bool{}
	for _, t := range testkit.EventTypes(s.ctx, "healthd.organs.") {
		seen[t] = true
	}
	for _, want := range []string{"EventLoggerRegistered", "EventCaseOpened", "EventABORecorded", "EventABOConfirmed",
		"EventOrganRecovered", "EventMatchRunPosted", "EventOffer", "EventHandOff", "EventReadings", "EventExcursion",
		"EventTransplanted", "EventDiscarded"} {
		s.Require().True(seen["healthd.organs.v1."+want], want)
	}
}
