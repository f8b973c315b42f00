// read_go_version on real Go executables built here with every installed toolchain
// (/usr/lib/go-1.*/bin/go; skipped when there is none), compared with what that
// toolchain's `go version` says; the same binaries with their section headers removed
// and cut short at many lengths; a non-Go ELF binary, a text file, a directory. And on
// ELF images made here, for what no installed toolchain produces: the pre-1.18 layout
// (pointers to the version), 32-bit and big-endian files, malformed headers, and
// random damage to the headers (no crash, no read outside the image).
#include "io/go_buildinfo.h"
#include "support/e2e.h"

#include <elf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace gcsight {
namespace {

namespace fs = std::filesystem;

// ---- Real Go executables ------------------------------------------------------------

/// Runs a shell command; returns its exit status and, in *out, its stdout and stderr.
int run(const std::string& command, std::string* out) {
  auto r = gcsight::testing_support::sh_capture(command + " 2>&1");
  *out = std::move(r.out);
  return r.status;
}

using gcsight::testing_support::slurp;

void write_file(const fs::path& p, std::string_view data) {
  std::ofstream(p, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

struct GoBinary {
  std::string go;        ///< /usr/lib/go-1.21/bin/go
  std::string expected;  ///< "go1.21.13", from `go version`
  fs::path path;         ///< the program it built
};

class GoBuildinfoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<std::string> toolchains;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib", ec)) {
      const std::string name = entry.path().filename().string();
      const fs::path go = entry.path() / "bin" / "go";
      if (name.starts_with("go-1.") && ::access(go.c_str(), X_OK) == 0) {
        toolchains.push_back(go.string());
      }
    }
    std::sort(toolchains.begin(), toolchains.end());
    if (toolchains.empty()) return;

    const testing_support::TempDir& dir = dir_.emplace("go-buildinfo");
    const fs::path src = dir / "src";
    fs::create_directories(src);
    write_file(src / "go.mod", "module x\n\ngo 1.19\n");
    write_file(src / "main.go", "package main\n\nfunc main() { println(\"hello\") }\n");
    // The build cache outlives the test so that later runs take a second, not a minute;
    // GOPATH stays in the temp dir (nothing is downloaded into it).
    const fs::path cache = fs::temp_directory_path() / "gcsight-test-gocache";
    const std::string env =
        "env -u GOROOT GOFLAGS=-mod=mod GOPROXY=off "
        "GOTOOLCHAIN=local GOENV=off GOWORK=off GOTELEMETRY=off GOCACHE='" +
        cache.string() + "' GOPATH='" + (dir / "gopath").string() + "' ";
    for (const std::string& go : toolchains) {
      GoBinary b;
      b.go = go;
      std::string out;
      if (run(env + "'" + go + "' version", &out) != 0) {
        setup_error_ += go + " version failed: " + out;
        continue;
      }
      // "go version go1.21.13 linux/amd64"
      std::istringstream words(out);
      std::string w1, w2;
      words >> w1 >> w2 >> b.expected;
      b.path = dir / ("prog-" + fs::path(go).parent_path().parent_path().filename().string());
      const std::string build = "cd '" + src.string() + "' && " + env + "'" + go +
                                "' build -trimpath -buildvcs=false -o '" + b.path.string() + "' .";
      if (run(build, &out) != 0) {
        setup_error_ += go + " build failed: " + out;
        continue;
      }
      binaries_.push_back(b);
    }
  }

  static void TearDownTestSuite() {
    dir_.reset();
    binaries_.clear();
  }

  void SetUp() override {
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    if (binaries_.empty()) GTEST_SKIP() << "no Go toolchain under /usr/lib/go-1.*/bin";
  }

  static inline std::vector<GoBinary> binaries_;
  static inline std::optional<testing_support::TempDir> dir_;
  static inline std::string setup_error_;
};

TEST_F(GoBuildinfoTest, VersionMatchesGoVersionOfEachToolchain) {
  for (const GoBinary& b : binaries_) {
    SCOPED_TRACE(b.go);
    ASSERT_TRUE(b.expected.starts_with("go1.")) << b.expected;
    std::string error;
    const auto version = read_go_version(b.path.string(), &error);
    ASSERT_TRUE(version.has_value()) << error;
    EXPECT_EQ(*version, b.expected);
  }
}

