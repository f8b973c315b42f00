#pragma once
namespace gcsight {
/// The exit statuses of gcsight (docs/cli.md). `run` passes the program's own
/// status on instead, as env(1) does.
enum ExitCode : int {
  kExitOk = 0,           ///< analysed (findings do not change it)
  kExitFailOn = 1,       ///< --fail-on: a finding at or above the severity
  kExitUsage = 2,        ///< bad command line
  kExitInput = 3,        ///< an input could not be read (the rest was analysed)
  kExitOutput = 4,       ///< a report could not be written
};
}  // namespace gcsight
