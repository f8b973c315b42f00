// Parallel reading of a regular, uncompressed file: the file is cut into
// chunks that end just after a "\n" (or, for a stream, a LineReader's next
// lines are taken by one worker at a time), worker threads read and parse each chunk
// into a compact list of lines (text, and the LineParse when it is a whole
// line the fast path or the grammar settles), and the chunks are handed back
// in file order to one consumer, which runs the stitcher and the analyzer as
// the sequential path does.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/trace_event.h"
#include "core/trace_line_parser.h"
#include "io/line_reader.h"

namespace gcsight {

/// How a file is cut and how many chunks exist at once.
struct ChunkOptions {
  size_t chunk_bytes = size_t{1} << 20;  ///< a chunk ends at the first "\n" at or past this many bytes
  unsigned workers = 2;                  ///< parsing threads
  size_t in_flight = 4;                  ///< chunks being parsed, parsed or consumed at once (bounds memory)
  LineReaderOptions reader;              ///< line cap and read size, as for LineReader
  /// The consumer reads and parses a chunk itself instead of waiting for one
  /// (so that `workers` threads and the consumer share the cores).
  bool consumer_parses = false;
};

/// One physical line of a chunk and, when a worker settled it, its parse.
struct ChunkLine {
  uint32_t offset = 0;  ///< into ParsedChunk::text (without the terminator)
  uint32_t length = 0;
  uint32_t begin = 0;   ///< LineParse::begin
  uint32_t end = 0;     ///< LineParse::end
  uint32_t record = 0;  ///< index into ParsedChunk::gcs (kGc, kGcLegacy) or ::scavs (kScav)
  LineKind kind = LineKind::kPartial;  ///< kPartial: not settled here; the consumer parses the line
  bool terminated = true;
  bool runtime_tail = false;  ///< kProgram: looks_like_runtime_tail of the text
  uint64_t signature = 0;     ///< kProgram: signature_of the text
};

/// The lines of one chunk, in order.
struct ParsedChunk {
  /// The chunk's bytes; lines are views into it. Each line is followed by
  /// "\n", "\r" or "\0" and, after the last, kLinePadding zeros: what
  /// read_common_line<true> needs.
  std::unique_ptr<char[]> text;
  size_t text_size = 0;
  size_t text_capacity = 0;  ///< not counting the padding
  std::vector<ChunkLine> lines;
  // Records of gc and scav lines. The vectors only grow and are reused chunk
  // after chunk (their first *_count entries are this chunk's): a record is
  // written in place, never zeroed or copied first.
  std::vector<GcCycle> gcs;
  std::vector<ScavEvent> scavs;
  size_t gc_count = 0;
  size_t scav_count = 0;
  uint64_t bytes = 0;   ///< bytes of the file the lines came from, terminators included
  bool failed = false;  ///< reading stopped at an error after these lines
  std::string error;

  /// The text of line `l`.
  [[nodiscard]] std::string_view line(const ChunkLine& l) const { return {text.get() + l.offset, l.length}; }
  /// Room for `n` bytes of text (the contents are not kept), which become the text.
  char* reserve(size_t n);
  /// Appends a line and a "\n" after it; returns the line's offset.
  size_t append(std::string_view line);
  /// Writes the padding after the text, once it is complete.
  void pad();
  /// The next gc / scav record's storage (its index is gc_count / scav_count
  /// before the call). Inline: workers ask for both on every runtime line.
  GcCycle& next_gc() {
    if (gc_count == gcs.size()) [[unlikely]] grow(gcs);
    return gcs[gc_count];
  }
  ScavEvent& next_scav() {
    if (scav_count == scavs.size()) [[unlikely]] grow(scavs);
    return scavs[scav_count];
  }
  /// Forgets the lines and records (keeps the storage).
  void reset();

 private:
  // By half again (at least 1,024 records): the peak RSS bound counts on it.
  template <typename Record>
  [[gnu::noinline]] static void grow(std::vector<Record>& records) {
    records.resize(std::max<size_t>(1024, records.size() + records.size() / 2));
  }
};

/// Reads `fd` (a regular file of `size` bytes, not compressed) on worker threads;
/// or a stream (a compressed file, a pipe, a rotated set) through a LineReader,
/// whose lines the workers take in turn and parse in parallel.
class ChunkedReader {
 public:
  /// Takes ownership of `fd`; `name` is used in error messages, as by LineReader.
  ChunkedReader(int fd, uint64_t size, std::string name, const ChunkOptions& options);
  /// Reads `reader` (which must outlive this) to its end: each chunk is the next
  /// lines of about chunk_bytes, copied out one worker at a time (the reader
  /// decompresses as it goes), then parsed while the next worker reads on.
  ChunkedReader(LineReader& reader, const ChunkOptions& options);
  /// Stops and joins the workers, closes the file.
  ~ChunkedReader();
  ChunkedReader(const ChunkedReader&) = delete;
  ChunkedReader& operator=(const ChunkedReader&) = delete;

  /// The next chunk in file order, or nullptr at the end. The previous chunk is
  /// given back to the workers by this call, so its views end here.
  /// The consumer owns the chunk until then and may change its records.
  ParsedChunk* next();

 private:
  struct Slot {
    ParsedChunk chunk;
    uint64_t index = 0;
    bool ready = false;
  };
  void start();  // the options made valid, the slots, the workers
  void work();
  [[nodiscard]] bool can_claim() const;  // a slot is free for the next chunk (under mu_)
  // Claims the next chunk of the file and makes it ready: called and returns with `lk` on mu_ held.
  void take_file_chunk(std::unique_lock<std::mutex>& lk);
  // The same for the stream, with its lock `source` held; returns with it released.
  void take_stream_chunk(std::unique_lock<std::mutex>& source, std::unique_lock<std::mutex>& lk);
  // The consumer's turn at a chunk while it waits (consumer_parses); false when there is none to claim.
  bool help(std::unique_lock<std::mutex>& lk);
  [[nodiscard]] uint64_t chunk_end(uint64_t begin) const;
  void fill(ParsedChunk& chunk, uint64_t begin, uint64_t end) const;
  bool fill_whole(ParsedChunk& chunk, uint64_t begin, uint64_t end) const;
  void fill_by_lines(ParsedChunk& chunk, uint64_t begin, uint64_t end) const;
  void work_stream();
  // The next lines of the stream into `chunk` (not parsed); true at the stream's end.
  bool copy_from_stream(ParsedChunk& chunk);

  int fd_ = -1;
  uint64_t size_ = 0;
  LineReader* stream_ = nullptr;  // the stream mode's source
  std::mutex stream_mu_;          // one worker reads the stream at a time; taken before mu_
  bool stream_done_ = false;      // the stream ended (under mu_)
  std::string name_;
  ChunkOptions opts_;
  std::vector<Slot> slots_;
  std::mutex mu_;
  std::condition_variable work_cv_;   // a slot came free, or stop
  std::condition_variable ready_cv_;  // a chunk is ready
  uint64_t next_claim_ = 0;           // index of the next chunk to read
  uint64_t next_begin_ = 0;           // its first byte
  uint64_t total_ = UINT64_MAX;       // number of chunks, once the last is claimed
  uint64_t consumed_ = 0;             // chunks given back by the consumer
  uint64_t current_ = 0;              // chunks handed to the consumer
  bool holding_ = false;              // the consumer holds chunk current_ - 1
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gcsight
