// read_go_version: which Go release built an executable, as `go version FILE` says.
//
// gcsight reads a trace's meaning by Go release (the gctrace format changed over the
// years), and under `gcsight run` it knows the binary it starts, so it asks the binary.
// The Go linker writes a build info blob into every executable: a 32-byte header that
// starts with the magic "\xff Go buildinf:" on a 16-byte boundary, then
//   - since Go 1.18 (flags byte & 2): the version and the module info as
//     varint-length-prefixed strings right after the header;
//   - before: the pointer size (byte 14), the byte order (byte 15 != 0: big endian) and
//     two pointers (at 16 and 16+ptrsize) to Go string headers {data pointer, length}
//     for the version and the module info, to be resolved through the loadable segments.
// The blob is the ELF section .go.buildinfo; when the section headers have been
// stripped it is found as the Go tools do, by scanning the first 64 KiB of the first
// writable, non-executable PT_LOAD segment for the magic at a 16-byte boundary.
//
// The ELF reading is written here rather than taken from a library: it needs the
// file header, the program and section header tables, and one section, read at their
// offsets (pread), so even a gigabyte binary costs a few small reads. Every offset and
// size from the file is checked against the file size before it is used, without
// overflow, so a truncated or corrupt file gives an error rather than a wild read.
// Both ELF classes and both byte orders are handled: the structures of <elf.h> are
// read as stored and their fields byte-swapped when the file's order is not the host's.
#include "io/go_buildinfo.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace gcsight {
namespace {

constexpr std::string_view kMagic{"\xff Go buildinf:", 14};
constexpr uint64_t kHeaderSize = 32;
constexpr uint64_t kAlign = 16;
constexpr uint64_t kScanLimit = 64 << 10;  // as debug/buildinfo: the blob is near the start
constexpr uint64_t kMaxVersionLength = 1 << 10;
constexpr const char* kNotGo = "not a Go executable";

/// Random access to the bytes of an executable.
class Bytes {
 public:
  virtual ~Bytes() = default;
  /// The total size in bytes.
  virtual uint64_t size() const = 0;
  /// Reads exactly n bytes at offset (the caller has checked the range against size());
  /// false with *error set if the read fails.
  virtual bool read(uint64_t offset, void* dst, size_t n, std::string* error) const = 0;
};

class FileBytes final : public Bytes {
 public:
  FileBytes(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~FileBytes() override { ::close(fd_); }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  uint64_t size() const override { return size_; }
  bool read(uint64_t offset, void* dst, size_t n, std::string* error) const override {
    auto* out = static_cast<char*>(dst);
    while (n > 0) {
      ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        // The file shrank under us (got == 0) or the read failed.
        *error = got == 0 ? "read past end of file" : std::string("read error: ") + strerror(errno);
        return false;
      }
      out += got;
      n -= static_cast<size_t>(got);
      offset += static_cast<uint64_t>(got);
    }
    return true;
  }

 private:
  int fd_;
  uint64_t size_;
};

class MemoryBytes final : public Bytes {
 public:
  explicit MemoryBytes(std::string_view image) : image_(image) {}
  uint64_t size() const override { return image_.size(); }
  bool read(uint64_t offset, void* dst, size_t n, std::string* /*error*/) const override {
    std::memcpy(dst, image_.data() + offset, n);
    return true;
  }

 private:
  std::string_view image_;
};

/// True if [offset, offset + n) lies inside a file of `size` bytes.
bool in_file(uint64_t offset, uint64_t n, uint64_t size) {
  return offset <= size && n <= size - offset;
}

template <class T>
T byteswap(T v) {
  if constexpr (sizeof(T) == 1) {
    return v;
  } else if constexpr (sizeof(T) == 2) {
    return static_cast<T>(__builtin_bswap16(static_cast<uint16_t>(v)));
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<T>(__builtin_bswap32(static_cast<uint32_t>(v)));
  } else {
    static_assert(sizeof(T) == 8);
    return static_cast<T>(__builtin_bswap64(static_cast<uint64_t>(v)));
  }
}

/// A PT_LOAD segment: where its bytes are in the file and in memory.
struct Segment {
  uint64_t vaddr = 0;
  uint64_t offset = 0;
  uint64_t filesz = 0;
  uint32_t flags = 0;
};

/// What the build info search needs of an ELF file.
struct ElfLayout {
  bool big_endian = false;
  std::vector<Segment> loads;
  bool has_buildinfo_section = false;
  uint64_t buildinfo_offset = 0;
  uint64_t buildinfo_size = 0;
};

/// Reads the headers of an ELF file of one class (Elf32_* or Elf64_* structures).
template <class Ehdr, class Phdr, class Shdr>
class ElfHeaderReader {
 public:
  ElfHeaderReader(const Bytes& bytes, bool swap) : bytes_(bytes), swap_(swap) {}

