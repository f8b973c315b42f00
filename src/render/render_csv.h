// The CSV export: one row per gc cycle, streamed while the trace is read, so
// a trace of millions of cycles never has to be held to be exported.
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>

#include "core/trace_event.h"

namespace gcsight {

/// The header line, with its line end. Columns (all integers, ns and bytes, or a token):
/// run,gc,line,start_ns,wall_ns,forced,periodic,stitched,clock_sweep_term_ns,clock_mark_ns,
/// clock_mark_term_ns,stw_pause_ns,cpu_sweep_term_ns,cpu_assist_ns,cpu_background_ns,cpu_idle_ns,
/// cpu_mark_term_ns,heap_start_bytes,heap_end_bytes,live_heap_bytes,goal_bytes,stacks_bytes,
/// globals_bytes,procs,util_pct,shape. A field the line's shape does not print is empty.
inline constexpr std::string_view kCsvHeader =
    "run,gc,line,start_ns,wall_ns,forced,periodic,stitched,clock_sweep_term_ns,clock_mark_ns,"
    "clock_mark_term_ns,stw_pause_ns,cpu_sweep_term_ns,cpu_assist_ns,cpu_background_ns,"
    "cpu_idle_ns,cpu_mark_term_ns,heap_start_bytes,heap_end_bytes,live_heap_bytes,goal_bytes,"
    "stacks_bytes,globals_bytes,procs,util_pct,shape\r\n";

/// Writes the header line.
void write_csv_header(std::ostream& os);

/// Writes one cycle as a row, with one write and no allocation.
void write_csv_row(std::ostream& os, uint32_t run_index, const GcCycle& cycle);

/// The `shape` column's token: "go1.18", "go1.6", "go1.5" or "go1.4".
std::string_view csv_shape_name(GcShape shape);

}  // namespace gcsight
