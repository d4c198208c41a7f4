package types

// transitions lists, for each status, the statuses a claim may move to.
var transitions = map[ClaimStatus][]ClaimStatus{
	// Submission adjudicates at once: a new claim starts in one of these.
	ClaimStatus_CLAIM_STATUS_UNSPECIFIED: {ClaimStatus_CLAIM_STATUS_PENDED, ClaimStatus_CLAIM_STATUS_DENIED, ClaimStatus_CLAIM_STATUS_PAYABLE, ClaimStatus_CLAIM_STATUS_PAID},
	ClaimStatus_CLAIM_STATUS_PENDED:      {ClaimStatus_CLAIM_STATUS_DENIED, ClaimStatus_CLAIM_STATUS_PAYABLE, ClaimStatus_CLAIM_STATUS_PAID, ClaimStatus_CLAIM_STATUS_WITHDRAWN},
	ClaimStatus_CLAIM_STATUS_APPEALED:    {ClaimStatus_CLAIM_STATUS_DENIED, ClaimStatus_CLAIM_STATUS_PAYABLE, ClaimStatus_CLAIM_STATUS_PAID, ClaimStatus_CLAIM_STATUS_WITHDRAWN},
	ClaimStatus_CLAIM_STATUS_DENIED:      {ClaimStatus_CLAIM_STATUS_APPEALED, ClaimStatus_CLAIM_STATUS_WITHDRAWN},
	ClaimStatus_CLAIM_STATUS_PAYABLE:     {ClaimStatus_CLAIM_STATUS_PAID, ClaimStatus_CLAIM_STATUS_APPEALED, ClaimStatus_CLAIM_STATUS_WITHDRAWN, ClaimStatus_CLAIM_STATUS_CANCELLED},
	ClaimStatus_CLAIM_STATUS_PAID:        {ClaimStatus_CLAIM_STATUS_APPEALED},
	ClaimStatus_CLAIM_STATUS_WITHDRAWN:   {},
	ClaimStatus_CLAIM_STATUS_CANCELLED:   {},
}

// CanTransition reports whether a claim may move from one status to another.
// APPROVED and PARTIALLY_APPROVED are outcomes, never statuses: an approved
// claim is PAID, or PAYABLE while its payer's escrow is short.
func CanTransition(from, to ClaimStatus) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}
