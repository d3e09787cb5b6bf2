// UTF-8 helpers for validation and length limits. No allocation unless returning a string.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace brug::protocol {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Number of code points in valid UTF-8 `s`.
std::size_t code_points(std::string_view s);

// `s` without leading and trailing white space (ASCII and Unicode spaces).
std::string trim(std::string_view s);

// The same as trim(), as a view into `s`: no allocation.
std::string_view trim_view(std::string_view s);

// Whether `cp` is white space for trim(): Unicode's White_Space property plus
// U+FEFF (the byte order mark), the set JavaScript's String.prototype.trim uses
// with U+0085 added.
bool is_white_space(char32_t cp);

} // namespace brug::protocol
