// Atomic report files: write to `path.tmp-PID`, fsync-free rename on success,
// remove the temporary on failure or destruction.
#include "cli/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace gcsight {

OutputFile::OutputFile(std::string path, std::string tmp) : path_(std::move(path)), tmp_(std::move(tmp)) {}

std::unique_ptr<OutputFile> OutputFile::create(const std::string& path, std::string* error) {
  std::string tmp = path + ".tmp-" + std::to_string(getpid());
  std::unique_ptr<OutputFile> f(new OutputFile(path, tmp));
  f->out_.open(tmp, std::ios::binary | std::ios::trunc);
  if (!f->out_) {
    *error = "cannot write '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  return f;
}

OutputFile::~OutputFile() {
  if (!committed_) {
    out_.close();
    std::remove(tmp_.c_str());
  }
}

bool OutputFile::commit(std::string* error) {
  out_.flush();
  const bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok || out_.fail()) {
    *error = "cannot write '" + path_ + "': write failed";
    std::remove(tmp_.c_str());
    committed_ = true;
    return false;
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    *error = "cannot write '" + path_ + "': " + std::strerror(errno);
    std::remove(tmp_.c_str());
    committed_ = true;
    return false;
  }
  committed_ = true;
  return true;
}

bool write_file_whole(const std::string& path, const std::string& content, std::string* error) {
  auto f = OutputFile::create(path, error);
  if (!f) return false;
  f->stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  return f->commit(error);
}

bool flush_stdout(std::string* error) {
  std::cout.flush();
  // std::cout writes through stdio's stdout, whose own buffer fflush empties.
  if (std::cout && std::fflush(stdout) == 0 && !std::ferror(stdout)) return true;
  // The write that failed may be long past (CSV streams as it is read), so
  // errno is named only when it is an error a write gives.
  const int e = errno;
  const bool write_error = e == ENOSPC || e == EDQUOT || e == EFBIG || e == EIO || e == EPIPE || e == EBADF;
  *error = std::string("cannot write the report to standard output: ") + (write_error ? std::strerror(e) : "write failed");
  return false;
}

}  // namespace gcsight
