// TopologyComponentFactory: makes each task's spout or bolt from the
// factories of the topology the library built, and the acker for __acker.
#pragma once

#include <memory>
#include <string>

#include "common/topology/topology_layout.h"
#include "worker/worker_context.h"

namespace storm {

class TopologyComponentFactory final : public ComponentFactory {
 public:
  explicit TopologyComponentFactory(std::shared_ptr<const TopologyLayout> layout)
      : layout_(std::move(layout)) {}

  std::unique_ptr<ISpout> MakeSpout(const std::string& component) override;
  std::unique_ptr<IBolt> MakeBolt(const std::string& component) override;

 private:
  std::shared_ptr<const TopologyLayout> layout_;
};

}  // namespace storm
