// Report files are written whole or not at all: to a temporary file in the
// same directory, renamed over the target only once complete. SIGINT, SIGTERM
// and SIGHUP remove the temporaries before ending gcsight, unless the command
// handles those signals itself.
#pragma once

#include <fstream>
#include <memory>
#include <string>

namespace gcsight {

/// A file being written under a temporary name.
class OutputFile {
 public:
  /// Creates `path`.tmp-PID; nullptr and *error on failure.
  static std::unique_ptr<OutputFile> create(const std::string& path, std::string* error);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  std::ostream& stream() { return out_; }
  /// Flushes, closes and renames into place; false and *error on failure.
  bool commit(std::string* error);

 private:
  OutputFile(std::string path, std::string tmp);
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
  int slot_ = -1;  // where a signal handler finds tmp_ to remove it
};

/// Writes `content` to `path` whole or not at all.
bool write_file_whole(const std::string& path, const std::string& content, std::string* error);

/// Flushes std::cout; false and *error when anything written to it was lost
/// (a full disk behind `> report.json`, a closed descriptor).
bool flush_stdout(std::string* error);

}  // namespace gcsight
