#include "worker/component_factory.h"

#include "acker/acker_bolt.h"
#include "storm/errors.h"

namespace storm {

std::unique_ptr<ISpout> TopologyComponentFactory::MakeSpout(const std::string& component) {
  const ComponentDef* def = layout_->Component(component);
  if (def == nullptr || !def->is_spout || !def->spout_factory) {
    throw StormError("no spout '" + component + "' in the topology library");
  }
  auto spout = def->spout_factory();
  if (!spout) throw StormError("the factory of spout '" + component + "' returned nothing");
  return spout;
}

std::unique_ptr<IBolt> TopologyComponentFactory::MakeBolt(const std::string& component) {
  if (component == kAckerComponentId) return std::make_unique<AckerBolt>();
  const ComponentDef* def = layout_->Component(component);
  if (def == nullptr || def->is_spout || !def->bolt_factory) {
    throw StormError("no bolt '" + component + "' in the topology library");
  }
  auto bolt = def->bolt_factory();
  if (!bolt) throw StormError("the factory of bolt '" + component + "' returned nothing");
  return bolt;
}

}  // namespace storm
