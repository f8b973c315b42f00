// Cuts a regular file into chunks and parses them on worker threads; see
// chunked_reader.h. Results equal the sequential reader's by construction:
//  - A chunk is the byte range [begin, end) where end is just after the first
//    "\n" at or past begin + chunk_bytes - 1 (or the end of the file), so
//    every chunk starts at a line start. Each chunk is read by a LineReader over
//    that range, which splits, strips "\r" and cuts overlong lines exactly as
//    the sequential LineReader does: its state resets at every "\n".
//  - A worker only parses whole physical lines with parse_trace_line (a pure
//    function of the text) and keeps the outcome unless it is a partial start,
//    whose search data the consumer recomputes. The consumer feeds the lines in
//    order through the log unwrapper and the stitcher as before, and hands the
//    stitcher the worker's parse only when the unwrapper passed the line through
//    unchanged, i.e. when the stitcher would have parsed that very text.
//  - In the stream mode a chunk is the next lines the stream's LineReader gives,
//    copied out by one worker at a time under the stream's lock (so in order),
//    about chunk_bytes of the stream each; they are the sequential reader's lines
//    because they are that reader's.
// Memory is bounded: at most `in_flight` chunks exist (being read, waiting, or
// being consumed), each about chunk_bytes of text plus its line index and
// records; a chunk's buffers are reused for the chunk in_flight places later.
// The chunk boundaries are planned in order under the lock: each search for a
// "\n" starts where the previous chunk ended, so a file with huge lines is
// still scanned once.
#include "io/chunked_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "core/line_stitcher.h"
#include "core/trace_line_fast.h"

