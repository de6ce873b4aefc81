package samlocal

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
)

// iptablesRules returns every table's chains (":CHAIN" entries), the
// built-in chains' policies ("-P CHAIN POLICY") and rules ("-A CHAIN ...")
// from iptables-save, as "table|entry" keys.
func iptablesRules(ctx context.Context) (map[string]bool, error) {
	out, err := output(ctx, nil, "iptables-save")
	if err != nil {
		return nil, err
	}
	return parseIptablesSave(out), nil
}

func parseIptablesSave(out []byte) map[string]bool {
	set := map[string]bool{}
	table := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "*"):
			table = line[1:]
		case strings.HasPrefix(line, ":"):
			f := strings.Fields(line[1:])
			set[table+"|:"+f[0]] = true
			if len(f) > 1 && f[1] != "-" {
				set[table+"|-P "+f[0]+" "+f[1]] = true
			}
		case strings.HasPrefix(line, "-A "):
			set[table+"|"+line] = true
		}
	}
	return set
}

// undo returns the iptables commands that take now back to before: delete
// the rules now has and before had not, then flush and delete the chains.
func undo(before, now map[string]bool) [][]string {
	var rules, chains [][]string
	keys := make([]string, 0, len(now))
	for k := range now {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if before[k] {
			continue
		}
		table, line, _ := strings.Cut(k, "|")
		if strings.HasPrefix(line, "-P ") {
			// A policy changed (dockerd sets FORWARD's to DROP when it turns
			// IP forwarding on): put back the one before.
			f := strings.Fields(line)
			for b := range before {
				if strings.HasPrefix(b, table+"|-P "+f[1]+" ") {
					rules = append(rules, []string{"-t", table, "-P", f[1], strings.Fields(b)[2]})
				}
			}
			continue
		}
		if strings.HasPrefix(line, ":") {
			chains = append(chains, []string{"-t", table, "-F", line[1:]}, []string{"-t", table, "-X", line[1:]})
			continue
		}
		rules = append(rules, append([]string{"-t", table, "-D"}, splitRule(strings.TrimPrefix(line, "-A "))...))
	}
	// Every chain is flushed before any is deleted: one may jump to another.
	flush, del := [][]string{}, [][]string{}
	for _, c := range chains {
		if c[2] == "-F" {
			flush = append(flush, c)
		} else {
			del = append(del, c)
		}
	}
	return append(append(rules, flush...), del...)
}

// splitRule splits an iptables-save rule into arguments, honouring double
// quotes (iptables-save quotes a comment with blanks).
func splitRule(s string) []string {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && inQuote && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '"':
			inQuote, have = !inQuote, true
		case c == ' ' && !inQuote:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}

// restoreIptables removes the rules and chains added since before was
// taken, and returns how many it removed.
func restoreIptables(ctx context.Context, before map[string]bool) (int, error) {
	now, err := iptablesRules(ctx)
	if err != nil {
		return 0, err
	}
	var errs []string
	n := 0
	for _, args := range undo(before, now) {
		if err := run(ctx, nil, "iptables", args...); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if args[2] != "-F" {
			n++
		}
	}
	if len(errs) > 0 {
		return n, fmt.Errorf("iptables: %s", strings.Join(errs, "; "))
	}
	return n, nil
}

// Forward lets the containers reach the given TCP ports of this host's
// loopback at Gateway:port: a DNAT from the bridge to 127.0.0.1 (the local
// stack listens there only), and a source NAT to 127.0.0.1, so that the
// servers see a loopback client as their access rules expect. It also
// drops whatever the containers send to be forwarded off the bridge, so
// their traffic stays on this machine even where IP forwarding is on.
// Stop removes the rules with the rest of the run's iptables changes.
func (e *Engine) Forward(ctx context.Context, ports ...int) error {
	if e.forwardChain == "" {
		e.forwardChain = "SAMLOCAL-" + e.Bridge
		for _, args := range [][]string{
			{"-t", "filter", "-I", "FORWARD", "1", "-i", e.Bridge, "!", "-o", e.Bridge, "-j", "DROP"},
			{"-t", "nat", "-N", e.forwardChain},
			{"-t", "nat", "-I", "PREROUTING", "1", "-i", e.Bridge, "-d", e.Gateway.String() + "/32", "-p", "tcp", "-j", e.forwardChain},
			{"-t", "nat", "-I", "INPUT", "1", "-s", e.Subnet.String(), "-d", "127.0.0.1/32", "-p", "tcp", "-j", "SNAT", "--to-source", "127.0.0.1"},
		} {
			if err := run(ctx, nil, "iptables", args...); err != nil {
				return err
			}
		}
	}
	for _, p := range ports {
		if err := run(ctx, nil, "iptables", "-t", "nat", "-A", e.forwardChain, "-p", "tcp", "--dport", itoa(p),
			"-j", "DNAT", "--to-destination", "127.0.0.1:"+itoa(p)); err != nil {
			return err
		}
	}
	e.logf("containers reach 127.0.0.1 ports %v at %s", ports, e.Gateway)
	return nil
}
