package main

import (
	"net"
	"strings"
	"testing"
)

func TestExitCodes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := ln.Addr().String()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	down := closed.Addr().String()
	_ = closed.Close()
	defer ln.Close()
	for _, tt := range []struct {
		addrs []string
		want  int
		out   string
	}{
		{[]string{up}, 0, "pass"},
		{[]string{up, down}, 1, "connection refused"}, // a zero-value check is critical
		{[]string{up, up}, 2, "duplicate name"},
	} {
		var out strings.Builder
		if got := run(tt.addrs, &out); got != tt.want || !strings.Contains(out.String(), tt.out) {
			t.Errorf("run(%q) = %d\n%s; want %d with %q", tt.addrs, got, out.String(), tt.want, tt.out)
		}
	}
}
