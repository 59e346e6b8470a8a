// Out-of-line destructors: they anchor each SDK interface's vtable and type
// info in libstorm.so, so that they exist once per process.
#include "storm/component.h"
#include "storm/output_collector.h"
#include "storm/submitter.h"
#include "storm/topology_context.h"

namespace storm {

SpoutOutputCollector::~SpoutOutputCollector() = default;
OutputCollector::~OutputCollector() = default;
TopologyContext::TopologyContext(std::function<int64_t()> now_nanos)
    : metrics_(std::make_unique<MetricRegistry>(std::move(now_nanos))) {}
TopologyContext::~TopologyContext() = default;
IComponent::~IComponent() = default;
FailedException::~FailedException() = default;
SubmissionHost::~SubmissionHost() = default;

}  // namespace storm
