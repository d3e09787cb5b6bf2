// UTF-8 validation, counting and trimming, written out by hand: these run on
// every string of every frame, so they avoid allocation and locale machinery.
#include "protocol/utf8.hpp"

#include <cstdint>

namespace brug::protocol {

namespace {

// Byte 0x80..0xBF: the tail of a multi-byte sequence.
constexpr bool is_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// Decodes the code point that starts at s[i] and advances i past it. On
// invalid UTF-8 it never reads past the end; what it returns is then garbage,
// but never white space for a truncated sequence.
// REQUIRES: i < s.size().
char32_t next_code_point(std::string_view s, std::size_t& i) {
    auto const c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        ++i;
        return c;
    }
    std::size_t const len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (len > s.size() - i) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    return cp;
}

// Decodes the code point that ends just before s[end] and moves end to its start.
// REQUIRES: end > 0.
char32_t prev_code_point(std::string_view s, std::size_t& end) {
    std::size_t start = end - 1;
    while (start > 0 && is_continuation(static_cast<unsigned char>(s[start])))
        --start;
    std::size_t i = start;
    char32_t cp = next_code_point(s, i);
    end = start;
    return cp;
}

} // namespace

// Follows the table of well-formed byte sequences in the Unicode standard
// (chapter 3, table 3-7): the second byte's range depends on the first, which
// is what rules out overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF)
// and code points above U+10FFFF (F4 90.., F5..FF).
bool is_valid_utf8(std::string_view s) {
    auto const* p = reinterpret_cast<unsigned char const*>(s.data());
    auto const* const end = p + s.size();
    while (p < end) {
        unsigned char const c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int len = 0;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return false; // 80..C1 (stray continuation, overlong lead) or F5..FF
        }
        if (end - p < len) return false;
        if (p[1] < lo || p[1] > hi) return false;
        for (int k = 2; k < len; ++k)
            if (!is_continuation(p[k])) return false;
        p += len;
    }
    return true;
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (char c : s)
        n += !is_continuation(static_cast<unsigned char>(c));
    return n;
}

bool is_white_space(char32_t cp) {
    switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2000:
    case 0x2001:
    case 0x2002:
    case 0x2003:
    case 0x2004:
    case 0x2005:
    case 0x2006:
    case 0x2007:
    case 0x2008:
    case 0x2009:
    case 0x200A:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
        return true;
    default:
        return false;
    }
}

std::string_view trim_view(std::string_view s) {
    std::size_t begin = 0;
    while (begin < s.size()) {
        std::size_t next = begin;
        if (!is_white_space(next_code_point(s, next))) break;
        begin = next;
    }
    std::size_t end = s.size();
    while (end > begin) {
        std::size_t prev = end;
        if (!is_white_space(prev_code_point(s, prev))) break;
        end = prev;
    }
    return s.substr(begin, end - begin);
}

std::string trim(std::string_view s) {
    return std::string(trim_view(s));
}

} // namespace brug::protocol
