package types

import (
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
)

// NodeIDLength is the length of a CometBFT node id: 20 bytes in hex.
const NodeIDLength = 40

// nodeMaxEcho bounds how much of a node id or address an error message
// repeats, so that oversized input cannot bloat logs.
const nodeMaxEcho = 64

func nodeQuote(s string) string {
	if len(s) > nodeMaxEcho {
		return fmt.Sprintf("%q...", s[:nodeMaxEcho])
	}
	return fmt.Sprintf("%q", s)
}

// ValidateNodeID checks a CometBFT node id: exactly 40 lower-case hex digits,
// as `healthd comet show-node-id` prints it and as CometBFT names a peer in the
// filter query. Upper case is refused rather than folded, so that one node has
// one id on chain.
func ValidateNodeID(id string) error {
	if len(id) != NodeIDLength {
		return errorsmod.Wrapf(ErrInvalidNodeID, "%s has %d characters, want %d lower-case hex digits (healthd comet show-node-id)", nodeQuote(id), len(id), NodeIDLength)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return errorsmod.Wrapf(ErrInvalidNodeID, "%s: character %d is not a lower-case hex digit", nodeQuote(id), i+1)
		}
	}
	return nil
}

// ValidateNodeAddress checks where a node accepts peers: empty (not
// published), or host:port with a DNS name, an IPv4 address or a bracketed
// IPv6 address, and a port from 1 to 65535. Not "id@host:port": the id is a
// field of its own.
func ValidateNodeAddress(addr string) error {
	if addr == "" {
		return nil
	}
	if len(addr) > MaxNodeAddressLength {
		return errorsmod.Wrapf(ErrInvalidNodeAddress, "%d characters, at most %d", len(addr), MaxNodeAddressLength)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidNodeAddress, "%s: want host:port", nodeQuote(addr))
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 || strconv.FormatUint(p, 10) != port {
		return errorsmod.Wrapf(ErrInvalidNodeAddress, "%s: port must be a number from 1 to 65535", nodeQuote(addr))
	}
	if strings.HasPrefix(addr, "[") {
		// SplitHostPort took the brackets off: they hold an IPv6 address only.
		if !strings.Contains(host, ":") || net.ParseIP(host) == nil {
			return errorsmod.Wrapf(ErrInvalidNodeAddress, "%s: host is not an IPv6 address", nodeQuote(addr))
		}
		return nil
	}
	if host == "" || len(host) > 253 {
		return errorsmod.Wrapf(ErrInvalidNodeAddress, "%s: host must have 1 to 253 characters", nodeQuote(addr))
	}
	for _, label := range strings.Split(host, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return errorsmod.Wrapf(ErrInvalidNodeAddress, "%s: host is not a DNS name or an IP address", nodeQuote(addr))
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' {
				return errorsmod.Wrapf(ErrInvalidNodeAddress, "%s: host is not a DNS name or an IP address", nodeQuote(addr))
			}
		}
	}
	return nil
}

// ParseNodeAddress splits CometBFT's peer notation, "id" or "id@host:port",
// into a checked node id and address.
func ParseNodeAddress(s string) (nodeID, addr string, err error) {
	nodeID, addr, _ = strings.Cut(s, "@")
	if err := ValidateNodeID(nodeID); err != nil {
		return "", "", err
	}
	if strings.Contains(s, "@") && addr == "" {
		return "", "", errorsmod.Wrapf(ErrInvalidNodeAddress, "%s: nothing after @", nodeQuote(s))
	}
	return nodeID, addr, ValidateNodeAddress(addr)
}

// NodeIDOfPubKey returns the node id of an ed25519 node key: the first 20
// bytes of its SHA-256, in hex, as CometBFT derives it (p2p.PubKeyToID).
func NodeIDOfPubKey(pubKey []byte) (string, error) {
	if len(pubKey) != ed25519.PubKeySize {
		return "", errorsmod.Wrapf(ErrNodeKeyMismatch, "node public key has %d bytes, want an ed25519 key of %d", len(pubKey), ed25519.PubKeySize)
	}
	return hex.EncodeToString(ed25519.PubKey(pubKey).Address()), nil
}

// NodeRegistrationStatement is what a node's key signs so that member may
// register it on the chain chainID. The member in it keeps another member from
// submitting the signature; the chain id keeps it from being replayed on
// another chain. member and nodeID cannot hold a line break, so the last two
// lines always say which member and node are meant.
func NodeRegistrationStatement(chainID, member, nodeID string) []byte {
	return []byte("healthd node registration\nchain-id: " + chainID + "\nmember: " + member + "\nnode-id: " + nodeID + "\n")
}

// VerifyNodeKey checks that the message's public key is the node's (it hashes
// to node_id) and that it signed NodeRegistrationStatement(chainID, member,
// node_id). member is the canonical form of msg.Member.
func (m *MsgRegisterNode) VerifyNodeKey(chainID, member string) error {
	id, err := NodeIDOfPubKey(m.PubKey)
	if err != nil {
		return err
	}
	if id != m.NodeID {
		return errorsmod.Wrapf(ErrNodeKeyMismatch, "the public key is node %s's, not %s's", id, nodeQuote(m.NodeID))
	}
	if len(m.Signature) != ed25519.SignatureSize {
		return errorsmod.Wrapf(ErrNodeKeyMismatch, "signature has %d bytes, want %d", len(m.Signature), ed25519.SignatureSize)
	}
	if !ed25519.PubKey(m.PubKey).VerifySignature(NodeRegistrationStatement(chainID, member, m.NodeID), m.Signature) {
		return errorsmod.Wrapf(ErrNodeKeyMismatch, "node %s's key did not sign its registration by %s on %s", m.NodeID, member, chainID)
	}
	return nil
}

// NewMsgRegisterNode builds member's registration of the node whose key is
// nodeKey (a node's config/node_key.json) on chainID, signed by that key, and
// runs its stateless checks.
func NewMsgRegisterNode(member, addr, chainID string, nodeKey crypto.PrivKey) (*MsgRegisterNode, error) {
	if nodeKey == nil || nodeKey.Type() != ed25519.KeyType {
		return nil, errorsmod.Wrap(ErrNodeKeyMismatch, "the node key must be an ed25519 key (CometBFT's node_key.json)")
	}
	pub := nodeKey.PubKey().Bytes()
	id, err := NodeIDOfPubKey(pub)
	if err != nil {
		return nil, err
	}
	sig, err := nodeKey.Sign(NodeRegistrationStatement(chainID, member, id))
	if err != nil {
		return nil, errorsmod.Wrapf(ErrNodeKeyMismatch, "signing with the node key: %s", err)
	}
	msg := &MsgRegisterNode{Member: member, NodeID: id, Address: addr, PubKey: pub, Signature: sig}
	return msg, msg.ValidateBasic()
}

// Validate checks a stored node record (used for genesis).
func (n Node) Validate(ac address.Codec) error {
	if err := ValidateNodeID(n.NodeID); err != nil {
		return err
	}
	bz, err := ac.StringToBytes(n.Member)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidAddress, "node %s: member %q: %s", n.NodeID, n.Member, err)
	}
	if canonical, err := ac.BytesToString(bz); err != nil || canonical != n.Member {
		return errorsmod.Wrapf(ErrInvalidAddress, "node %s: member %q is not in canonical (lower-case bech32) form", n.NodeID, n.Member)
	}
	if err := ValidateNodeAddress(n.Address); err != nil {
		return errorsmod.Wrapf(err, "node %s", n.NodeID)
	}
	return nil
}
