#include "common/config/command_line.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>

namespace storm {

namespace {

// spdlog's level names ("warning" and "err" are its aliases); spdlog itself
// takes any other word for "off", which would silence the log.
CLI::Validator LogLevel() {
  return CLI::Validator(
      [](std::string& level) -> std::string {
        static const char* const kLevels[] = {"trace", "debug", "info",     "warn", "warning",
                                              "error", "err",   "critical", "off"};
        if (std::find(std::begin(kLevels), std::end(kLevels), level) != std::end(kLevels)) {
          return "";
        }
        return "unknown level '" + level + "' (trace, debug, info, warn, error, critical or off)";
      },
      "");
}

// CLI11's help with the usage line a command sets with SetUsage.
class UsageFormatter : public CLI::Formatter {
 public:
  UsageFormatter(const CLI::Formatter& base, std::string usage)
      : CLI::Formatter(base), usage_(std::move(usage)) {}
  std::string make_usage(const CLI::App*, std::string) const override {
    return get_label("Usage") + ": " + usage_ + "\n";
  }

 private:
  std::string usage_;
};

// "storm kill": the program and the verbs it was parsing.
std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    path += " " + at->get_name();
  }
  return path;
}

std::string Unexpected(const std::string& word) {
  if (word.size() > 1 && word[0] == '-') return "unknown option '" + word + "'";
  return "unexpected argument '" + word + "'";
}

// CLI11's messages, said the way a shell user reads them where CLI11's are
// written for the programmer ("The following argument was not expected").
std::string Reason(const CLI::App& app, const CLI::ParseError& e) {
  const std::string what = e.what();
  const std::vector<std::string> leftover = app.remaining(/*recurse=*/true);
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && app.get_subcommands().empty() &&
      app.get_require_subcommand_min() > 0) {
    const std::string help = " (see " + app.get_name() + " --help)";
    if (leftover.empty()) return "no command given" + help;
    if (leftover[0][0] == '-') return Unexpected(leftover[0]);
    return "unknown command '" + leftover[0] + "'" + help;
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr && !leftover.empty()) {
    return Unexpected(leftover[0]);
  }
  // "--wait: 1 required SECS missing": an option at the end of the line.
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr &&
      what.find(" required ") != std::string::npos && what.ends_with(" missing")) {
    return "option " + what.substr(0, what.find(':')) + " needs a value";
  }
  return what;
}

}  // namespace

std::string GlobalOptions::LogLevelOr(const std::string& program_default) const {
  return log_level.empty() ? program_default : log_level;
}

Config GlobalOptions::Overrides() const {
  Config conf;
  for (const auto& o : sources.overrides) ApplyOverride(conf, o);
  return conf;
}

void AddGlobalOptions(CLI::App& app, GlobalOptions& out) {
  // trigger_on_parse: each is stored as it is read, so that the options
  // before the verb (the root App's) and after it (the subcommand's) keep
  // their order, and a repeated one is no error.
  app.add_option("-c", "sets a config key, the value in YAML (repeatable)")
      ->type_name("KEY=VALUE")
      ->check(KeyEqualsValue())
      ->each([&out](const std::string& v) { out.sources.overrides.push_back(v); })
      ->trigger_on_parse();
  app.add_option("--config", "a YAML config file, read after storm.yaml")
      ->type_name("FILE")
      ->each([&out](const std::string& v) { out.sources.config_file = v; })
      ->trigger_on_parse();
  app.add_option("--log-level", "trace, debug, info, warn, error, critical or off")
      ->type_name("LEVEL")
      ->check(LogLevel())
      ->each([&out](const std::string& v) { out.log_level = v; })
      ->trigger_on_parse();
}

CLI::Option* AddLogLevelOption(CLI::App& app, std::string& level) {
  return app.add_option("--log-level", level, "trace, debug, info, warn, error, critical or off")
      ->type_name("LEVEL")
      ->check(LogLevel());
}

void TakeProgramAndArguments(CLI::App& command, const std::function<void(CLI::App&)>& add_options,
                             const std::string& program_description, std::string& program,
                             std::vector<std::string>& args) {
  // CLI11 stops at the first word that is no option (the program) and keeps
  // it and all after it, verbatim, in command.remaining(); unknown options
  // before it are kept there too.
  command.prefix_command();
  command.callback([&command, add_options, program_description, &program, &args] {
    // The command's options, taken out of the rest wherever they stand, up
    // to a "--" (CLI11 keeps it, and all after it, as extras).
    CLI::App rest;
    rest.set_help_flag();  // --help after the program is the program's
    rest.allow_extras();
    add_options(rest);
    std::vector<std::string> words = command.remaining();
    std::reverse(words.begin(), words.end());  // CLI11 parses a vector from its back
    rest.parse(words);
    words = rest.remaining();
    // The first "--" left is the one that ended the options (CLI11 keeps it
    // and all after it); an option's value "--" is not left over.
    auto mark = std::find(words.begin(), words.end(), "--");
    if (mark != words.end()) words.erase(mark);
    if (words.empty()) throw CLI::RequiredError(program_description);
    if (words[0].size() > 1 && words[0][0] == '-') throw CLI::ExtrasError({words[0]});
    program = words[0];
    args.assign(words.begin() + 1, words.end());
  });
}

CLI::Validator WholeNumber(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        int64_t n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size() && text[0] != '-' && n >= min &&
            n <= max) {
          return "";
        }
        const std::string range =
            max == std::numeric_limits<int32_t>::max()
                ? " >= " + std::to_string(min)
                : " from " + std::to_string(min) + " to " + std::to_string(max);
        return "expected a whole number" + range + ", got '" + text + "'";
      },
      "");
}

CLI::Validator Seconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double secs = 0;
        auto [end, ec] =
            std::from_chars(text.data(), text.data() + text.size(), secs, std::chars_format::fixed);
        if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(secs) &&
            secs >= 0) {
          return "";
        }
        return "expected a number of seconds, got '" + text + "'";
      },
      "");
}

CLI::Validator KeyEqualsValue() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const size_t equals = text.find('=');
        if (equals != std::string::npos && equals > 0) return "";
        return "expected KEY=VALUE, got '" + text + "'";
      },
      "");
}

void SetUsage(CLI::App& app, const std::string& usage) {
  // Keeps the labels and widths the app had.
  auto inherited = std::dynamic_pointer_cast<CLI::Formatter>(app.get_formatter());
  app.formatter(std::make_shared<UsageFormatter>(inherited ? *inherited : CLI::Formatter(), usage));
}

std::optional<int> ParseCommandLine(CLI::App& app, const std::vector<std::string>& args,
                                    std::ostream& out, std::ostream& err) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses from the back
  try {
    app.parse(reversed);
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::Success& e) {  // --version, when a program has it
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    err << CommandPath(app) << ": " << Reason(app, e) << "\n";
    return 2;
  }
}

int RunCommandLine(CLI::App& app, int argc, char** argv, const std::function<int()>& run) {
  if (auto status = ParseCommandLine(app, std::vector<std::string>(argv + 1, argv + argc))) {
    return *status;
  }
  return run();
}

}  // namespace storm
