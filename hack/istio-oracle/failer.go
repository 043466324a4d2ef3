package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
)

// failer implements istio.io/istio/pkg/test.Failer outside `go test`: a fatal error ends the calling goroutine
// (as testing.T does) and is kept for the scenario's answer; cleanups run in reverse order once the scenario ends.
type failer struct {
	mu       sync.Mutex
	err      error
	cleanups []func()
}

func (f *failer) record(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
	}
}

func (f *failer) Fail()             { f.record(errors.New("failed")) }
func (f *failer) FailNow()          { f.Fail(); runtime.Goexit() }
func (f *failer) Fatal(args ...any) { f.record(errors.New(fmt.Sprint(args...))); runtime.Goexit() }
func (f *failer) Fatalf(format string, args ...any) {
	f.record(fmt.Errorf(format, args...))
	runtime.Goexit()
}
func (f *failer) Log(args ...any)                 {}
func (f *failer) Logf(format string, args ...any) {}
func (f *failer) Helper()                         {}
func (f *failer) Skip(args ...any)                { f.record(errors.New(fmt.Sprint(args...))); runtime.Goexit() }

func (f *failer) TempDir() string {
	dir, err := os.MkdirTemp("", "istio-oracle-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (f *failer) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func (f *failer) error() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// finish runs the cleanups, last registered first.
func (f *failer) finish() {
	f.mu.Lock()
	fns := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

// runWithFailer runs fn in its own goroutine (so a fatal error ends only it), then the cleanups.
func runWithFailer(fn func(t *failer)) error {
	t := &failer{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				t.record(fmt.Errorf("panic: %v", r))
			}
		}()
		fn(t)
	}()
	<-done
	t.finish()
	return t.error()
}
