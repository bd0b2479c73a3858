// DtlsEndpoint and DtlsIdentity (see the header): OpenSSL 3 with a memory BIO for input and a small
// BIO of our own for output, so that each datagram OpenSSL writes stays one datagram.
#include "dclcomms/webrtc/dtls_endpoint.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/queue.hpp"

namespace dclcomms::webrtc {

std::string_view to_string(DtlsErrorCode code) {
  switch (code) {
    case DtlsErrorCode::certificate: return "certificate";
    case DtlsErrorCode::handshake: return "handshake";
    case DtlsErrorCode::fingerprint: return "fingerprint";
    case DtlsErrorCode::closed: return "closed";
  }
  return "?";
}

namespace {

std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "no OpenSSL error queued" : text;
}

std::string sha256_fingerprint(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &size) != 1) return {};
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string text;
  for (unsigned int i = 0; i < size; ++i) {
    if (i) text += ':';
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 15];
  }
  return text;
}

// The output BIO: every write is one datagram handed to the endpoint.
int output_write(BIO* bio, const char* data, int size) {
  static_cast<DtlsEndpoint*>(BIO_get_data(bio))
      ->queue_datagram(reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size));
  return size;
}

long output_ctrl(BIO*, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU: return 1200;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD: return 28;  // IPv4 + UDP headers
    case BIO_CTRL_WPENDING:
    case BIO_CTRL_PENDING: return 0;
    default: return 0;
  }
}

int output_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* output_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* created = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "dclcomms datagram out");
    BIO_meth_set_write(created, output_write);
    BIO_meth_set_ctrl(created, output_ctrl);
    BIO_meth_set_create(created, output_create);
    return created;
  }();
  return method;
}

// Self-signed certificates are expected: the fingerprint check after the handshake authenticates.
int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

struct DtlsIdentity::Native {
  EVP_PKEY* key = nullptr;
  X509* certificate = nullptr;
  SSL_CTX* context = nullptr;
  ~Native() {
    SSL_CTX_free(context);
    X509_free(certificate);
    EVP_PKEY_free(key);
  }
};

DtlsIdentity::~DtlsIdentity() = default;

