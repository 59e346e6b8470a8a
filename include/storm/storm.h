// The storm-cpp SDK: include this one header to write a topology.
#pragma once

#include "storm/basic_bolt_executor.h"
#include "storm/component.h"
#include "storm/config.h"
#include "storm/errors.h"
#include "storm/fields.h"
#include "storm/metrics.h"
#include "storm/output_collector.h"
#include "storm/output_fields_declarer.h"
#include "storm/submitter.h"
#include "storm/topology.h"
#include "storm/topology_builder.h"
#include "storm/topology_context.h"
#include "storm/tuple.h"
#include "storm/value.h"
