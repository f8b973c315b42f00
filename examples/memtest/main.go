// memtest reproduces the seed investigation: "my Go program still holds 800 MB
// after the work is done; is it a leak?"
//
// test() appends 64-byte, pointer-free structs by value to a local slice until
// the elements add up to MEMTEST_MB mebibytes (default 800), then returns, so
// the whole slice becomes garbage. main logs "force gc", calls runtime.GC()
// (the heap drops to almost nothing), logs "Done." and idles IDLE_SECONDS
// (default 150) without allocating, so that the runtime's periodic forced GC
// (every 2 minutes) and the background scavenger returning the freed pages to
// the OS show up in the trace (GODEBUG=gctrace=1,scavtrace=1) and in RSS.
//
// The slice grows by reallocation, as append does (1.25x a step at this size),
// so its last backing array is up to 1.25x MEMTEST_MB; while it is being filled
// from the one before, both are live, and with the garbage of the earlier
// steps the heap peaks near three times MEMTEST_MB (2.5 GiB for 800 MiB with
// Go 1.19: gctrace shows 2584->2584->1575 MB).
//
// Messages go to stderr through the log package (date and time prefix), where
// they interleave with the runtime's trace lines, as in the seed's logs. With
// TRUTH_FILE set, the runtime's own counters are written there as JSON at exit:
// {"NumGC":..,"NumForcedGC":..,"PauseTotalNs":..,"HeapReleased":..}.
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

// student is the 64-byte element appended to the slice; no pointers, so the
// GC marks the backing array without scanning it.
type student struct {
	id    int64
	age   int64
	score float64
	name  [40]byte
}

// Fails to compile unless student is exactly 64 bytes.
var _ [0]struct{} = [unsafe.Sizeof(student{}) - 64]struct{}{}
var _ [0]struct{} = [64 - unsafe.Sizeof(student{})]struct{}{}

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

// test fills a local slice with totalMB mebibytes of students and returns its
// length; the slice itself does not outlive the call.
func test(totalMB int) int {
	n := totalMB << 20 / int(unsafe.Sizeof(student{}))
	container := make([]student, 0)
	log.Println("loop begin")
	for i := 0; i < n; i++ {
		s := student{id: int64(i), age: int64(i % 100), score: float64(i) / 3}
		s.name[0] = byte('a' + i%26)
		container = append(container, s)
	}
	log.Println("loop end")
	return len(container)
}

// records keeps test's result so that the loop cannot be optimised away.
var records int

// truth holds the runtime's own view of the run, for checking gcsight's figures.
type truth struct {
	NumGC        uint32
	NumForcedGC  uint32
	PauseTotalNs uint64
	HeapReleased uint64
}

func writeTruth(path string) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b, err := json.Marshal(truth{ms.NumGC, ms.NumForcedGC, ms.PauseTotalNs, ms.HeapReleased})
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
	log.Println("Done.")

	// One long sleep: the program does nothing that would allocate or trigger
	// a GC, so everything after this point in the trace is the runtime's own.
	time.Sleep(time.Duration(idle) * time.Second)

	if path := os.Getenv("TRUTH_FILE"); path != "" {
		writeTruth(path)
	}
}
