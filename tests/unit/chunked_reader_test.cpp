// The parallel chunked reader against the sequential one. Chunks are forced
// tiny (a few KiB, down to one byte), so chunk boundaries fall inside and
// between split runtime lines, held lines and wrapper records; the JSON report
// must be byte for byte the sequential one on every fixture and on generated
// traces of every format, and the chunks' lines must be the LineReader's
// (CRLF, overlong lines, a last line without "\n", empty files).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/trace_line_parser.h"
#include "io/analyze_files.h"
#include "io/chunked_reader.h"
#include "io/line_reader.h"
#include "render/render_json.h"
#include "support/compress.h"
#include "support/e2e.h"

#ifdef GCSIGHT_HAVE_TRACEGEN
#include "trace_model.h"
#endif

namespace gcsight {
namespace {

namespace fs = std::filesystem;

using testing_support::TempDir;

ReadOptions sequential() {
  ReadOptions r;
  r.parallel = false;
  return r;
}

ReadOptions chunked(size_t chunk_bytes, unsigned workers = 2, size_t in_flight = 3, bool consumer_parses = false) {
  ReadOptions r;
  r.parallel = true;
  r.parallel_min_bytes = 0;
  r.chunks.chunk_bytes = chunk_bytes;
  r.chunks.workers = workers;
  r.chunks.in_flight = in_flight;
  r.chunks.consumer_parses = consumer_parses;
  return r;
}

// As analyze_files chooses on two cores: one worker, and the consumer parses too.
ReadOptions shared(size_t chunk_bytes, size_t in_flight = 6) { return chunked(chunk_bytes, 1, in_flight, true); }

std::string report_json(const fs::path& p, const ReadOptions& read, uint64_t* cycles = nullptr) {
  std::vector<std::string> errors;
  uint64_t n = 0;
  const Report r = analyze_files({p.string()}, AnalyzeOptions{}, [&](uint32_t, const GcCycle&) { ++n; }, 2026,
                                 &errors, read);
  if (cycles != nullptr) *cycles = n;
  std::string out = render_json(r);
  for (const std::string& e : errors) out += "\nerror: " + e;
  return out;
}

bool is_trace_file(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.ends_with(".log") || name.ends_with(".txt");
}

TEST(ChunkedReader, EveryFixtureGivesTheSequentialReport) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(GCSIGHT_TEST_DATA))) {
    if (e.is_regular_file() && is_trace_file(e.path())) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 30u);
  for (const fs::path& f : files) {
    const std::string expected = report_json(f, sequential());
    EXPECT_EQ(report_json(f, chunked(4096)), expected) << f;
    EXPECT_EQ(report_json(f, chunked(1000, 3, 2)), expected) << f;
    EXPECT_EQ(report_json(f, shared(1000, 2)), expected) << f;
  }
}

TEST(ChunkedReader, OneLinePerChunkOnSplitLines) {
  // combined.log holds program output merged into runtime lines: every line its own chunk.
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(GCSIGHT_TEST_DATA) / "corpus")) {
    if (e.is_regular_file() && e.path().filename() == "combined.log") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  for (size_t i = 0; i < files.size() && i < 6; ++i) {
    const std::string expected = report_json(files[i], sequential());
    EXPECT_EQ(report_json(files[i], chunked(1, 2, 5)), expected) << files[i];
    EXPECT_EQ(report_json(files[i], shared(1, 5)), expected) << files[i];
  }
}

#ifdef GCSIGHT_HAVE_TRACEGEN
std::string generated(tracegen::TraceFormat format, uint64_t seed, size_t bytes = 3u << 20) {
  tracegen::GenOptions o;
  o.format = format;
  o.size_bytes = bytes;
  o.midline_rate = 0.05;  // one gc line in twenty split by application output
  o.app_ratio = 0.3;
  o.seed = seed;
  std::string text;
  (void)tracegen::generate_trace(o, text);
  return text;
}

TEST(ChunkedReader, GeneratedTracesWithSplitLines) {
  using tracegen::TraceFormat;
  TempDir dir("chunked");
  for (TraceFormat format : {TraceFormat::kModern, TraceFormat::kGo119, TraceFormat::kLegacy, TraceFormat::kGo15}) {
    const fs::path p = dir.write("trace.log", generated(format, 3));
    uint64_t seq_cycles = 0;
    uint64_t par_cycles = 0;
    const std::string expected = report_json(p, sequential(), &seq_cycles);
    EXPECT_GT(seq_cycles, 1000u);
    for (size_t chunk : {size_t{4096}, size_t{4093}, size_t{65536}}) {
      EXPECT_EQ(report_json(p, chunked(chunk), &par_cycles), expected) << tracegen::format_name(format) << " " << chunk;
      EXPECT_EQ(par_cycles, seq_cycles);
      EXPECT_EQ(report_json(p, shared(chunk), &par_cycles), expected) << tracegen::format_name(format) << " " << chunk;
      EXPECT_EQ(par_cycles, seq_cycles);
    }
  }
}

