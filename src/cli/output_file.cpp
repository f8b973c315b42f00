// Atomic report files: write to `path.tmp-PID`, fsync-free rename on success,
// remove the temporary on failure or destruction.
#include "cli/output_file.h"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace gcsight {

namespace {

// The temporaries being written, for a signal handler to remove: Ctrl-C on a
// long analysis must not leave a FILE.tmp-PID of hundreds of MB behind. Plain
// arrays, since the handler may only read memory and call unlink().
constexpr size_t kMaxTemporaries = 8;
char g_tmp_paths[kMaxTemporaries][PATH_MAX];
volatile sig_atomic_t g_tmp_used[kMaxTemporaries];

void remove_temporaries_and_reraise(int sig) {
  for (size_t i = 0; i < kMaxTemporaries; ++i) {
    if (g_tmp_used[i]) ::unlink(g_tmp_paths[i]);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Installs the handler for the signals that end gcsight by default; a command
// that handles them itself (run forwards them to its program) keeps its own.
void remove_temporaries_on_signals() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction sa {};
    sa.sa_handler = remove_temporaries_and_reraise;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

// A slot for `tmp`, or -1 when none is free or the path is too long (it is then
// only removed on the usual paths).
int register_temporary(const std::string& tmp) {
  if (tmp.size() >= PATH_MAX) return -1;
  for (size_t i = 0; i < kMaxTemporaries; ++i) {
    if (g_tmp_used[i]) continue;
    std::memcpy(g_tmp_paths[i], tmp.c_str(), tmp.size() + 1);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    g_tmp_used[i] = 1;
    remove_temporaries_on_signals();
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temporary(int slot) {
  if (slot >= 0) g_tmp_used[slot] = 0;
}

}  // namespace

OutputFile::OutputFile(std::string path, std::string tmp) : path_(std::move(path)), tmp_(std::move(tmp)) {}

std::unique_ptr<OutputFile> OutputFile::create(const std::string& path, std::string* error) {
  std::string tmp = path + ".tmp-" + std::to_string(getpid());
  std::unique_ptr<OutputFile> f(new OutputFile(path, std::move(tmp)));
  f->slot_ = register_temporary(f->tmp_);
  f->out_.open(f->tmp_, std::ios::binary | std::ios::trunc);
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
  unregister_temporary(slot_);
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
  unregister_temporary(slot_);
  slot_ = -1;
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
