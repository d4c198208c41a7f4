// Package cli has the drugtrace commands that do a client-side step: dispense
// turns the pharmacy's own prescription reference into a commitment under a
// key derived from the pharmacy's signing key, so the reference itself never
// reaches the chain; prescription-proof opens one such commitment.
package cli

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/sigkey"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// unitHelp says how a unit may be named (as in the module's other commands).
const unitHelp = "A unit is \"GTIN/serial\", a GS1 element string as printed under the DataMatrix " +
	"((01)…(21)…(10)…(17)…, or the raw scan without parentheses, FNC1-separated), or a GS1 Digital Link URI " +
	"(https://id.gs1.org/01/…/10/…/21/…?17=…). Quote element strings in the shell."

const (
	flagPrescriptionID = "prescription-id"
	flagRx             = "rx"
)

// prescriptionKeyMessage is what a pharmacy's key signs to derive its
// prescription key. It differs from every other key-derivation message in
// healthd, so the keys are unrelated though they come from one signing key.
const prescriptionKeyMessage = "healthd/drugtrace/prescription-key/v1: sign only inside healthd; this signature is your prescription key"

// prescriptionKeyLabel separates the prescription key from any other hash of
// the same signature.
const prescriptionKeyLabel = "healthd-drugtrace-prescription-key\x00"

// DerivePrescriptionKey derives a pharmacy's prescription key from its
// signature over a fixed message: secp256k1 signatures are deterministic (RFC
// 6979), so the same signing key always gives the same prescription key and
// nothing needs storing. Only the holder of the signing key can compute the
// salts of its commitments.
func DerivePrescriptionKey(sign sigkey.Signer) ([]byte, error) {
	key, err := sigkey.Derive(sign, prescriptionKeyMessage, prescriptionKeyLabel, "a prescription key")
	if err != nil {
		return nil, err
	}
	return key[:], nil
}

// Proof opens the prescription commitment of one dispense: anyone can check
// that SHA-256(salt ‖ reference) is the commitment in the unit's history.
type Proof struct {
	Unit       string `json:"unit"`
	Reference  string `json:"reference"`
	Salt       string `json:"salt"`
	Commitment string `json:"commitment"`
	// OnChain is the commitment of the unit's dispensing event, and Matches
	// whether it is Commitment (prescription-proof fills them).
	OnChain string `json:"on_chain,omitempty"`
	Matches bool   `json:"matches"`
}

// Prove computes the salt and commitment of reference for unit (any form a
// unit is named in) under key.
func Prove(key []byte, unit, reference string) (Proof, error) {
	unitKey, err := types.CheckUnitRef(unit)
	if err != nil {
		return Proof{}, err
	}
	if err := types.ValidateReference("prescription reference", reference); err != nil {
		return Proof{}, err
	}
	salt := types.PrescriptionSalt(key, unitKey)
	return Proof{Unit: unitKey, Reference: reference, Salt: hex.EncodeToString(salt),
		Commitment: hex.EncodeToString(types.PrescriptionCommitment(salt, reference))}, nil
}

// DispenseMsg is the message `tx drugtrace dispense` sends: a bridge
// prescription by id, or the pharmacy's own reference as its commitment
// under key (the reference is checked, and never sent), or neither.
func DispenseMsg(key []byte, pharmacy, unit, patient string, prescriptionID uint64, reference string) (*types.MsgDispense, error) {
	msg := &types.MsgDispense{Actor: pharmacy, Unit: unit, PatientRef: patient, PrescriptionID: prescriptionID}
	if reference != "" {
		if prescriptionID != 0 {
			return nil, fmt.Errorf("give --%s or --%s, not both", flagPrescriptionID, flagRx)
		}
		p, err := Prove(key, unit, reference)
		if err != nil {
			return nil, err
		}
		msg.PrescriptionCommitment, _ = hex.DecodeString(p.Commitment)
	}
	return msg, msg.ValidateBasic()
}