core::Result<std::shared_ptr<const DtlsIdentity>, DtlsError> DtlsIdentity::generate() {
  auto native = std::make_unique<Native>();
  native->key = EVP_EC_gen("P-256");
  if (!native->key) return core::fail(DtlsErrorCode::certificate, "EC key generation failed: " + openssl_errors());
  native->certificate = X509_new();
  X509* cert = native->certificate;
  X509_set_version(cert, 2);
  unsigned char serial_bytes[8];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1)
    return core::fail(DtlsErrorCode::certificate, "no random serial: " + openssl_errors());
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), 30L * 86400);
  X509_set_pubkey(cert, native->key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("dclcomms"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  if (X509_sign(cert, native->key, EVP_sha256()) == 0) return core::fail(DtlsErrorCode::certificate, "signing failed: " + openssl_errors());

  native->context = SSL_CTX_new(DTLS_method());
  SSL_CTX* context = native->context;
  if (!context || SSL_CTX_use_certificate(context, cert) != 1 || SSL_CTX_use_PrivateKey(context, native->key) != 1) {
    return core::fail(DtlsErrorCode::certificate, "DTLS context: " + openssl_errors());
  }
  SSL_CTX_set_min_proto_version(context, DTLS1_2_VERSION);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any_certificate);
  SSL_CTX_set_read_ahead(context, 1);
  SSL_CTX_set_options(context, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
  // 0 on success (OpenSSL's inverted convention for this call).
  if (SSL_CTX_set_tlsext_use_srtp(context, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80") != 0) {
    return core::fail(DtlsErrorCode::certificate, "use_srtp: " + openssl_errors());
  }
  std::shared_ptr<DtlsIdentity> identity(new DtlsIdentity());
  identity->fingerprint_ = sha256_fingerprint(cert);
  identity->native_ = std::move(native);
  return std::shared_ptr<const DtlsIdentity>(std::move(identity));
}

struct DtlsEndpoint::Native {
  SSL* ssl = nullptr;
  BIO* input = nullptr;  // owned by ssl once set
  ~Native() { SSL_free(ssl); }
};

DtlsEndpoint::DtlsEndpoint(std::shared_ptr<const DtlsIdentity> identity, DtlsRole role, std::string remote_fingerprint)
    : native_(std::make_unique<Native>()), identity_(std::move(identity)), role_(role), remote_fingerprint_(std::move(remote_fingerprint)) {
  native_->ssl = SSL_new(identity_->native().context);
  DCL_ASSERT(native_->ssl != nullptr);
  native_->input = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(native_->input, -1);  // empty means "retry", not end of stream
  BIO* output = BIO_new(output_method());
  BIO_set_data(output, this);
  SSL_set_bio(native_->ssl, native_->input, output);
  SSL_set_mtu(native_->ssl, 1200);
  if (role_ == DtlsRole::client) {
    SSL_set_connect_state(native_->ssl);
  } else {
    SSL_set_accept_state(native_->ssl);
  }
}

DtlsEndpoint::~DtlsEndpoint() = default;

void DtlsEndpoint::queue_datagram(const std::uint8_t* data, std::size_t size) {
  if (transmits_.size() >= queue_datagrams_max) return;  // the carrier stopped draining: drop, DTLS/SCTP retransmit
  transmits_.emplace_back(data, data + size);
}

void DtlsEndpoint::fail(DtlsErrorCode code, std::string message) {
  if (!failure_) failure_ = DtlsError{code, std::move(message)};
  timeout_.reset();
}

void DtlsEndpoint::start(core::TimePoint now) { advance(now); }

void DtlsEndpoint::advance(core::TimePoint now) {
  if (failure_) return;
  SSL* ssl = native_->ssl;
  if (!connected_) {
    const int result = SSL_do_handshake(ssl);
    if (result == 1) {
      X509* peer = SSL_get1_peer_certificate(ssl);
      const std::string got = peer ? sha256_fingerprint(peer) : std::string();
      X509_free(peer);
      if (got != remote_fingerprint_) {
        fail(DtlsErrorCode::fingerprint, "the peer's certificate has fingerprint " + (got.empty() ? "(none)" : got) +
                                             ", its description announced " + remote_fingerprint_);
        return;
      }
      connected_ = true;
    } else {
      const int error = SSL_get_error(ssl, result);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
        fail(DtlsErrorCode::handshake, "DTLS handshake failed: " + openssl_errors());
        return;
      }
    }
  }
  if (connected_) {
    std::uint8_t buffer[65536 + 512];
    for (;;) {
      const int read = SSL_read(ssl, buffer, sizeof buffer);
      if (read > 0) {
        if (received_.size() < queue_datagrams_max) received_.emplace_back(buffer, buffer + read);
        continue;
      }
      const int error = SSL_get_error(ssl, read);
      if (error == SSL_ERROR_ZERO_RETURN) {
        fail(DtlsErrorCode::closed, "the peer closed DTLS (close_notify)");
        return;
      }
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
        ERR_clear_error();  // a bad record is dropped: DTLS tolerates garbage datagrams (RFC 6347 §4.1.2.7)
      }
      break;
    }
  }
  timeval remaining{};
  if (DTLSv1_get_timeout(ssl, &remaining) == 1) {
    timeout_ = now + std::chrono::seconds(remaining.tv_sec) + std::chrono::microseconds(remaining.tv_usec);
  } else {
    timeout_.reset();
  }
}

void DtlsEndpoint::handle_datagram(std::span<const std::uint8_t> datagram, core::TimePoint now) {
  if (failure_ || datagram.empty()) return;
  BIO_write(native_->input, datagram.data(), static_cast<int>(datagram.size()));
  advance(now);
}

void DtlsEndpoint::handle_timeout(core::TimePoint now) {
  if (failure_) return;
  if (timeout_ && now >= *timeout_) {
    if (DTLSv1_handle_timeout(native_->ssl) < 0) {
      fail(DtlsErrorCode::handshake, "DTLS handshake timed out: " + openssl_errors());
      return;
    }
  }
  advance(now);
}

bool DtlsEndpoint::send(std::span<const std::uint8_t> data) {
  if (!connected_ || failure_) return false;
  return SSL_write(native_->ssl, data.data(), static_cast<int>(data.size())) == static_cast<int>(data.size());
}

void DtlsEndpoint::close() {
  if (connected_ && !failure_) SSL_shutdown(native_->ssl);
  fail(DtlsErrorCode::closed, "closed by us");
}

std::optional<std::vector<std::uint8_t>> DtlsEndpoint::poll_transmit() { return core::pop_front(transmits_); }

std::optional<std::vector<std::uint8_t>> DtlsEndpoint::poll_received() { return core::pop_front(received_); }

}  // namespace dclcomms::webrtc
