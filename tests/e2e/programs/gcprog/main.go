// gcprog is the one configurable Go program behind gcsight's end-to-end tests
// of `gcsight run`. Everything it does is chosen by environment variables, so a
// test builds it once per toolchain and asks it for the behaviour it needs:
//
//	PRINT_GODEBUG=1     first of all, print os.Getenv("GODEBUG") and "\n" on stdout
//	                    (checks what environment `gcsight run` gave the child)
//	ALLOC_MB_PER_S=R    allocate R MiB of short-lived garbage a second (R may be
//	                    fractional), paced in 5 ms steps, for DURATION_MS
//	CHURN_WORKERS=N     split ALLOC_MB_PER_S over N goroutines (default 1)
//	DURATION_MS=D       how long the churn lasts (default 1000 when ALLOC_MB_PER_S
//	                    is set); without ALLOC_MB_PER_S the program just sleeps D ms
//	RETAIN_MB=N         first, allocate N MiB on the Go heap (1 MiB pieces, every
//	                    page touched) and keep it live until exit
//	MMAP_MB_PER_S=R     during DURATION_MS, map and touch R MiB a second of
//	                    anonymous memory outside the Go heap (syscall.Mmap, as a
//	                    C library would), kept until exit
//	STDOUT_MB=M         write exactly M MiB (M may be fractional) of deterministic
//	STDERR_MB=M         text lines to stdout / stderr (format below)
//	HANDLE_SIGTERM=1    on SIGTERM print "got SIGTERM" on stdout, write the truth
//	                    file and exit 0
//	KILL_SELF=1         at the end, after writing the truth file, SIGKILL itself
//	EXIT_CODE=N         otherwise, at the end, exit with status N (default 0)
//	WHOLE_LINES=1       write each line with one write(2) (as the log package does)
//	                    instead of one to three pieces
//	TRUTH_FILE=path     at exit write {"NumGC":..,"NumForcedGC":..,"PauseTotalNs":..}
//	                    (runtime.MemStats) there
//
// GOMAXPROCS, GOGC and GOMEMLIMIT are left to the runtime (and the environment).
//
// The churn, the stdout writer and the stderr writer run concurrently; the
// program ends when all three are done. The writers allocate garbage of their
// own (a 4 KiB buffer per line), so GC cycles happen while they write, and they
// write with small, unbuffered write(2) calls straight to the file descriptor:
// each line goes out in one to three pieces. The runtime writes its gctrace
// lines piecewise to fd 2 as well, so on stderr the program's text and the
// runtime's lines interleave, even inside a line, as they do in real logs.
//
// Line format (so that a test can regenerate the exact bytes): a splitmix64
// generator seeded with 1 for stdout and 2 for stderr; line i (from 1) is
//
//	"out " or "err ", i in decimal zero-padded to 6 digits, " ", then 8 + r%89
//	characters, each alphabet[r%64] with one fresh r apiece, then "\n",
//
// where alphabet is "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ."
// and r is the generator's next value. The last line is cut short so that the
// stream is exactly M MiB, keeping its "\n". Then one more draw (two when the
// line is longer than 32 bytes) picks where the line is split into pieces for
// writing; that changes the write(2) calls, not the bytes.
//
// Standard library only; builds with Go 1.19 and later.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ."

// splitmix64: tiny, fast and the same on every Go version (math/rand's
// streams are stable too, but this keeps the format spelled out above).
type splitmix64 struct{ s uint64 }

func (g *splitmix64) next() uint64 {
	g.s += 0x9e3779b97f4a7c15
	z := g.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// sink keeps the last garbage buffers of each goroutine reachable for a moment,
// which also forces them onto the heap (the compiler may not keep them on the
// stack); sinkBytes makes the total observable.
var sinkBytes int64

type keeper struct {
	ring [8][]byte
	i    int
}

func (k *keeper) keep(b []byte) {
	k.ring[k.i%len(k.ring)] = b
	k.i++
	atomic.AddInt64(&sinkBytes, int64(len(b)))
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gcprog: "+format+"\n", args...)
	os.Exit(2)
}

func envFloat(name string, def float64) float64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		fail("%s=%q is not a non-negative number", name, v)
	}
	return f
}

func envInt(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fail("%s=%q is not an integer", name, v)
	}
	return n
}

