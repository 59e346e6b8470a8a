#include "logviewer/logviewer_daemon.h"

#include "common/http/metrics_endpoint.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/config/daemon.h"
#include "common/http/http_server.h"
#include "common/state/local_state.h"
#include "logviewer/log_cleaner.h"
#include "logviewer/logviewer_handlers.h"

namespace storm {

namespace {

// Runs the cleaner every interval until stopped; the first run at start.
class CleanupThread {
 public:
  explicit CleanupThread(const Config& conf)
      : local_(LocalState::FromConfig(conf)),
        cleaner_(LogCleanerOptions{
            local_.WorkersArtifactsRoot(),
            std::chrono::minutes(conf.getInt(Config::kLogviewerCleanupAgeMins)),
            static_cast<uintmax_t>(conf.getInt(Config::kLogviewerMaxSumWorkerLogsSizeMb)) << 20}),
        interval_(conf.getInt(Config::kLogviewerCleanupIntervalSecs)),
        worker_timeout_secs_(conf.getInt(Config::kSupervisorWorkerTimeoutSecs)),
        thread_([this] { Loop(); }) {}
  ~CleanupThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      cv_.wait_for(lock, interval_, [this] { return stop_; });
    }
  }
  void RunOnce() {
    try {
      const int64_t now_secs = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
      const CleanupReport report =
          cleaner_.Run(std::filesystem::file_time_type::clock::now(),
                       AliveWorkerDirs(local_, now_secs, worker_timeout_secs_));
      if (report.files_deleted > 0) {
        spdlog::info("logviewer: cleanup deleted {} files ({} bytes); worker logs take {} bytes",
                     report.files_deleted, report.bytes_deleted, report.bytes_left);
      }
    } catch (const std::exception& e) {
      spdlog::warn("logviewer: cleanup failed: {}", e.what());
    }
  }

  const LocalState local_;
  LogCleaner cleaner_;
  const std::chrono::seconds interval_;
  const int64_t worker_timeout_secs_;
  std::mutex mutex_;  // guards stop_
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace

int RunLogviewerDaemon(const GlobalOptions& command_line) {
  try {
    Config conf = StartDaemon("logviewer", command_line);
    const sigset_t signals = BlockStopSignals();  // taken by sigwait below
    const int port = static_cast<int>(conf.getInt(Config::kLogviewerPort));
    http::ServerOptions options;
    options.port = port;
    options.name = "logviewer";
    http::Server server(options);
    const std::string log_dir = LogDir(conf);
    LogviewerHandlers handlers(LogFiles(log_dir),
                               "http://" + LocalHostName(conf) + ":" + std::to_string(port));
    handlers.Register(server);
    http::ServeMetrics(server, [started = std::chrono::steady_clock::now()] {
      metrics::MetricSet set;
      http::AddDaemonUptime(set, "logviewer", started);
      return set;
    });
    const int bound = server.Start();
    spdlog::info("logviewer: serving {} on port {}", log_dir, bound);
    CleanupThread cleanup(conf);

    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("logviewer: {} received, shutting down", strsignal(sig));
    server.Stop();
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("logviewer: {}", e.what());
    return 1;
  }
}

}  // namespace storm
