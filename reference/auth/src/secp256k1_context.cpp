#include "secp256k1_support.hpp"

#include "dclcomms/core/assert.hpp"

namespace dclcomms::auth::detail {

const secp256k1_context* secp256k1_ctx() {
  static const secp256k1_context* const ctx = [] {
    secp256k1_context* created = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    DCL_ASSERT(created != nullptr);
    return created;
  }();
  return ctx;
}

}  // namespace dclcomms::auth::detail
