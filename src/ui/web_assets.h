// The UI's web page (src/ui/web/), compiled into the binary at build time
// (embed_web.cmake), so that storm-ui needs no files beside it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace storm::ui {

struct WebAsset {
  std::string_view path;  // "/index.html"
  std::string_view bytes;
};

const std::vector<WebAsset>& WebAssets();

// "text/html; charset=utf-8" for .html, and so on for .js, .css, .svg.
std::string ContentTypeOf(std::string_view path);

}  // namespace storm::ui
