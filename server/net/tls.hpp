// The TLS settings of a server that speaks HTTPS and WSS itself
// (--tls-cert, --tls-key). Asio's SSL only; no Beast here.
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl { class context; }

namespace brug::net {

// A server context for `cert_file` (PEM, the certificate chain, leaf first)
// and `key_file` (PEM, its private key): TLS 1.2 and 1.3 only, ECDHE with
// AEAD ciphers for 1.2, no compression, no renegotiation. nullptr with
// `error` set when a file cannot be read or the key does not belong to the
// certificate.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(std::string const& cert_file,
                                                            std::string const& key_file,
                                                            std::string& error);

} // namespace brug::net