// DispenseCmd is `healthd tx drugtrace dispense`.
func DispenseCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dispense [unit] [patient-account] [--prescription-id N | --rx REFERENCE]",
		Short: "Dispense a unit to a patient (pharmacies, hospital pharmacies)",
		Long: unitHelp + `
The patient is named only by their pseudonymous account. The prescription is never sent in clear:
--prescription-id is the id of an open prescription received over the bridge (required on a pharma
chain for a prescription-only product); --rx is your own prescription reference (letters, digits,
- _ . :, at most 64), of which only a commitment goes on chain: SHA-256(salt ‖ reference), the salt
derived from your signing key (--from) and the unit. Keep the reference; "healthd q drugtrace
prescription-proof" gives the salt that shows which prescription a dispense filled.`,
		Example: fmt.Sprintf("%s tx drugtrace dispense '(01)09506000134352(17)280630(10)LOT24A(21)SN0001' health1... --rx RX-42 --from pharmacy\n"+
			"%s tx drugtrace dispense 09506000134352/SN0002 health1... --prescription-id 1 --from pharmacy", version.AppName, version.AppName),
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			id, err := cmd.Flags().GetUint64(flagPrescriptionID)
			if err != nil {
				return err
			}
			rx, err := cmd.Flags().GetString(flagRx)
			if err != nil {
				return err
			}
			var key []byte
			if rx != "" {
				if key, err = DerivePrescriptionKey(sigkey.KeyringSigner(clientCtx.Keyring, clientCtx.FromName)); err != nil {
					return err
				}
			}
			msg, err := DispenseMsg(key, clientCtx.GetFromAddress().String(), args[0], args[1], id, rx)
			if err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().Uint64(flagPrescriptionID, 0, "id of the open prescription received over the bridge")
	cmd.Flags().String(flagRx, "", "your own prescription reference: only its commitment is sent")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// ProofCmd is `healthd q drugtrace prescription-proof`: it opens a
// commitment this pharmacy made, for an auditor, and checks it against the
// unit's history on chain.
func ProofCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prescription-proof [unit] [reference] --from PHARMACY",
		Short: "Show which prescription you dispensed a unit against: the salt that opens its commitment",
		Long: `Computes, with your signing key (--from), the salt of the unit's prescription commitment and the
commitment of reference, and reads the unit's history: matches is true when SHA-256(salt ‖ reference) is
the prescription_commitment of its dispensing event. Hand unit, reference and salt to an auditor, who can
recompute it; the salt opens that one dispense, no other, and your key stays with you.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			from, _ := cmd.Flags().GetString(flags.FlagFrom)
			if from == "" {
				return errors.New("give --from: the key of the pharmacy that dispensed")
			}
			_, name, _, err := client.GetFromFields(clientCtx, clientCtx.Keyring, from)
			if err != nil {
				return err
			}
			key, err := DerivePrescriptionKey(sigkey.KeyringSigner(clientCtx.Keyring, name))
			if err != nil {
				return err
			}
			p, err := Prove(key, args[0], args[1])
			if err != nil {
				return err
			}
			onChain, err := dispensedCommitment(cmd, types.NewQueryClient(clientCtx), p.Unit)
			if err != nil {
				return err
			}
			p.OnChain, p.Matches = hex.EncodeToString(onChain), p.Commitment == hex.EncodeToString(onChain) && len(onChain) != 0
			bz, err := json.MarshalIndent(p, "", "  ")
			if err != nil {
				return err
			}
			cmd.Println(string(bz))
			return nil
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	cmd.Flags().String(flags.FlagFrom, "", "the dispensing pharmacy's key: the prescription key is derived from it")
	flags.AddKeyringFlags(cmd.Flags())
	return cmd
}

// dispensedCommitment reads the prescription commitment of the unit's
// dispensing event (nil when there is none).
func dispensedCommitment(cmd *cobra.Command, q types.QueryClient, unit string) ([]byte, error) {
	var next []byte
	for {
		res, err := q.History(cmd.Context(), &types.QueryHistoryRequest{Unit: unit, Pagination: &query.PageRequest{Key: next}})
		if err != nil {
			return nil, err
		}
		for _, e := range res.Events {
			if e.BizStep == types.BizStepDispensing {
				return e.PrescriptionCommitment, nil
			}
		}
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			return nil, nil
		}
		next = res.Pagination.NextKey
	}
}
