// The child runner's extra descriptor (the live dashboard's terminal): it is
// answered as soon as it is readable, not at the next tick, and once it hangs
// up it is no longer waited on (which would wake the loop on every poll).
#include <fcntl.h>
#include <gtest/gtest.h>
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

}  // namespace
}  // namespace gcsight
