// LiveTerminal and LiveDashboard.
//
// The terminal: the alternate screen (\e[?1049h) keeps the user's scrollback
// as it was; the cursor is hidden; the terminal is put in non-canonical mode
// without echo, keeping ISIG so Ctrl-C still reaches the program's process
// group as a signal (the child runner forwards what arrives) but with the
// suspend character off (a stopped gcsight would leave the screen switched).
// Everything is undone by restore(), called by the destructor on every normal
// path, and by a handler on the fatal signals and on SIGINT/SIGTERM/SIGHUP
// outside the child runner (which handles those while the program runs),
// which writes the same bytes, resets the modes and re-raises the signal.
//
// The dashboard keeps only bounded state: the output pane's ring (2,000
// lines of at most 4 KiB), the latest 4,096 cycles and samples for the
// charts and windows, and the last 256 pauses. Frames are drawn at most every
// 250 ms, and at least every second (the elapsed time moves).
#include "cli/live_view.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace gcsight {
namespace {

constexpr std::string_view kEnter = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
constexpr std::string_view kLeave = "\x1b[?25h\x1b[?1049l";
constexpr size_t kHistory = 4096;
constexpr int64_t kMinFrameNs = 250'000'000;
constexpr int64_t kMaxFrameNs = 1'000'000'000;
constexpr int64_t kWindowNs = 10'000'000'000;
constexpr int64_t kFindingsEveryNs = 1'000'000'000;

volatile std::sig_atomic_t g_resized = 0;
volatile std::sig_atomic_t g_active = 0;
termios g_saved{};
int g_tty = -1;

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Async-signal-safe: write and tcsetattr only.
void restore_raw() {
  if (g_active == 0) return;
  g_active = 0;
  [[maybe_unused]] ssize_t n = write(STDOUT_FILENO, kLeave.data(), kLeave.size());
  if (g_tty >= 0) tcsetattr(g_tty, TCSAFLUSH, &g_saved);
}

extern "C" void on_winch(int) { g_resized = 1; }
extern "C" void on_fatal(int sig) {
  restore_raw();
  signal(sig, SIG_DFL);
  raise(sig);
}

constexpr int kFatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGINT, SIGTERM, SIGHUP, SIGQUIT};

}  // namespace

std::unique_ptr<LiveTerminal> LiveTerminal::open(std::string* err, bool keys_from_stdin) {
  if (isatty(STDOUT_FILENO) != 1) {
    *err = "standard output is not a terminal";
    return nullptr;
  }
  std::unique_ptr<LiveTerminal> t(new LiveTerminal());
  // Keys come from the controlling terminal, so standard input may be redirected.
  t->in_fd_ = ::open("/dev/tty", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  t->own_in_fd_ = t->in_fd_ >= 0;
  if (t->in_fd_ < 0 && keys_from_stdin && isatty(STDIN_FILENO) == 1) t->in_fd_ = STDIN_FILENO;
  g_tty = t->in_fd_ >= 0 ? t->in_fd_ : STDOUT_FILENO;
  if (tcgetattr(g_tty, &g_saved) != 0) {
    *err = std::string("cannot read the terminal's modes: ") + std::strerror(errno);
    return nullptr;
  }
  termios raw = g_saved;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  raw.c_cc[VSUSP] = _POSIX_VDISABLE;
  struct sigaction sa {};
  sa.sa_handler = on_fatal;
  sigemptyset(&sa.sa_mask);
  for (int s : kFatal) sigaction(s, &sa, nullptr);
  struct sigaction sw {};
  sw.sa_handler = on_winch;
  sigemptyset(&sw.sa_mask);
  sw.sa_flags = SA_RESTART;
  sigaction(SIGWINCH, &sw, nullptr);
  tcsetattr(g_tty, TCSAFLUSH, &raw);
  g_active = 1;
  t->active_ = true;
  write_all(STDOUT_FILENO, kEnter);
  return t;
}

LiveTerminal::~LiveTerminal() {
  restore();
  if (own_in_fd_) close(in_fd_);
}

void LiveTerminal::restore() {
  if (!active_) return;
  active_ = false;
  restore_raw();
  for (int s : kFatal) signal(s, SIG_DFL);
  signal(SIGWINCH, SIG_DFL);
}

std::pair<size_t, size_t> LiveTerminal::size() const {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) return {ws.ws_col, ws.ws_row};
  return {80, 24};
}

bool LiveTerminal::take_resize() {
  const bool r = g_resized != 0;
  g_resized = 0;
  return r;
}