TEST_F(GoBuildinfoTest, FindsVersionWithoutSectionHeaders) {
  for (const GoBinary& b : binaries_) {
    SCOPED_TRACE(b.go);
    std::string image = slurp(b.path);
    ASSERT_GE(image.size(), sizeof(Elf64_Ehdr));
    Elf64_Ehdr eh;
    std::memcpy(&eh, image.data(), sizeof eh);
    ASSERT_EQ(eh.e_ident[EI_CLASS], ELFCLASS64);  // the hosts gcsight runs on
    eh.e_shoff = 0;
    eh.e_shnum = 0;
    eh.e_shstrndx = SHN_UNDEF;
    std::memcpy(image.data(), &eh, sizeof eh);
    const fs::path stripped = b.path.string() + ".noshdr";
    write_file(stripped, image);

    std::string error;
    const auto version = read_go_version(stripped.string(), &error);
    ASSERT_TRUE(version.has_value()) << error;
    EXPECT_EQ(*version, b.expected);
  }
}

TEST_F(GoBuildinfoTest, TruncatedBinaryIsAnErrorAtEveryLength) {
  const GoBinary& b = binaries_.front();
  const std::string image = slurp(b.path);
  ASSERT_GT(image.size(), 4096u);

  std::vector<size_t> lengths = {0, 1, 3, 4, 15, 16, 17, 52, 63, 64, 65, 100, 456, 1000, 4095};
  for (size_t n = 4096; n < image.size(); n += image.size() / 300) lengths.push_back(n);
  lengths.push_back(image.size() - 1);
  for (size_t n : lengths) {
    SCOPED_TRACE("first " + std::to_string(n) + " bytes");
    std::string error;
    // Each prefix in its own allocation, so that ASan sees any read past its end.
    const std::vector<char> prefix(image.begin(), image.begin() + static_cast<ptrdiff_t>(n));
    EXPECT_FALSE(read_go_version_from_image({prefix.data(), prefix.size()}, &error).has_value());
    EXPECT_FALSE(error.empty());
  }

  // The same through a file.
  const fs::path half = b.path.string() + ".half";
  write_file(half, std::string_view(image).substr(0, image.size() / 2));
  std::string error;
  EXPECT_FALSE(read_go_version(half.string(), &error).has_value());
  EXPECT_TRUE(error.starts_with("truncated ELF file")) << error;
}

TEST_F(GoBuildinfoTest, DamagedHeadersDoNotCrash) {
  const GoBinary& b = binaries_.front();
  const std::string image = slurp(b.path);
  std::string damaged = image;
  std::mt19937 rng(7);
  // The file header and the program and section header tables (Go puts them first).
  const size_t span = std::min<size_t>(image.size(), 4096);
  for (int round = 0; round < 2000; ++round) {
    std::vector<size_t> changed;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 4); i < n; ++i) {
      changed.push_back(rng() % span);
      damaged[changed.back()] = static_cast<char>(rng() & 0xff);
    }
    std::string error;
    const auto version = read_go_version_from_image(damaged, &error);
    if (version) {
      EXPECT_FALSE(version->empty());
    } else {
      EXPECT_FALSE(error.empty());
    }
    for (size_t at : changed) damaged[at] = image[at];
  }
}

TEST(GoBuildinfo, NonGoElfBinary) {
  if (::access("/bin/true", R_OK) != 0) GTEST_SKIP() << "no /bin/true";
  std::string error;
  EXPECT_EQ(read_go_version("/bin/true", &error), std::nullopt);
  EXPECT_EQ(error, "not a Go executable");
}

TEST(GoBuildinfo, NotElfMissingOrDirectory) {
  const fs::path text =
      fs::temp_directory_path() / ("gcsight-buildinfo-text-" + std::to_string(::getpid()));
  write_file(text, "#!/bin/sh\necho not a binary\n");
  std::string error;
  EXPECT_EQ(read_go_version(text.string(), &error), std::nullopt);
  EXPECT_EQ(error, "not a Go executable (not an ELF file)");
  fs::remove(text);

  EXPECT_EQ(read_go_version("/nonexistent/gcsight/binary", &error), std::nullopt);
  EXPECT_EQ(error, "cannot open: No such file or directory");

  EXPECT_EQ(read_go_version("/", &error), std::nullopt);
  EXPECT_EQ(error, "not a regular file");

  // A null error pointer is allowed.
  EXPECT_EQ(read_go_version("/nonexistent/gcsight/binary", nullptr), std::nullopt);
}

// ---- ELF images made here -----------------------------------------------------------

