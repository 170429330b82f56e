#include "common/status.h"

namespace spool {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::kOk: return "OK";
    case Errc::kInvalidArgument: return "InvalidArgument";
    case Errc::kMissingParameter: return "MissingParameter";
    case Errc::kInvalidAction: return "InvalidAction";
    case Errc::kUnsupported: return "Unsupported";
    case Errc::kNotFound: return "NotFound";
    case Errc::kQueueNotFound: return "QueueNotFound";
    case Errc::kAlreadyExists: return "AlreadyExists";
    case Errc::kUnauthenticated: return "Unauthenticated";
    case Errc::kPermissionDenied: return "PermissionDenied";
    case Errc::kResourceExhausted: return "ResourceExhausted";
    case Errc::kNoSpace: return "NoSpace";
    case Errc::kCorruption: return "Corruption";
    case Errc::kIoError: return "IoError";
    case Errc::kUnavailable: return "Unavailable";
    case Errc::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::to_string() const {
  if (ok()) return "OK";
  std::string out(errc_name(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace spool
