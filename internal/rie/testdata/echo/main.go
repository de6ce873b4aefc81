// Command echo is a tiny Lambda function for the rie package's own tests.
// It answers an event by its "op": "echo" (the default) returns the event,
// "env" the value of the variable named by "name", "log" prints a line and
// returns "logged", "pid" the process ID, "error" fails the invocation,
// "exit" ends the process.
// ECHO_INIT_SLEEP (a Go duration) delays the start of the runtime, to make
// the init phase measurable.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type request struct {
	Op   string `json:"op"`
	Name string `json:"name"`
}

func main() {
	if d, err := time.ParseDuration(os.Getenv("ECHO_INIT_SLEEP")); err == nil {
		time.Sleep(d)
	}
	lambda.Start(func(_ context.Context, event json.RawMessage) (any, error) {
		var req request
		_ = json.Unmarshal(event, &req)
		switch req.Op {
		case "env":
			return map[string]string{"value": os.Getenv(req.Name)}, nil
		case "pid":
			return os.Getpid(), nil
		case "log":
			fmt.Println("echo: a log line")
			return "logged", nil
		case "error":
			return nil, errors.New("echo: asked to fail")
		case "exit":
			os.Exit(3)
		}
		return event, nil
	})
}