std::string LiveTerminal::read_input() {
  std::string out;
  if (in_fd_ < 0) return out;
  char buf[256];
  for (;;) {
    const ssize_t n = read(in_fd_, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void LiveTerminal::draw(const std::vector<std::string>& lines) {
  std::string frame = "\x1b[H";
  for (size_t i = 0; i < lines.size(); ++i) {
    frame += lines[i];
    frame += "\x1b[K";
    if (i + 1 < lines.size()) frame += "\r\n";
  }
  write_all(STDOUT_FILENO, frame);
}

LiveDashboard::LiveDashboard(std::string title, LiveTerminal& terminal, ChartGlyphs glyphs, bool clock_from_cycles)
    : title_(terminal_safe(title)), terminal_(terminal), glyphs_(glyphs), clock_from_cycles_(clock_from_cycles) {}

void LiveDashboard::reset_history() {
  cycles_.clear();
  cycles_next_ = 0;
  pauses_ = RecentPauses{};
  latest_cycle_ns_ = 0;
  dirty_ = true;
}

void LiveDashboard::set_notice(std::string text) {
  notice_ = terminal_safe(text);
  dirty_ = true;
}

void LiveDashboard::on_output(std::string_view bytes) {
  output_.feed(bytes);
  dirty_ = true;
}

void LiveDashboard::on_cycle(const GcCycle& c, int64_t t_ns) {
  pauses_.add(c.stw_ns());
  const uint64_t gc_cpu = c.cpu_ns[0] + c.cpu_ns[1] + c.cpu_ns[2] + c.cpu_ns[4];
  const CyclePoint p{t_ns, c.heap_live, c.stw_ns(), gc_cpu, static_cast<uint64_t>(std::max(c.procs, 1))};
  if (cycles_.size() < kHistory) {
    cycles_.push_back(p);
  } else {
    cycles_[cycles_next_] = p;
    cycles_next_ = (cycles_next_ + 1) % kHistory;
  }
  latest_cycle_ns_ = std::max(latest_cycle_ns_, t_ns);
  dirty_ = true;
}

void LiveDashboard::on_sample(int64_t t_ns, std::optional<uint64_t> rss) {
  if (!rss) return;
  if (rss_.size() < kHistory) {
    rss_.emplace_back(t_ns, *rss);
  } else {
    rss_[rss_next_] = {t_ns, *rss};
    rss_next_ = (rss_next_ + 1) % kHistory;
  }
  dirty_ = true;
}

void LiveDashboard::handle_keys(const std::string& typed, bool* quit) {
  std::string keys = pending_keys_ + typed;
  pending_keys_.clear();
  for (size_t i = 0; i < keys.size(); ++i) {
    const char k = keys[i];
    if (k == '\x1b') {
      const bool intro = i + 1 < keys.size() && (keys[i + 1] == '[' || keys[i + 1] == 'O');
      if (i + 1 >= keys.size() || (intro && i + 2 >= keys.size())) {
        // Cut between reads: kept for the next read; a lone Esc is dropped then.
        if (!typed.empty()) pending_keys_ = keys.substr(i);
        break;
      }
      if (keys[i + 1] == '[' || keys[i + 1] == 'O') {
        size_t j = i + 2;
        while (j < keys.size() && !(keys[j] >= 0x40 && keys[j] <= 0x7E)) ++j;
        if (j >= keys.size()) {
          pending_keys_ = keys.substr(i);
          break;
        }
        const std::string_view seq(keys.data() + i + 2, j - i - 1);
        if (seq == "A") ++scroll_;
        else if (seq == "B" && scroll_ > 0) --scroll_;
        else if (seq == "5~") scroll_ += 10;
        else if (seq == "6~") scroll_ = scroll_ > 10 ? scroll_ - 10 : 0;
        else if (seq == "D") chart_older();
        else if (seq == "C") chart_newer();
        else if (seq == "F" || seq == "4~") newest();
        i = j;
      }
      dirty_ = true;
      continue;
    }
    switch (k) {
      case 'p':
      case 'P':
        paused_ = !paused_;
        break;
      case 'q':
      case 'Q':
        if (!quitting_) {
          quitting_ = true;
          *quit = true;
        }
        break;
      case 'k':
        ++scroll_;
        break;
      case 'j':
        if (scroll_ > 0) --scroll_;
        break;
      case 'G':
        newest();
        break;
      case 'h':
        chart_older();
        break;
      case 'l':
        chart_newer();
        break;
      case '+':
      case '=':
        if (chart_span_ > 0) --chart_span_;
        break;
      case '-':
        if (chart_span_ + 1 < std::size(kChartSpans)) ++chart_span_;
        break;
      default:
        continue;
    }
    dirty_ = true;
    last_draw_ = -1;  // a key is answered at once
  }
}

void LiveDashboard::chart_older() { chart_back_ns_ += kChartSpans[chart_span_] / 2; }

void LiveDashboard::chart_newer() { chart_back_ns_ = std::max<int64_t>(0, chart_back_ns_ - kChartSpans[chart_span_] / 2); }

void LiveDashboard::newest() {
  scroll_ = 0;
  chart_back_ns_ = 0;
}

bool LiveDashboard::poll(int64_t t_ns, const std::function<LiveSnapshot()>& snapshot,
                         const std::function<std::vector<Finding>()>& findings) {
  bool quit = false;
  const std::string typed = terminal_.read_input();
  const bool keyed = !typed.empty();
  if (keyed || !pending_keys_.empty()) handle_keys(typed, &quit);
  const bool resized = terminal_.take_resize();
  const bool due = last_draw_ < 0 || t_ns - last_draw_ >= (dirty_ ? kMinFrameNs : kMaxFrameNs);
  if (keyed || resized || (!paused_ && due)) redraw(t_ns, snapshot, findings);
  return quit;
}

void LiveDashboard::set_ended(int status, int64_t t_ns, const std::function<LiveSnapshot()>& snapshot,
                              const std::function<std::vector<Finding>()>& findings) {
  ended_ = true;
  exit_status_ = status;
  findings_at_ = -1;
  redraw(t_ns, snapshot, findings);
}

void LiveDashboard::redraw(int64_t t_ns, const std::function<LiveSnapshot()>& snapshot,
                           const std::function<std::vector<Finding>()>& findings) {
  LiveFrame f;
  f.title = title_;
  f.status.live = snapshot();
  f.status.elapsed_ns = t_ns;
  f.status.window_cycles = pauses_.count();
  f.status.last_pause_ns = pauses_.last();
  f.status.window_p99_pause_ns = pauses_.percentile(99);
  if (findings_at_ < 0 || t_ns - findings_at_ >= kFindingsEveryNs) {
    findings_ = findings();
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
    findings_at_ = t_ns;
  }
  f.findings = findings_;

  // Windows over the cycles of the last kWindowNs, up to now or to the latest cycle.
  const int64_t now = clock_from_cycles_ ? latest_cycle_ns_ : t_ns;
  f.clock_from_cycles = clock_from_cycles_;
  f.notice = notice_;
  f.pane_title = pane_title_;
  const int64_t window_from = std::max<int64_t>(0, now - kWindowNs);
  f.window_ns = now - window_from;
  uint64_t in_window = 0, gc_cpu = 0, procs = 1;
  for (const CyclePoint& p : cycles_) {
    if (p.t_ns < window_from) continue;
    ++in_window;
    gc_cpu += p.gc_cpu_ns;
    procs = p.wall_cpu_ns;
  }
  if (f.window_ns > 0) {
    f.window_cycles_per_min = static_cast<double>(in_window) * 60e9 / static_cast<double>(f.window_ns);
    f.window_gc_cpu = in_window > 0 ? static_cast<double>(gc_cpu) /
                                          (static_cast<double>(f.window_ns) * static_cast<double>(procs))
                                    : 0.0;
  }

  // Charts: the rings in time order, over the window chosen with the history
  // and zoom keys. It ends no earlier than one span after the oldest point held.
  const int64_t span = kChartSpans[chart_span_];
  int64_t oldest = now;  // the rings' next slot is their oldest entry
  if (!cycles_.empty()) oldest = std::min(oldest, cycles_[cycles_next_].t_ns);
  if (!rss_.empty()) oldest = std::min(oldest, rss_[rss_next_].first);
  chart_back_ns_ = std::clamp<int64_t>(chart_back_ns_, 0, std::max<int64_t>(0, now - oldest - span));
  f.chart_back_ns = chart_back_ns_;
  f.chart_to_ns = now - chart_back_ns_;
  f.chart_from_ns = std::max<int64_t>(0, f.chart_to_ns - span);
  for (size_t i = 0; i < cycles_.size(); ++i) {
    const CyclePoint& p = cycles_[(cycles_next_ + i) % cycles_.size()];
    if (p.t_ns < f.chart_from_ns || p.t_ns > f.chart_to_ns) continue;
    f.heap_live.points.emplace_back(p.t_ns, p.heap_live);
    f.pauses.points.emplace_back(p.t_ns, p.pause_ns);
  }
  f.pauses.holds = false;
  for (size_t i = 0; i < rss_.size(); ++i) {
    const auto& p = rss_[(rss_next_ + i) % rss_.size()];
    if (p.first >= f.chart_from_ns && p.first <= f.chart_to_ns) f.rss.points.push_back(p);
  }
  // Start the charts at the oldest point held, so a short history fills the width.
  f.chart_from_ns = std::max(f.chart_from_ns, std::min(oldest, f.chart_to_ns));
  if (f.chart_to_ns <= f.chart_from_ns) f.chart_to_ns = f.chart_from_ns + 1;

  f.output = output_.lines();
  f.paused = paused_;
  f.quitting = quitting_;
  f.ended = ended_;
  f.exit_status = exit_status_;
  const auto [columns, rows] = terminal_.size();
  scroll_ = std::min(scroll_, live_max_scroll(f, columns, rows));
  f.scroll = scroll_;
  terminal_.draw(render_live(f, columns, rows, glyphs_));
  last_draw_ = t_ns;
  dirty_ = false;
}

}  // namespace gcsight
