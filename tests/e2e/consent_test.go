package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// consentLifecycle: the patient grants through the CLI, the provider checks
// through REST, the patient revokes, and the check turns false.
func consentLifecycle(t *testing.T, n *node) {
	patient, lab := n.addr("patient1"), n.addr("lab")
	checkURL := fmt.Sprintf("%s/healthd/consent/v1/check/%s/%s/TREAT/Observation", api, patient, lab)

	var check struct {
		Allowed   bool   `json:"allowed"`
		ConsentID string `json:"consent_id"`
		Reason    string `json:"reason"`
	}
	require.NoError(t, json.Unmarshal([]byte(httpGet(t, checkURL)), &check))
	require.False(t, check.Allowed)
	require.Equal(t, "CHECK_REASON_NO_CONSENT", check.Reason)

	// A stranger cannot grant for the patient.
	end := time.Now().UTC().Add(30 * 24 * time.Hour).Format(time.RFC3339)
	grant := []string{"tx", "consent", "grant", patient, lab, "TREAT", "--categories", "Observation", "--categories", "laboratory", "--end", end, "-y", "-o", "json"}
	code, log := n.txResult(n.txCLI(append(grant, "--from", "patient2")...))
	require.NotZero(t, code)
	require.Contains(t, log, "neither the patient nor a guardian")

	// As a person sees it: the CLI waits for the block and prints the failure
	// in words, with the module and code, and exits non-zero; a stateless
	// mistake is refused before a block.
	human := append([]string{}, grant[:len(grant)-2]...) // without -o json
	_, err := n.cli(append(human, "--from", "patient2")...)
	require.Error(t, err)
	require.Regexp(t, `failed in block \d+ .*: .*neither the patient nor a guardian of the patient \[consent error \d+\]`, err.Error())
	require.NotContains(t, err.Error(), ".go:")
	human[5] = "FOO"
	_, err = n.cli(append(human, "--from", "patient1")...)
	require.Error(t, err)
	require.Regexp(t, `refused before a block .*unknown purpose of use \[consent error \d+\]`, err.Error())

	code, log = n.txResult(n.txCLI(append(grant, "--from", "patient1")...))
	require.Zero(t, code, log)

	require.NoError(t, json.Unmarshal([]byte(httpGet(t, checkURL)), &check))
	require.True(t, check.Allowed, "provider sees the grant through REST")
	require.Equal(t, "CHECK_REASON_ALLOWED", check.Reason)
	id := check.ConsentID

	// Another category is not covered.
	body := httpGet(t, fmt.Sprintf("%s/healthd/consent/v1/check/%s/%s/TREAT/Condition", api, patient, lab))
	require.Contains(t, body, "CHECK_REASON_CATEGORY_NOT_COVERED")

	// FHIR export of the consent.
	fhir := n.mustCLI("q", "consent", "fhir", id)
	var res map[string]any
	require.NoError(t, json.Unmarshal([]byte(fhir), &res), fhir)
	require.Equal(t, "Consent", res["resourceType"])
	require.Equal(t, "active", res["status"])

	code, log = n.txResult(n.txCLI("tx", "consent", "revoke", id, "patient-request", "--from", "patient1", "-y", "-o", "json"))
	require.Zero(t, code, log)

	require.NoError(t, json.Unmarshal([]byte(httpGet(t, checkURL)), &check))
	require.False(t, check.Allowed, "check turns false after revocation")
	require.Equal(t, "CHECK_REASON_REVOKED", check.Reason)

	audit := n.mustCLI("q", "consent", "audit", patient, "-o", "json")
	require.Equal(t, 1, strings.Count(audit, "AUDIT_ACTION_GRANTED"), audit)
	require.Equal(t, 1, strings.Count(audit, "AUDIT_ACTION_REVOKED"), audit)
}
