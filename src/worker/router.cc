#include "worker/router.h"

#include <algorithm>

#include "storm/errors.h"

namespace storm {

StreamRouter::StreamRouter(const TopologyLayout& layout, const std::string& component,
                           const std::vector<int>& worker_tasks, uint64_t seed)
    : layout_(layout), component_(component) {
  by_index_.resize(layout.num_streams());
  const ComponentDef* def = layout.Component(component);
  if (def == nullptr) return;  // the system component emits no routed streams
  uint64_t n = 0;
  for (const auto& [stream, decl] : def->streams) {
    int index = layout.StreamIndex(component, stream);
    stream_indexes_.push_back(index);
    StreamRoutes& routes = by_index_[index];
    routes.name = stream;
    routes.direct = decl.direct;
    for (const Subscription& sub : layout.Subscribers(index)) {
      routes.routes.push_back(
          Route_{MakeGrouper(sub, decl.fields, worker_tasks, seed + (n++)), &sub});
    }
    if (stream == "default") default_stream_ = index;
  }
}

int StreamRouter::StreamIndex(const std::string& stream) const {
  // A component declares a few streams: comparing their names is cheaper
  // than the layout's map keyed by (component, stream), and this runs for
  // every tuple emitted on a named stream (all of the acker's).
  for (const int index : stream_indexes_) {
    if (by_index_[index].name == stream) return index;
  }
  const int index = layout_.StreamIndex(component_, stream);
  if (index < 0) {
    throw StormError("component '" + component_ + "' emits on stream '" + stream +
                     "' which it did not declare in declareOutputFields");
  }
  return index;
}

void StreamRouter::Route(int stream_index, const Values& values, int direct_task,
                         std::vector<int>& out) {
  if (stream_index < 0) {
    throw StormError("component '" + component_ +
                     "' emits on the default stream, which it did not declare");
  }
  StreamRoutes& stream = by_index_[stream_index];
  if (direct_task >= 0) {
    if (!stream.direct) {
      throw StormError("component '" + component_ + "' called emitDirect on stream '" +
                       stream.name + "', which is not declared direct");
    }
    for (const Route_& route : stream.routes) {
      const auto& tasks = route.subscription->tasks;
      if (std::binary_search(tasks.begin(), tasks.end(), direct_task)) {
        out.push_back(direct_task);
        return;
      }
    }
    throw StormError("component '" + component_ + "' emitted directly to task " +
                     std::to_string(direct_task) + ", which does not subscribe to stream '" +
                     stream.name + "'");
  }
  if (stream.direct) {
    throw StormError("component '" + component_ + "' emitted on direct stream '" + stream.name +
                     "' without emitDirect");
  }
  for (Route_& route : stream.routes) route.grouper->Choose(values, out);
}

}  // namespace storm
