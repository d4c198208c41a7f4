package claims

import (
	"fmt"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/autocliargs"
)

// AutoCLIOptions describes `healthd tx claims` and `healthd q claims`. Plans
// and claims have structured fields: `healthd tx claims create-plan` and
// `submit` take them from a JSON file (see x/claims/README.md).
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	app := version.AppName
	pos := autocliargs.Pos
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.claims.v1.Query",
			Short:                "Plans, coverage, claims, explanations of benefits, accumulators, escrow",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Plan", Use: "plan [id]", Short: "Show a plan", PositionalArgs: pos("id")},
				{RpcMethod: "CoverageByPatient", Use: "coverage [patient]", Short: "A patient's coverages", PositionalArgs: pos("patient")},
				{RpcMethod: "Claim", Use: "claim [id]", Short: "Show a claim with its line adjudication", PositionalArgs: pos("id")},
				{RpcMethod: "ClaimsByPatient", Use: "by-patient [address]", Short: "A patient's claims", PositionalArgs: pos("address")},
				{RpcMethod: "ClaimsByProvider", Use: "by-provider [address]", Short: "A provider's claims", PositionalArgs: pos("address")},
				{RpcMethod: "ClaimsByPayer", Use: "by-payer [address]", Short: "A payer's claims", PositionalArgs: pos("address")},
				{
					RpcMethod: "ClaimsByStatus", Use: "by-status [status]",
					Short:          "Claims in a status: pended, payable, paid, denied, appealed, withdrawn or cancelled",
					Example:        fmt.Sprintf("%s q claims by-status pended", app),
					PositionalArgs: pos("status"),
				},
				{
					RpcMethod: "ExplanationOfBenefits", Use: "eob [patient] [from] [to]",
					Short:          "A patient's explanation of benefits for service dates in [from, to) (RFC 3339)",
					Example:        fmt.Sprintf("%s q claims eob health1... 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z", app),
					PositionalArgs: pos("patient", "from", "to"),
				},
				{RpcMethod: "ClaimResponseFHIR", Skip: true},        // `claim-response-fhir` prints the resource itself
				{RpcMethod: "ExplanationOfBenefitFHIR", Skip: true}, // `eob-fhir` likewise
				{
					RpcMethod: "Accumulators", Use: "accumulators [coverage-id] [year]",
					Short:          "Deductible and out-of-pocket met in a plan year (the calendar year of the service dates, UTC, e.g. 2026)",
					Example:        fmt.Sprintf("%s q claims accumulators 1 2026", app),
					PositionalArgs: pos("coverage_id", "year"),
				},
				{RpcMethod: "Escrow", Use: "escrow [payer]", Short: "A payer's escrow balance", PositionalArgs: pos("payer")},
				{RpcMethod: "Params", Use: "params", Short: "Module parameters"},
				{
					RpcMethod: "ClaimSettlement", Use: "settlement [claim-id]",
					Short: "A claim's hash-time-locked settlement on Ethereum: hashlock, lock id, timelock, healthd deadline, status " +
						"(LOCKED, REVEALED with the preimage, LAPSED with the reason); expired: locked and the deadline passed",
					Example:        fmt.Sprintf("%s q claims settlement 7", app),
					PositionalArgs: pos("claim_id"),
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.claims.v1.Msg",
			Short:                "Plans, enrolment, prior authorisation, escrow (payers); claims and appeals (providers)",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "CreatePlan", Skip: true},  // `create-plan [file]`
				{RpcMethod: "UpdatePlan", Skip: true},  // `update-plan [id] [file]`
				{RpcMethod: "SubmitClaim", Skip: true}, // `submit [file]`
				{RpcMethod: "Enroll", Skip: true},      // `enroll`, which computes the member id MAC with the payer's key
				{
					RpcMethod: "EndCoverage", Use: "end-coverage [coverage-id] [end]",
					Short:          "End a coverage at end (RFC 3339, not before the block time, inside the coverage period); later service dates are denied (CARC 27)",
					Example:        fmt.Sprintf("%s tx claims end-coverage 1 2027-07-01T00:00:00Z --from payer", app),
					PositionalArgs: pos("coverage_id", "end"),
				},
				{
					RpcMethod: "GrantPriorAuth", Use: "prior-auth [coverage-id] [code] [units] [start] [end]",
					Short: "Authorise units of a service for a coverage and period",
					Long: "code is the service's CPT, HCPCS or NDC code, as in the plan (27447, J1100, 00093-4155-73); units, 1..1000000, " +
						"is the total the claims may use; start and end are RFC 3339 times, and a claim's service date must be in [start, end). " +
						"A new authorisation for the same coverage and code replaces the earlier one.",
					Example:        fmt.Sprintf("%s tx claims prior-auth 1 27447 1 2026-12-01T00:00:00Z 2027-03-01T00:00:00Z --from payer", app),
					PositionalArgs: pos("coverage_id", "code", "units", "start", "end"),
				},
				{
					RpcMethod: "FundEscrow", Use: "fund-escrow [amount]",
					Short:          "Move settlement coins (amount in the settlement denom, e.g. 1000000uhealth) into your escrow; pays waiting claims, smallest first",
					Example:        fmt.Sprintf("%s tx claims fund-escrow 1000000uhealth --from payer", app),
					PositionalArgs: pos("amount"),
				},
				{
					RpcMethod: "ReviewClaim", Use: "review [claim-id] [decision]",
					Short: "Decide a pended or appealed claim: approve, partial (--approve-lines 0,2 --reason 50; lines numbered from 0) or deny (--reason 50)",
					Long: "decision is approve (the plan pays every line it covers), partial (the lines named by --approve-lines are approved, " +
						"the others denied with --reason) or deny (every line denied with --reason). The claim is adjudicated again.\n" +
						"Lines are numbered from 0, in the order of the claim's lines (q claims claim [id]): --approve-lines 1 approves " +
						"the second line. A partial decision approves some lines, not none or all.",
					Example: fmt.Sprintf("%[1]s tx claims review 2 partial --approve-lines 1 --reason 50 --from payer\n"+
						"%[1]s tx claims review 2 approve --from payer", app),
					PositionalArgs: pos("claim_id", "decision"),
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"approve_lines": {Usage: "partial only: the lines to approve, numbered from 0 (the first line is 0); comma-separated (0,2) or the flag repeated"},
						"reason":        {Usage: "partial or deny: the CARC code of the denied lines, 1-3 digits, optionally after a capital letter (50: not medically necessary)"},
						"settlement_preimage": {Usage: "approve or partial of a claim with a locked settlement: its 32-byte preimage in hex " +
							"(revealed by this transaction; a refused one is in the block too, so simulate first: --gas auto)"},
					},
				},
				{
					RpcMethod: "AppealClaim", Use: "appeal [claim-id] [reason]",
					Short:          "Appeal a denied or partially approved claim once (reason: medical-necessity, coding-corrected, prior-auth-obtained, coverage-verified, additional-records)",
					PositionalArgs: pos("claim_id", "reason"),
				},
				{RpcMethod: "WithdrawClaim", Use: "withdraw [claim-id]", Short: "Withdraw an unpaid claim", PositionalArgs: pos("claim_id")},
				{
					RpcMethod: "CancelClaim", Use: "cancel [claim-id] [carc-code]",
					Short:          "Cancel a payable claim of yours that nothing was paid on, with the CARC code that says why (1-3 digits, optionally after a capital letter: 27 coverage ended, 18 duplicate)",
					Example:        fmt.Sprintf("%s tx claims cancel 7 27 --from payer", app),
					PositionalArgs: pos("claim_id", "reason"),
				},
				{
					RpcMethod: "WithdrawEscrow", Use: "withdraw-escrow [amount]",
					Short:          "Take back escrow not owed to your payable claims (amount in the settlement denom, e.g. 500000uhealth)",
					Example:        fmt.Sprintf("%s tx claims withdraw-escrow 500000uhealth --from payer", app),
					PositionalArgs: pos("amount"),
				},
				{
					RpcMethod: "LockClaimSettlement", Use: "lock-settlement [claim-id]",
					Short: "Record your hash-time-locked ERC-20 payment of a pended or appealed claim on Ethereum (payer); approve it later with --settlement-preimage",
					Long: "Lock the payment on Ethereum first (HashedTimelockERC20.lock, hashlock = sha256 of 32 random bytes), then record it here: " +
						"--hashlock and --evm-lock-id are 32 bytes in hex, --evm-timelock the lock's unix time, --evm-receiver and --evm-token " +
						"0x addresses, --evm-amount the amount in the token's base units. The healthd deadline is evm-timelock less the " +
						"evm_settlement_margin param (1 h by default), and must be more than evm_min_reveal_window (10 min) away. " +
						"healthd does not see Ethereum: the relay checks the lock there. See docs/settlement.md.",
					Example: fmt.Sprintf("%s tx claims lock-settlement 7 --hashlock 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 "+
						"--evm-lock-id 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 --evm-timelock 1796000000 "+
						"--evm-receiver 0x1111111111111111111111111111111111111111 --evm-token 0x2222222222222222222222222222222222222222 "+
						"--evm-amount 24000000 --from payer", app),
					PositionalArgs: pos("claim_id"),
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"hashlock":     {Usage: "sha256 of the preimage: 32 bytes in hex"},
						"evm_lock_id":  {Usage: "the contract's lockId (Locked event): 32 bytes in hex"},
						"evm_timelock": {Usage: "the lock's timelock, unix seconds"},
						"evm_receiver": {Usage: "the lock's receiver (the provider's Ethereum address), 0x and 40 hex digits"},
						"evm_token":    {Usage: "the ERC-20 token's address, 0x and 40 hex digits"},
						"evm_amount":   {Usage: "the locked amount in the token's base units (a positive integer)"},
					},
				},
				{
					RpcMethod: "ConfirmClaimSettlement", Use: "confirm-settlement [claim-id] [hashlock-hex]",
					Short:          "Confirm, as the claim's provider, that the payer's recorded lock is on Ethereum as recorded (healthd-evm-relay show checks it); only a confirmed lock is revealed by the approval",
					Example:        fmt.Sprintf("%s tx claims confirm-settlement 7 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 --from hospital", app),
					PositionalArgs: pos("claim_id", "hashlock"),
				},
				{RpcMethod: "UpdateParams", Skip: true},
			},
		},
	}
}
