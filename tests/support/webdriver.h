// A headless browser for page tests: Debian's Chromium driven through
// ChromeDriver's WebDriver protocol (HTTP + JSON on a free loopback port),
// with the browser's console log kept, so a test can assert what a page
// renders and that it raised no JavaScript error.
//
//   Browser browser;                                  // chromedriver + a session
//   browser.Open("http://127.0.0.1:8080/topology.html?id=wc-1-1");
//   browser.WaitForText("wc", 30s);                   // rendered by the page's JS
//   browser.Eval("return document.querySelectorAll('svg .node').length");
//   browser.SevereConsoleMessages();                  // JavaScript errors
//   browser.Screenshot("docs/images/topology.png");
//
// Chromium runs as the probe in DEVELOPERS' notes starts it: --headless
// --no-sandbox (root), no GPU, no background networking (this machine's
// network is closed), a fresh profile in a temporary dir. Throws
// std::runtime_error naming what failed (a missing package: install
// chromium and chromium-driver, scripts/install-deps.sh).
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/ports.h"
#include "support/processes.h"
#include "support/temp_dir.h"

namespace storm::testing {

inline constexpr const char* kChromium = "/usr/bin/chromium";
inline constexpr const char* kChromeDriver = "/usr/bin/chromedriver";

class Browser {
 public:
  Browser()
      : port_(FreePort()),
        driver_({kChromeDriver, "--port=" + std::to_string(port_)}, dir_ / "chromedriver.log") {
    for (const char* binary : {kChromium, kChromeDriver}) {
      if (!std::filesystem::exists(binary)) {
        throw std::runtime_error(std::string(binary) +
                                 " is missing: install Debian's chromium and chromium-driver "
                                 "(scripts/install-deps.sh)");
      }
    }
    driver_.Start();
    WaitForPort(driver_, port_, std::chrono::seconds(30));
    const nlohmann::json args = {"--headless", "--no-sandbox", "--disable-gpu",
                                 "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                                 "--disable-background-networking", "--disable-component-update",
                                 "--disable-sync", "--window-size=1400,1000",
                                 "--user-data-dir=" + (dir_ / "profile").string()};
    const nlohmann::json capabilities = {
        {"capabilities",
         {{"alwaysMatch",
           {{"browserName", "chrome"},
            {"goog:chromeOptions", {{"binary", kChromium}, {"args", args}}},
            {"goog:loggingPrefs", {{"browser", "ALL"}}}}}}}};
    const nlohmann::json reply = Call("POST", "/session", capabilities);
    session_ = reply.at("sessionId").get<std::string>();
  }

  ~Browser() {
    if (!session_.empty()) {
      try {
        Call("DELETE", "/session/" + session_, nullptr);
      } catch (const std::exception&) {
        // The driver is stopped below anyway.
      }
    }
    driver_.Stop();
  }

  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  void Open(const std::string& url) { Session("POST", "/url", {{"url", url}}); }

  // Runs `script` (a function body; `return` gives the value) in the page.
  nlohmann::json Eval(const std::string& script) {
    return Session("POST", "/execute/sync", {{"script", script}, {"args", nlohmann::json::array()}});
  }

  std::string BodyText() {
    const nlohmann::json text = Eval("return document.body ? document.body.innerText : ''");
    return text.is_string() ? text.get<std::string>() : "";
  }

  // Waits until the page's text contains `text`; false if it did not in time.
  bool WaitForText(const std::string& text, std::chrono::milliseconds timeout) {
    return WaitFor([&] { return BodyText().find(text) != std::string::npos; }, timeout);
  }

  // Waits until `script` returns true.
  bool WaitForScript(const std::string& script, std::chrono::milliseconds timeout) {
    return WaitFor(
        [&] {
          const nlohmann::json v = Eval(script);
          return v.is_boolean() && v.get<bool>();
        },
        timeout);
  }

  // The console messages logged since the last call, at level SEVERE
  // (uncaught exceptions, console.error, failed loads).
  std::vector<std::string> SevereConsoleMessages() {
    std::vector<std::string> out;
    for (const auto& entry : Session("POST", "/se/log", {{"type", "browser"}})) {
      if (entry.value("level", "") == "SEVERE") out.push_back(entry.value("message", ""));
    }
    return out;
  }

  // Saves a PNG of the window.
  void Screenshot(const std::filesystem::path& png) {
    const std::string b64 = Session("GET", "/screenshot", nullptr).get<std::string>();
    std::string bytes(boost::beast::detail::base64::decoded_size(b64.size()), '\0');
    const auto [written, read] =
        boost::beast::detail::base64::decode(bytes.data(), b64.data(), b64.size());
    (void)read;
    bytes.resize(written);
    std::filesystem::create_directories(png.parent_path());
    std::ofstream(png, std::ios::binary) << bytes;
  }

  std::string DriverLogTail() const { return driver_.LogTail(); }

 private:
  template <class Pred>
  static bool WaitFor(Pred pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return pred();
  }

  nlohmann::json Session(const std::string& method, const std::string& path,
                         const nlohmann::json& body) {
    return Call(method, "/session/" + session_ + path, body);
  }

  // One WebDriver command: its "value", or std::runtime_error with the
  // driver's error.
  nlohmann::json Call(const std::string& method, const std::string& path,
                      const nlohmann::json& body) {
    const HttpReply reply = HttpFetch(port_, method, path, body.is_null() ? "" : body.dump());
    const nlohmann::json json = nlohmann::json::parse(reply.body, nullptr, false);
    if (reply.status != 200 || json.is_discarded() || !json.contains("value")) {
      throw std::runtime_error("webdriver " + method + " " + path + " answered " +
                               std::to_string(reply.status) + ": " + reply.body.substr(0, 2000) +
                               "\n" + driver_.LogTail());
    }
    return json["value"];
  }

  TempDir dir_;
  int port_;
  DaemonProcess driver_;
  std::string session_;
};

}  // namespace storm::testing
