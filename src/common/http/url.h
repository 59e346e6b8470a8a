// URL pieces of an HTTP request target: percent-decoding and query strings.
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace storm::http {

// Decodes %XX escapes; with `plus_is_space` (query strings) also '+' to ' '.
// nullopt for a malformed escape ("%4", "%zz").
std::optional<std::string> UrlDecode(std::string_view text, bool plus_is_space);

// Encodes everything but unreserved characters (RFC 3986: A-Z a-z 0-9 - _ . ~)
// as %XX: for a path segment or a query value.
std::string UrlEncode(std::string_view text);

// Parses "a=1&b=x%20y&flag" into {a: "1", b: "x y", flag: ""}. The first of
// repeated keys wins. nullopt when a name or value is malformed.
std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace storm::http
