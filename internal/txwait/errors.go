package txwait

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var (
	// grpcPrefix is what a gRPC status adds in front of the message, once per hop.
	grpcPrefix = regexp.MustCompile(`rpc error: code = \w+ desc = `)
	// sourcePath is a node's build path and line, which a node running with
	// traces appends to an error ("[github.com/.../check.go:145]").
	sourcePath = regexp.MustCompile(`\s*\[[^\[\]]*\.go:\d+\]`)
	// gasUsed is what a failed simulation appends.
	gasUsed = regexp.MustCompile(`\s*with gas used: '\d+'`)
	// msgIndex is how BaseApp prefixes a failed message's error.
	msgIndex = regexp.MustCompile(`failed to execute message; message index: (\d+): `)
	// badArg is how autocli reports a bad positional argument: it parses
	// them as flags named by their index ("--1").
	badArg = regexp.MustCompile(`invalid argument "([^"]*)" for "--(\d+)" flag`)
	// enumValues is the list autocli gives for a bad enum value.
	enumValues = regexp.MustCompile(`(\S+) is not a valid value for enum (\S+)\. Valid values are: (.*)$`)
)

// CleanError returns an error's text as a person should read it: the
// registered error's message with its context, without gRPC framing, build
// paths, gas figures or a prefix repeated by nested wrapping.
func CleanError(msg string) string {
	msg = grpcPrefix.ReplaceAllString(msg, "")
	msg = sourcePath.ReplaceAllString(msg, "")
	msg = gasUsed.ReplaceAllString(msg, "")
	msg = msgIndex.ReplaceAllStringFunc(msg, func(m string) string {
		if idx := msgIndex.FindStringSubmatch(m)[1]; idx != "0" {
			return "message " + idx + ": "
		}
		return ""
	})
	msg = badArg.ReplaceAllStringFunc(msg, func(m string) string {
		sub := badArg.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[2])
		return fmt.Sprintf("argument %d (%q) is not valid", n+1, sub[1])
	})
	msg = enumValues.ReplaceAllStringFunc(msg, func(m string) string {
		sub := enumValues.FindStringSubmatch(m)
		var allowed []string
		for _, v := range strings.Split(sub[3], ", ") {
			if v = strings.TrimSpace(v); v != "" && v != "unspecified" {
				allowed = append(allowed, v)
			}
		}
		sort.Strings(allowed)
		return fmt.Sprintf("%q is not one of %s", sub[1], strings.Join(allowed, ", "))
	})
	parts := strings.Split(msg, ": ")
	kept := parts[:0]
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || (i > 0 && len(kept) > 0 && kept[len(kept)-1] == p) {
			continue
		}
		// The simulation's outer wrap names no cause of its own.
		if p == "unknown request" && i == len(parts)-1 && len(kept) > 0 {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, ": ")
}
