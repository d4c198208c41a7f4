package recordsclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/healthchain/healthd/x/records/types"
)

func fixture(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", rel))
	require.NoError(t, err)
	return b
}

func TestPrepareFixtures(t *testing.T) {
	for _, tc := range []struct {
		path             string
		format           types.Format
		kind, category   string
		canonicalIsInput bool
	}{
		{"internal/fhirr4/testdata/bundle_collection.json", types.Format_FORMAT_FHIR_R4, "Bundle", "", false},
		{"internal/fhirr4/testdata/observation_lab.json", types.Format_FORMAT_FHIR_R4, "Observation", "Observation", false},
		{"internal/hl7v2/testdata/oru_r01.hl7", types.Format_FORMAT_HL7_V2, "ORU^R01", "laboratory", true},
		{"internal/dicom/testdata/ct_small.dcm", types.Format_FORMAT_DICOM, "1.2.840.10008.5.1.4.1.1.2", "imaging", true},
	} {
		t.Run(tc.path, func(t *testing.T) {
			b := fixture(t, tc.path)
			p, err := Prepare(b, types.Format_FORMAT_UNSPECIFIED)
			require.NoError(t, err)
			require.Equal(t, tc.format, p.Format)
			require.Equal(t, tc.kind, p.Kind)
			require.Equal(t, tc.category, p.Category)
			require.Equal(t, tc.canonicalIsInput, bytes.Equal(b, p.Canonical))
			// Giving the format explicitly changes nothing.
			q, err := Prepare(b, tc.format)
			require.NoError(t, err)
			require.Equal(t, p, q)
		})
	}
}

func TestCanonicalIgnoresPresentation(t *testing.T) {
	// FHIR: re-indented JSON has the same canonical bytes, a changed value does not.
	obs := fixture(t, "internal/fhirr4/testdata/observation_lab.json")
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, obs))
	a, err := Prepare(obs, types.Format_FORMAT_UNSPECIFIED)
	require.NoError(t, err)
	b, err := Prepare(compact.Bytes(), types.Format_FORMAT_UNSPECIFIED)
	require.NoError(t, err)
	require.Equal(t, a.Canonical, b.Canonical)
	changed := bytes.Replace(obs, []byte(`"value": 95`), []byte(`"value": 96`), 1)
	require.NotEqual(t, obs, changed)
	c, err := Prepare(changed, types.Format_FORMAT_UNSPECIFIED)
	require.NoError(t, err)
	require.NotEqual(t, a.Canonical, c.Canonical)
	// FHIR decimals keep their precision: 95 and 95.0 are different values.
	d, err := Prepare(bytes.Replace(obs, []byte(`"value": 95`), []byte(`"value": 95.0`), 1), types.Format_FORMAT_UNSPECIFIED)
	require.NoError(t, err)
	require.NotEqual(t, a.Canonical, d.Canonical)

	// HL7 v2: LF or CRLF line ends give the same canonical bytes.
	oru := fixture(t, "internal/hl7v2/testdata/oru_r01.hl7")
	h1, err := Prepare(oru, types.Format_FORMAT_UNSPECIFIED)
	require.NoError(t, err)
	for _, sep := range []string{"\n", "\r\n"} {
		h2, err := Prepare([]byte(strings.ReplaceAll(string(oru), "\r", sep)), types.Format_FORMAT_UNSPECIFIED)
		require.NoError(t, err)
		require.Equal(t, h1.Canonical, h2.Canonical)
	}
}

func TestPrepareRefusesInvalidInput(t *testing.T) {
	ct := fixture(t, "internal/dicom/testdata/ct_small.dcm")
	for name, tc := range map[string]struct {
		in      []byte
		format  types.Format
		message string
	}{
		"not a record":           {[]byte("hello"), types.Format_FORMAT_UNSPECIFIED, "give --format"},
		"unknown resourceType":   {[]byte(`{"resourceType":"Unicorn","id":"x"}`), 0, "FHIR R4"},
		"wrong type":             {[]byte(`{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"seven"}}`), 0, "FHIR R4"},
		"missing status":         {[]byte(`{"resourceType":"Observation","code":{"text":"x"}}`), 0, "FHIR R4"},
		"a Patient is no kind":   {[]byte(`{"resourceType":"Organization","name":"x"}`), 0, "invalid record kind"},
		"not JSON":               {[]byte(`{"resourceType":`), 0, "FHIR R4"},
		"truncated DICOM":        {ct[:len(ct)-7], 0, "DICOM"},
		"DICOM without preamble": {ct[128:], types.Format_FORMAT_DICOM, "DICOM"},
		"malformed HL7":          {[]byte("MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5.1\rPID|1\rOBX|1|NM|x\r"), 0, "HL7 v2"},
		"HL7 without version":    {[]byte("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|\rPID|1\r"), 0, "HL7 v2"},
		"FHIR given as HL7":      {fixture(t, "internal/fhirr4/testdata/observation_lab.json"), types.Format_FORMAT_HL7_V2, "HL7 v2"},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Prepare(tc.in, tc.format)
			require.Nil(t, p)
			require.ErrorIs(t, err, ErrInvalidRecord)
			require.ErrorContains(t, err, tc.message)
		})
	}
}

