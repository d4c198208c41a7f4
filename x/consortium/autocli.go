package consortium

import (
	"fmt"
	"strings"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/autocliargs"
	"github.com/healthchain/healthd/x/consortium/types"
)

// AutoCLIOptions describes `healthd tx consortium` and `healthd q consortium`.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	pos := autocliargs.Pos
	roles := strings.Join(types.RoleShortNames(), ", ")
	authorityNote := "Signed by the chain authority: the consensus-params authority (on the localnet a 3-of-4 multisig " +
		"of the founding members; sign with --generate-only, then `tx sign --multisig` by three members and `tx multisign`), " +
		"otherwise the x/gov module account through a proposal."
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "healthd.consortium.v1.Query",
			Short:   "Consortium members (by address, all, or by role), their nodes and the params",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "Member",
					Use:            "member [address]",
					Short:          "Show one member organisation: name, roles, identifiers, status",
					Example:        fmt.Sprintf("%s q consortium member health1...", version.AppName),
					PositionalArgs: pos("address"),
				},
				{
					RpcMethod: "Members",
					Use:       "members",
					Short:     "List all members, active and suspended (paginated: --limit, --page-key)",
					Example:   fmt.Sprintf("%s q consortium members --limit 50", version.AppName),
				},
				{
					RpcMethod:      "MembersByRole",
					Use:            "members-by-role [role]",
					Short:          "List the members holding a role (paginated)",
					Long:           "List the members holding a role. Roles: " + roles + ".",
					Example:        fmt.Sprintf("%s q consortium members-by-role pharmacy", version.AppName),
					PositionalArgs: pos("role"),
				},
				{
					RpcMethod: "Node",
					Use:       "node [node-id]",
					Short:     "Show a registered node: the member that registered it and its address",
					Long: "Show a registered node. The members' nodes accept it as a peer while its member is active " +
						"(`healthd q consortium member`). Node ids are 40 lower-case hex digits (`healthd comet show-node-id`).",
					Example:        fmt.Sprintf("%s q consortium node 3f1c...e09a", version.AppName),
					PositionalArgs: pos("node_id"),
				},
				{
					RpcMethod:      "NodesByMember",
					Use:            "nodes [member]",
					Short:          "List the nodes a member registered (paginated)",
					Example:        fmt.Sprintf("%s q consortium nodes health1...", version.AppName),
					PositionalArgs: pos("member"),
				},
				{
					RpcMethod: "MemberByFIN",
					Use:       "member-by-fin [fin]",
					Short:     "Show the member an ISBT 128 Facility Identification Number (the first 5 characters of a DIN) is registered to",
					Long: "Show the member holding an ISBT 128 FIN. The chain authority records FINs with admit-member or " +
						"update-identifiers --fins; x/organs opens a donation only under a DIN whose FIN belongs to the OPO.",
					Example:        fmt.Sprintf("%s q consortium member-by-fin G1234", version.AppName),
					PositionalArgs: pos("fin"),
				},
				{
					RpcMethod: "Params",
					Use:       "params",
					Short:     "Show the consortium's parameters (max_nodes_per_member)",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "healthd.consortium.v1.Msg",
			Short:                "Admit, re-role, re-identify, suspend and reinstate members (the chain authority); register and remove nodes (members)",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				// admit-member and update-identifiers are x/consortium/client/cli
				// commands: they check identifiers before a transaction is built.
				{RpcMethod: "AdmitMember", Skip: true},
				{RpcMethod: "UpdateIdentifiers", Skip: true},
				// register-node is too: the node's key signs the registration.
				{RpcMethod: "RegisterNode", Skip: true},
				{
					RpcMethod:      "UpdateRoles",
					Use:            "update-roles [address] --roles r1 [--roles r2]",
					Short:          "Replace a member's roles",
					Long:           "Replace a member's roles with the given list. Roles: " + roles + ".\n" + authorityNote,
					Example:        fmt.Sprintf("%s tx consortium update-roles health1... --roles pharmacy --from authority --generate-only", version.AppName),
					FlagOptions:    map[string]*autocliv1.FlagOptions{"roles": {Usage: "a role; repeat the flag for several"}},
					PositionalArgs: pos("address"),
				},
				{
					RpcMethod:      "SuspendMember",
					Use:            "suspend-member [address] [reason]",
					Short:          "Suspend a member: it fails every role check and its validator is jailed",
					Long:           "Suspend an active member. Its validator, if any, is jailed in the same block.\n" + authorityNote,
					Example:        fmt.Sprintf("%s tx consortium suspend-member health1... \"licence lapsed\" --from authority --generate-only", version.AppName),
					PositionalArgs: pos("address", "reason"),
				},
				{
					RpcMethod:      "ReinstateMember",
					Use:            "reinstate-member [address]",
					Short:          "Reinstate a suspended member (its operator may then unjail its validator)",
					Long:           authorityNote,
					Example:        fmt.Sprintf("%s tx consortium reinstate-member health1... --from authority --generate-only", version.AppName),
					PositionalArgs: pos("address"),
				},
				{
					RpcMethod: "RemoveNode",
					Use:       "remove-node [node-id]",
					Short:     "Remove a node's registration: the members' nodes disconnect it and refuse it",
					Long: "Remove a node's registration. Signed by the member that registered it, or by the chain authority " +
						"(on the localnet a 3-of-4 multisig of the founding members: --generate-only, `tx sign --multisig`, `tx multisign`).",
					Example:        fmt.Sprintf("%s tx consortium remove-node 3f1c...e09a --from distributor", version.AppName),
					PositionalArgs: pos("node_id"),
				},
				{
					RpcMethod: "UpdateParams",
					Use:       "update-params [params-json]",
					Short:     "Replace the consortium's parameters",
					Long: fmt.Sprintf("Replace the parameters: max_nodes_per_member (1 to %d) caps the nodes one member may register; "+
						"lowering it keeps the nodes registered before.\n", types.MaxNodesPerMemberLimit) + authorityNote,
					Example:        fmt.Sprintf(`%s tx consortium update-params '{"max_nodes_per_member":16}' --from authority --generate-only`, version.AppName),
					PositionalArgs: pos("params"),
				},
			},
		},
	}
}
