// memtest reproduces the seed investigation: "my Go program still holds 800 MB
// after the work is done; is it a leak?"
//
// test() allocates MEMTEST_MB mebibytes (default 800) of 64-byte records, one
// by one, keeping them in a local slice of pointers, then returns, so all of it
// becomes garbage. main logs "force gc", calls runtime.GC() (the heap drops to
// almost nothing), logs "Done." and idles IDLE_SECONDS (default 150) without
// allocating, so that the runtime's periodic forced GC (every 2 minutes) and the
// background scavenger returning the freed pages to the OS show up in the trace
// (GODEBUG=gctrace=1,scavtrace=1) and in RSS. With the slice's growth and the
// garbage of its earlier copies the heap peaks near 1 GB (Go 1.22:
// `985->985->0 MB` at the forced cycle).
//
// Messages go to stderr through the log package (date and time prefix), where
// they interleave with the runtime's trace lines, as in the seed's logs. With
// TRUTH_FILE set, the runtime's own counters are written there as JSON at exit:
// {"NumGC":..,"NumForcedGC":..,"PauseTotalNs":..,"HeapReleased":..,
// "ForcedGCDoneNs":..,"PauseEndNs":[..]} (see type truth).
//
// Standard library only; builds with Go 1.19 and later.
package main

import (
	"encoding/json"
	"log"
	"os"
	"runtime"
	"strconv"
	"time"
	"unsafe"
)

// record is 64 bytes, allocated one by one as a program building a large
// structure does; each points to the one before, so all stay reachable until
// test returns.
type record struct {
	id   int64
	name [48]byte
	next *record
}

// Fails to compile unless record is exactly 64 bytes.
var _ [0]struct{} = [unsafe.Sizeof(record{}) - 64]struct{}{}
var _ [0]struct{} = [64 - unsafe.Sizeof(record{})]struct{}{}

// envInt returns the integer value of an environment variable, or def when it
// is unset; a malformed value is fatal rather than silently replaced.
func envInt(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		log.Fatalf("memtest: %s=%q is not a non-negative integer", name, v)
	}
	return n
}

// test allocates totalMB mebibytes of records, keeps them in a local slice of
// pointers, and returns their count; nothing of it outlives the call.
func test(totalMB int) int {
	n := totalMB << 20 / int(unsafe.Sizeof(record{}))
	container := make([]*record, 0)
	log.Println("loop begin")
	for i := 0; i < n; i++ {
		r := &record{id: int64(i)}
		r.name[0] = byte('a' + i%26)
		if i > 0 {
			r.next = container[i-1]
		}
		container = append(container, r)
	}
	log.Println("loop end")
	return len(container)
}

// records keeps test's result so that the loop cannot be optimised away.
var records int

// truth holds the runtime's own view of the run, for checking gcsight's figures.
// Times are since main started (within a few milliseconds of the process's
// start): when runtime.GC() returned, and when each cycle's pause ended (the
// runtime's PauseEnd ring, oldest first).
type truth struct {
	NumGC          uint32
	NumForcedGC    uint32
	PauseTotalNs   uint64
	HeapReleased   uint64
	ForcedGCDoneNs int64
	PauseEndNs     []int64
}

// started is when main began, the zero of the truth's times.
var started = time.Now()

func writeTruth(path string, forcedDone time.Duration) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t := truth{ms.NumGC, ms.NumForcedGC, ms.PauseTotalNs, ms.HeapReleased, int64(forcedDone), nil}
	first := uint32(0)
	if ms.NumGC > uint32(len(ms.PauseEnd)) {
		first = ms.NumGC - uint32(len(ms.PauseEnd))
	}
	for n := first; n < ms.NumGC; n++ {
		end := time.Unix(0, int64(ms.PauseEnd[n%uint32(len(ms.PauseEnd))]))
		t.PauseEndNs = append(t.PauseEndNs, int64(end.Sub(started)))
	}
	b, err := json.Marshal(t)
	if err != nil {
		log.Fatalf("memtest: encoding truth: %v", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		log.Fatalf("memtest: writing truth file: %v", err)
	}
}

func main() {
	totalMB := envInt("MEMTEST_MB", 800)
	idle := envInt("IDLE_SECONDS", 150)

	log.Println("Start.")
	records = test(totalMB)

	log.Println("force gc")
	runtime.GC()
	forcedDone := time.Since(started)
	log.Println("Done.")

	// Idle, waking once a second as a quiet server does, without allocating:
	// everything after this point in the trace is the runtime's own. (A single
	// long sleep leaves every thread asleep, the runtime's monitor thread
	// included, and the freed memory may then never be returned.)
	deadline := time.Now().Add(time.Duration(idle) * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
	}

	if path := os.Getenv("TRUTH_FILE"); path != "" {
		writeTruth(path, forcedDone)
	}
}