  bool read(ElfLayout* out, std::string* error) {
    Ehdr eh;
    if (!in_file(0, sizeof eh, bytes_.size())) {
      *error = "truncated ELF file: incomplete file header";
      return false;
    }
    if (!bytes_.read(0, &eh, sizeof eh, error)) return false;

    const uint64_t phoff = fix(eh.e_phoff);
    const uint64_t shoff = fix(eh.e_shoff);
    uint64_t phnum = fix(eh.e_phnum);
    uint64_t shnum = fix(eh.e_shnum);
    uint64_t shstrndx = fix(eh.e_shstrndx);
    const uint64_t phentsize = fix(eh.e_phentsize);
    const uint64_t shentsize = fix(eh.e_shentsize);

    // Counts that do not fit the file header are kept in section header 0.
    if (shoff != 0 && (shnum == 0 || phnum == PN_XNUM || shstrndx == SHN_XINDEX)) {
      Shdr first;
      if (!read_entry(shoff, 0, shentsize, &first, "section header", error)) return false;
      if (shnum == 0) shnum = fix(first.sh_size);
      if (phnum == PN_XNUM) phnum = fix(first.sh_info);
      if (shstrndx == SHN_XINDEX) shstrndx = fix(first.sh_link);
    }

    if (phnum > 0 && !check_table(phoff, phnum, phentsize, sizeof(Phdr), "program header", error)) {
      return false;
    }
    for (uint64_t i = 0; i < phnum; ++i) {
      Phdr ph;
      if (!read_entry(phoff, i, phentsize, &ph, "program header", error)) return false;
      if (fix(ph.p_type) != PT_LOAD) continue;
      const Segment seg{fix(ph.p_vaddr), fix(ph.p_offset), fix(ph.p_filesz),
                        static_cast<uint32_t>(fix(ph.p_flags))};
      if (!in_file(seg.offset, seg.filesz, bytes_.size())) {
        *error = "truncated ELF file: segment " + std::to_string(i) + " past end of file";
        return false;
      }
      out->loads.push_back(seg);
    }

    if (shoff == 0 || shnum == 0) return true;  // stripped of section headers: scan instead
    if (!check_table(shoff, shnum, shentsize, sizeof(Shdr), "section header", error)) {
      return false;
    }
    if (shstrndx >= shnum) return true;  // no section names: scan instead
    Shdr strtab;
    if (!read_entry(shoff, shstrndx, shentsize, &strtab, "section header", error)) return false;
    const uint64_t names_offset = fix(strtab.sh_offset);
    const uint64_t names_size = fix(strtab.sh_size);
    if (!in_file(names_offset, names_size, bytes_.size())) {
      *error = "truncated ELF file: section name table past end of file";
      return false;
    }

    // Every section is checked against the file size, so that a file cut short is
    // reported as such even where the part we need survived. The one name we want is
    // compared in place instead of loading the whole name table.
    static constexpr char kWanted[] = ".go.buildinfo";  // with its terminating NUL
    for (uint64_t i = 0; i < shnum; ++i) {
      Shdr sh;
      if (!read_entry(shoff, i, shentsize, &sh, "section header", error)) return false;
      if (fix(sh.sh_type) == SHT_NOBITS || fix(sh.sh_type) == SHT_NULL) continue;
      const uint64_t offset = fix(sh.sh_offset);
      const uint64_t size = fix(sh.sh_size);
      if (!in_file(offset, size, bytes_.size())) {
        *error = "truncated ELF file: section " + std::to_string(i) + " past end of file";
        return false;
      }
      const uint64_t name = fix(sh.sh_name);
      if (out->has_buildinfo_section || name > names_size || sizeof kWanted > names_size - name) {
        continue;
      }
      char got[sizeof kWanted];
      if (!bytes_.read(names_offset + name, got, sizeof got, error)) return false;
      if (std::memcmp(got, kWanted, sizeof got) != 0) continue;
      out->has_buildinfo_section = true;
      out->buildinfo_offset = offset;
      out->buildinfo_size = size;
    }
    return true;
  }