TEST(ChunkedReader, CompressedTracesGiveTheSequentialReport) {
  // Compressed inputs are read in the stream mode: one worker decompresses the
  // next lines while the others parse theirs.
  using tracegen::TraceFormat;
  TempDir dir("chunked");
  for (TraceFormat format : {TraceFormat::kModern, TraceFormat::kLegacy}) {
    const std::string text = generated(format, 11, 1u << 20);
    for (const fs::path& p : {dir.write("trace.log.gz", testing_support::gzip(text)),
                              dir.write("trace.log.zst", testing_support::zstd(text))}) {
      uint64_t seq_cycles = 0;
      uint64_t par_cycles = 0;
      const std::string expected = report_json(p, sequential(), &seq_cycles);
      EXPECT_GT(seq_cycles, 300u);
      for (size_t chunk : {size_t{1}, size_t{4093}, size_t{65536}}) {
        for (const ReadOptions& read : {chunked(chunk), shared(chunk)}) {
          EXPECT_EQ(report_json(p, read, &par_cycles), expected) << p << " " << chunk;
          EXPECT_EQ(par_cycles, seq_cycles);
        }
      }
    }
  }
}

TEST(ChunkedReader, WrappedAndCrlfTraces) {
  // A docker json-file log (the unwrapper joins and strips records) and a CRLF one.
  const std::string text = generated(tracegen::TraceFormat::kModern, 5, 1u << 20);
  std::string docker;
  std::string crlf;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string_view line = std::string_view(text).substr(pos, nl - pos);
    std::string esc;
    for (char c : line) {
      if (c == '"' || c == '\\') esc += '\\';
      esc += c;
    }
    docker += R"({"log":")" + esc + R"(\n","stream":"stderr","time":"2024-03-01T12:00:00.000000000Z"})" + "\n";
    crlf += std::string(line) + "\r\n";
    pos = nl + 1;
  }
  TempDir dir("chunked");
  for (const auto& [name, data] : {std::pair{"docker.log", docker}, std::pair{"crlf.log", crlf}}) {
    const fs::path p = dir.write(name, data);
    const std::string expected = report_json(p, sequential());
    EXPECT_EQ(report_json(p, chunked(4096)), expected) << name;
    EXPECT_EQ(report_json(p, chunked(777, 2, 2)), expected) << name;
    EXPECT_EQ(report_json(p, shared(777, 2)), expected) << name;
  }
}
#endif

// A line as read, and what the parse made of it: the chunks' workers must settle
// each line as parse_trace_line does.
struct ReadLine {
  std::string text;
  bool terminated;
  LineKind kind;
  size_t end;
  bool operator==(const ReadLine&) const = default;
};

ReadLine parsed(std::string_view text, bool terminated) {
  const LineParse p = parse_trace_line(text);
  return {std::string(text), terminated, p.kind, p.end};
}

ReadLine settled(const ParsedChunk& c, const ChunkLine& l) {
  return {std::string(c.line(l)), l.terminated, l.kind, l.end};
}

const std::string kGcLine =
    "gc 12 @3.456s 7%: 0.031+1.2+0.045 ms clock, 0.25+0.11/2.3/4.5+0.36 ms cpu, 57->58->30 MB, 60 MB goal, 1 MB "
    "stacks, 0 MB globals, 8 P";
const std::string kScavLine = "scav 1632 KiB work (bg), 0 KiB work (eager), 1632 KiB now, 76% util";

std::vector<ReadLine> sequential_lines(const fs::path& p, const LineReaderOptions& o, uint64_t* bytes) {
  std::string err;
  auto r = LineReader::open(p.string(), &err, o);
  std::vector<ReadLine> out;
  Line line;
  while (r->next(line)) out.push_back(parsed(line.text, line.terminated));
  *bytes = r->bytes_read();
  return out;
}

std::vector<ReadLine> chunked_lines(const fs::path& p, const ChunkOptions& o, uint64_t* bytes) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  const auto size = static_cast<uint64_t>(fs::file_size(p));
  ChunkedReader reader(fd, size, p.string(), o);
  std::vector<ReadLine> out;
  *bytes = 0;
  while (const ParsedChunk* c = reader.next()) {
    for (const ChunkLine& l : c->lines) out.push_back(settled(*c, l));
    *bytes += c->bytes;
  }
  return out;
}

