// The read loop shared by `gcsight analyze` and the tests: one pass over each
// input, lines handed on as views (no copy unless the stitcher holds one). A
// large regular file that is not compressed, and a stream (standard input, a
// pipe, a compressed file, a rotated set), are read and parsed by worker
// threads in chunks (io/chunked_reader), and consumed here in order through
// the same unwrapper, stitcher and analyzer, so the report is the same.
#include "io/analyze_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "core/line_stitcher.h"
#include "core/log_wrapper.h"
#include "core/trace_line_fast.h"
#include "core/trace_line_parser.h"
#include "gcsight/version.h"

namespace gcsight {

namespace {

UnwrapOptions unwrap_options(int default_year) {
  UnwrapOptions uopts;
  uopts.default_year = default_year;
  return uopts;
}

void end_input(Analyzer& analyzer, const LogUnwrapper& unwrap, const LineStitcher& stitcher, InputInfo info) {
  analyzer.end_input(std::move(info), stitcher.stats(), std::string(wrapper_name(unwrap.kind())));
}

// One LineParse per kind, of which only the fields a parse settles are
// rewritten per line; the others keep their defaults, as in a LineParse that
// parse_trace_line returns. Handing the stitcher one of these saves building
// (zeroing) a whole LineParse on every line.
class ParseSlots {
 public:
  ParseSlots() {
    for (size_t k = 0; k < std::size(slots_); ++k) slots_[k].kind = static_cast<LineKind>(k);
  }
  LineParse& slot(LineKind kind, size_t begin, size_t end) {
    LineParse& p = slots_[static_cast<size_t>(kind)];
    p.begin = begin;
    p.end = end;
    return p;
  }
  /// parse_trace_line(text) when the fast path settles it, else nullptr.
  LineParse* common(std::string_view text) {
    size_t end = 0;
    const LineKind kind = read_common_line<false>(text, slots_[static_cast<size_t>(LineKind::kGc)].gc,
                                                  slots_[static_cast<size_t>(LineKind::kScav)].scav, &end);
    return kind == LineKind::kPartial ? nullptr : &slot(kind, 0, end);
  }

