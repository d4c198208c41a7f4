// Package cli has the consortium commands that check their input before a
// transaction is built: admissions and identifier changes are refused on the
// client when an NPI, GLN, DEA number, GS1 company prefix or ISBT 128 FIN is malformed, and a
// node registration is signed with the node's key.
package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/x/consortium/types"
)

// Flag names shared by admit-member and update-identifiers.
const (
	FlagRoles       = "roles"
	FlagNPI         = "npi"
	FlagGLN         = "gln"
	FlagDEA         = "dea"
	FlagGS1Prefixes = "gs1-prefixes"
	FlagFINs        = "fins"
)

const authorityNote = "Signed by the chain authority: the consensus-params authority (on the localnet a 3-of-4 multisig " +
	"of the founding members; sign with --generate-only, then `tx sign --multisig` by three members and `tx multisign`), " +
	"otherwise the x/gov module account through a proposal."

// TxCmd returns `healthd tx consortium` with the commands that validate their
// identifiers on the client or sign with a node key; autocli adds the others.
func TxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Admit, re-role, re-identify, suspend and reinstate members (the chain authority); register and remove nodes (members)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(AdmitMemberCmd(), UpdateIdentifiersCmd(), RegisterNodeCmd())
	return cmd
}

// ParseRoles parses role names ("hospital", "research-sponsor", "ROLE_PAYER").
func ParseRoles(names []string) ([]types.Role, error) {
	roles := make([]types.Role, 0, len(names))
	for _, n := range names {
		r, err := types.ParseRole(n)
		if err != nil {
			return nil, err
		}
		roles = append(roles, r)
	}
	return roles, nil
}

func addIdentifierFlags(cmd *cobra.Command) {
	cmd.Flags().String(FlagNPI, "", "National Provider Identifier: 10 digits, Luhn check over 80840 + first 9")
	cmd.Flags().String(FlagGLN, "", "GS1 Global Location Number: 13 digits, GS1 check digit")
	cmd.Flags().String(FlagDEA, "", "DEA registration number: 2 letters and 7 digits, DEA check digit")
	cmd.Flags().StringSlice(FlagGS1Prefixes, nil, "GS1 company prefixes (6 to 12 digits each, comma separated or repeated); "+
		"a manufacturer registers only GTINs under them")
	cmd.Flags().StringSlice(FlagFINs, nil, "ISBT 128 Facility Identification Numbers (5 characters each: A-N, P-Z or 1-9, then 4 digits; "+
		"comma separated or repeated); an OPO opens donations only under DINs beginning with one of them")
}

func identifierFlags(cmd *cobra.Command) (npi, gln, dea string, prefixes, fins []string) {
	npi, _ = cmd.Flags().GetString(FlagNPI)
	gln, _ = cmd.Flags().GetString(FlagGLN)
	dea, _ = cmd.Flags().GetString(FlagDEA)
	prefixes, _ = cmd.Flags().GetStringSlice(FlagGS1Prefixes)
	fins, _ = cmd.Flags().GetStringSlice(FlagFINs)
	return npi, gln, dea, prefixes, fins
}

// BuildAdmitMember builds an admission and runs its stateless checks, so that
// the CLI refuses a malformed NPI, GLN, DEA number, prefix, FIN, name or role
// list before anything is signed.
func BuildAdmitMember(authority, address, name string, roleNames []string, npi, gln, dea string, prefixes, fins []string) (*types.MsgAdmitMember, error) {
	roles, err := ParseRoles(roleNames)
	if err != nil {
		return nil, err
	}
	msg := &types.MsgAdmitMember{Authority: authority, Address: address, Name: name, Roles: roles,
		NPI: npi, GLN: gln, DEA: dea, GS1CompanyPrefixes: prefixes, FINs: fins}
	return msg, msg.ValidateBasic()
}

// AdmitMemberCmd is `healthd tx consortium admit-member`.
func AdmitMemberCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admit-member [address] [name] --roles r1 [--roles r2] [--npi N] [--gln G] [--dea D] [--gs1-prefixes P] [--fins F]",
		Short: "Admit an organisation to the consortium",
		Long: "Admit an organisation with one or more roles and at least one external identifier " +
			"(NPI: 10 digits with Luhn check; GLN: 13 digits with GS1 check digit; DEA: 2 letters and 7 digits with DEA check digit). " +
			"Identifiers are checked here, before the transaction is built, and must not belong to another member.\n" +
			"Roles: " + strings.Join(types.RoleShortNames(), ", ") + ".\n" + authorityNote,
		Example: fmt.Sprintf("%s tx consortium admit-member health1... \"St Mary Hospital\" --roles hospital --roles laboratory --npi 1234567893 --from authority --generate-only\n"+
			"%s tx consortium admit-member health1... \"Northwind Pharmaceuticals\" --roles manufacturer --gln 0614141000029 --gs1-prefixes 0614141 --from authority --generate-only\n"+
			"%s tx consortium admit-member health1... \"Lakeside Organ Procurement\" --roles organ-procurement --gln 0614141000043 --fins G1234 --from authority --generate-only",
			version.AppName, version.AppName, version.AppName),
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			roleNames, _ := cmd.Flags().GetStringSlice(FlagRoles)
			npi, gln, dea, prefixes, fins := identifierFlags(cmd)
			msg, err := BuildAdmitMember(clientCtx.GetFromAddress().String(), args[0], args[1], roleNames, npi, gln, dea, prefixes, fins)
			if err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().StringSlice(FlagRoles, nil, "a role; repeat the flag (--roles hospital --roles laboratory) or separate with commas")
	addIdentifierFlags(cmd)
	_ = cmd.MarkFlagRequired(FlagRoles)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// BuildUpdateIdentifiers builds an identifier change and runs its stateless checks.
func BuildUpdateIdentifiers(authority, address, npi, gln, dea string, prefixes, fins []string) (*types.MsgUpdateIdentifiers, error) {
	msg := &types.MsgUpdateIdentifiers{Authority: authority, Address: address, NPI: npi, GLN: gln, DEA: dea, GS1CompanyPrefixes: prefixes, FINs: fins}
	return msg, msg.ValidateBasic()
}

// UpdateIdentifiersCmd is `healthd tx consortium update-identifiers`.
func UpdateIdentifiersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update-identifiers [address] [--npi N] [--gln G] [--dea D] [--gs1-prefixes P] [--fins F]",
		Short: "Replace a member's external identifiers (those not given are cleared)",
		Long: "Replace a member's NPI, GLN, DEA number, GS1 company prefixes and ISBT 128 FINs with the values given; an identifier not given is " +
			"cleared, and at least one of NPI, GLN and DEA number must remain. Each must be well formed and not belong to another member.\n" +
			authorityNote,
		Example: fmt.Sprintf("%s tx consortium update-identifiers health1... --gln 0614141000029 --gs1-prefixes 0614141,0614142 --from authority --generate-only", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			npi, gln, dea, prefixes, fins := identifierFlags(cmd)
			msg, err := BuildUpdateIdentifiers(clientCtx.GetFromAddress().String(), args[0], npi, gln, dea, prefixes, fins)
			if err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	addIdentifierFlags(cmd)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}