 private:
  template <class T>
  T fix(T v) const {
    return swap_ ? byteswap(v) : v;
  }

  bool check_table(uint64_t offset, uint64_t count, uint64_t entsize, size_t want, const char* what,
                   std::string* error) const {
    if (entsize < want) {
      *error = std::string("malformed ELF file: ") + what + " entry size " +
               std::to_string(entsize) + " is too small";
      return false;
    }
    if (count > std::numeric_limits<uint64_t>::max() / entsize ||
        !in_file(offset, count * entsize, bytes_.size())) {
      *error = std::string("truncated ELF file: ") + what + " table past end of file";
      return false;
    }
    return true;
  }

  template <class T>
  bool read_entry(uint64_t table, uint64_t index, uint64_t entsize, T* out, const char* what,
                  std::string* error) const {
    if (entsize < sizeof(T)) {
      *error = std::string("malformed ELF file: ") + what + " entry size " +
               std::to_string(entsize) + " is too small";
      return false;
    }
    // index < count and check_table() bound the product (for index 0 the entry itself).
    const uint64_t offset = table + index * entsize;
    if (offset < table || !in_file(offset, sizeof(T), bytes_.size())) {
      *error = std::string("truncated ELF file: ") + what + " table past end of file";
      return false;
    }
    return bytes_.read(offset, out, sizeof(T), error);
  }

  const Bytes& bytes_;
  bool swap_;
};

/// Reads the ELF identification and headers; false with *error for anything else.
bool read_elf_layout(const Bytes& bytes, ElfLayout* out, std::string* error) {
  unsigned char ident[EI_NIDENT];
  if (bytes.size() < SELFMAG) {
    *error = "not a Go executable (not an ELF file)";
    return false;
  }
  const size_t have = static_cast<size_t>(std::min<uint64_t>(bytes.size(), EI_NIDENT));
  if (!bytes.read(0, ident, have, error)) return false;
  if (std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
    *error = "not a Go executable (not an ELF file)";
    return false;
  }
  if (have < EI_NIDENT) {
    *error = "truncated ELF file: incomplete file header";
    return false;
  }
  if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB) {
    *error = "malformed ELF file: unknown byte order " + std::to_string(ident[EI_DATA]);
    return false;
  }
  out->big_endian = ident[EI_DATA] == ELFDATA2MSB;
  const bool swap = out->big_endian != (std::endian::native == std::endian::big);
  switch (ident[EI_CLASS]) {
    case ELFCLASS64:
      return ElfHeaderReader<Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr>(bytes, swap).read(out, error);
    case ELFCLASS32:
      return ElfHeaderReader<Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr>(bytes, swap).read(out, error);
    default:
      *error = "malformed ELF file: unknown class " + std::to_string(ident[EI_CLASS]);
      return false;
  }
}

/// Reads n bytes at virtual address addr through the PT_LOAD segments, as the Go tools
/// do: the whole range must lie in the file-backed part of one segment.
bool read_vaddr(const Bytes& bytes, const ElfLayout& elf, uint64_t addr, uint64_t n,
                std::string* out, std::string* error) {
  for (const Segment& s : elf.loads) {
    if (addr < s.vaddr || addr - s.vaddr >= s.filesz) continue;
    const uint64_t within = addr - s.vaddr;
    if (n > s.filesz - within) break;
    if (s.offset > std::numeric_limits<uint64_t>::max() - within ||
        !in_file(s.offset + within, n, bytes.size())) {
      *error = "truncated ELF file: segment past end of file";
      return false;
    }
    out->resize(static_cast<size_t>(n));
    return bytes.read(s.offset + within, out->data(), out->size(), error);
  }
  *error = "Go build info (pre-1.18 format) points outside the file's segments";
  return false;
}

uint64_t read_uint(const unsigned char* p, size_t size, bool big_endian) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) {
    const size_t k = big_endian ? i : size - 1 - i;
    v = v << 8 | p[k];
  }
  return v;
}