namespace gcsight {

namespace {

// Keeps the record of a line of kind `kind` (a gc cycle or a scav line),
// written at next_gc() or next_scav(): its index, for the line.
uint32_t keep_record(ParsedChunk& chunk, LineKind kind) {
  return static_cast<uint32_t>(kind == LineKind::kScav ? chunk.scav_count++ : chunk.gc_count++);
}

// Settles the line `l` of `chunk` (its text in place): the outcome of
// parse_trace_line, kept in the line unless it is a partial start.
void parse_line(ParsedChunk& chunk, ChunkLine& l) {
  const std::string_view text = chunk.line(l);
  size_t end = 0;
  const LineKind kind = read_common_line<true>(text, chunk.next_gc(), chunk.next_scav(), &end);
  if (kind != LineKind::kPartial) {
    l.kind = kind;
    l.end = static_cast<uint32_t>(end);
    if (kind != LineKind::kProgram) l.record = keep_record(chunk, kind);
  } else {
    const LineParse p = parse_trace_line_grammar(text);
    l.kind = p.kind;
    l.begin = static_cast<uint32_t>(p.begin);
    l.end = static_cast<uint32_t>(p.end);
    if (p.kind == LineKind::kGc || p.kind == LineKind::kGcLegacy) {
      chunk.next_gc() = p.gc;
      l.record = keep_record(chunk, p.kind);
    } else if (p.kind == LineKind::kScav) {
      chunk.next_scav() = p.scav;
      l.record = keep_record(chunk, p.kind);
    }
  }
  if (l.kind == LineKind::kProgram) {
    // Worked out here, on a worker, for the consumer's fast lane.
    l.runtime_tail = looks_like_runtime_tail(text);
    l.signature = signature_of(text);
  }
}

// Adds the line at [offset, offset + length) of the chunk's text, parsed.
void add_line(ParsedChunk& chunk, size_t offset, size_t length, bool terminated) {
  ChunkLine& l = chunk.lines.emplace_back();
  l.offset = static_cast<uint32_t>(offset);
  l.length = static_cast<uint32_t>(length);
  l.terminated = terminated;
  parse_line(chunk, l);
}

// A whole gc or scav line at `pos` of the chunk's text (read whole, padded)
// whose record ends at its "\n" or "\r\n": added, parsed, with no search for
// the line's end; `pos` moves past it. False, with nothing added, otherwise
// (also for a line over `max_line`, which the caller handles).
bool take_runtime_line(ParsedChunk& chunk, size_t& pos, size_t max_line) {
  const char* p = chunk.text.get() + pos;
  size_t end = 0;
  const LineKind kind = read_runtime_line_at(p, chunk.next_gc(), chunk.next_scav(), &end);
  if (kind == LineKind::kPartial || end > max_line) return false;
  size_t after = 0;  // the terminator's length
  if (p[end] == '\n') {
    after = 1;
  } else if (p[end] == '\r' && p[end + 1] == '\n') {
    after = 2;
  } else {
    return false;  // text after the record, or the last line without "\n"
  }
  ChunkLine& l = chunk.lines.emplace_back();
  l.offset = static_cast<uint32_t>(pos);
  l.length = static_cast<uint32_t>(end);
  l.end = static_cast<uint32_t>(end);
  l.kind = kind;
  l.record = keep_record(chunk, kind);
  pos += end + after;
  return true;
}

}  // namespace

void ParsedChunk::reset() {
  lines.clear();
  text_size = 0;
  gc_count = 0;
  scav_count = 0;
  failed = false;
  error.clear();
  bytes = 0;
}

char* ParsedChunk::reserve(size_t n) {
  if (n > text_capacity) {
    // A chunk runs to the end of a line, so the next may be a few bytes longer:
    // an eighth more room, or each of them would take fresh (zeroed) pages.
    const size_t cap = std::max(n, text_capacity + text_capacity / 8);
    text.reset(new char[cap + kLinePadding]);
    text_capacity = cap;
  }
  text_size = n;
  return text.get();
}

size_t ParsedChunk::append(std::string_view line) {
  const size_t at = text_size;
  const size_t need = at + line.size() + 1;
  if (need > text_capacity) {
    const size_t cap = std::max(text_capacity * 2, need);
    std::unique_ptr<char[]> bigger(new char[cap + kLinePadding]);
    if (at > 0) std::memcpy(bigger.get(), text.get(), at);
    text = std::move(bigger);
    text_capacity = cap;
  }
  if (!line.empty()) std::memcpy(text.get() + at, line.data(), line.size());
  text[at + line.size()] = '\n';
  text_size = need;
  return at;
}

void ParsedChunk::pad() {
  if (!text) reserve(0);
  std::memset(text.get() + text_size, 0, kLinePadding);
}

ChunkedReader::ChunkedReader(int fd, uint64_t size, std::string name, const ChunkOptions& options)
    : fd_(fd), size_(size), name_(std::move(name)), opts_(options) {
  if (size_ == 0) total_ = 0;
  start();
}

ChunkedReader::ChunkedReader(LineReader& reader, const ChunkOptions& options)
    : stream_(&reader), name_(reader.name()), opts_(options) {
  start();
}

void ChunkedReader::start() {
  opts_.chunk_bytes = std::clamp<size_t>(opts_.chunk_bytes, 1, size_t{1} << 30);
  // Someone must parse: without workers, the consumer does it all.
  if (opts_.workers == 0) opts_.consumer_parses = true;
  opts_.in_flight = std::max<size_t>(opts_.in_flight, 1);
  slots_.resize(opts_.in_flight);
  threads_.reserve(opts_.workers);
  for (unsigned i = 0; i < opts_.workers; ++i) {
    threads_.emplace_back([this] { stream_ != nullptr ? work_stream() : work(); });
  }
}

ChunkedReader::~ChunkedReader() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  if (fd_ >= 0) ::close(fd_);
}

