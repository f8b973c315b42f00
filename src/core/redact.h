// Secret-looking values are kept out of recordings and reports: environment
// variables whose names suggest a credential, and command-line values of
// options with such names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gcsight {

/// What a redacted value is replaced with.
inline constexpr std::string_view kRedacted = "<redacted>";

/// Whether a variable or option name looks like it holds a secret: it contains
/// (case-insensitively) TOKEN, SECRET, PASSWORD, PASSWD, PASSPHRASE, KEY,
/// CREDENTIAL, AUTH, PRIVATE, SESSION, COOKIE, SIGNATURE or DSN.
bool looks_secret(std::string_view name);

/// "NAME=value" with the value replaced when the name looks secret.
std::string redact_env_entry(std::string_view entry);

/// The command with secret-looking option values replaced: `--api-key=X`,
/// `-password X` (the next argument), `TOKEN=X` as an argument.
std::vector<std::string> redact_command(const std::vector<std::string>& args);

}  // namespace gcsight
