// Package cli has the organs commands that do a client-side step: a match
// run's candidates are given in a compact form, and a logger's key (in the
// keyring, as the device's key would be in the device) registers the logger
// and signs its readings.
package cli

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/healthchain/healthd/x/organs/types"
)

// FlagLoggerKey names the keyring key that stands for a logger's device key.
const FlagLoggerKey = "logger-key"

// ParseCandidate reads "COMMITMENT-HEX:CENTRE-ADDRESS:ABO" (ABO one of O, A, B, AB).
func ParseCandidate(s string) (types.CandidateEntry, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return types.CandidateEntry{}, fmt.Errorf("candidate %q: want COMMITMENT-HEX:CENTRE:ABO", s)
	}
	c, err := hex.DecodeString(parts[0])
	if err != nil {
		return types.CandidateEntry{}, fmt.Errorf("candidate %q: commitment is not hex: %w", s, err)
	}
	abo, ok := types.ABO_value["ABO_"+strings.ToUpper(parts[2])]
	if !ok || abo == 0 {
		return types.CandidateEntry{}, fmt.Errorf("candidate %q: blood group must be O, A, B or AB", s)
	}
	return types.CandidateEntry{Commitment: c, Centre: parts[1], ABO: types.ABO(abo)}, nil
}

// ParseReading reads "SEQ,RFC3339-TIME,CENTI-CELSIUS" (4.5 °C is 450).
func ParseReading(s string) (types.Reading, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return types.Reading{}, fmt.Errorf("reading %q: want SEQ,TIME,CENTI-CELSIUS", s)
	}
	seq, err := strconv.ParseUint(parts[0], 10, 64)
	if err != nil {
		return types.Reading{}, fmt.Errorf("reading %q: seq: %w", s, err)
	}
	t, err := time.Parse(time.RFC3339, parts[1])
	if err != nil {
		return types.Reading{}, fmt.Errorf("reading %q: time: %w", s, err)
	}
	temp, err := strconv.ParseInt(parts[2], 10, 32)
	if err != nil {
		return types.Reading{}, fmt.Errorf("reading %q: temperature: %w", s, err)
	}
	return types.Reading{Seq: seq, Time: t.UTC(), CentiCelsius: int32(temp)}, nil
}

// MatchRunCmd posts a match run.
func MatchRunCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "post-match-run [din] [organ-type] [commitment-hex:centre:abo]...",
		Short: "Post an organ's match run, best-ranked candidate first (OPO; the donor ABO must be confirmed)",
		Long: "Each candidate is its 32-byte commitment in hex, the transplant centre listing it and its blood group " +
			"(O, A, B or AB), separated by colons. Every candidate must be ABO-compatible with the donor.",
		Example: fmt.Sprintf("%s tx organs post-match-run G123498654321H KIDNEY_L 9f86d0...0a08:health1centre...:A --from opo", version.AppName),
		Args:    cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			msg := &types.MsgPostMatchRun{Actor: clientCtx.GetFromAddress().String(), DIN: args[0], OrganType: args[1]}
			for _, a := range args[2:] {
				c, err := ParseCandidate(a)
				if err != nil {
					return err
				}
				msg.Candidates = append(msg.Candidates, c)
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// RegisterLoggerCmd registers a logger under the public key of a keyring key.
func RegisterLoggerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "register-logger [logger-id] --logger-key NAME",
		Short:   "Register a shipping container's temperature logger, by the public key of its device key (held here in the keyring)",
		Example: fmt.Sprintf("%s tx organs register-logger TL-0001 --logger-key logger1 --from courier", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			name, _ := cmd.Flags().GetString(FlagLoggerKey)
			rec, err := clientCtx.Keyring.Key(name)
			if err != nil {
				return fmt.Errorf("--%s %q: %w", FlagLoggerKey, name, err)
			}
			pk, err := rec.GetPubKey()
			if err != nil {
				return err
			}
			msg := &types.MsgRegisterLogger{Actor: clientCtx.GetFromAddress().String(), Logger: args[0], PubKey: pk.Bytes()}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagLoggerKey, "", "keyring key of the logger's device")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// ReadingsCmd signs readings with the logger's key and posts them.
func ReadingsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "post-readings [din] [organ-type] [logger-id] [seq,time,centi-celsius]... --logger-key NAME",
		Short: "Post a logger's temperature readings for the organ in its container, signed by the logger's key",
		Long: "Each reading is the logger's sequence number (increasing, never reused), an RFC 3339 time and the " +
			"temperature in hundredths of a degree Celsius (4.5 °C is 450). A reading outside the params' range flags the organ.",
		Example: fmt.Sprintf("%s tx organs post-readings G123498654321H KIDNEY_L TL-0001 1,2026-03-02T10:00:00Z,450 --logger-key logger1 --from courier", version.AppName),
		Args:    cobra.MinimumNArgs(4),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			msg := &types.MsgPostReadings{Submitter: clientCtx.GetFromAddress().String(), DIN: args[0], OrganType: args[1], Logger: args[2]}
			for _, a := range args[3:] {
				r, err := ParseReading(a)
				if err != nil {
					return err
				}
				msg.Readings = append(msg.Readings, r)
			}
			doc, err := types.SignBytes(clientCtx.ChainID, msg)
			if err != nil {
				return err
			}
			name, _ := cmd.Flags().GetString(FlagLoggerKey)
			if msg.Signature, _, err = clientCtx.Keyring.Sign(name, doc, signing.SignMode_SIGN_MODE_DIRECT); err != nil {
				return fmt.Errorf("signing with --%s %q: %w", FlagLoggerKey, name, err)
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagLoggerKey, "", "keyring key of the logger's device")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}
