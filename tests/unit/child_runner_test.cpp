// The child runner's extra descriptor (the live dashboard's terminal): it is
// answered as soon as it is readable, not at the next tick, and once it hangs
// up it is no longer waited on (which would wake the loop on every poll).
// The program's stdout when nobody takes it any more: its pipe is closed, and
// the program meets the closed pipe with the SIGPIPE disposition gcsight was
// started with.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "io/child_runner.h"

namespace gcsight {
namespace {

TEST(ChildRunner, TheWakeDescriptorIsAnsweredAtOnceAndDroppedWhenItHangsUp) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
  std::vector<int64_t> wakes;
  std::vector<int64_t> readable;
  ChildCallbacks cb;
  cb.tick_ns = 10'000'000'000;  // no tick during the test: only the descriptor can wake the loop
  cb.wake_fd = p[0];
  cb.on_wake = [&](int64_t t) {
    char b[16];
    if (read(p[0], b, sizeof b) > 0) readable.push_back(t);
    wakes.push_back(t);
  };
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    [[maybe_unused]] ssize_t n = write(p[1], "k", 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    close(p[1]);  // hang up
  });
  const ChildExit ex = run_child(ChildSpec{{"sleep", "1.5"}, {"PATH=/usr/bin:/bin"}}, cb);
  writer.join();
  close(p[0]);
  ASSERT_TRUE(ex.started) << ex.error;
  EXPECT_EQ(ex.status, 0);
  ASSERT_EQ(readable.size(), 1u);
  EXPECT_GE(readable[0], 250'000'000);
  EXPECT_LT(readable[0], 1'000'000'000) << "the key waited for something else to wake the loop";
  // After the hang-up the descriptor is left alone: a few wakes (signals), not one per poll.
  EXPECT_LT(wakes.size(), 10u);
}

TEST(ChildRunner, WithoutAWakeDescriptorNothingIsCalled) {
  int calls = 0;
  ChildCallbacks cb;
  cb.on_wake = [&](int64_t) { ++calls; };
  const ChildExit ex = run_child(ChildSpec{{"sleep", "0.2"}, {"PATH=/usr/bin:/bin"}}, cb);
  EXPECT_EQ(ex.status, 0);
  EXPECT_EQ(calls, 0);
}

// SIGPIPE ignored in this process for the test's length, as `gcsight run` ignores it.
class SigpipeIgnored {
 public:
  SigpipeIgnored() {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old_);
  }
  ~SigpipeIgnored() { sigaction(SIGPIPE, &old_, nullptr); }
  SigpipeIgnored(const SigpipeIgnored&) = delete;
  SigpipeIgnored& operator=(const SigpipeIgnored&) = delete;

 private:
  struct sigaction old_ {};
};

// Writes a line to stdout every 10 ms, 100 times.
const std::vector<std::string> kTicker = {
    "sh", "-c", "i=0; while [ $i -lt 100 ]; do echo x; i=$((i+1)); sleep 0.01; done"};

TEST(ChildRunner, StdoutNoLongerTakenIsClosedAndTheProgramMeetsABrokenPipe) {
  const SigpipeIgnored ignored;
  int chunks = 0;
  ChildCallbacks cb;
  cb.on_stdout = [&](std::string_view, int64_t) {
    ++chunks;
    return false;
  };
  const ChildExit ex = run_child(ChildSpec{kTicker, {"PATH=/usr/bin:/bin"}}, cb);
  ASSERT_TRUE(ex.started) << ex.error;
  // Killed by SIGPIPE at its next write, though this process ignores SIGPIPE.
  EXPECT_TRUE(ex.signaled);
  EXPECT_EQ(ex.signal, SIGPIPE);
  EXPECT_EQ(ex.status, 128 + SIGPIPE);
  EXPECT_EQ(chunks, 1);
}

TEST(ChildRunner, AProgramStartedWithSigpipeIgnoredGetsTheErrorInstead) {
  const SigpipeIgnored ignored;
  ChildCallbacks cb;
  cb.on_stdout = [](std::string_view, int64_t) { return false; };
  ChildSpec spec{kTicker, {"PATH=/usr/bin:/bin"}};
  spec.sigpipe_ignored = true;
  const ChildExit ex = run_child(spec, cb);
  ASSERT_TRUE(ex.started) << ex.error;
  EXPECT_FALSE(ex.signaled);  // each echo fails with EPIPE; the loop runs to its end
}

TEST(ChildRunner, WhenTheStdoutSinksReaderGoesTheProgramsStdoutIsClosedAtOnce) {
  for (const bool watched : {false, true}) {
    SCOPED_TRACE(watched ? "watched" : "not watched");
    int sink[2];
    ASSERT_EQ(pipe2(sink, O_CLOEXEC), 0);
    close(sink[0]);  // the sink's reader is gone before the program writes anything
    int chunks = 0;
    ChildCallbacks cb;
    cb.on_stdout = [&](std::string_view, int64_t) {
      ++chunks;
      return true;
    };
    if (watched) cb.stdout_sink_fd = sink[1];
    const ChildExit ex =
        run_child(ChildSpec{{"sh", "-c", "sleep 0.3; echo x"}, {"PATH=/usr/bin:/bin"}}, cb);
    close(sink[1]);
    ASSERT_TRUE(ex.started) << ex.error;
    if (watched) {
      // Its one write fails, as it would have on the sink itself.
      EXPECT_EQ(ex.status, 128 + SIGPIPE);
      EXPECT_EQ(chunks, 0);
    } else {
      EXPECT_EQ(ex.status, 0);
      EXPECT_EQ(chunks, 1);
    }
  }
}

}  // namespace
}  // namespace gcsight
