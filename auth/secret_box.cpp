#include "auth/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include "common/check.h"
#include "common/random.h"

namespace spool {
namespace {

constexpr unsigned char kVersion = 1;
constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) { SPOOL_CHECK(key_.size() == kKeyBytes); }

Result<SecretBox> SecretBox::load_or_create(const std::string& data_dir) {
  if (const char* env = std::getenv("SPOOL_SERVER_KEY"); env != nullptr && *env != '\0') {
    std::string key;
    if (!hex_decode(env, &key) || key.size() != kKeyBytes) {
      return Status(Errc::kInvalidArgument, "SPOOL_SERVER_KEY must be 64 hex digits");
    }
    return SecretBox(key);
  }
  std::string path = data_dir + "/server.key";
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != kKeyBytes) {
      return Status(Errc::kCorruption, path + " must hold exactly 32 bytes");
    }
    return SecretBox(key);
  }
  std::string key = random_bytes(kKeyBytes);
  // Write to a temp file, sync, rename: a crash never leaves a short key behind.
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(Errc::kIoError, "cannot create " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status(Errc::kIoError, "cannot write " + path + ": " + std::strerror(errno));
  }
  return SecretBox(key);
}

std::string SecretBox::seal(const std::string& access_key_id, const std::string& secret) const {
  std::string nonce = random_bytes(kNonceBytes);
  std::string out;
  out.reserve(1 + kNonceBytes + secret.size() + kTagBytes);
  out.push_back(static_cast<char>(kVersion));
  out += nonce;
  std::string cipher(secret.size(), '\0');
  unsigned char tag[kTagBytes];
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  SPOOL_CHECK(ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_),
                                        bytes(nonce)) == 1);
  SPOOL_CHECK(EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(access_key_id),
                                static_cast<int>(access_key_id.size())) == 1);
  SPOOL_CHECK(EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()), &len,
                                bytes(secret), static_cast<int>(secret.size())) == 1);
  SPOOL_CHECK(EVP_EncryptFinal_ex(ctx.get(), nullptr, &len) == 1);
  SPOOL_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) == 1);
  out += cipher;
  out.append(reinterpret_cast<const char*>(tag), kTagBytes);
  return out;
}

Result<std::string> SecretBox::open(const std::string& access_key_id,
                                    const std::string& sealed) const {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes || static_cast<unsigned char>(sealed[0]) != kVersion) {
    return Status(Errc::kCorruption, "sealed secret of access key " + access_key_id + " is malformed");
  }
  std::string nonce = sealed.substr(1, kNonceBytes);
  std::string cipher = sealed.substr(1 + kNonceBytes, sealed.size() - 1 - kNonceBytes - kTagBytes);
  std::string tag = sealed.substr(sealed.size() - kTagBytes);
  std::string plain(cipher.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(access_key_id),
                              static_cast<int>(access_key_id.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                              bytes(cipher), static_cast<int>(cipher.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                                const_cast<char*>(tag.data())) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), nullptr, &len) == 1;
  if (!ok) {
    return Status(Errc::kCorruption,
                  "secret of access key " + access_key_id + " does not open with this server key");
  }
  return plain;
}

}  // namespace spool
