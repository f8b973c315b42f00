// Secret-looking names and values kept out of recordings and reports.
#include "core/redact.h"

#include <gtest/gtest.h>

namespace gcsight {
namespace {

TEST(Redact, NamesThatLookSecret) {
  for (const char* n : {"GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "PGPASSWORD", "api_key", "MYSQL_PWD_PASSWD",
                        "GPG_PASSPHRASE", "GOOGLE_APPLICATION_CREDENTIALS", "BASIC_AUTH", "SSH_PRIVATE",
                        "SESSION_ID", "COOKIE_JAR", "SENTRY_DSN", "--password", "-apikey"}) {
    EXPECT_TRUE(looks_secret(n)) << n;
  }
  for (const char* n : {"PATH", "HOME", "GODEBUG", "GOGC", "GOMEMLIMIT", "LANG", "--json", "-v"}) {
    EXPECT_FALSE(looks_secret(n)) << n;
  }
}

TEST(Redact, EnvironmentEntries) {
  EXPECT_EQ(redact_env_entry("GITHUB_TOKEN=ghp_abc"), "GITHUB_TOKEN=<redacted>");
  EXPECT_EQ(redact_env_entry("PATH=/usr/bin"), "PATH=/usr/bin");
  EXPECT_EQ(redact_env_entry("DB_PASSWORD="), "DB_PASSWORD=<redacted>");
  EXPECT_EQ(redact_env_entry("NOEQUALS"), "NOEQUALS");
  EXPECT_EQ(redact_env_entry("A=B=TOKEN"), "A=B=TOKEN");  // the name decides, not the value
}

TEST(Redact, CommandLines) {
  using V = std::vector<std::string>;
  EXPECT_EQ(redact_command(V{"./srv", "--api-key=abc", "-v"}), (V{"./srv", "--api-key=<redacted>", "-v"}));
  EXPECT_EQ(redact_command(V{"./srv", "--password", "hunter2", "--port", "80"}),
            (V{"./srv", "--password", "<redacted>", "--port", "80"}));
  EXPECT_EQ(redact_command(V{"env", "AWS_SECRET_ACCESS_KEY=x", "./srv"}),
            (V{"env", "AWS_SECRET_ACCESS_KEY=<redacted>", "./srv"}));
  // The program itself is never redacted, whatever its name.
  EXPECT_EQ(redact_command(V{"./token-server", "--json"}), (V{"./token-server", "--json"}));
  EXPECT_EQ(redact_command(V{"./srv", "--password"}), (V{"./srv", "--password"}));
}

}  // namespace
}  // namespace gcsight
