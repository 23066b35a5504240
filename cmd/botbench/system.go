package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// memory is this process's resident set size and its peak, in bytes, from
// /proc/self/status (VmRSS, VmHWM).
type memory struct{ rss, hwm int64 }

func readMemory() memory {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return memory{-1, -1}
	}
	m := memory{-1, -1}
	for line := range strings.SplitSeq(string(raw), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			m.rss = kb << 10
		case "VmHWM":
			m.hwm = kb << 10
		}
	}
	return m
}

func mb(n int64) string {
	if n < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// sampler keeps the largest VmRSS seen.
type sampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  int64
}

func startSampling(every time.Duration) *sampler {
	s := &sampler{done: make(chan struct{}), max: readMemory().rss}
	s.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
				s.max = max(s.max, readMemory().rss)
			}
		}
	})
	return s
}

// stop ends sampling and returns the largest VmRSS seen.
func (s *sampler) stop() int64 {
	close(s.done)
	s.wg.Wait()
	return max(s.max, readMemory().rss)
}

// profiles are the files asked for on the command line.
type profiles struct {
	cpu, block, mutex, trace, goroutines string
}

// start begins the profiles asked for; stop writes them.
func (p profiles) start() (stop func() error, err error) {
	var closers []func() error
	if p.block != "" {
		runtime.SetBlockProfileRate(1)
	}
	if p.mutex != "" {
		runtime.SetMutexProfileFraction(1)
	}
	if p.cpu != "" {
		f, err := os.Create(p.cpu)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		closers = append(closers, func() error { pprof.StopCPUProfile(); return f.Close() })
	}
	if p.trace != "" {
		f, err := os.Create(p.trace)
		if err != nil {
			return nil, err
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return nil, err
		}
		closers = append(closers, func() error { trace.Stop(); return f.Close() })
	}
	return func() error {
		var errs []error
		for _, c := range closers {
			errs = append(errs, c())
		}
		errs = append(errs, writeProfile("block", p.block), writeProfile("mutex", p.mutex))
		runtime.SetBlockProfileRate(0)
		runtime.SetMutexProfileFraction(0)
		return errors.Join(errs...)
	}, nil
}

// dumpGoroutines writes every goroutine's stack, when asked.
func (p profiles) dumpGoroutines() {
	if p.goroutines == "" {
		return
	}
	if err := writeProfileDebug("goroutine", p.goroutines, 2); err != nil {
		fmt.Fprintln(os.Stderr, "botbench:", err)
	}
}

func writeProfile(name, path string) error { return writeProfileDebug(name, path, 0) }

func writeProfileDebug(name, path string, debug int) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, debug); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// gcCycles is how many garbage collections have completed.
func gcCycles() uint32 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.NumGC
}
