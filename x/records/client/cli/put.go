package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/version"
)

func putCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "put [file] --patient ADDR [--category C] --from AUTHOR",
		Short: "Validate, encrypt, upload and anchor a record (FHIR R4 JSON, HL7 v2, DICOM) in one step",
		Long: `put validates the file (FHIR R4 through google/fhir/go; HL7 v2 and DICOM through healthd's
parsers), canonicalises it (RFC 8785 JSON with FHIR decimals kept as written; HL7 v2 segments
ended by CR; DICOM as is), draws a 32-byte salt, encrypts the record under a fresh key, uploads
the ciphertext to the vault, anchors the commitment and CID on chain, and wraps the record key
for the patient and the author. Invalid input is refused before anything is uploaded or anchored.
The author must be an active hospital or laboratory member; the patient must have registered an
encryption key.`,
		Example: fmt.Sprintf("%s records put glucose.json --patient health1... --from lab", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			patient, _ := cmd.Flags().GetString(flagPatient)
			if _, err := sdk.AccAddressFromBech32(patient); err != nil {
				return fmt.Errorf("--patient %q: %w", patient, err)
			}
			format, err := formatFlag(cmd)
			if err != nil {
				return err
			}
			category, _ := cmd.Flags().GetString(flagCategory)
			b, err := readRecordFile(args[0])
			if err != nil {
				return err
			}
			res, err := s.Put(cmd.Context(), patient, b, format, category)
			if err != nil {
				return err
			}
			return printJSON(cmd, res)
		},
	}
	cmd.Flags().String(flagPatient, "", "the patient's account (required)")
	cmd.Flags().String(flagCategory, "", "consent category; defaults from the record (resource type, laboratory for ORU, imaging for DICOM)")
	cmd.Flags().String(flagFormat, "auto", "fhir, hl7v2, dicom or auto")
	_ = cmd.MarkFlagRequired(flagPatient)
	return txCommand(cmd)
}