struct ImageSpec {
  bool elf64 = true;
  bool big_endian = false;
  bool section_headers = true;
  bool inline_strings = false;  ///< the Go 1.18+ layout; otherwise pointers to string headers
  std::string version = "go1.16.15";
  size_t header_at = 48;           ///< offset of the build info in the data segment (16-aligned)
  uint64_t version_ptr_delta = 0;  ///< added to the pointer to the version's string header
};

constexpr uint64_t kTextAddr = 0x400000;
constexpr uint64_t kDataAddr = 0x401000;
constexpr size_t kDataOffset = 0x1000;
constexpr size_t kDataSize = 0x800;
constexpr size_t kNamesOffset = 0x1800;
constexpr size_t kShdrOffset = 0x1900;
constexpr char kNames[] = "\0.shstrtab\0.go.buildinfo";  // names at 1 and 11

template <class T>
T order(T v, bool big_endian) {
  if ((std::endian::native == std::endian::big) == big_endian) return v;
  T r{};
  auto* src = reinterpret_cast<const unsigned char*>(&v);
  auto* dst = reinterpret_cast<unsigned char*>(&r);
  for (size_t i = 0; i < sizeof(T); ++i) dst[i] = src[sizeof(T) - 1 - i];
  return r;
}

void put_uint(std::string& image, size_t at, uint64_t v, size_t size, bool big_endian) {
  for (size_t i = 0; i < size; ++i) {
    const size_t shift = 8 * (big_endian ? size - 1 - i : i);
    image[at + i] = static_cast<char>((v >> shift) & 0xff);
  }
}

template <class T>
void put(std::string& image, size_t at, const T& v) {
  std::memcpy(image.data() + at, &v, sizeof v);
}