// churn allocates mbPerS MiB/s of garbage in objects of 1..64 KiB for d.
func churn(mbPerS float64, d time.Duration) {
	var k keeper
	g := splitmix64{s: 3}
	start := time.Now()
	var allocated float64
	for {
		elapsed := time.Since(start)
		if elapsed >= d {
			return
		}
		target := mbPerS * float64(1<<20) * elapsed.Seconds()
		for allocated < target {
			size := 1024 + int(g.next()%(63*1024))
			b := make([]byte, size)
			for p := 0; p < size; p += 4096 { // touch every page
				b[p] = 1
			}
			k.keep(b)
			allocated += float64(size)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// retained holds RETAIN_MB's memory until exit.
var retained [][]byte

// outside holds the mappings of MMAP_MB_PER_S until exit.
var outside [][]byte

// growOutsideHeap maps and touches mbPerS MiB a second, in 1 MiB mappings,
// for d: memory the Go runtime neither allocates nor accounts for.
func growOutsideHeap(mbPerS float64, d time.Duration) {
	start := time.Now()
	mapped := 0
	for {
		elapsed := time.Since(start)
		if elapsed >= d {
			return
		}
		for float64(mapped) < mbPerS*elapsed.Seconds() {
			m, err := syscall.Mmap(-1, 0, 1<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
			if err != nil {
				fail("mmap: %v", err)
			}
			for p := 0; p < len(m); p += 4096 {
				m[p] = 1
			}
			outside = append(outside, m)
			mapped++
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wholeLines (WHOLE_LINES=1) writes each line with one write(2).
var wholeLines = os.Getenv("WHOLE_LINES") == "1"

// writeLines writes exactly total bytes of lines in the documented format to f.
func writeLines(f *os.File, prefix string, seed uint64, total int64) {
	var k keeper
	g := splitmix64{s: seed}
	var written int64
	for i := 1; written < total; i++ {
		line := make([]byte, 0, 128)
		line = append(line, prefix...)
		line = append(line, fmt.Sprintf("%06d ", i)...)
		n := 8 + int(g.next()%89)
		for j := 0; j < n; j++ {
			line = append(line, alphabet[g.next()%64])
		}
		line = append(line, '\n')
		if rest := total - written; int64(len(line)) > rest {
			line = append(line[:rest-1], '\n')
		}

		cuts := []int{0, 1 + int(g.next()%uint64(len(line)))}
		if len(line) > 32 {
			cuts = append(cuts, 1+int(g.next()%uint64(len(line)-1)))
		}
		if wholeLines {
			// One write a line, as the log package and fmt.Fprintln do
			// (the draws above still happen: the bytes do not change).
			cuts = cuts[:1]
		}
		cuts = append(cuts, len(line))
		sort.Ints(cuts)
		for c := 1; c < len(cuts); c++ {
			if cuts[c] > cuts[c-1] {
				if _, err := f.Write(line[cuts[c-1]:cuts[c]]); err != nil {
					fail("writing %s: %v", f.Name(), err)
				}
			}
		}
		written += int64(len(line))
		k.keep(make([]byte, 4096))
	}
}

func writeTruth() {
	path := os.Getenv("TRUTH_FILE")
	if path == "" {
		return
	}
	// A cycle can be under way when the work stops; it completes, and prints
	// its line, after ReadMemStats would have been taken. runtime.GC waits for
	// it and runs one more (forced) cycle, so the counts cover every line the
	// runtime prints before exit.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b, err := json.Marshal(struct {
		NumGC        uint32
		NumForcedGC  uint32
		PauseTotalNs uint64
	}{ms.NumGC, ms.NumForcedGC, ms.PauseTotalNs})
	if err != nil {
		fail("encoding truth: %v", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		fail("writing truth file: %v", err)
	}
}

func main() {
	if os.Getenv("PRINT_GODEBUG") == "1" {
		os.Stdout.WriteString(os.Getenv("GODEBUG") + "\n")
	}

	if os.Getenv("HANDLE_SIGTERM") == "1" {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTERM)
		go func() {
			<-ch
			os.Stdout.WriteString("got SIGTERM\n")
			writeTruth()
			os.Exit(0)
		}()
	}

	rate := envFloat("ALLOC_MB_PER_S", 0)
	defDuration := 0
	if rate > 0 {
		defDuration = 1000
	}
	duration := time.Duration(envInt("DURATION_MS", defDuration)) * time.Millisecond
	stdoutBytes := int64(envFloat("STDOUT_MB", 0) * (1 << 20))
	stderrBytes := int64(envFloat("STDERR_MB", 0) * (1 << 20))

	for i := 0; i < envInt("RETAIN_MB", 0); i++ {
		b := make([]byte, 1<<20)
		for p := 0; p < len(b); p += 4096 {
			b[p] = 1
		}
		retained = append(retained, b)
	}

	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	workers := envInt("CHURN_WORKERS", 1)
	for w := 0; w < workers; w++ {
		run(func() {
			if rate > 0 {
				churn(rate/float64(workers), duration)
			} else {
				time.Sleep(duration)
			}
		})
	}
	if r := envFloat("MMAP_MB_PER_S", 0); r > 0 {
		run(func() { growOutsideHeap(r, duration) })
	}
	run(func() { writeLines(os.Stdout, "out ", 1, stdoutBytes) })
	run(func() { writeLines(os.Stderr, "err ", 2, stderrBytes) })
	wg.Wait()

	writeTruth()
	if os.Getenv("KILL_SELF") == "1" {
		if err := syscall.Kill(os.Getpid(), syscall.SIGKILL); err != nil {
			fail("kill: %v", err)
		}
		for { // the signal is delivered before kill(2) returns; never reached
			time.Sleep(time.Hour)
		}
	}
	os.Exit(envInt("EXIT_CODE", 0))
}
