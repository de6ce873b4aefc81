// Package rie runs a Lambda bootstrap binary under the AWS Lambda Runtime
// Interface Emulator (the one SAM CLI runs inside its container for
// `sam local invoke`), directly on this machine, without Docker.
//
// Find locates the emulator in the project's SAM CLI venv, Build compiles a
// function's bootstrap with the production flags, Start runs the emulator on
// free loopback ports with the function's environment, Emulator.Invoke posts
// one event and returns the answer with the REPORT line the emulator printed
// for it, and Emulator.Stop kills every process the emulator started.
//
// Two init figures are available, and they differ. The REPORT line's
// "Init Duration" is what the emulator itself measures: only its call that
// dispatches Init, which returns before the runtime is up (a fraction of a
// millisecond, whatever the function does at start-up). The emulator's own
// log line "INIT REPORT(durationMs: …)" times the init phase from the
// bootstrap's exec to its first request for an event, which is what Lambda
// reports as Init Duration; Emulator.InitReport returns it.
package rie
