#pragma once

// Every file name a segment log uses is built and parsed here (docs/STYLE.md section 7).
//   <20-digit first seq>.log      a segment, named by the seq of its first frame
//   <anything>.tmp                being written; deleted at open
//
// Pure functions; safe from any thread.

#include <optional>
#include <string>
#include <string_view>

#include "storage/log_types.h"

namespace spool::file_names {

// "00000000000000000042.log"
std::string segment_file_name(SeqNo base);
// dir + "/" + segment_file_name(base)
std::string segment_path(std::string_view dir, SeqNo base);
// The base of a segment file name; nullopt for any other name.
std::optional<SeqNo> parse_segment_file_name(std::string_view name);

// name + ".tmp"
std::string tmp_file_name(std::string_view name);
bool is_tmp_file_name(std::string_view name);

std::string join(std::string_view dir, std::string_view name);

}  // namespace spool::file_names
