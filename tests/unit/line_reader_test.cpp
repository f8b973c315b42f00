// Tests for LineReader: line splitting (CRLF, missing last newline, empty lines,
// lines across block boundaries, overlong lines), gzip and zstd inputs built here
// with the libraries' own encoders (multi-member, multi-frame, truncated, corrupt),
// and the messages for files that cannot be opened.
#include "io/line_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "support/compress.h"

namespace gcsight {
namespace {

struct Got {
  std::string text;
  uint64_t number;
  bool terminated;
  bool operator==(const Got&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Got& g) {
  return os << "{\"" << g.text << "\", " << g.number << ", " << g.terminated << "}";
}

std::vector<Got> read_all(LineReader& r) {
  std::vector<Got> out;
  Line line;
  while (r.next(line)) out.push_back({std::string(line.text), line.number, line.terminated});
  return out;
}

std::vector<Got> read_string(std::string data, size_t block = 1 << 20, size_t max_line = 16 << 20) {
  LineReaderOptions opts;
  opts.block_size = block;
  opts.max_line = max_line;
  auto r = LineReader::from_string(std::move(data), "mem", opts);
  auto lines = read_all(*r);
  EXPECT_FALSE(r->failed()) << r->error();
  return lines;
}

// The obviously correct split the fast reader must agree with.
std::vector<Got> reference_split(const std::string& data) {
  std::vector<Got> out;
  size_t pos = 0;
  uint64_t n = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) {
      out.push_back({data.substr(pos), ++n, false});
      break;
    }
    std::string line = data.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back({line, ++n, true});
    pos = nl + 1;
  }
  return out;
}

using testing_support::gzip;
using testing_support::zstd;

// Lines with varied lengths, so that small blocks cut them at every offset.
std::string sample_text() {
  std::string s;
  for (int i = 0; i < 200; ++i) {
    s += "gc " + std::to_string(i) + " @" + std::to_string(i * 7) + ".1s";
    s += std::string(static_cast<size_t>(i % 37), 'x');
    s += (i % 5 == 0) ? "\r\n" : "\n";
    if (i % 11 == 0) s += "\n";
  }
  s += "tail without newline";
  return s;
}

TEST(LineReader, SplitsLinesAndNumbersThem) {
  auto lines = read_string("gc 1 @0.1s\ngc 2 @0.2s\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], (Got{"gc 1 @0.1s", 1, true}));
  EXPECT_EQ(lines[1], (Got{"gc 2 @0.2s", 2, true}));
}

TEST(LineReader, StripsCrlfButOnlyOneCarriageReturn) {
  auto lines = read_string("a\r\nb\r\r\nc\rd\n");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "a");
  EXPECT_EQ(lines[1].text, "b\r");
  EXPECT_EQ(lines[2].text, "c\rd");
}

TEST(LineReader, LastLineWithoutNewlineIsUnterminated) {
  auto lines = read_string("one\ntwo");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], (Got{"two", 2, false}));
}

TEST(LineReader, EmptyLinesAndEmptyInput) {
  EXPECT_TRUE(read_string("").empty());
  auto lines = read_string("\n\nx\n\n");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], (Got{"", 1, true}));
  EXPECT_EQ(lines[1], (Got{"", 2, true}));
  EXPECT_EQ(lines[2], (Got{"x", 3, true}));
  EXPECT_EQ(lines[3], (Got{"", 4, true}));
  auto crlf_only = read_string("\r\n");
  ASSERT_EQ(crlf_only.size(), 1u);
  EXPECT_EQ(crlf_only[0].text, "");
}

TEST(LineReader, LinesCrossingBlockBoundariesMatchReference) {
  const std::string text = sample_text();
  const auto expected = reference_split(text);
  for (size_t block : {1u, 2u, 3u, 5u, 7u, 16u, 63u, 64u, 65u, 4096u}) {
    SCOPED_TRACE("block " + std::to_string(block));
    EXPECT_EQ(read_string(text, block), expected);
  }
}

