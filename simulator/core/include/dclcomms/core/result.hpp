#pragma once
// Result<T, E>: a value or a typed error, for every library boundary (C++20 has no std::expected).
// Error<Code> pairs an error-code enum with a message that names what was wrong.

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::core {

/// A typed error: `code` says which class of failure (callers branch on it), `message` says what
/// exactly was wrong, for people.
template <class Code>
struct Error {
  Code code;
  std::string message;
};

template <class E>
struct Unexpected {
  E error;
};

/// Makes the error side of a Result: `return fail(UriErrorCode::bad_host, "…");`
template <class Code>
Unexpected<Error<Code>> fail(Code code, std::string message) {
  return Unexpected<Error<Code>>{Error<Code>{code, std::move(message)}};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}                    // NOLINT: implicit
  Result(Unexpected<E> error) : storage_(std::in_place_index<1>, std::move(error.error)) {}  // NOLINT

  bool ok() const { return storage_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    DCL_ASSERT(ok());
    return std::get<0>(storage_);
  }
  const T& value() const& {
    DCL_ASSERT(ok());
    return std::get<0>(storage_);
  }
  T&& value() && {
    DCL_ASSERT(ok());
    return std::get<0>(std::move(storage_));
  }
  const E& error() const {
    DCL_ASSERT(!ok());
    return std::get<1>(storage_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> storage_;
};

/// The value type of a Result that carries no value.
struct Ok {};

}  // namespace dclcomms::core