// The same through the stream mode: the workers take the reader's lines in turn.
std::vector<ReadLine> stream_lines(const fs::path& p, const ChunkOptions& o, uint64_t* bytes) {
  std::string err;
  auto source = LineReader::open(p.string(), &err, o.reader);
  ChunkedReader reader(*source, o);
  std::vector<ReadLine> out;
  *bytes = 0;
  while (const ParsedChunk* c = reader.next()) {
    for (const ChunkLine& l : c->lines) out.push_back(settled(*c, l));
    *bytes += c->bytes;
  }
  return out;
}

TEST(ChunkedReader, LinesAreTheLineReaders) {
  TempDir dir("chunked");
  std::string overlong(300, 'x');
  const std::vector<std::string> inputs = {
      "",
      "no newline at all",
      "\n\n\n",
      "a\r\nb\r\n\r\nc\r",
      "short\n" + overlong + "\nafter\n" + overlong + "\r\n" + overlong,
      overlong + overlong + overlong,
      "x\ny\nz",
      // Whole runtime lines end where their records do, or at text after them, or at
      // "\r\n", or at the end of the input, or are over the cap.
      kGcLine + "\n" + kScavLine + "\r\n" + kGcLine + " and more\n" + kScavLine + "\r\r\n" + kGcLine,
      kScavLine + "\n" + kGcLine + "\r",
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const fs::path p = dir.write("lines" + std::to_string(i), inputs[i]);
    for (const size_t max_line : {size_t{100}, size_t{1000}}) {
      LineReaderOptions lo;
      lo.max_line = max_line;  // a gc line is over 100 bytes
      lo.block_size = 64;
      uint64_t seq_bytes = 0;
      const auto expected = sequential_lines(p, lo, &seq_bytes);
      // Two workers; one worker and the consumer; the consumer alone.
      for (const auto& [workers, consumer_parses] : {std::pair{2u, false}, std::pair{1u, true}, std::pair{0u, true}}) {
        for (size_t chunk : {size_t{1}, size_t{2}, size_t{7}, size_t{64}, size_t{150}, size_t{4096}}) {
          ChunkOptions co;
          co.chunk_bytes = chunk;
          co.workers = workers;
          co.consumer_parses = consumer_parses;
          co.in_flight = 3;
          co.reader = lo;
          uint64_t par_bytes = 0;
          EXPECT_EQ(chunked_lines(p, co, &par_bytes), expected) << "input " << i << " chunk " << chunk;
          EXPECT_EQ(par_bytes, seq_bytes) << "input " << i << " chunk " << chunk;
          // The stream mode, on the file and on its gzip and zstd forms.
          for (const fs::path& s : {p, dir.write("lines.gz", testing_support::gzip(inputs[i])),
                                    dir.write("lines.zst", testing_support::zstd(inputs[i]))}) {
            uint64_t stream_bytes = 0;
            EXPECT_EQ(stream_lines(s, co, &stream_bytes), expected) << s << " input " << i << " chunk " << chunk;
            EXPECT_EQ(stream_bytes, seq_bytes) << s << " input " << i << " chunk " << chunk;
          }
        }
      }
    }
  }
}

TEST(ChunkedReader, StopsEarlyWithoutHanging) {
  TempDir dir("chunked");
  std::string data;
  for (int i = 0; i < 5000; ++i) data += "line " + std::to_string(i) + "\n";
  const fs::path p = dir.write("early", data);
  const fs::path gz = dir.write("early.gz", testing_support::gzip(data));
  for (const bool consumer_parses : {false, true}) {
    ChunkOptions co;
    co.chunk_bytes = 100;
    co.workers = 3;
    co.in_flight = 2;
    co.consumer_parses = consumer_parses;
    {
      ChunkedReader reader(::open(p.c_str(), O_RDONLY | O_CLOEXEC), fs::file_size(p), p.string(), co);
      ASSERT_NE(reader.next(), nullptr);
      ASSERT_NE(reader.next(), nullptr);
      // The destructor stops workers blocked on a full pipeline.
    }
    // The same in the stream mode, where a blocked worker holds the stream.
    std::string err;
    auto source = LineReader::open(gz.string(), &err);
    ChunkedReader stream(*source, co);
    ASSERT_NE(stream.next(), nullptr);
    ASSERT_NE(stream.next(), nullptr);
  }
}

}  // namespace
}  // namespace gcsight