TEST(LineReader, CrlfSplitAcrossBlocks) {
  // With block 4, "abc\r" fills the first block and "\n" starts the next.
  auto lines = read_string("abc\r\ndef\r\n", 4);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "abc");
  EXPECT_EQ(lines[1].text, "def");
}

TEST(LineReader, LineLongerThanBlockGrowsBuffer) {
  std::string long_line(10000, 'q');
  auto lines = read_string("a\n" + long_line + "\nb\n", 16);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].text, long_line);
  EXPECT_EQ(lines[2], (Got{"b", 3, true}));
}

TEST(LineReader, OverlongLineIsCutAndItsTailSkipped) {
  LineReaderOptions opts;
  opts.block_size = 4;
  opts.max_line = 8;
  auto r = LineReader::from_string("0123456789abcdef\nxy\n", "mem", opts);
  auto lines = read_all(*r);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], (Got{"01234567", 1, true}));
  EXPECT_EQ(lines[1], (Got{"xy", 2, true}));
  EXPECT_EQ(r->overlong_lines(), 1u);
  EXPECT_EQ(r->bytes_read(), 20u);
  EXPECT_FALSE(r->failed());
}

TEST(LineReader, LineOfExactlyMaxLengthIsNotOverlong) {
  LineReaderOptions opts;
  opts.block_size = 3;
  opts.max_line = 8;
  auto r = LineReader::from_string("01234567\r\n01234567\n012345678\n", "mem", opts);
  auto lines = read_all(*r);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "01234567");
  EXPECT_EQ(lines[1].text, "01234567");
  EXPECT_EQ(lines[2].text, "01234567");
  EXPECT_EQ(r->overlong_lines(), 1u);
}

TEST(LineReader, OverlongLineInsideOneBlockAndAtEndOfInput) {
  LineReaderOptions opts;
  opts.block_size = 1024;
  opts.max_line = 4;
  auto r = LineReader::from_string("abcdefgh\nok\nxyzxyzxyz", "mem", opts);
  auto lines = read_all(*r);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], (Got{"abcd", 1, true}));
  EXPECT_EQ(lines[1], (Got{"ok", 2, true}));
  EXPECT_EQ(lines[2], (Got{"xyzx", 3, true}));  // a cut line counts as terminated
  EXPECT_EQ(r->overlong_lines(), 2u);
}

TEST(LineReader, DefaultCapIs16MiB) {
  const size_t cap = size_t{16} << 20;
  std::string data(cap + 1000, 'z');
  data += "\nnext\n";
  auto r = LineReader::from_string(std::move(data), "mem");
  Line line;
  ASSERT_TRUE(r->next(line));
  EXPECT_EQ(line.text.size(), cap);
  EXPECT_TRUE(line.terminated);
  ASSERT_TRUE(r->next(line));
  EXPECT_EQ(line.text, "next");
  EXPECT_EQ(line.number, 2u);
  EXPECT_FALSE(r->next(line));
  EXPECT_EQ(r->overlong_lines(), 1u);
}

TEST(LineReader, BytesReadCountsDeliveredBytes) {
  auto r = LineReader::from_string("ab\r\ncd\nef", "mem");
  Line line;
  ASSERT_TRUE(r->next(line));
  EXPECT_EQ(r->bytes_read(), 4u);
  ASSERT_TRUE(r->next(line));
  EXPECT_EQ(r->bytes_read(), 7u);
  ASSERT_TRUE(r->next(line));
  EXPECT_EQ(r->bytes_read(), 9u);
  EXPECT_FALSE(r->next(line));
}

TEST(LineReader, Gzip) {
  const std::string text = sample_text();
  for (size_t block : {1u, 7u, 1u << 20}) {
    LineReaderOptions opts;
    opts.block_size = block;
    auto r = LineReader::from_string(gzip(text), "trace.gz", opts);
    EXPECT_EQ(r->compression(), Compression::kGzip);
    EXPECT_EQ(read_all(*r), reference_split(text)) << "block " << block;
    EXPECT_FALSE(r->failed()) << r->error();
    EXPECT_EQ(r->bytes_read(), text.size());
  }
}