 private:
  LineParse slots_[static_cast<size_t>(LineKind::kPartial) + 1];
};

// A whole gc or scav line's record handed to the analyzer, numbered, as the
// stitcher would hand it on.
inline void deliver_gc(LineStitcher& stitcher, Analyzer& analyzer, GcCycle& gc, uint64_t number, int64_t wall_ns) {
  gc.line = number;
  gc.wall_ns = wall_ns;
  stitcher.passed_on_gc(gc);
  analyzer.on_gc(gc);
}
inline void deliver_scav(Analyzer& analyzer, ScavEvent& scav, uint64_t number, int64_t wall_ns) {
  scav.line = number;
  scav.wall_ns = wall_ns;
  analyzer.on_scav(scav);
}

// The fast lane: a whole gc or scav line the stitcher would pass straight on
// goes to the analyzer as its record, with no event built. False when the line
// must be pushed.
bool pass_whole(LineStitcher& stitcher, Analyzer& analyzer, const InputLine& in, LineKind kind, size_t begin,
                size_t end, GcCycle* gc, ScavEvent* scav) {
  if (!stitcher.passes_whole(in, kind, begin, end)) return false;
  if (kind != LineKind::kScav && !stitcher.passes_number(*gc)) return false;
  if (kind == LineKind::kScav) {
    deliver_scav(analyzer, *scav, in.number, in.wall_ns);
  } else {
    deliver_gc(stitcher, analyzer, *gc, in.number, in.wall_ns);
  }
  return true;
}

// The same for a whole line of program output; `runtime_tail` and `signature`
// are looks_like_runtime_tail and signature_of its text. `borrowed`: the text
// is a chunk's, which stays until the analyzer keeps what it wants of it.
bool pass_program(LineStitcher& stitcher, Analyzer& analyzer, const InputLine& in, bool runtime_tail,
                  uint64_t signature, bool borrowed) {
  if (!stitcher.passes_program(runtime_tail)) return false;
  stitcher.passed_on_program(signature);
  if (borrowed) {
    analyzer.on_program_line_borrowed(in.text, in.number, in.wall_ns);
  } else {
    analyzer.on_program_line(in.text, in.number, in.wall_ns);
  }
  return true;
}

// A line of a chunk whose worker's parse is the stitcher's own (the text is
// the line as read, or as unwrapped to the very same bytes): the fast lanes,
// else a push with that parse. Most lines of a trace end in the first branch.
inline void take_parsed(LineStitcher& stitcher, Analyzer& analyzer, ParseSlots& parses, ParsedChunk& chunk,
                        const ChunkLine& l, const InputLine& in) {
  switch (l.kind) {
    case LineKind::kGc:
    case LineKind::kGcLegacy: {
      GcCycle& gc = chunk.gcs[l.record];
      if (pass_whole(stitcher, analyzer, in, l.kind, l.begin, l.end, &gc, nullptr)) return;
      LineParse& parse = parses.slot(l.kind, l.begin, l.end);
      parse.gc = gc;
      stitcher.push(in, parse);
      return;
    }
    case LineKind::kScav: {
      ScavEvent& scav = chunk.scavs[l.record];
      if (pass_whole(stitcher, analyzer, in, l.kind, l.begin, l.end, nullptr, &scav)) return;
      LineParse& parse = parses.slot(l.kind, l.begin, l.end);
      parse.scav = scav;
      stitcher.push(in, parse);
      return;
    }
    case LineKind::kProgram:
      if (pass_program(stitcher, analyzer, in, l.runtime_tail, l.signature, true)) return;
      break;
    default:
      break;
  }
  stitcher.push(in, parses.slot(l.kind, l.begin, l.end));
}

// The lines [from, end) of a chunk of a plain log (no wrapper: each line is
// its own payload, as LogUnwrapper::feed would give it), `number` being the
// first one's. Nothing held by the stitcher changes while lines take the fast
// lanes, so whether it holds anything is asked again only after a push.
void take_plain(LineStitcher& stitcher, Analyzer& analyzer, ParseSlots& parses, ParsedChunk& chunk, size_t from,
                uint64_t number) {
  const size_t count = chunk.lines.size();
  const ChunkLine* const ls = chunk.lines.data();
  const char* const text = chunk.text.get();
  bool idle = !stitcher.holding();
  for (size_t i = from; i < count; ++i, ++number) {
    const ChunkLine& l = ls[i];
    // The text was written by another core: ask for it ahead of the line it belongs to.
    if (i + 8 < count) __builtin_prefetch(text + ls[i + 8].offset);
    if (idle) {
      if (LineStitcher::whole_runtime_line(l.kind, l.begin, l.end, l.length, l.terminated)) {
        if (l.kind == LineKind::kScav) {
          deliver_scav(analyzer, chunk.scavs[l.record], number, 0);
          continue;
        }
        if (stitcher.passes_number(chunk.gcs[l.record])) {
          deliver_gc(stitcher, analyzer, chunk.gcs[l.record], number, 0);
          continue;
        }
      }
      if (l.kind == LineKind::kProgram &&
          pass_program(stitcher, analyzer, {{text + l.offset, l.length}, number, 0, l.terminated}, l.runtime_tail,
                       l.signature, true)) {
        continue;
      }
    }
    const InputLine in{{text + l.offset, l.length}, number, 0, l.terminated};
    if (l.kind != LineKind::kPartial) {
      take_parsed(stitcher, analyzer, parses, chunk, l, in);
    } else {
      stitcher.push(in);
    }
    idle = !stitcher.holding();
  }
}

bool analyze_chunked(ChunkedReader& chunks, const std::string& name, Analyzer& analyzer, int default_year,
                     std::string* error) {
  analyzer.begin_input(name);
  LogUnwrapper unwrap(unwrap_options(default_year));
  LineStitcher stitcher([&analyzer](const TraceEvent& e) { analyzer.on_event(e); });
  Unwrapped u;
  ParseSlots parses;
  uint64_t lines = 0;
  uint64_t bytes = 0;
  bool last_terminated = true;
  std::string read_error;
  while (ParsedChunk* chunk = chunks.next()) {
    const size_t count = chunk->lines.size();
    size_t i = 0;
    // While the unwrapper probes the first lines for a wrapper, and for good if it finds one.
    for (; i < count && !unwrap.plain(); ++i) {
      const ChunkLine& l = chunk->lines[i];
      if (i + 8 < count) __builtin_prefetch(chunk->text.get() + chunk->lines[i + 8].offset);
      const std::string_view text = chunk->line(l);
      ++lines;
      if (!unwrap.feed(text, lines, u)) continue;
      const InputLine in{u.payload, u.first_line, u.has_time ? u.wall_ns : 0, l.terminated};
      // The worker's parse is the stitcher's own only for the very same text.
      if (l.kind != LineKind::kPartial && u.payload.data() == text.data() && u.payload.size() == text.size()) {
        take_parsed(stitcher, analyzer, parses, *chunk, l, in);
      } else {
        stitcher.push(in);
      }
    }
    if (i < count) {
      take_plain(stitcher, analyzer, parses, *chunk, i, lines + 1);
      lines += count - i;
    }
    if (count > 0) last_terminated = chunk->lines[count - 1].terminated;
    analyzer.keep_borrowed_text();  // before next() takes the chunk back
    bytes += chunk->bytes;
    if (chunk->failed) {
      read_error = chunk->error;
      break;
    }
  }
  while (unwrap.finish(u)) stitcher.push({u.payload, u.first_line, u.has_time ? u.wall_ns : 0, last_terminated});
  stitcher.finish();
  InputInfo info{name, bytes, lines, read_error};
  if (!read_error.empty() && error != nullptr) *error = read_error;
  end_input(analyzer, unwrap, stitcher, std::move(info));
  return read_error.empty();
}

}  // namespace

bool analyze_reader(LineReader& reader, Analyzer& analyzer, int default_year, std::string* error) {
  analyzer.begin_input(reader.name());
  LogUnwrapper unwrap(unwrap_options(default_year));
  LineStitcher stitcher([&analyzer](const TraceEvent& e) { analyzer.on_event(e); });
  Line line;
  Unwrapped u;
  ParseSlots parses;
  uint64_t lines = 0;
  bool last_terminated = true;
  while (reader.next(line)) {
    ++lines;
    last_terminated = line.terminated;
    if (unwrap.feed(line.text, line.number, u)) {
      const InputLine in{u.payload, u.first_line, u.has_time ? u.wall_ns : 0, line.terminated};
      if (LineParse* p = parses.common(u.payload)) {
        if (pass_whole(stitcher, analyzer, in, p->kind, p->begin, p->end, &p->gc, &p->scav)) continue;
        if (p->kind == LineKind::kProgram && !stitcher.holding() &&
            pass_program(stitcher, analyzer, in, looks_like_runtime_tail(in.text), signature_of(in.text), false)) {
          continue;
        }
        stitcher.push(in, *p);
      } else {
        stitcher.push(in);
      }
    }
  }
  // One unfinished joined line may remain per stream.
  while (unwrap.finish(u)) stitcher.push({u.payload, u.first_line, u.has_time ? u.wall_ns : 0, last_terminated});
  stitcher.finish();
  InputInfo info{reader.name(), reader.bytes_read(), lines, {}};
  const bool ok = !reader.failed();
  if (!ok) {
    info.error = reader.error();
    if (error != nullptr) *error = reader.error();
  }
  end_input(analyzer, unwrap, stitcher, std::move(info));
  return ok;
}

bool analyze_input(const std::string& path, LineReader& reader, Analyzer& analyzer, int default_year,
                   std::string* error, const ReadOptions& read) {
  ChunkOptions chunks = read.chunks;
  if (chunks.workers == 0) {
    // The consumer parses too, so one worker fewer than the cores keeps them
    // all busy without a third thread taking turns on two cores (measured:
    // 1 worker + the consumer is about a fifth faster than 2 workers on 2 cores).
    chunks.workers = std::clamp(std::thread::hardware_concurrency(), 1u, 4u) - 1;
    chunks.consumer_parses = true;
  }
  const unsigned parsers = chunks.workers + (chunks.consumer_parses ? 1 : 0);
  if (chunks.in_flight == 0) chunks.in_flight = std::min<size_t>(2 * size_t{parsers} + 2, 8);
  if (!read.parallel || chunks.workers == 0 || parsers < 2) {
    return analyze_reader(reader, analyzer, default_year, error);
  }
  if (!path.empty() && path != "-" && reader.compression() == Compression::kNone) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return analyze_reader(reader, analyzer, default_year, error);
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (regular && static_cast<uint64_t>(st.st_size) >= read.parallel_min_bytes) {
      // A large plain file: its chunks are read and parsed in parallel.
      ChunkedReader chunked(fd, static_cast<uint64_t>(st.st_size), reader.name(), chunks);
      return analyze_chunked(chunked, reader.name(), analyzer, default_year, error);
    }
    ::close(fd);
    if (regular) return analyze_reader(reader, analyzer, default_year, error);
  }
  // A stream (a pipe, a compressed file, a rotated set): the reader is read one
  // chunk at a time, and the chunks are parsed in parallel.
  ChunkedReader chunked(reader, chunks);
  return analyze_chunked(chunked, reader.name(), analyzer, default_year, error);
}

Report analyze_files(const std::vector<std::string>& paths, const AnalyzeOptions& opts,
                     const CycleSink& cycles, int default_year, std::vector<std::string>* errors,
                     const ReadOptions& read) {
  Analyzer analyzer(opts, cycles);
  for (const std::string& path : paths) {
    std::string err;
    auto reader = LineReader::open(path, &err);
    if (!reader) {
      const std::string name = path == "-" ? "<stdin>" : path;
      analyzer.begin_input(name);
      analyzer.end_input(InputInfo{name, 0, 0, err}, StitchStats{}, "none");
      if (errors != nullptr) errors->push_back(err);
      continue;
    }
    if (!analyze_input(path, *reader, analyzer, default_year, &err, read) && errors != nullptr) {
      errors->push_back(err);
    }
  }
  return analyzer.finish(kVersion);
}

}  // namespace gcsight
