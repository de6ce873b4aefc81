package reqlog

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"log/slog"
)

// RedirectStdLog makes the standard library's log package write through
// logger, so that only JSON lines reach the function's logs. aws-lambda-go
// prints with it, as plain text, the error of every failed invocation
// (`2026/12/06 22:06:10 {"errorMessage":…,"errorType":"EventError"}`) and
// its own failures (the Runtime API unreachable, before it exits). The
// error of an invocation becomes one "invocation failed" line with its
// error_type and error_message (the handler has logged its details itself);
// any other line becomes an error line with the text as its message.
// main calls it once, before lambda.Start.
func RedirectStdLog(logger *slog.Logger) {
	log.SetFlags(0)
	log.SetPrefix("")
	log.SetOutput(stdLogWriter{logger})
}

// stdLogWriter receives one log package message per Write.
type stdLogWriter struct{ logger *slog.Logger }

func (w stdLogWriter) Write(p []byte) (int, error) {
	line := bytes.TrimSpace(p)
	var invokeErr struct {
		Message *string `json:"errorMessage"`
		Type    string  `json:"errorType"`
	}
	if json.Unmarshal(line, &invokeErr) == nil && invokeErr.Message != nil {
		w.logger.LogAttrs(context.Background(), slog.LevelError, "invocation failed",
			slog.String("error_type", invokeErr.Type), slog.String("error_message", *invokeErr.Message))
		return len(p), nil
	}
	w.logger.LogAttrs(context.Background(), slog.LevelError, string(line), slog.String("logger", "log"))
	return len(p), nil
}
