// The empty plan table the generator links (src/gen/prefilter_plans_main.cc):
// it works every plan out.
#include <cstddef>

namespace ndr {
namespace internal {

extern const unsigned char kBuiltInPrefilterPlans[];
extern const size_t kBuiltInPrefilterPlansSize;
const unsigned char kBuiltInPrefilterPlans[] = {0};
const size_t kBuiltInPrefilterPlansSize = 0;

}  // namespace internal
}  // namespace ndr
