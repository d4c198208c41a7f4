// Package cli holds the trials commands autocli cannot write: the FHIR
// exports printed as the resources themselves, and digest, the client-side
// half of every anchor (commitment and CID of a document).
package cli

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/trials/types"
)

// QueryCmds are the custom query commands.
func QueryCmds() []*cobra.Command { return []*cobra.Command{fhirCmd(), subjectFHIRCmd(), DigestCmd()} }

func parseID(what, s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %w", what, s, err)
	}
	return id, nil
}

func fhirCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "fhir [trial-id]",
		Short:   "Print a trial as a FHIR R4 ResearchStudy (JSON)",
		Example: fmt.Sprintf("%s q trials fhir 1 > study-1.json", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			id, err := parseID("trial id", args[0])
			if err != nil {
				return err
			}
			res, err := types.NewQueryClient(clientCtx).TrialFHIR(cmd.Context(), &types.QueryTrialRequest{Id: id})
			if err != nil {
				return err
			}
			return clientCtx.PrintString(res.JSON + "\n")
		},
	}
}

func subjectFHIRCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "subject-fhir [trial-id] [subject]",
		Short: "Print a subject's enrolment as a FHIR R4 ResearchSubject (JSON)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			id, err := parseID("trial id", args[0])
			if err != nil {
				return err
			}
			res, err := types.NewQueryClient(clientCtx).EnrolmentFHIR(cmd.Context(), &types.QueryEnrolmentRequest{TrialId: id, Subject: args[1]})
			if err != nil {
				return err
			}
			return clientCtx.PrintString(res.JSON + "\n")
		},
	}
}

// Digest is the anchor of a document: its salted commitment and its CID.
type Digest struct {
	Commitment string `json:"commitment"`
	Salt       string `json:"salt"`
	CID        string `json:"cid"`
}

// ComputeDigest returns SHA-256(salt ‖ doc) and the CID of doc as the vault
// computes it (internal/unixfs).
func ComputeDigest(doc, salt []byte) Digest {
	h := sha256.New()
	h.Write(salt)
	h.Write(doc)
	return Digest{Commitment: hex.EncodeToString(h.Sum(nil)), Salt: hex.EncodeToString(salt), CID: unixfs.SumBytes(doc)}
}

// DigestCmd computes a document's anchor locally; nothing is sent.
func DigestCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "digest [file]",
		Short: "Compute a document's anchor locally (nothing is sent): salted SHA-256 commitment, salt, and CID",
		Long: "The file is the document as stored in the vault (encrypted). Keep the salt with the document: " +
			"it is what lets anyone holding the document check the commitment on chain. --salt reuses a salt (64 hex digits); " +
			"without it a fresh random salt is drawn. --print prints one field alone (commitment, salt or cid), for scripts.",
		Example: fmt.Sprintf("C=$(%[1]s q trials digest protocol.enc --salt $SALT --print commitment); CID=$(%[1]s q trials digest protocol.enc --print cid)", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			saltHex, _ := cmd.Flags().GetString("salt")
			salt := make([]byte, 32)
			if saltHex != "" {
				if salt, err = hex.DecodeString(saltHex); err != nil || len(salt) != 32 {
					return fmt.Errorf("--salt must be 64 hex digits")
				}
			} else if _, err := rand.Read(salt); err != nil {
				return err
			}
			d := ComputeDigest(doc, salt)
			field, _ := cmd.Flags().GetString("print")
			out := cmd.OutOrStdout()
			switch field {
			case "":
				bz, err := json.Marshal(d)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(out, string(bz))
				return err
			case "commitment":
				_, err = fmt.Fprintln(out, d.Commitment)
			case "commitment-base64":
				// proto JSON spells bytes in base64 (report-results --outcomes).
				raw, _ := hex.DecodeString(d.Commitment)
				_, err = fmt.Fprintln(out, base64.StdEncoding.EncodeToString(raw))
			case "salt":
				_, err = fmt.Fprintln(out, d.Salt)
			case "cid":
				_, err = fmt.Fprintln(out, d.CID)
			default:
				return fmt.Errorf("--print %q: commitment, commitment-base64, salt or cid", field)
			}
			return err
		},
	}
	cmd.Flags().String("salt", "", "salt, 64 hex digits (default: 32 random bytes)")
	cmd.Flags().String("print", "", "print one field alone: commitment (hex), commitment-base64, salt or cid")
	return cmd
}