func TestEnvelopeSealRoundTrip(t *testing.T) {
	record := fixture(t, "internal/hl7v2/testdata/oru_r01.hl7")
	salt, err := NewSalt()
	require.NoError(t, err)
	h := Header{Format: types.Format_FORMAT_HL7_V2, Kind: "ORU^R01", Category: "laboratory", Salt: salt}
	env, err := Envelope(h, record)
	require.NoError(t, err)
	ct, key, err := Seal(env)
	require.NoError(t, err)
	require.False(t, bytes.Contains(ct, []byte("TESTPATIENT")), "ciphertext holds no plaintext")

	pt, err := Unseal(ct, key)
	require.NoError(t, err)
	gotH, gotRecord, err := OpenEnvelope(pt)
	require.NoError(t, err)
	require.Equal(t, h, gotH)
	require.Equal(t, record, gotRecord)

	// One changed byte anywhere in the ciphertext is caught.
	for _, i := range []int{0, len(ct) / 3, len(ct) / 2, len(ct) - 1} {
		bad := append([]byte(nil), ct...)
		bad[i] ^= 0x20
		_, err := Unseal(bad, key)
		require.Error(t, err, "byte %d", i)
	}
	// Another key does not open it.
	other, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	_, err = Unseal(ct, other)
	require.Error(t, err)

	// Two seals of the same envelope differ (fresh key and nonce each time).
	ct2, _, err := Seal(env)
	require.NoError(t, err)
	require.NotEqual(t, ct, ct2)
}

func TestOpenEnvelopeRefusesGarbage(t *testing.T) {
	good, err := Envelope(Header{Salt: make([]byte, types.SaltSize)}, []byte("x"))
	require.NoError(t, err)
	for name, in := range map[string][]byte{
		"empty":           nil,
		"no magic":        []byte("hello world, this is not an envelope"),
		"short":           []byte(envelopeMagic + "\x00"),
		"huge header":     append([]byte(envelopeMagic), 0xff, 0xff, 0xff, 0xff),
		"cut header":      good[:len(envelopeMagic)+6],
		"short salt":      mustEnvelope(t, Header{Salt: []byte{1, 2, 3}}),
		"header not JSON": append(append([]byte(envelopeMagic), 0, 0, 0, 3), []byte("abc")...),
	} {
		_, _, err := OpenEnvelope(in)
		require.ErrorIs(t, err, ErrBadEnvelope, name)
	}
}

func mustEnvelope(t *testing.T, h Header) []byte {
	b, err := Envelope(h, nil)
	require.NoError(t, err)
	return b
}

func TestWrapKey(t *testing.T) {
	recordKey, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	patient, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	wrapped, err := WrapKey(recordKey, patient.Recipient())
	require.NoError(t, err)
	got, err := UnwrapKey(wrapped, patient)
	require.NoError(t, err)
	require.Equal(t, recordKey.String(), got.String())

	stranger, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	_, err = UnwrapKey(wrapped, stranger)
	require.Error(t, err, "only the recipient unwraps")
}

func TestDeriveIdentity(t *testing.T) {
	priv := secp256k1.GenPrivKey()
	sign := func(msg []byte) ([]byte, error) { return priv.Sign(msg) }
	a, err := DeriveIdentity(sign)
	require.NoError(t, err)
	b, err := DeriveIdentity(sign)
	require.NoError(t, err)
	require.Equal(t, a.String(), b.String(), "the same key derives the same identity")
	require.NoError(t, types.ValidateRecipient(a.Recipient().String()))

	other := secp256k1.GenPrivKey()
	c, err := DeriveIdentity(func(msg []byte) ([]byte, error) { return other.Sign(msg) })
	require.NoError(t, err)
	require.NotEqual(t, a.String(), c.String())

	// A signer that is not deterministic cannot derive a key.
	n := byte(0)
	_, err = DeriveIdentity(func([]byte) ([]byte, error) { n++; return []byte{n}, nil })
	require.ErrorContains(t, err, "not deterministic")
	_, err = DeriveIdentity(func([]byte) ([]byte, error) { return nil, errors.New("locked") })
	require.ErrorContains(t, err, "locked")
}

func TestCommitment(t *testing.T) {
	s1, err := NewSalt()
	require.NoError(t, err)
	s2, err := NewSalt()
	require.NoError(t, err)
	require.NotEqual(t, s1, s2)
	data := []byte("record")
	require.Len(t, types.Commitment(s1, data), 32)
	require.Equal(t, types.Commitment(s1, data), types.Commitment(s1, data))
	require.NotEqual(t, types.Commitment(s1, data), types.Commitment(s2, data), "a salt hides equal records")
	require.NotEqual(t, types.Commitment(s1, data), types.Commitment(s1, []byte("recorD")))
}
