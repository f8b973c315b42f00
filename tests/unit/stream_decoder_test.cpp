// The decoder of compressed input, pushed (as `watch` uses it) and pulled (as
// LineReader does): whatever the pieces the bytes arrive in (one at a time
// included) and the room for output, the output is the original;
// several gzip members, zero padding and several zstd frames are read; an end
// inside a member or frame, corrupt data and compressions that are not read
// are errors; a file too short to tell is plain text.
#include "io/stream_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "support/compress.h"

namespace gcsight {
namespace {

using testing_support::gzip;
using testing_support::zstd;

std::string sample_text() {
  std::string s;
  for (int i = 0; i < 3000; ++i) s += "gc " + std::to_string(i) + " @1.0s 1%: 0.01+0.2+0.01 ms clock, line\n";
  return s;
}

// Feeds `data` in pieces of `piece` bytes; returns what came out, and the error if any.
std::string decode(const std::string& data, size_t piece, std::string* error, bool* finished) {
  StreamDecoder d;
  std::string out;
  const DecodedSink sink = [&](std::string_view s) { out.append(s); };
  for (size_t i = 0; i < data.size(); i += piece) {
    if (!d.feed(std::string_view(data).substr(i, piece), sink, error)) return out;
  }
  *finished = d.finish(sink, error);
  return out;
}

TEST(StreamDecoder, AnyPiecesGiveTheOriginal) {
  const std::string text = sample_text();
  for (const std::string& packed : {gzip(text), zstd(text), text}) {
    for (size_t piece : {size_t{1}, size_t{3}, size_t{7}, size_t{4096}, packed.size()}) {
      std::string err;
      bool finished = false;
      EXPECT_EQ(decode(packed, piece, &err, &finished), text) << piece;
      EXPECT_TRUE(finished) << err;
    }
  }
}

// Pulls `data` as LineReader does: input in pieces of `piece` bytes, output
// in at most `room` bytes a step, drained before more input.
std::string pull(const std::string& data, Compression c, size_t piece, size_t room, std::string* error,
                 bool* finished) {
  StreamDecoder d;
  std::string out;
  std::string buf(room, '\0');
  *finished = false;
  if (!d.start(c, error)) return out;
  size_t at = 0;
  std::string_view in;
  for (;;) {
    size_t used = 0, made = 0;
    if (!d.step(in, buf.data(), room, &used, &made, error)) return out;
    out.append(buf.data(), made);
    in.remove_prefix(used);
    if (used > 0 || made > 0) continue;
    if (!in.empty()) {
      *error = "stopped with input left";
      return out;
    }
    if (at == data.size()) break;
    in = std::string_view(data).substr(at, piece);
    at += in.size();
  }
  *finished = d.check_end(error);
  return out;
}

TEST(StreamDecoder, PulledWithAnyRoomGivesTheOriginal) {
  const std::string a = sample_text(), b = "scav 1 KiB work\nlast line\n";
  const std::pair<std::string, Compression> inputs[] = {{gzip(a) + gzip(b) + std::string(100, '\0'), Compression::kGzip},
                                                        {zstd(a) + zstd(b), Compression::kZstd},
                                                        {a + b, Compression::kNone}};
  for (const auto& [packed, c] : inputs) {
    for (size_t piece : {size_t{1}, size_t{5}, size_t{4096}, packed.size()}) {
      for (size_t room : {size_t{1}, size_t{7}, size_t{65536}}) {
        std::string err;
        bool finished = false;
        EXPECT_EQ(pull(packed, c, piece, room, &err, &finished), a + b) << piece << " " << room << " " << err;
        EXPECT_TRUE(finished) << err;
      }
    }
  }
  // An end inside a member or a frame.
  for (const auto& [packed, c] : {std::pair{gzip(a), Compression::kGzip}, std::pair{zstd(a), Compression::kZstd}}) {
    std::string err;
    bool finished = true;
    pull(packed.substr(0, packed.size() - 5), c, 100, 1000, &err, &finished);
    EXPECT_FALSE(finished);
    EXPECT_EQ(err, c == Compression::kGzip ? "truncated gzip stream" : "truncated zstd stream");
  }
}

TEST(StreamDecoder, MembersFramesAndPadding) {
  const std::string a = sample_text(), b = "scav 1 KiB work\nlast line\n";
  std::string err;
  bool finished = false;
  EXPECT_EQ(decode(gzip(a) + gzip(b) + std::string(512, '\0'), 100, &err, &finished), a + b);
  EXPECT_TRUE(finished) << err;
  EXPECT_EQ(decode(zstd(a) + zstd(b), 100, &err, &finished), a + b);
  EXPECT_TRUE(finished) << err;
}

TEST(StreamDecoder, AnEndInsideAMemberIsTruncationAndWaitingIsFine) {
  const std::string text = sample_text();
  const std::string gz = gzip(text);
  StreamDecoder d;
  std::string out, err;
  const DecodedSink sink = [&](std::string_view s) { out.append(s); };
  ASSERT_TRUE(d.feed(std::string_view(gz).substr(0, gz.size() / 2), sink, &err)) << err;
  EXPECT_EQ(d.kind(), StreamDecoder::Kind::kGzip);
  EXPECT_FALSE(d.at_boundary());  // a file that stops here is waited on
  EXPECT_EQ(text.compare(0, out.size(), out), 0);
  EXPECT_FALSE(d.finish(sink, &err));
  EXPECT_EQ(err, "truncated gzip stream");
  // The rest arrives: the stream completes.
  StreamDecoder again;
  out.clear();
  ASSERT_TRUE(again.feed(std::string_view(gz).substr(0, gz.size() / 2), sink, &err));
  ASSERT_TRUE(again.feed(std::string_view(gz).substr(gz.size() / 2), sink, &err));
  EXPECT_TRUE(again.at_boundary());
  EXPECT_EQ(out, text);
  const std::string zs = zstd(text);
  bool finished = true;
  decode(zs.substr(0, zs.size() - 3), 64, &err, &finished);
  EXPECT_FALSE(finished);
  EXPECT_EQ(err, "truncated zstd stream");
}

TEST(StreamDecoder, CorruptUnsupportedAndShortInputs) {
  std::string err;
  bool finished = false;
  std::string gz = gzip(sample_text());
  gz[gz.size() / 2] = static_cast<char>(gz[gz.size() / 2] ^ 0x55);
  gz[gz.size() / 2 + 1] = static_cast<char>(gz[gz.size() / 2 + 1] ^ 0x55);
  decode(gz, 4096, &err, &finished);
  EXPECT_NE(err.find("gzip"), std::string::npos) << err;
  err.clear();
  decode(gzip("x\n") + "garbage", 4096, &err, &finished);  // read as another member, as analyze does
  EXPECT_EQ(err, "corrupt gzip data (incorrect header check)");
  err.clear();
  decode(gzip("x\n") + std::string(4, '\0') + "garbage", 4096, &err, &finished);
  EXPECT_EQ(err, "trailing garbage after gzip data");
  err.clear();
  decode(std::string("\xfd\x37zXZ\0more", 10), 4096, &err, &finished);
  EXPECT_EQ(err, "xz-compressed input is not supported; decompress it first");
  // Too few bytes to tell, then the end: plain text.
  err.clear();
  EXPECT_EQ(decode("\x1f", 1, &err, &finished), "\x1f");
  EXPECT_TRUE(finished) << err;
  EXPECT_EQ(decode("(\xb5", 1, &err, &finished), "(\xb5");
  EXPECT_TRUE(finished) << err;
  // A file entered at its end is plain whatever its next bytes look like.
  StreamDecoder d;
  d.assume_plain();
  std::string out;
  ASSERT_TRUE(d.feed("\x1f\x8bnot gzip", [&](std::string_view s) { out.append(s); }, &err));
  EXPECT_EQ(out, "\x1f\x8bnot gzip");
}

}  // namespace
}  // namespace gcsight
