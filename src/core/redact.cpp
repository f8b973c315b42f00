#include "core/redact.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace gcsight {

bool looks_secret(std::string_view name) {
  static constexpr std::array<std::string_view, 13> kWords = {
      "TOKEN", "SECRET",  "PASSWORD", "PASSWD",  "PASSPHRASE", "KEY", "CREDENTIAL",
      "AUTH",  "PRIVATE", "SESSION",  "COOKIE", "SIGNATURE",  "DSN"};
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view w) { return upper.find(w) != std::string::npos; });
}

std::string redact_env_entry(std::string_view entry) {
  const size_t eq = entry.find('=');
  if (eq == std::string_view::npos || !looks_secret(entry.substr(0, eq))) return std::string(entry);
  std::string out(entry.substr(0, eq + 1));
  out += kRedacted;
  return out;
}

std::vector<std::string> redact_command(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool next_is_secret = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (next_is_secret) {
      out.emplace_back(kRedacted);
      next_is_secret = false;
      continue;
    }
    const size_t eq = a.find('=');
    if (i > 0 && eq != std::string::npos && eq > 0 && looks_secret(std::string_view(a).substr(0, eq))) {
      out.push_back(a.substr(0, eq + 1) + std::string(kRedacted));
      continue;
    }
    // `--password VALUE`: an option alone whose name looks secret takes the next argument.
    if (i > 0 && a.size() > 1 && a[0] == '-' && eq == std::string::npos && looks_secret(a)) next_is_secret = true;
    out.push_back(a);
  }
  return out;
}

}  // namespace gcsight
