package gs1

import "fmt"

// CheckDigit returns the GS1 mod-10 check digit ('0'..'9') for data, a
// non-empty string of ASCII digits of any length (the identifier without its
// check digit: 12 digits for a GLN or GTIN-13, 13 for a GTIN-14, 17 for an
// SSCC). Digits are weighted 3 and 1 alternately, starting with weight 3 on
// the rightmost data digit (the one next to the check digit); the check digit
// brings the weighted sum up to a multiple of 10.
func CheckDigit(data string) (byte, error) {
	if data == "" {
		return 0, fmt.Errorf("GS1 check digit: data is empty")
	}
	sum := 0
	weight := 3
	for i := len(data) - 1; i >= 0; i-- {
		c := data[i]
		if !isDigit(c) {
			return 0, fmt.Errorf("GS1 check digit: data %s has a non-digit character at position %d", quote(data), i+1)
		}
		sum += int(c-'0') * weight
		weight = 4 - weight // 3, 1, 3, 1, ...
	}
	return byte('0' + (10-sum%10)%10), nil
}

// checkDigits checks that s is n ASCII digits ending with the GS1 mod-10
// check digit. The caller has already checked len(s) == n, and names the
// identifier in its own error.
func checkDigits(s string, n int) error {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return fmt.Errorf("non-digit character at position %d", i+1)
		}
	}
	want, err := CheckDigit(s[:n-1])
	if err != nil {
		return err
	}
	if got := s[n-1]; got != want {
		return fmt.Errorf("invalid check digit: expected %c, got %c", want, got)
	}
	return nil
}
