// The UI's pages (nimbus_pages.h) as Storm's Thrift structs, for
// NimbusServer: TopologyPageInfo, ComponentPageInfo, SupervisorPageInfo and
// the structs inside them, with Storm's field names and ids.
#pragma once

#include "nimbus/nimbus.h"
#include "storm_types.h"

namespace storm {

gen::TopologySummary SummaryToThrift(const TopologySummaryInfo& t);
gen::SupervisorSummary SupervisorToThrift(const SupervisorSummaryInfo& s);
gen::ErrorInfo ErrorToThrift(const ErrorRecordInfo& e);
gen::ExecutorSummary ExecutorToThrift(const ExecutorSummaryInfo& e);
gen::TopologyPageInfo TopologyPageToThrift(const TopologyPage& page);
gen::ComponentPageInfo ComponentPageToThrift(const ComponentPage& page);
gen::SupervisorPageInfo SupervisorPageToThrift(const SupervisorPage& page);

}  // namespace storm