template <class Ehdr, class Phdr, class Shdr>
std::string make_image(const ImageSpec& spec) {
  const bool be = spec.big_endian;
  const size_t ptr = spec.elf64 ? 8 : 4;
  std::string image(kShdrOffset + (spec.section_headers ? 3 * sizeof(Shdr) : 0), '\0');

  Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = spec.elf64 ? ELFCLASS64 : ELFCLASS32;
  eh.e_ident[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = order<decltype(eh.e_type)>(ET_EXEC, be);
  eh.e_machine = order(static_cast<decltype(eh.e_machine)>(spec.elf64 ? EM_X86_64 : EM_386), be);
  eh.e_version = order<decltype(eh.e_version)>(EV_CURRENT, be);
  eh.e_phoff = order<decltype(eh.e_phoff)>(sizeof(Ehdr), be);
  eh.e_ehsize = order<decltype(eh.e_ehsize)>(sizeof(Ehdr), be);
  eh.e_phentsize = order<decltype(eh.e_phentsize)>(sizeof(Phdr), be);
  eh.e_phnum = order<decltype(eh.e_phnum)>(2, be);
  if (spec.section_headers) {
    eh.e_shoff = order<decltype(eh.e_shoff)>(kShdrOffset, be);
    eh.e_shentsize = order<decltype(eh.e_shentsize)>(sizeof(Shdr), be);
    eh.e_shnum = order<decltype(eh.e_shnum)>(3, be);
    eh.e_shstrndx = order<decltype(eh.e_shstrndx)>(1, be);
  }
  put(image, 0, eh);

  auto load = [&](size_t index, uint64_t offset, uint64_t addr, uint64_t size, uint32_t flags) {
    Phdr ph{};
    ph.p_type = order<decltype(ph.p_type)>(PT_LOAD, be);
    ph.p_offset = order(static_cast<decltype(ph.p_offset)>(offset), be);
    ph.p_vaddr = order(static_cast<decltype(ph.p_vaddr)>(addr), be);
    ph.p_paddr = ph.p_vaddr;
    ph.p_filesz = order(static_cast<decltype(ph.p_filesz)>(size), be);
    ph.p_memsz = ph.p_filesz;
    ph.p_flags = order(static_cast<decltype(ph.p_flags)>(flags), be);
    ph.p_align = order<decltype(ph.p_align)>(0x1000, be);
    put(image, sizeof(Ehdr) + index * sizeof(Phdr), ph);
  };
  load(0, 0, kTextAddr, 0x400, PF_R | PF_X);
  load(1, kDataOffset, kDataAddr, kDataSize, PF_R | PF_W);

  // Decoys before the real header: the magic at an unaligned offset.
  const std::string magic("\xff Go buildinf:", 14);
  image.replace(kDataOffset + 1, magic.size(), magic);

  const size_t h = kDataOffset + spec.header_at;
  image.replace(h, magic.size(), magic);
  image[h + 14] = static_cast<char>(ptr);
  if (spec.inline_strings) {
    image[h + 15] = 2;
    size_t at = h + 32;
    for (uint64_t n = spec.version.size();; n >>= 7) {
      image[at++] = static_cast<char>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      if (n < 0x80) break;
    }
    image.replace(at, spec.version.size(), spec.version);
    image[at + spec.version.size()] = 0;  // empty module info
  } else {
    image[h + 15] = be ? 1 : 0;
    // The version's string header at +0x400, its bytes at +0x440; the module info's
    // header at +0x420 (empty).
    put_uint(image, h + 16, kDataAddr + 0x400 + spec.version_ptr_delta, ptr, be);
    put_uint(image, h + 16 + ptr, kDataAddr + 0x420, ptr, be);
    put_uint(image, kDataOffset + 0x400, kDataAddr + 0x440, ptr, be);
    put_uint(image, kDataOffset + 0x400 + ptr, spec.version.size(), ptr, be);
    image.replace(kDataOffset + 0x440, spec.version.size(), spec.version);
  }

  if (spec.section_headers) {
    image.replace(kNamesOffset, sizeof kNames, kNames, sizeof kNames);
    auto section = [&](size_t index, uint32_t name, uint32_t type, uint64_t offset, uint64_t addr,
                       uint64_t size) {
      Shdr sh{};
      sh.sh_name = order(name, be);
      sh.sh_type = order(type, be);
      sh.sh_offset = order(static_cast<decltype(sh.sh_offset)>(offset), be);
      sh.sh_addr = order(static_cast<decltype(sh.sh_addr)>(addr), be);
      sh.sh_size = order(static_cast<decltype(sh.sh_size)>(size), be);
      put(image, kShdrOffset + index * sizeof(Shdr), sh);
    };
    section(1, 1, SHT_STRTAB, kNamesOffset, 0, sizeof kNames);
    section(2, 11, SHT_PROGBITS, h, kDataAddr + spec.header_at, kDataSize - spec.header_at);
  }
  return image;
}

std::string make_image(const ImageSpec& spec) {
  return spec.elf64 ? make_image<Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr>(spec)
                    : make_image<Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr>(spec);
}

std::optional<std::string> version_of(const std::string& image, std::string* error) {
  // A copy of exactly the image's size, so that ASan sees any read past its end.
  const std::vector<char> copy(image.begin(), image.end());
  return read_go_version_from_image({copy.data(), copy.size()}, error);
}

TEST(GoBuildinfoImage, EveryClassOrderLayoutAndWayToFindIt) {
  for (bool elf64 : {true, false}) {
    for (bool be : {false, true}) {
      for (bool sections : {true, false}) {
        for (bool inline_strings : {false, true}) {
          ImageSpec spec;
          spec.elf64 = elf64;
          spec.big_endian = be;
          spec.section_headers = sections;
          spec.inline_strings = inline_strings;
          spec.version = inline_strings ? "go1.22.12" : "go1.16.15";
          SCOPED_TRACE(testing::Message()
                       << "elf64=" << elf64 << " big_endian=" << be << " sections=" << sections
                       << " inline=" << inline_strings);
          std::string error;
          const auto version = version_of(make_image(spec), &error);
          ASSERT_TRUE(version.has_value()) << error;
          EXPECT_EQ(*version, spec.version);
        }
      }
    }
  }
}

TEST(GoBuildinfoImage, LongVersionNeedsATwoByteLength) {
  ImageSpec spec;
  spec.inline_strings = true;
  spec.version = "go1.23.5 X:" + std::string(200, 'e');
  std::string error;
  EXPECT_EQ(version_of(make_image(spec), &error), spec.version) << error;
}

TEST(GoBuildinfoImage, NotGoWithoutAnAlignedMagic) {
  ImageSpec spec;
  spec.section_headers = false;
  std::string image = make_image(spec);
  image[kDataOffset + spec.header_at] = 'x';  // only the unaligned decoy is left
  std::string error;
  EXPECT_EQ(version_of(image, &error), std::nullopt);
  EXPECT_EQ(error, "not a Go executable");
}

TEST(GoBuildinfoImage, OldLayoutPointerOutsideTheSegments) {
  ImageSpec spec;
  spec.version_ptr_delta = 0x100000;
  std::string error;
  EXPECT_EQ(version_of(make_image(spec), &error), std::nullopt);
  EXPECT_EQ(error, "Go build info (pre-1.18 format) points outside the file's segments");
}

TEST(GoBuildinfoImage, EmptyVersionIsNotGo) {
  for (bool inline_strings : {false, true}) {
    ImageSpec spec;
    spec.inline_strings = inline_strings;
    spec.version = "";
    std::string error;
    EXPECT_EQ(version_of(make_image(spec), &error), std::nullopt);
    EXPECT_EQ(error, "not a Go executable");
  }
}

TEST(GoBuildinfoImage, VersionLengthPastTheSection) {
  ImageSpec spec;
  spec.inline_strings = true;
  std::string image = make_image(spec);
  // Length 0x7f7f7f: three continuation bytes.
  const size_t at = kDataOffset + spec.header_at + 32;
  image[at] = '\xff';
  image[at + 1] = '\xff';
  image[at + 2] = 0x7f;
  std::string error;
  EXPECT_EQ(version_of(image, &error), std::nullopt);
  EXPECT_TRUE(error.starts_with("malformed Go build info")) << error;

  // A length that never ends.
  std::fill(image.begin() + static_cast<ptrdiff_t>(at),
            image.begin() + static_cast<ptrdiff_t>(kDataOffset + kDataSize), '\x80');
  EXPECT_EQ(version_of(image, &error), std::nullopt);
  EXPECT_TRUE(error.starts_with("malformed Go build info")) << error;
}

TEST(GoBuildinfoImage, MalformedHeaders) {
  const std::string good = make_image(ImageSpec{});
  std::string error;

  {  // program header entries smaller than Elf64_Phdr
    std::string image = good;
    Elf64_Ehdr eh;
    std::memcpy(&eh, image.data(), sizeof eh);
    eh.e_phentsize = 8;
    put(image, 0, eh);
    EXPECT_EQ(version_of(image, &error), std::nullopt);
    EXPECT_TRUE(error.starts_with("malformed ELF file: program header entry size")) << error;
  }
  {  // 65535 program headers: past the end of the file
    std::string image = good;
    Elf64_Ehdr eh;
    std::memcpy(&eh, image.data(), sizeof eh);
    eh.e_phnum = 0xfffe;
    put(image, 0, eh);
    EXPECT_EQ(version_of(image, &error), std::nullopt);
    EXPECT_EQ(error, "truncated ELF file: program header table past end of file");
  }
  {  // a section header table far past the end
    std::string image = good;
    Elf64_Ehdr eh;
    std::memcpy(&eh, image.data(), sizeof eh);
    eh.e_shoff = ~uint64_t{0} - 8;
    put(image, 0, eh);
    EXPECT_EQ(version_of(image, &error), std::nullopt);
    EXPECT_TRUE(error.starts_with("truncated ELF file")) << error;
  }
  {  // unknown class and byte order
    std::string image = good;
    image[EI_CLASS] = 7;
    EXPECT_EQ(version_of(image, &error), std::nullopt);
    EXPECT_EQ(error, "malformed ELF file: unknown class 7");
    image = good;
    image[EI_DATA] = 9;
    EXPECT_EQ(version_of(image, &error), std::nullopt);
    EXPECT_EQ(error, "malformed ELF file: unknown byte order 9");
  }
  {  // the ELF magic alone
    EXPECT_EQ(version_of(good.substr(0, 4), &error), std::nullopt);
    EXPECT_EQ(error, "truncated ELF file: incomplete file header");
  }
}

TEST(GoBuildinfoImage, RandomDamageDoesNotCrash) {
  std::mt19937 rng(11);
  for (bool elf64 : {true, false}) {
    for (bool inline_strings : {false, true}) {
      ImageSpec spec;
      spec.elf64 = elf64;
      spec.inline_strings = inline_strings;
      const std::string good = make_image(spec);
      for (int round = 0; round < 3000; ++round) {
        std::string image = good;
        for (int i = 0, n = 1 + static_cast<int>(rng() % 6); i < n; ++i) {
          // Mostly the headers, sometimes the build info and its strings.
          const size_t at = rng() % 2 == 0 ? rng() % 0x80 : kDataOffset + rng() % kDataSize;
          image[at] = static_cast<char>(rng() & 0xff);
        }
        std::string error;
        const auto version = version_of(image, &error);
        if (!version) {
          EXPECT_FALSE(error.empty());
        }
      }
    }
  }
}

}  // namespace
}  // namespace gcsight
