#include <cerrno>
#include <cstring>
#include <string>

#include "ndr/render.h"

namespace ndr {

OutputError::OutputError(int error_number)
    : std::runtime_error(std::string("cannot write the output: ") +
                         (error_number != 0 ? std::strerror(error_number) : "write failed")),
      error_number_(error_number) {}

void CheckWritten(const std::ostream& out) {
  if (!out) throw OutputError(errno);
}

}  // namespace ndr