TEST(LineReader, GzipTwoMembersAreReadWhole) {
  // The first member ends mid-line: the line continues in the second.
  auto r = LineReader::from_string(gzip("gc 1\ngc ") + gzip("2\ngc 3\n"), "two.gz");
  auto lines = read_all(*r);
  EXPECT_FALSE(r->failed()) << r->error();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], (Got{"gc 2", 2, true}));
  EXPECT_EQ(lines[2], (Got{"gc 3", 3, true}));
}

TEST(LineReader, GzipZeroPaddingIsAcceptedGarbageIsNot) {
  auto padded = LineReader::from_string(gzip("a\n") + std::string(512, '\0'), "pad.gz");
  EXPECT_EQ(read_all(*padded).size(), 1u);
  EXPECT_FALSE(padded->failed()) << padded->error();

  auto garbage = LineReader::from_string(gzip("a\n") + std::string(8, '\0') + "junk", "g.gz");
  EXPECT_EQ(read_all(*garbage).size(), 1u);
  EXPECT_TRUE(garbage->failed());
  EXPECT_NE(garbage->error().find("trailing garbage"), std::string::npos) << garbage->error();
}

TEST(LineReader, TruncatedGzipDeliversLinesThenFails) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "gc " + std::to_string(i) + " @1.0s 0%: a line of text\n";
  std::string gz = gzip(text);
  gz.resize(gz.size() / 2);
  LineReaderOptions opts;
  opts.block_size = 512;
  auto r = LineReader::from_string(gz, "cut.log.gz", opts);
  auto lines = read_all(*r);
  EXPECT_TRUE(r->failed());
  EXPECT_EQ(r->error(), "cannot read 'cut.log.gz': truncated gzip stream");
  ASSERT_GT(lines.size(), 100u);
  EXPECT_EQ(lines[0].text, "gc 0 @1.0s 0%: a line of text");
  EXPECT_EQ(lines[99].text, "gc 99 @1.0s 0%: a line of text");
  Line line;
  EXPECT_FALSE(r->next(line));  // stays at the end
}

TEST(LineReader, CorruptGzipFails) {
  std::string gz = gzip(sample_text());
  for (size_t i = 20; i < 40; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
  auto r = LineReader::from_string(gz, "bad.gz");
  read_all(*r);
  EXPECT_TRUE(r->failed());
  EXPECT_NE(r->error().find("'bad.gz'"), std::string::npos) << r->error();
  EXPECT_NE(r->error().find("gzip"), std::string::npos) << r->error();
}

TEST(LineReader, Zstd) {
  const std::string text = sample_text();
  for (size_t block : {1u, 7u, 1u << 20}) {
    LineReaderOptions opts;
    opts.block_size = block;
    auto r = LineReader::from_string(zstd(text), "trace.zst", opts);
    EXPECT_EQ(r->compression(), Compression::kZstd);
    EXPECT_EQ(read_all(*r), reference_split(text)) << "block " << block;
    EXPECT_FALSE(r->failed()) << r->error();
  }
}

TEST(LineReader, ZstdTwoFramesAreReadWhole) {
  auto r = LineReader::from_string(zstd("gc 1\ngc ") + zstd("2\n"), "two.zst");
  auto lines = read_all(*r);
  EXPECT_FALSE(r->failed()) << r->error();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], (Got{"gc 2", 2, true}));
}

TEST(LineReader, TruncatedZstdDeliversLinesThenFails) {
  std::string text;
  // Several zstd blocks (128 KiB each): only whole blocks decode.
  for (int i = 0; i < 100000; ++i) text += "line " + std::to_string(i * 7919) + "\n";
  std::string z = zstd(text);
  z.resize(z.size() - 7);
  auto r = LineReader::from_string(z, "cut.zst");
  auto lines = read_all(*r);
  EXPECT_TRUE(r->failed());
  EXPECT_EQ(r->error(), "cannot read 'cut.zst': truncated zstd stream");
  ASSERT_GT(lines.size(), 10u);
  EXPECT_EQ(lines[0].text, "line 0");
}

