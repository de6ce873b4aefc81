package safelog

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

type panicking struct{ slog.Handler }

func (panicking) Enabled(context.Context, slog.Level) bool  { return true }
func (panicking) Handle(context.Context, slog.Record) error { panic("handler broke") }
func (p panicking) WithAttrs([]slog.Attr) slog.Handler      { return p }
func (p panicking) WithGroup(string) slog.Handler           { return p }

func TestLoggerNeverPanics(t *testing.T) {
	for name, l := range map[string]*slog.Logger{"nil": nil, "panicking handler": slog.New(panicking{})} {
		t.Run(name, func(t *testing.T) {
			lg := Logger(l)
			lg.With("a", 1).WithGroup("g").Error("line", "k", "v")
			lg.Info("line")
		})
	}
}

func describe(f func()) (s string) {
	defer func() { s = Panic(recover()) }()
	f()
	return ""
}

func TestPanicKeepsValueOnlyFromTheRuntime(t *testing.T) {
	secret := "password=hunter2"
	got := describe(func() { panic(errors.New(secret)) })
	if strings.Contains(got, "hunter2") || !strings.Contains(got, "*errors.errorString at ") || !strings.Contains(got, "safelog_test.go:") {
		t.Errorf("Panic(error) = %q; want the type and the place, not the value", got)
	}
	var m map[string]int
	got = describe(func() { m["x"] = 1 })
	if !strings.Contains(got, "assignment to entry in nil map") || !strings.Contains(got, "safelog_test.go:") {
		t.Errorf("Panic(runtime error) = %q; want the runtime's message and the place", got)
	}
}