/// Reads a Go string through its header {data pointer, length} at addr (pre-1.18 format).
bool read_go_string(const Bytes& bytes, const ElfLayout& elf, uint64_t addr, size_t ptr_size,
                    bool big_endian, std::string* out, std::string* error) {
  std::string header;
  if (!read_vaddr(bytes, elf, addr, 2 * ptr_size, &header, error)) return false;
  const auto* h = reinterpret_cast<const unsigned char*>(header.data());
  const uint64_t data = read_uint(h, ptr_size, big_endian);
  const uint64_t length = read_uint(h + ptr_size, ptr_size, big_endian);
  if (length > kMaxVersionLength) {
    *error = "malformed Go build info: version string of " + std::to_string(length) + " bytes";
    return false;
  }
  return read_vaddr(bytes, elf, data, length, out, error);
}

/// Decodes the version from the bytes starting at the build info header.
std::optional<std::string> decode_buildinfo(const Bytes& bytes, const ElfLayout& elf,
                                            std::string_view blob, std::string* error) {
  const auto flags = static_cast<unsigned char>(blob[15]);
  std::string version;
  if ((flags & 2) != 0) {
    // Go 1.18+: unsigned LEB128 length, then the bytes.
    uint64_t length = 0;
    size_t pos = kHeaderSize;
    for (unsigned shift = 0;; shift += 7) {
      if (pos >= blob.size() || shift > 63) {
        *error = "malformed Go build info: bad version length";
        return std::nullopt;
      }
      const auto b = static_cast<unsigned char>(blob[pos++]);
      length |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) break;
    }
    if (length > kMaxVersionLength || length > blob.size() - pos) {
      *error = "malformed Go build info: version string of " + std::to_string(length) +
               " bytes runs past the build info";
      return std::nullopt;
    }
    version.assign(blob.substr(pos, static_cast<size_t>(length)));
  } else {
    const auto ptr_size = static_cast<size_t>(static_cast<unsigned char>(blob[14]));
    if (ptr_size != 4 && ptr_size != 8) {
      *error = kNotGo;
      return std::nullopt;
    }
    const bool big_endian = flags != 0;
    const uint64_t addr =
        read_uint(reinterpret_cast<const unsigned char*>(blob.data()) + 16, ptr_size, big_endian);
    if (!read_go_string(bytes, elf, addr, ptr_size, big_endian, &version, error)) {
      return std::nullopt;
    }
  }
  if (version.empty()) {
    *error = kNotGo;
    return std::nullopt;
  }
  return version;
}

std::optional<std::string> read_version(const Bytes& bytes, std::string* error) {
  ElfLayout elf;
  if (!read_elf_layout(bytes, &elf, error)) return std::nullopt;

  uint64_t offset = 0;
  uint64_t size = 0;
  if (elf.has_buildinfo_section) {
    offset = elf.buildinfo_offset;
    size = elf.buildinfo_size;
  } else {
    auto data = std::find_if(elf.loads.begin(), elf.loads.end(),
                             [](const Segment& s) { return (s.flags & (PF_X | PF_W)) == PF_W; });
    if (data == elf.loads.end()) {
      *error = kNotGo;
      return std::nullopt;
    }
    offset = data->offset;  // in the file: checked with the program headers
    size = data->filesz;
  }
  std::string window(static_cast<size_t>(std::min(size, kScanLimit)), '\0');
  if (!bytes.read(offset, window.data(), window.size(), error)) return std::nullopt;

  // The header sits on a 16-byte boundary of the section (or segment) start.
  std::string_view view(window);
  for (size_t at = 0; at + kHeaderSize <= view.size(); at += kAlign) {
    const size_t hit = view.find(kMagic, at);
    if (hit == std::string_view::npos || hit + kHeaderSize > view.size()) break;
    if (hit % kAlign == 0) return decode_buildinfo(bytes, elf, view.substr(hit), error);
    at = hit - hit % kAlign;  // the loop steps to the next boundary after the hit
  }
  *error = kNotGo;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> read_go_version(const std::string& path, std::string* error) {
  std::string scratch;
  std::string* err = error != nullptr ? error : &scratch;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = std::string("cannot open: ") + strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    *err = std::string("cannot stat: ") + strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    *err = "not a regular file";
    ::close(fd);
    return std::nullopt;
  }
  const FileBytes bytes(fd, static_cast<uint64_t>(st.st_size));
  return read_version(bytes, err);
}

std::optional<std::string> read_go_version_from_image(std::string_view image, std::string* error) {
  std::string scratch;
  const MemoryBytes bytes(image);
  return read_version(bytes, error != nullptr ? error : &scratch);
}

}  // namespace gcsight