TEST(LineReader, CorruptZstdFails) {
  std::string z = zstd(sample_text());
  for (size_t i = 8; i < z.size(); i += 3) z[i] = static_cast<char>(z[i] ^ 0xff);
  auto r = LineReader::from_string(z, "bad.zst");
  read_all(*r);
  EXPECT_TRUE(r->failed());
  EXPECT_NE(r->error().find("zstd"), std::string::npos) << r->error();
}

TEST(LineReader, ShortInputsAreNotMistakenForCompression) {
  auto one = read_string("\x1f");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].text, "\x1f");
  auto three = read_string("\x28\xb5\x2f");
  ASSERT_EQ(three.size(), 1u);
  EXPECT_EQ(three[0].text.size(), 3u);
}

TEST(LineReader, UnsupportedCompressionIsNamed) {
  auto r = LineReader::from_string(std::string("\xfd\x37zXZ\0\0", 7), "t.xz");
  Line line;
  EXPECT_FALSE(r->next(line));
  EXPECT_TRUE(r->failed());
  EXPECT_NE(r->error().find("xz"), std::string::npos) << r->error();
  // The same words as the push decoder of `watch` (the same sniffing).
  auto lz = LineReader::from_string(std::string("\x04\x22\x4d\x18rest", 8), "t.lz4");
  EXPECT_FALSE(lz->next(line));
  EXPECT_EQ(lz->error(), "cannot read 't.lz4': lz4-compressed input is not supported; decompress it first");
}

TEST(LineReader, BzipIsNamedButTextStartingLikeItIsNot) {
  auto bz = LineReader::from_string("BZh91AY&SY", "t.bz2");
  Line line;
  EXPECT_FALSE(bz->next(line));
  EXPECT_NE(bz->error().find("bzip2"), std::string::npos) << bz->error();
  auto text = read_string("BZh is not a header\n");
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(text[0].text, "BZh is not a header");
}

TEST(LineReader, DashReadsStandardInput) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string gz = gzip("from\nstdin\n");
  ASSERT_EQ(::write(fds[1], gz.data(), gz.size()), static_cast<ssize_t>(gz.size()));
  ::close(fds[1]);
  int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(fds[0]);
  std::string error;
  auto r = LineReader::open("-", &error);
  std::vector<Got> lines;
  if (r) lines = read_all(*r);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_NE(r, nullptr) << error;
  EXPECT_EQ(r->name(), "<stdin>");
  EXPECT_EQ(r->compression(), Compression::kGzip);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], (Got{"stdin", 2, true}));
}

TEST(LineReader, MissingFileMessage) {
  std::string error;
  auto r = LineReader::open("/nonexistent-gcsight-dir/x.log", &error);
  EXPECT_EQ(r, nullptr);
  EXPECT_EQ(error,
            "cannot open '/nonexistent-gcsight-dir/x.log': No such file or directory");
}

TEST(LineReader, DirectoryIsRejected) {
  std::string error;
  auto r = LineReader::open(::testing::TempDir(), &error);
  EXPECT_EQ(r, nullptr);
  EXPECT_NE(error.find("Is a directory"), std::string::npos) << error;
}

TEST(LineReader, OpensPlainAndCompressedFilesByContent) {
  const std::string text = "gc 1 @0.1s\r\ngc 2 @0.2s\nlast";
  const std::string base =
      ::testing::TempDir() + "gcsight_line_reader_" + std::to_string(::getpid());
  // The names lie on purpose: detection goes by the first bytes.
  const std::vector<std::pair<std::string, std::string>> files = {
      {base + ".gz", text}, {base + ".log", gzip(text)}, {base + ".txt", zstd(text)}};
  for (const auto& [path, bytes] : files) {
    {
      std::ofstream f(path, std::ios::binary);
      f << bytes;
    }
    std::string error;
    auto r = LineReader::open(path, &error);
    ASSERT_NE(r, nullptr) << error;
    EXPECT_EQ(r->name(), path);
    EXPECT_EQ(read_all(*r), reference_split(text)) << path;
    EXPECT_FALSE(r->failed()) << r->error();
    std::remove(path.c_str());
  }
}

}  // namespace
}  // namespace gcsight
