package types_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/fhirr4"
	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/organs/types"
)

// TestOrganFHIR: the rendering is a valid FHIR R4 BiologicallyDerivedProduct
// (internal/fhirr4, over google/fhir/go) while the organ waits, once
// transplanted and once discarded, and names neither donor nor recipient.
func TestOrganFHIR(t *testing.T) {
	opo := testkit.String(testkit.Addr("opo"))
	clamp := testkit.BlockTime
	reperfusion := clamp.Add(5 * time.Hour)
	waiting := types.Organ{DIN: din, OrganType: "KIDNEY_L", Status: types.OrganStatus_ORGAN_STATUS_RECOVERED, CrossClamp: clamp,
		MaxColdIschaemia: 36 * time.Hour, Holder: opo}
	done := waiting
	done.Status = types.OrganStatus_ORGAN_STATUS_TRANSPLANTED
	done.Outcome = &types.Outcome{Time: reperfusion.Add(time.Minute), Reperfusion: &reperfusion, ColdIschaemia: 5 * time.Hour, RecipientCommitment: c32("r1")}
	discarded := waiting
	discarded.Status = types.OrganStatus_ORGAN_STATUS_DISCARDED
	discarded.Outcome = &types.Outcome{Time: reperfusion, DiscardReason: types.DiscardReason_DISCARD_REASON_ORGAN_QUALITY}

	for name, o := range map[string]types.Organ{"waiting": waiting, "transplanted": done, "discarded": discarded} {
		bz, err := o.FHIR(opo)
		require.NoError(t, err, name)
		res, err := fhirr4.Validate(bz)
		require.NoError(t, err, "%s: %s", name, bz)
		require.Equal(t, "BiologicallyDerivedProduct", res.ResourceType)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(bz, &doc))
		require.Equal(t, "G123498654321H-KIDNEY-L", doc["id"])
		require.NotContains(t, string(bz), "r1")
		if name == "waiting" {
			require.Equal(t, "available", doc["status"])
			require.NotContains(t, string(bz), `"end"`)
		} else {
			require.Equal(t, "unavailable", doc["status"])
			require.Contains(t, string(bz), `"end":"2026-03-02T14:30:00Z"`)
		}
	}
}
