// Mozilla's "intermediate" profile, as deploy/nginx/brug.conf uses it: every
// browser of the last years speaks TLS 1.2 with ECDHE and AES-GCM or
// ChaCha20, and nothing older is worth the downgrade risk.
#include "net/tls.hpp"

#include <boost/asio/ssl/context.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace brug::net {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.3 picks its own (AEAD-only) suites; this list is for TLS 1.2.
constexpr char const* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// OpenSSL's reason for the last failure, e.g. "no start line" or "key values
// mismatch", for a message an operator can act on.
std::string openssl_reason(boost::system::error_code const& ec) {
    auto reason = ec.message();
    if (ERR_peek_error() != 0) {
        char buf[256];
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        reason = buf;
    }
    ERR_clear_error();
    return reason;
}

} // namespace

std::shared_ptr<ssl::context> make_tls_context(std::string const& cert_file,
                                               std::string const& key_file, std::string& error) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    auto* native = ctx->native_handle();
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                     ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                     ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
    // An idle connection gives its 16 KiB read and write buffers back to
    // OpenSSL's allocator; most WebSockets are idle most of the time.
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
        error = "no usable TLS 1.2 cipher in this OpenSSL";
        return nullptr;
    }

    // Unreadable files get the system's reason ("No such file or directory",
    // "Permission denied"), which OpenSSL would only call "system lib".
    for (auto const* file : {&cert_file, &key_file}) {
        if (std::FILE* f = std::fopen(file->c_str(), "rb")) {
            std::fclose(f);
        } else {
            error = "cannot read " + *file + ": " + std::strerror(errno);
            return nullptr;
        }
    }

    boost::system::error_code ec;
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) {
        error = "cannot use the certificate " + cert_file + ": " + openssl_reason(ec);
        return nullptr;
    }
    ctx->use_private_key_file(key_file, ssl::context::pem, ec);
    if (ec) {
        error = "cannot use the private key " + key_file + ": " + openssl_reason(ec);
        return nullptr;
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        error = "the private key " + key_file + " does not belong to the certificate " +
                cert_file;
        ERR_clear_error();
        return nullptr;
    }
    return ctx;
}

} // namespace brug::net
