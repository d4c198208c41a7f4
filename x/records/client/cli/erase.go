package cli

import (
	"github.com/spf13/cobra"
)

func eraseCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "erase [id] --from PATIENT",
		Short: "Erase a record, every version of it: its blobs and wrapped keys in the vault, then its anchors on chain (the patient only)",
		Long: `erase names any version of a record. The chain first checks, by simulation, that you may erase it (its
patient, or a guardian whose guardianship is live); then the vault deletes the encrypted blob and every wrapped
key of each version; then the chain turns each version into a tombstone that keeps only its id, its patient and
when it was erased (MsgEraseRecord): its kind, category, format, author, CID, commitment, size and versions are
gone from state and indexes, and its access grants end (the accounting of disclosures keeps them, without their
category). The vault goes first because once the chain has erased a record it no longer names the CIDs the vault
erases by. If it stops part-way, run it again: the vault's erasure is idempotent and the chain's comes last.
The chain's erasure names the newest version this run erased in the vault: if the author amended the record
meanwhile, the chain refuses it, and running erase again erases the new version too.
The anchoring transactions stay in the chain's block history, which erasure cannot rewrite.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(cmd)
			if err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			res, err := s.Erase(cmd.Context(), id)
			if err != nil {
				return err
			}
			if res.AlreadyErased {
				say("record %d was already erased on chain", id)
			}
			return printJSON(cmd, map[string]any{"id": id, "erased": true, "erased_ids": res.IDs})
		},
	}
	return txCommand(cmd)
}