uint64_t ChunkedReader::chunk_end(uint64_t begin) const {
  const uint64_t target = begin + opts_.chunk_bytes;
  if (target >= size_) return size_;
  // The line holding byte target - 1 ends the chunk.
  char buf[64 << 10];
  uint64_t pos = target - 1;
  // A line is short, as a rule: a small read first, larger ones for a long line.
  size_t step = 4 << 10;
  while (pos < size_) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(step, size_ - pos));
    step = std::min(step * 4, sizeof buf);
    const ssize_t got = ::pread(fd_, buf, want, static_cast<off_t>(pos));
    if (got < 0 && errno == EINTR) continue;
    // A read error here: the chunk's own reader meets it again and reports it.
    if (got <= 0) return size_;
    if (const void* nl = std::memchr(buf, '\n', static_cast<size_t>(got))) {
      return pos + static_cast<uint64_t>(static_cast<const char*>(nl) - buf) + 1;
    }
    pos += static_cast<uint64_t>(got);
  }
  return size_;
}

void ChunkedReader::fill(ParsedChunk& chunk, uint64_t begin, uint64_t end) const {
  chunk.reset();
  if (fill_whole(chunk, begin, end)) return;
  chunk.reset();
  fill_by_lines(chunk, begin, end);
}

// The common case: the range in one read and split here, one copy of the bytes.
// It gives up (false) on a line over the cap and on a read error, where the
// LineReader's own handling decides.
bool ChunkedReader::fill_whole(ParsedChunk& chunk, uint64_t begin, uint64_t end) const {
  const uint64_t len = end - begin;
  const size_t max_line = std::max<size_t>(opts_.reader.max_line, 1);
  if (len > opts_.chunk_bytes + max_line + 2) return false;
  char* buf = chunk.reserve(static_cast<size_t>(len));
  size_t got = 0;
  while (got < len) {
    const ssize_t n = ::pread(fd_, buf + got, static_cast<size_t>(len - got), static_cast<off_t>(begin + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  chunk.pad();  // a last line without "\n" ends at a "\0"
  size_t pos = 0;
  while (pos < len) {
    if (take_runtime_line(chunk, pos, max_line)) continue;
    const void* nl = std::memchr(buf + pos, '\n', len - pos);
    if (nl == nullptr) {
      // The last line of the file, without "\n" (nor "\r" stripping, as LineReader).
      if (len - pos > max_line) return false;
      add_line(chunk, pos, len - pos, false);
      break;
    }
    const auto at = static_cast<size_t>(static_cast<const char*>(nl) - buf);
    size_t n = at - pos;
    if (n > 0 && buf[at - 1] == '\r') --n;
    if (n > max_line) return false;
    add_line(chunk, pos, n, true);
    pos = at + 1;
  }
  chunk.bytes = len;
  return true;
}

// Through a LineReader over the range: overlong lines and read errors as the sequential reader has them.
void ChunkedReader::fill_by_lines(ParsedChunk& chunk, uint64_t begin, uint64_t end) const {
  auto reader = LineReader::open_range(fd_, begin, end, name_, opts_.reader);
  Line line;
  while (reader->next(line)) {
    const size_t at = chunk.append(line.text);
    add_line(chunk, at, line.text.size(), line.terminated);
  }
  chunk.pad();
  chunk.bytes = reader->bytes_read();
  if (reader->failed()) {
    chunk.failed = true;
    chunk.error = reader->error();
  }
}

bool ChunkedReader::can_claim() const { return next_claim_ < consumed_ + slots_.size(); }

void ChunkedReader::work() {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    work_cv_.wait(lk, [&] { return stop_ || next_begin_ >= size_ || can_claim(); });
    if (stop_ || next_begin_ >= size_) return;
    take_file_chunk(lk);
  }
}

void ChunkedReader::take_file_chunk(std::unique_lock<std::mutex>& lk) {
  const uint64_t index = next_claim_++;
  const uint64_t begin = next_begin_;
  const uint64_t end = chunk_end(begin);
  next_begin_ = end;
  if (end >= size_) total_ = index + 1;
  lk.unlock();
  if (end >= size_) work_cv_.notify_all();  // the other workers can stop
  Slot& slot = slots_[index % slots_.size()];
  fill(slot.chunk, begin, end);
  lk.lock();
  slot.index = index;
  slot.ready = true;
  ready_cv_.notify_all();
}

bool ChunkedReader::copy_from_stream(ParsedChunk& chunk) {
  chunk.reset();
  const uint64_t bytes_before = stream_->bytes_read();
  Line line;
  bool more = true;
  if (chunk.text_capacity < opts_.chunk_bytes + 4096) chunk.reserve(opts_.chunk_bytes + 4096);
  chunk.text_size = 0;
  // Counted in the stream's bytes, terminators included, so empty lines count too.
  while (stream_->bytes_read() - bytes_before < opts_.chunk_bytes && (more = stream_->next(line))) {
    ChunkLine& l = chunk.lines.emplace_back();
    l.offset = static_cast<uint32_t>(chunk.append(line.text));
    l.length = static_cast<uint32_t>(line.text.size());
    l.terminated = line.terminated;
  }
  chunk.pad();
  chunk.bytes = stream_->bytes_read() - bytes_before;
  if (stream_->failed()) {
    chunk.failed = true;
    chunk.error = stream_->error();
    return true;
  }
  return !more;
}

void ChunkedReader::work_stream() {
  for (;;) {
    std::unique_lock<std::mutex> source(stream_mu_);
    std::unique_lock<std::mutex> lk(mu_);
    work_cv_.wait(lk, [&] { return stop_ || stream_done_ || can_claim(); });
    if (stop_ || stream_done_) return;
    take_stream_chunk(source, lk);
  }
}

void ChunkedReader::take_stream_chunk(std::unique_lock<std::mutex>& source, std::unique_lock<std::mutex>& lk) {
  const uint64_t index = next_claim_++;
  lk.unlock();
  Slot& slot = slots_[index % slots_.size()];
  const bool ended = copy_from_stream(slot.chunk);
  if (ended) {
    lk.lock();
    stream_done_ = true;
    total_ = index + 1;
    lk.unlock();
    work_cv_.notify_all();  // the other workers can stop
  }
  source.unlock();
  // The next worker reads on while this one parses.
  for (ChunkLine& l : slot.chunk.lines) parse_line(slot.chunk, l);
  lk.lock();
  slot.index = index;
  slot.ready = true;
  ready_cv_.notify_all();
}

ParsedChunk* ChunkedReader::next() {
  std::unique_lock<std::mutex> lk(mu_);
  if (holding_) {
    // Give the previous chunk's slot back.
    holding_ = false;
    slots_[(current_ - 1) % slots_.size()].ready = false;
    ++consumed_;
    lk.unlock();
    work_cv_.notify_all();
    lk.lock();
  }
  const uint64_t want = current_;
  const Slot& s = slots_[want % slots_.size()];
  // The chunk wanted is ready, or there is none.
  const auto settled = [&] { return want >= total_ || (s.ready && s.index == want); };
  while (!settled()) {
    // Rather than wait, read and parse a chunk here when one can be claimed.
    if (opts_.consumer_parses && help(lk)) continue;
    // help() may have let go of mu_ while the chunk became ready: look again
    // before sleeping, or its notice is lost.
    if (settled()) break;
    ready_cv_.wait(lk);
  }
  if (want >= total_) return nullptr;
  ++current_;
  holding_ = true;
  return &slots_[want % slots_.size()].chunk;
}

bool ChunkedReader::help(std::unique_lock<std::mutex>& lk) {
  if (stop_ || !can_claim()) return false;
  if (stream_ == nullptr) {
    if (next_begin_ >= size_) return false;
    take_file_chunk(lk);
    return true;
  }
  if (stream_done_) return false;
  // The stream's lock is taken before mu_; a worker holding it is reading on.
  lk.unlock();
  std::unique_lock<std::mutex> source(stream_mu_, std::try_to_lock);
  lk.lock();
  if (!source.owns_lock() || stream_done_ || !can_claim()) return false;
  take_stream_chunk(source, lk);
  return true;
}

}  // namespace gcsight
