package records

import (
	"fmt"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/autocliargs"
)

// AutoCLIOptions describes `healthd tx records` and `healthd q records`.
// Anchoring and amending go through `healthd records put` and `healthd records
// amend`, which encrypt, upload and commit in one step.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	pos := autocliargs.Pos
	app := version.AppName
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "healthd.records.v1.Query",
			Short:   "Record anchors, versions, integrity checks, access grants and the accounting of disclosures",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Record", Use: "record [id]", Short: "Show a record anchor", PositionalArgs: pos("id")},
				{
					RpcMethod: "RecordByCID", Use: "by-cid [cid]", Short: "The one record version anchoring a blob's CID (what the vault asks before acting on a blob)",
					PositionalArgs: pos("cid"),
				},
				{
					RpcMethod: "RecordsByPatient", Use: "by-patient [patient]", Short: "A patient's records (--kind, --category)",
					PositionalArgs: pos("patient"),
				},
				{RpcMethod: "Versions", Use: "versions [id]", Short: "Every version of the record's amendment chain, oldest first", PositionalArgs: pos("id")},
				{
					RpcMethod: "Verify", Use: "verify [id] [commitment-hex]", Short: "Does a commitment match the record's? (healthd records verify computes it from a file)",
					PositionalArgs: pos("id", "commitment"),
				},
				{RpcMethod: "AccessGrants", Use: "grants [record-id]", Short: "Access grants given for a record", PositionalArgs: pos("record_id")},
				{
					RpcMethod: "AccessCheck", Use: "access [record-id] [account]", Short: "May account fetch the record from the vault now, and on what basis?",
					PositionalArgs: pos("record_id", "account"),
				},
				{
					RpcMethod: "Disclosures", Use: "disclosures [patient]", Short: "The patient's accounting of disclosures: who was granted which record, when, under which consent or break-glass",
					PositionalArgs: pos("patient"),
				},
				{RpcMethod: "EncryptionKey", Use: "key [owner]", Short: "An account's published age recipient", PositionalArgs: pos("owner")},
				{RpcMethod: "Params", Use: "params", Short: "Module parameters"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "healthd.records.v1.Msg",
			Short:   "Request access to a record; anchoring goes through `healthd records put`",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "RequestAccess", Use: "request-access [record-id] [purpose]",
					Short:          "Ask for access to a record for a purpose of use; the patient's consent must cover the purpose and the record's category",
					Example:        fmt.Sprintf("%s tx records request-access 3 TREAT --from lab", app),
					PositionalArgs: pos("record_id", "purpose"),
				},
				{RpcMethod: "RegisterEncryptionKey", Skip: true}, // `healthd records keys register` derives it
				{RpcMethod: "AnchorRecord", Skip: true},          // `healthd records put`
				{RpcMethod: "AmendRecord", Skip: true},           // `healthd records amend`
				// `healthd records erase`: the vault must erase the blobs first,
				// while the chain still names their CIDs.
				{RpcMethod: "EraseRecord", Skip: true},
				{RpcMethod: "UpdateParams", Skip: true}, // authority only
			},
		},
	}
}
