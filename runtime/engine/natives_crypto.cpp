#include "natives_crypto.h"
#include "natives.h"

#include "cputime.h"
#include "instance.h"
#include "invocationcontext.h"
#include "isolate.h"
#include "valueconvert.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <v8-array-buffer.h>
#include <v8-container.h>
#include <v8-exception.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-primitive.h>
#include <v8-template.h>
#include <v8-typed-array.h>

#include <cstring>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace switchyard::engine {

namespace {
using Info = v8::FunctionCallbackInfo<v8::Value>;
using Buffer = std::vector<unsigned char>;

// ---- key material ----

// One key's material: an OpenSSL key (asymmetric) or secret bytes (HMAC, AES, PBKDF2, HKDF). Owned
// by an opaque JS handle object (one internal field, no properties) that only the prelude's
// closure holds; the weak callback of that object frees it.
struct Key
{
    EVP_PKEY *pkey = nullptr;
    bool isPrivate = false; // an EVP_PKEY shared by a generated pair serves the public key too
    Buffer secret;
    size_t charged = 0;
    v8::Global<v8::Object> handle;
    struct Registry *registry = nullptr;

    ~Key()
    {
        EVP_PKEY_free(pkey);
        if (!secret.empty())
            OPENSSL_cleanse(secret.data(), secret.size());
    }
};

struct Registry final : Isolate::Extension
{
    Isolate *owner = nullptr;
    v8::Global<v8::ObjectTemplate> handleTemplate;
    std::unordered_set<Key *> keys;

    void release(Key *key, bool collected)
    {
        key->handle.Reset();
        if (owner)
            owner->releaseBinary(key->charged);
        if (collected)
            owner->get()->AdjustAmountOfExternalAllocatedMemory(-int64_t(key->charged));
        keys.erase(key);
        delete key;
    }
    ~Registry() override
    {
        for (Key *key : std::vector<Key *>(keys.begin(), keys.end()))
            release(key, false);
        handleTemplate.Reset();
    }
};

Registry *registryOf(v8::Isolate *iso)
{
    Isolate *owner = Isolate::from(iso);
    auto *registry = static_cast<Registry *>(owner->extension(Isolate::CryptoExtension));
    if (!registry) {
        auto made = std::make_unique<Registry>();
        made->owner = owner;
        v8::Local<v8::ObjectTemplate> tmpl = v8::ObjectTemplate::New(iso);
        tmpl->SetInternalFieldCount(1);
        made->handleTemplate.Reset(iso, tmpl);
        registry = made.get();
        owner->setExtension(Isolate::CryptoExtension, std::move(made));
    }
    return registry;
}

void throwDom(v8::Isolate *iso, const char *name, const std::string &message)
{
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    v8::Local<v8::Value> error
            = v8::Exception::Error(v8::String::NewFromUtf8(iso, message.c_str()).ToLocalChecked());
    error.As<v8::Object>()
            ->Set(context, v8::String::NewFromUtf8Literal(iso, "name"),
                  v8::String::NewFromUtf8(iso, name).ToLocalChecked())
            .Check();
    iso->ThrowException(error);
    ERR_clear_error();
}

void throwType(v8::Isolate *iso, const std::string &message)
{
    iso->ThrowException(v8::Exception::TypeError(
            v8::String::NewFromUtf8(iso, message.c_str()).ToLocalChecked()));
    ERR_clear_error();
}

// A key's bytes charged to the isolate: an RSA key holds its numbers several times over (CRT
// parameters, Montgomery contexts); this is an estimate, not OpenSSL's exact allocation.
size_t estimateBytes(const Key &key)
{
    size_t bytes = 128 + key.secret.size();
    if (key.pkey)
        bytes += 1024 + size_t(std::max(0, EVP_PKEY_get_bits(key.pkey))) / 8 * 10;
    return bytes;
}

// Takes ownership of `key`; the returned handle object frees it when collected.
v8::Local<v8::Object> wrapKey(v8::Isolate *iso, std::unique_ptr<Key> key)
{
    Registry *registry = registryOf(iso);
    key->charged = estimateBytes(*key);
    if (!registry->owner->chargeBinary(key->charged)) {
        iso->ThrowException(v8::Exception::RangeError(
                v8::String::NewFromUtf8Literal(iso, "Array buffer allocation failed")));
        return {};
    }
    // V8's collector learns of the bytes, so keys dropped in a loop are collected in time.
    iso->AdjustAmountOfExternalAllocatedMemory(int64_t(key->charged));
    v8::Local<v8::Object> handle = registry->handleTemplate.Get(iso)
                                           ->NewInstance(iso->GetCurrentContext())
                                           .ToLocalChecked();
    Key *raw = key.release();
    raw->registry = registry;
    handle->SetAlignedPointerInInternalField(0, raw);
    raw->handle.Reset(iso, handle);
    raw->handle.SetWeak(
            raw,
            [](const v8::WeakCallbackInfo<Key> &data) {
                Key *key = data.GetParameter();
                key->registry->release(key, true);
            },
            v8::WeakCallbackType::kParameter);
    registry->keys.insert(raw);
    return handle;
}

Key *unwrapKey(v8::Isolate *iso, v8::Local<v8::Value> value)
{
    if (value->IsObject()) {
        auto object = value.As<v8::Object>();
        Registry *registry = registryOf(iso);
        if (object->InternalFieldCount() == 1) {
            auto *key = static_cast<Key *>(object->GetAlignedPointerFromInternalField(0));
            if (registry->keys.count(key))
                return key;
        }
    }
    throwType(iso, "internal error: not a key handle");
    return nullptr;
}

// ---- argument helpers ----

struct Bytes
{
    const unsigned char *data = nullptr;
    size_t size = 0;
    Buffer copy() const { return Buffer(data, data + size); }
};

bool bytesOf(v8::Local<v8::Value> value, Bytes *out)
{
    if (!value->IsArrayBufferView())
        return false;
    auto view = value.As<v8::ArrayBufferView>();
    out->size = view->ByteLength();
    static const unsigned char empty = 0;
    out->data = out->size
            ? static_cast<const unsigned char *>(view->Buffer()->Data()) + view->ByteOffset()
            : &empty;
    return true;
}

std::string stringOf(v8::Isolate *iso, v8::Local<v8::Value> value)
{
    v8::String::Utf8Value utf8(iso, value);
    return *utf8 ? std::string(*utf8, utf8.length()) : std::string();
}

v8::Local<v8::Value> field(v8::Isolate *iso, v8::Local<v8::Value> object, const char *name)
{
    if (!object->IsObject())
        return v8::Undefined(iso);
    v8::Local<v8::Value> value;
    if (!object.As<v8::Object>()
                 ->Get(iso->GetCurrentContext(),
                       v8::String::NewFromUtf8(iso, name).ToLocalChecked())
                 .ToLocal(&value))
        return v8::Undefined(iso);
    return value;
}

bool fieldBytes(v8::Isolate *iso, v8::Local<v8::Value> object, const char *name, Bytes *out)
{
    return bytesOf(field(iso, object, name), out);
}

std::string fieldString(v8::Isolate *iso, v8::Local<v8::Value> object, const char *name)
{
    v8::Local<v8::Value> value = field(iso, object, name);
    return value->IsString() ? stringOf(iso, value) : std::string();
}

double fieldNumber(v8::Isolate *iso, v8::Local<v8::Value> object, const char *name)
{
    return field(iso, object, name)->NumberValue(iso->GetCurrentContext()).FromMaybe(0);
}

v8::Local<v8::Value> toArrayBufferValue(v8::Isolate *iso, const unsigned char *data, size_t size)
{
    v8::Local<v8::ArrayBuffer> buffer;
    if (!newArrayBuffer(iso, size).ToLocal(&buffer))
        return {};
    if (size)
        std::memcpy(buffer->Data(), data, size);
    return buffer;
}

v8::Local<v8::Value> toUint8(v8::Isolate *iso, const Buffer &bytes)
{
    v8::Local<v8::Value> buffer = toArrayBufferValue(iso, bytes.data(), bytes.size());
    if (buffer.IsEmpty())
        return {};
    return v8::Uint8Array::New(buffer.As<v8::ArrayBuffer>(), 0, bytes.size());
}

void returnBuffer(const Info &info, Buffer &bytes)
{
    v8::Local<v8::Value> value = toArrayBufferValue(info.GetIsolate(), bytes.data(), bytes.size());
    OPENSSL_cleanse(bytes.data(), bytes.size());
    if (!value.IsEmpty())
        info.GetReturnValue().Set(value);
}

const EVP_MD *digestOf(const std::string &name)
{
    if (name == "SHA-1")
        return EVP_sha1();
    if (name == "SHA-256")
        return EVP_sha256();
    if (name == "SHA-384")
        return EVP_sha384();
    if (name == "SHA-512")
        return EVP_sha512();
    if (name == "MD5")
        return EVP_md5();
    return nullptr;
}

const EVP_MD *requireDigest(v8::Isolate *iso, const std::string &name)
{
    const EVP_MD *md = digestOf(name);
    if (!md)
        throwDom(iso, "NotSupportedError",
                 "Unrecognized or unimplemented digest algorithm requested.");
    return md;
}

struct MdCtx
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    ~MdCtx() { EVP_MD_CTX_free(ctx); }
};
struct PkeyCtx
{
    EVP_PKEY_CTX *ctx = nullptr;
    ~PkeyCtx() { EVP_PKEY_CTX_free(ctx); }
};
struct CipherCtx
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};
struct Bn
{
    BIGNUM *bn = nullptr;
    ~Bn() { BN_clear_free(bn); }
};

// ---- digest, HMAC, secrets ----

void digest(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const EVP_MD *md = requireDigest(iso, stringOf(iso, info[0]));
    Bytes data;
    if (!md)
        return;
    if (!bytesOf(info[1], &data))
        return throwType(iso, "digest: expected a Uint8Array");
    Buffer out(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    if (!EVP_Digest(data.data, data.size, out.data(), &length, md, nullptr))
        return throwDom(iso, "OperationError", "Failed to compute hash digest");
    out.resize(length);
    returnBuffer(info, out);
}

void secretImport(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    Bytes data;
    if (!bytesOf(info[0], &data))
        return throwType(iso, "secretImport: expected a Uint8Array");
    auto key = std::make_unique<Key>();
    key->secret = data.copy();
    v8::Local<v8::Object> handle = wrapKey(iso, std::move(key));
    if (!handle.IsEmpty())
        info.GetReturnValue().Set(handle);
}

void secretGenerate(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const double length = info[0]->NumberValue(iso->GetCurrentContext()).FromMaybe(0);
    if (!(length >= 0 && length <= 65536))
        return throwDom(iso, "OperationError", "Invalid key length.");
    auto key = std::make_unique<Key>();
    key->secret.resize(size_t(length));
    if (length && RAND_bytes(key->secret.data(), int(length)) != 1)
        return throwDom(iso, "OperationError", "Failed to generate random bytes.");
    v8::Local<v8::Object> handle = wrapKey(iso, std::move(key));
    if (!handle.IsEmpty())
        info.GetReturnValue().Set(handle);
}

void secretExport(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    Key *key = unwrapKey(iso, info[0]);
    if (!key)
        return;
    v8::Local<v8::Value> out = toUint8(iso, key->secret);
    if (!out.IsEmpty())
        info.GetReturnValue().Set(out);
}

void secretLength(const Info &info)
{
    if (Key *key = unwrapKey(info.GetIsolate(), info[0]))
        info.GetReturnValue().Set(double(key->secret.size()));
}

bool hmacCompute(v8::Isolate *iso, const Info &info, Buffer *out)
{
    const EVP_MD *md = requireDigest(iso, stringOf(iso, info[0]));
    if (!md)
        return false;
    Key *key = unwrapKey(iso, info[1]);
    if (!key)
        return false;
    Bytes data;
    if (!bytesOf(info[2], &data)) {
        throwType(iso, "hmac: expected a Uint8Array");
        return false;
    }
    static const unsigned char none = 0;
    out->resize(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    if (!HMAC(md, key->secret.empty() ? &none : key->secret.data(), int(key->secret.size()),
              data.data, data.size, out->data(), &length)) {
        throwDom(iso, "OperationError", "HMAC computation failed.");
        return false;
    }
    out->resize(length);
    return true;
}

// hmacSign(hash, key, data) -> ArrayBuffer
void hmacSign(const Info &info)
{
    Buffer mac;
    if (hmacCompute(info.GetIsolate(), info, &mac))
        returnBuffer(info, mac);
}

// hmacVerify(hash, key, data, signature) -> bool, compared in constant time
void hmacVerify(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    Buffer mac;
    if (!hmacCompute(iso, info, &mac))
        return;
    Bytes signature;
    if (!bytesOf(info[3], &signature))
        return throwType(iso, "hmacVerify: expected a Uint8Array");
    info.GetReturnValue().Set(signature.size == mac.size()
                              && CRYPTO_memcmp(signature.data, mac.data(), mac.size()) == 0);
}

// timingSafeEqual(a, b) -> bool, same lengths checked by the caller
void timingSafeEqual(const Info &info)
{
    Bytes a, b;
    if (!bytesOf(info[0], &a) || !bytesOf(info[1], &b) || a.size != b.size)
        return throwType(info.GetIsolate(), "Input buffers must have the same byte length.");
    info.GetReturnValue().Set(CRYPTO_memcmp(a.data, b.data, a.size) == 0);
}

// ---- asymmetric keys ----

const char *curveGroupName(const std::string &curve)
{
    if (curve == "P-256")
        return "prime256v1";
    if (curve == "P-384")
        return "secp384r1";
    if (curve == "P-521")
        return "secp521r1";
    return nullptr;
}

std::string curveOfKey(EVP_PKEY *pkey)
{
    char name[64] = {};
    size_t length = 0;
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name,
                                        &length))
        return {};
    const int nid = OBJ_sn2nid(name) != NID_undef ? OBJ_sn2nid(name) : EC_curve_nist2nid(name);
    if (nid == NID_X9_62_prime256v1)
        return "P-256";
    if (nid == NID_secp384r1)
        return "P-384";
    if (nid == NID_secp521r1)
        return "P-521";
    return name;
}

size_t curveBytes(const std::string &curve)
{
    return curve == "P-256" ? 32 : curve == "P-384" ? 48 : curve == "P-521" ? 66 : 0;
}

int kindId(const std::string &kind)
{
    if (kind == "RSA")
        return EVP_PKEY_RSA;
    if (kind == "EC")
        return EVP_PKEY_EC;
    if (kind == "Ed25519")
        return EVP_PKEY_ED25519;
    if (kind == "X25519")
        return EVP_PKEY_X25519;
    return EVP_PKEY_NONE;
}

bool getBnParam(EVP_PKEY *pkey, const char *name, Buffer *out, size_t pad = 0)
{
    BIGNUM *bn = nullptr;
    if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
        return false;
    const size_t size = std::max(pad, size_t(BN_num_bytes(bn)));
    out->assign(size, 0);
    BN_bn2binpad(bn, out->data(), int(size));
    BN_clear_free(bn);
    return true;
}

// What the prelude shows of a key: {handle, type, modulusLength, publicExponent, namedCurve}.
// Empty (with an exception thrown) on failure.
v8::Local<v8::Object> keyInfo(v8::Isolate *iso, std::unique_ptr<Key> key)
{
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    EVP_PKEY *pkey = key->pkey;
    const bool isPrivate = key->isPrivate;
    v8::Local<v8::Object> result = v8::Object::New(iso);
    auto set = [&](const char *name, v8::Local<v8::Value> value) {
        result->Set(context, v8::String::NewFromUtf8(iso, name).ToLocalChecked(), value).Check();
    };
    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
        set("modulusLength", v8::Number::New(iso, EVP_PKEY_get_bits(pkey)));
        Buffer e;
        getBnParam(pkey, OSSL_PKEY_PARAM_RSA_E, &e);
        v8::Local<v8::Value> exponent = toUint8(iso, e);
        if (exponent.IsEmpty())
            return {};
        set("publicExponent", exponent);
    } else if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
        set("namedCurve", v8::String::NewFromUtf8(iso, curveOfKey(pkey).c_str()).ToLocalChecked());
    }
    set("type", v8::String::NewFromUtf8(iso, isPrivate ? "private" : "public").ToLocalChecked());
    v8::Local<v8::Object> handle = wrapKey(iso, std::move(key));
    if (handle.IsEmpty())
        return {};
    set("handle", handle);
    return result;
}

void returnKeyInfo(const Info &info, std::unique_ptr<Key> key)
{
    v8::Local<v8::Object> result = keyInfo(info.GetIsolate(), std::move(key));
    if (!result.IsEmpty())
        info.GetReturnValue().Set(result);
}

EVP_PKEY *fromParams(const char *type, OSSL_PARAM_BLD *builder, bool isPrivate)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY *pkey = nullptr;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        EVP_PKEY_fromdata(ctx, &pkey, isPrivate ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

bool pushBn(OSSL_PARAM_BLD *builder, const char *name, const Bytes &bytes,
            std::vector<std::unique_ptr<Bn>> *keep)
{
    auto bn = std::make_unique<Bn>();
    bn->bn = BN_bin2bn(bytes.data, int(bytes.size), nullptr);
    if (!bn->bn || !OSSL_PARAM_BLD_push_BN(builder, name, bn->bn))
        return false;
    keep->push_back(std::move(bn));
    return true;
}

// A JWK's members, already base64url-decoded by the prelude into Uint8Arrays.
EVP_PKEY *importJwk(v8::Isolate *iso, const std::string &kind, v8::Local<v8::Value> jwk,
                    const std::string &curve, bool *isPrivate)
{
    Bytes d;
    *isPrivate = fieldBytes(iso, jwk, "d", &d);
    if (kind == "RSA") {
        Bytes n, e;
        if (!fieldBytes(iso, jwk, "n", &n) || !fieldBytes(iso, jwk, "e", &e)) {
            throwDom(iso, "DataError",
                     "Invalid RSA key in JSON Web Key; missing or invalid Modulus parameter "
                     "(\"n\").");
            return nullptr;
        }
        std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(
                OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
        std::vector<std::unique_ptr<Bn>> keep;
        bool ok = pushBn(builder.get(), OSSL_PKEY_PARAM_RSA_N, n, &keep)
                && pushBn(builder.get(), OSSL_PKEY_PARAM_RSA_E, e, &keep);
        if (*isPrivate) {
            ok = ok && pushBn(builder.get(), OSSL_PKEY_PARAM_RSA_D, d, &keep);
            const char *names[] = {"p", "q", "dp", "dq", "qi"};
            const char *params[] = {OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
                                    OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
                                    OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
            int present = 0;
            for (int i = 0; i < 5; ++i) {
                Bytes part;
                if (fieldBytes(iso, jwk, names[i], &part)) {
                    ++present;
                    ok = ok && pushBn(builder.get(), params[i], part, &keep);
                }
            }
            if (present != 0 && present != 5) {
                throwDom(iso, "DataError",
                         "Invalid RSA private key in JSON Web Key; if one Prime Factor or CRT "
                         "Exponent/Coefficient parameter is present, then they must all be "
                         "present (\"p\", \"q\", \"dp\", \"dq\", \"qi\").");
                return nullptr;
            }
        }
        EVP_PKEY *pkey = ok ? fromParams("RSA", builder.get(), *isPrivate) : nullptr;
        if (!pkey)
            throwDom(iso, "DataError",
                     "Invalid RSA key in JSON Web Key; failed to set key parameters");
        return pkey;
    }
    if (kind == "EC") {
        Bytes x, y;
        const size_t size = curveBytes(curve);
        if (!fieldBytes(iso, jwk, "x", &x) || !fieldBytes(iso, jwk, "y", &y) || x.size != size
            || y.size != size) {
            throwDom(iso, "DataError", "Invalid EC key in JSON Web Key; missing \"x\" or \"y\".");
            return nullptr;
        }
        Buffer point {4};
        point.insert(point.end(), x.data, x.data + x.size);
        point.insert(point.end(), y.data, y.data + y.size);
        std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(
                OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
        std::vector<std::unique_ptr<Bn>> keep;
        bool ok = OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                                  curveGroupName(curve), 0)
                && OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                                    point.data(), point.size());
        if (*isPrivate)
            ok = ok && d.size == size && pushBn(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, d, &keep);
        EVP_PKEY *pkey = ok ? fromParams("EC", builder.get(), *isPrivate) : nullptr;
        if (pkey && *isPrivate) {
            // A private scalar whose public point is not the one given is not a key.
            PkeyCtx check;
            check.ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
            if (EVP_PKEY_pairwise_check(check.ctx) != 1) {
                EVP_PKEY_free(pkey);
                pkey = nullptr;
            }
        } else if (pkey) {
            PkeyCtx check;
            check.ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
            if (EVP_PKEY_public_check(check.ctx) != 1) {
                EVP_PKEY_free(pkey);
                pkey = nullptr;
            }
        }
        if (!pkey)
            throwDom(iso, "DataError", "Invalid EC key in JSON Web Key");
        return pkey;
    }
    // OKP: Ed25519 / X25519
    const int id = kindId(kind);
    Bytes x;
    const bool hasX = fieldBytes(iso, jwk, "x", &x);
    if (!hasX || x.size != 32) {
        throwDom(iso, "DataError",
                 "Invalid " + kind
                         + " key in JSON WebKey; missing or invalid public key component (\"x\").");
        return nullptr;
    }
    if (*isPrivate) {
        if (d.size != 32) {
            throwDom(iso, "DataError",
                     "Invalid " + kind
                             + " key in JSON Web Key; missing or invalid private key component "
                               "(\"d\").");
            return nullptr;
        }
        EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(id, nullptr, d.data, d.size);
        Buffer derived(32);
        size_t length = 32;
        if (pkey
            && (!EVP_PKEY_get_raw_public_key(pkey, derived.data(), &length)
                || CRYPTO_memcmp(derived.data(), x.data, 32) != 0)) {
            EVP_PKEY_free(pkey);
            pkey = nullptr;
        }
        if (!pkey)
            throwDom(iso, "DataError", "Failed to construct " + kind + " private key");
        return pkey;
    }
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(id, nullptr, x.data, x.size);
    if (!pkey)
        throwDom(iso, "DataError", "Failed to construct " + kind + " public key");
    return pkey;
}

// pkeyImport(kind, format, data, namedCurve) -> key info; kind "RSA", "EC", "Ed25519", "X25519"
void pkeyImport(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const std::string kind = stringOf(iso, info[0]);
    const std::string format = stringOf(iso, info[1]);
    const std::string curve = stringOf(iso, info[3]);
    const int id = kindId(kind);
    auto key = std::make_unique<Key>();
    Bytes data;
    if (format == "jwk") {
        key->pkey = importJwk(iso, kind, info[2], curve, &key->isPrivate);
        if (!key->pkey)
            return;
    } else if (!bytesOf(info[2], &data)) {
        return throwType(iso, "pkeyImport: expected a Uint8Array");
    } else if (format == "spki") {
        const unsigned char *p = data.data;
        key->pkey = d2i_PUBKEY(nullptr, &p, long(data.size));
        if (!key->pkey)
            return throwDom(iso, "DataError", "Invalid SPKI input.");
        if (size_t(p - data.data) != data.size)
            return throwDom(iso, "DataError",
                            "Invalid " + std::to_string(data.size - size_t(p - data.data))
                                    + " trailing bytes after SPKI input.");
    } else if (format == "pkcs8") {
        const unsigned char *p = data.data;
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, long(data.size));
        if (p8) {
            key->pkey = EVP_PKCS82PKEY(p8);
            PKCS8_PRIV_KEY_INFO_free(p8);
        }
        if (!key->pkey)
            return throwDom(iso, "DataError", "Invalid PKCS8 input.");
        if (size_t(p - data.data) != data.size)
            return throwDom(iso, "DataError",
                            "Invalid " + std::to_string(data.size - size_t(p - data.data))
                                    + " trailing bytes after PKCS8 input.");
        key->isPrivate = true;
    } else if (format == "raw") {
        if (kind == "EC") {
            std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(
                    OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
            if (OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                                curveGroupName(curve), 0)
                && OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                                    data.data, data.size))
                key->pkey = fromParams("EC", builder.get(), false);
            if (key->pkey) {
                PkeyCtx check;
                check.ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key->pkey, nullptr);
                if (EVP_PKEY_public_check(check.ctx) != 1) {
                    EVP_PKEY_free(key->pkey);
                    key->pkey = nullptr;
                }
            }
            if (!key->pkey)
                return throwDom(iso, "DataError",
                                "Failed to import raw EC key data: Invalid point encoding..");
        } else {
            if (data.size != 32)
                return throwDom(iso, "DataError",
                                kind + " raw keys must be exactly 32-bytes (provided "
                                        + std::to_string(data.size) + ").");
            key->pkey = EVP_PKEY_new_raw_public_key(id, nullptr, data.data, data.size);
            if (!key->pkey)
                return throwDom(iso, "DataError", "Failed to import raw public EDDSA");
        }
    } else {
        return throwDom(iso, "NotSupportedError",
                        "Unrecognized key import format \"" + format + "\".");
    }
    if (EVP_PKEY_get_base_id(key->pkey) != id) {
        if (kind == "RSA")
            return throwDom(iso, "DataError", "Input was not an RSA key.");
        if (kind == "EC")
            return throwDom(iso, "DataError", "Input was not an EC key.");
        return throwDom(iso, "DataError", "Input was not an " + kind + " key.");
    }
    if (kind == "EC" && curveOfKey(key->pkey) != curve)
        return throwDom(iso, "DataError",
                        "\"algorithm.namedCurve\" \"" + curve
                                + "\" does not match the curve specified by the input key data.");
    returnKeyInfo(info, std::move(key));
}

// pkeyExport(handle, format) -> Uint8Array (spki, pkcs8, raw) or {n, e, d, ... | x, y, d}
void pkeyExport(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    Key *key = unwrapKey(iso, info[0]);
    if (!key)
        return;
    const std::string format = stringOf(iso, info[1]);
    EVP_PKEY *pkey = key->pkey;
    const int id = EVP_PKEY_get_base_id(pkey);
    Buffer out;
    if (format == "spki") {
        unsigned char *p = nullptr;
        const int length = i2d_PUBKEY(pkey, &p);
        if (length <= 0)
            return throwDom(iso, "OperationError", "Public key export failed.");
        out.assign(p, p + length);
        OPENSSL_free(p);
    } else if (format == "pkcs8") {
        if (!key->isPrivate)
            return throwDom(iso, "InvalidAccessError",
                            "Asymmetric pkcs8 export requires private key (not \"public\").");
        PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pkey);
        unsigned char *p = nullptr;
        const int length = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &p) : -1;
        PKCS8_PRIV_KEY_INFO_free(p8);
        if (length <= 0)
            return throwDom(iso, "OperationError", "Private key export failed.");
        out.assign(p, p + length);
        OPENSSL_clear_free(p, size_t(length));
    } else if (format == "raw") {
        if (id == EVP_PKEY_EC) {
            size_t length = 0;
            EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0,
                                            &length);
            out.resize(length);
            if (!length
                || !EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                                    out.data(), out.size(), &length))
                return throwDom(iso, "OperationError", "Failed to convert to serialize EC key");
        } else {
            size_t length = 0;
            EVP_PKEY_get_raw_public_key(pkey, nullptr, &length);
            out.resize(length);
            if (!length || !EVP_PKEY_get_raw_public_key(pkey, out.data(), &length))
                return throwDom(iso, "OperationError", "Failed to retrieve public key");
        }
    } else if (format == "jwk") {
        v8::Local<v8::Object> jwk = v8::Object::New(iso);
        auto put = [&](const char *name, Buffer &bytes) {
            v8::Local<v8::Value> value = toUint8(iso, bytes);
            OPENSSL_cleanse(bytes.data(), bytes.size());
            if (value.IsEmpty())
                return false;
            jwk->Set(context, v8::String::NewFromUtf8(iso, name).ToLocalChecked(), value).Check();
            return true;
        };
        Buffer part;
        if (id == EVP_PKEY_RSA) {
            const char *names[] = {"n", "e", "d", "p", "q", "dp", "dq", "qi"};
            const char *params[]
                    = {OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,
                       OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
                       OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
                       OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
            for (int i = 0; i < (key->isPrivate ? 8 : 2); ++i)
                if (getBnParam(pkey, params[i], &part) && !put(names[i], part))
                    return;
        } else if (id == EVP_PKEY_EC) {
            const size_t size = curveBytes(curveOfKey(pkey));
            Buffer x, y;
            if (!getBnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x, size)
                || !getBnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y, size))
                return throwDom(iso, "OperationError",
                                "Error getting affine coordinates for export");
            if (!put("x", x) || !put("y", y))
                return;
            if (key->isPrivate) {
                if (!getBnParam(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &part, size))
                    return throwDom(iso, "OperationError",
                                    "Error getting private key material for JSON Web Key export");
                if (!put("d", part))
                    return;
            }
        } else {
            size_t length = 32;
            part.resize(length);
            if (!EVP_PKEY_get_raw_public_key(pkey, part.data(), &length) || !put("x", part))
                return;
            if (key->isPrivate) {
                part.resize(32);
                length = 32;
                if (!EVP_PKEY_get_raw_private_key(pkey, part.data(), &length) || !put("d", part))
                    return;
            }
        }
        info.GetReturnValue().Set(jwk);
        return;
    } else {
        return throwDom(iso, "NotSupportedError",
                        "Unrecognized key export format \"" + format + "\".");
    }
    v8::Local<v8::Value> value = toUint8(iso, out);
    OPENSSL_cleanse(out.data(), out.size());
    if (!value.IsEmpty())
        info.GetReturnValue().Set(value);
}

// Key generation runs in OpenSSL, where V8 cannot stop it: RSA's prime search calls back now and
// then, and gives up once it has used the Invocation's whole CPU limit (by then the watchdog has
// terminated the script, which sees no result). Outside an Invocation, a startup-sized limit.
struct KeygenBudget
{
    qint64 startNs = ownCpuNowNs();
    qint64 limitNs = 0;
};

int keygenProgress(EVP_PKEY_CTX *ctx)
{
    auto *budget = static_cast<KeygenBudget *>(EVP_PKEY_CTX_get_app_data(ctx));
    return ownCpuNowNs() - budget->startNs > budget->limitNs ? 0 : 1;
}

qint64 cpuLimitOf(v8::Isolate *iso)
{
    auto *instance = static_cast<Instance *>(iso->GetData(Isolate::InstanceSlot));
    InvocationContext *invocation = instance ? instance->current() : nullptr;
    if (invocation && invocation->budget.cpuNs > 0)
        return invocation->budget.cpuNs;
    return 400ll * 1000 * 1000;
}

// pkeyGenerate(kind, {modulusLength, publicExponent, namedCurve}) -> [public info, private info]
void pkeyGenerate(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    const std::string kind = stringOf(iso, info[0]);
    v8::Local<v8::Value> params = info[1];
    PkeyCtx gen;
    KeygenBudget budget;
    budget.limitNs = cpuLimitOf(iso);
    if (kind == "RSA") {
        gen.ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
        Bytes exponent;
        fieldBytes(iso, params, "publicExponent", &exponent);
        Bn e;
        e.bn = BN_bin2bn(exponent.data, int(exponent.size), nullptr);
        if (!gen.ctx || EVP_PKEY_keygen_init(gen.ctx) != 1
            || EVP_PKEY_CTX_set_rsa_keygen_bits(gen.ctx,
                                                int(fieldNumber(iso, params, "modulusLength")))
                    != 1
            || EVP_PKEY_CTX_set1_rsa_keygen_pubexp(gen.ctx, e.bn) != 1)
            return throwDom(iso, "OperationError", "Error setting up RSA keygen.");
    } else if (kind == "EC") {
        const char *group = curveGroupName(fieldString(iso, params, "namedCurve"));
        gen.ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
        if (!group || !gen.ctx || EVP_PKEY_keygen_init(gen.ctx) != 1
            || EVP_PKEY_CTX_set_group_name(gen.ctx, group) != 1)
            return throwDom(iso, "OperationError", "Error generating EC key");
    } else if (kind == "Ed25519" || kind == "X25519") {
        gen.ctx = EVP_PKEY_CTX_new_id(kindId(kind), nullptr);
        if (!gen.ctx || EVP_PKEY_keygen_init(gen.ctx) != 1)
            return throwDom(iso, "OperationError", "Error generating " + kind + " key");
    } else {
        return throwDom(iso, "NotSupportedError", "Unrecognized key generation algorithm.");
    }
    EVP_PKEY_CTX_set_app_data(gen.ctx, &budget);
    EVP_PKEY_CTX_set_cb(gen.ctx, &keygenProgress);
    EVP_PKEY *pkey = nullptr;
    if (EVP_PKEY_generate(gen.ctx, &pkey) != 1 || !pkey)
        return throwDom(iso, "OperationError",
                        kind == "RSA" ? "Error finalizing RSA keygen" : "Error generating key");
    auto publicKey = std::make_unique<Key>();
    publicKey->pkey = pkey;
    EVP_PKEY_up_ref(pkey);
    auto privateKey = std::make_unique<Key>();
    privateKey->pkey = pkey;
    privateKey->isPrivate = true;
    v8::Local<v8::Array> pair = v8::Array::New(iso, 2);
    int index = 0;
    for (auto *key : {&publicKey, &privateKey}) {
        v8::Local<v8::Object> made = keyInfo(iso, std::move(*key));
        if (made.IsEmpty())
            return;
        pair->Set(context, index++, made).Check();
    }
    info.GetReturnValue().Set(pair);
}

// ---- signatures ----

bool setupRsaPadding(v8::Isolate *iso, EVP_PKEY_CTX *pctx, const std::string &algorithm,
                     v8::Local<v8::Value> params, const EVP_MD *md)
{
    if (algorithm != "RSA-PSS")
        return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
    const double salt = fieldNumber(iso, params, "saltLength");
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, int(salt)) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
}

// IEEE P1363 (r || s, each the curve's size), as WebCrypto's ECDSA speaks, from OpenSSL's DER.
bool derToP1363(const Buffer &der, size_t size, Buffer *out)
{
    const unsigned char *p = der.data();
    ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
    if (!sig)
        return false;
    out->assign(size * 2, 0);
    const bool ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), out->data(), int(size)) > 0
            && BN_bn2binpad(ECDSA_SIG_get0_s(sig), out->data() + size, int(size)) > 0;
    ECDSA_SIG_free(sig);
    return ok;
}

bool p1363ToDer(const Bytes &raw, size_t size, Buffer *out)
{
    if (raw.size != size * 2)
        return false;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw.data, int(size), nullptr);
    BIGNUM *s = BN_bin2bn(raw.data + size, int(size), nullptr);
    if (!sig || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return false;
    }
    unsigned char *p = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &p);
    ECDSA_SIG_free(sig);
    if (length <= 0)
        return false;
    out->assign(p, p + length);
    OPENSSL_free(p);
    return true;
}

// sign(algorithm, handle, data, {hash, saltLength}) -> ArrayBuffer
// algorithm: "RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA", "Ed25519"
void sign(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const std::string algorithm = stringOf(iso, info[0]);
    Key *key = unwrapKey(iso, info[1]);
    Bytes data;
    if (!key)
        return;
    if (!bytesOf(info[2], &data))
        return throwType(iso, "sign: expected a Uint8Array");
    if (!key->isPrivate)
        return throwDom(iso, "InvalidAccessError", "Asymmetric signing requires a private key.");
    const bool eddsa = algorithm == "Ed25519";
    const EVP_MD *md = nullptr;
    if (!eddsa && !(md = requireDigest(iso, fieldString(iso, info[3], "hash"))))
        return;
    MdCtx ctx;
    EVP_PKEY_CTX *pctx = nullptr;
    if (EVP_DigestSignInit(ctx.ctx, &pctx, md, nullptr, key->pkey) != 1
        || (EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_RSA
            && !setupRsaPadding(iso, pctx, algorithm, info[3], md)))
        return throwDom(iso, "OperationError", "Failed to initialize signing.");
    size_t length = 0;
    if (EVP_DigestSign(ctx.ctx, nullptr, &length, data.data, data.size) != 1)
        return throwDom(iso, "OperationError", "Signing failed.");
    Buffer signature(length);
    if (EVP_DigestSign(ctx.ctx, signature.data(), &length, data.data, data.size) != 1) {
        if (algorithm == "RSA-PSS")
            return throwDom(iso, "OperationError",
                            "key too small for signing with given digest and salt length");
        return throwDom(iso, "OperationError", "Signing failed.");
    }
    signature.resize(length);
    if (algorithm == "ECDSA") {
        Buffer raw;
        if (!derToP1363(signature, curveBytes(curveOfKey(key->pkey)), &raw))
            return throwDom(iso, "OperationError", "Signing failed.");
        signature.swap(raw);
    }
    returnBuffer(info, signature);
}

// verify(algorithm, handle, signature, data, {hash, saltLength}) -> bool
void verify(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const std::string algorithm = stringOf(iso, info[0]);
    Key *key = unwrapKey(iso, info[1]);
    Bytes signature, data;
    if (!key)
        return;
    if (!bytesOf(info[2], &signature) || !bytesOf(info[3], &data))
        return throwType(iso, "verify: expected a Uint8Array");
    if (key->isPrivate)
        return throwDom(iso, "InvalidAccessError",
                        "Asymmetric verification requires a public key.");
    const bool eddsa = algorithm == "Ed25519";
    const EVP_MD *md = nullptr;
    if (!eddsa && !(md = requireDigest(iso, fieldString(iso, info[4], "hash"))))
        return;
    Buffer der;
    if (algorithm == "ECDSA") {
        if (!p1363ToDer(signature, curveBytes(curveOfKey(key->pkey)), &der)) {
            ERR_clear_error();
            return info.GetReturnValue().Set(false);
        }
        signature = Bytes {der.data(), der.size()};
    }
    if (eddsa && signature.size != 64)
        return info.GetReturnValue().Set(false);
    MdCtx ctx;
    EVP_PKEY_CTX *pctx = nullptr;
    if (EVP_DigestVerifyInit(ctx.ctx, &pctx, md, nullptr, key->pkey) != 1
        || (EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_RSA
            && !setupRsaPadding(iso, pctx, algorithm, info[4], md)))
        return throwDom(iso, "OperationError", "Failed to initialize verification.");
    const int result
            = EVP_DigestVerify(ctx.ctx, signature.data, signature.size, data.data, data.size);
    ERR_clear_error();
    info.GetReturnValue().Set(result == 1);
}

// ---- ciphers ----

const EVP_CIPHER *aesCipher(const std::string &mode, size_t keyBytes)
{
    const int bits = int(keyBytes * 8);
    if (mode == "AES-GCM")
        return bits == 128    ? EVP_aes_128_gcm()
                : bits == 192 ? EVP_aes_192_gcm()
                : bits == 256 ? EVP_aes_256_gcm()
                              : nullptr;
    if (mode == "AES-CBC")
        return bits == 128    ? EVP_aes_128_cbc()
                : bits == 192 ? EVP_aes_192_cbc()
                : bits == 256 ? EVP_aes_256_cbc()
                              : nullptr;
    if (mode == "AES-CTR")
        return bits == 128    ? EVP_aes_128_ctr()
                : bits == 192 ? EVP_aes_192_ctr()
                : bits == 256 ? EVP_aes_256_ctr()
                              : nullptr;
    if (mode == "AES-KW")
        return bits == 128    ? EVP_aes_128_wrap()
                : bits == 192 ? EVP_aes_192_wrap()
                : bits == 256 ? EVP_aes_256_wrap()
                              : nullptr;
    return nullptr;
}

bool cipherRun(const EVP_CIPHER *cipher, const Buffer &key, const unsigned char *iv, bool encrypt,
               int padding, const unsigned char *in, size_t size, Buffer *out)
{
    CipherCtx ctx;
    EVP_CIPHER_CTX_set_flags(ctx.ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (EVP_CipherInit_ex(ctx.ctx, cipher, nullptr, key.data(), iv, encrypt ? 1 : 0) != 1)
        return false;
    if (padding >= 0)
        EVP_CIPHER_CTX_set_padding(ctx.ctx, padding);
    const size_t start = out->size();
    out->resize(start + size + 2 * EVP_MAX_BLOCK_LENGTH);
    int length = 0, tail = 0;
    if (EVP_CipherUpdate(ctx.ctx, out->data() + start, &length, in, int(size)) != 1
        || EVP_CipherFinal_ex(ctx.ctx, out->data() + start + length, &tail) != 1)
        return false;
    out->resize(start + size_t(length) + size_t(tail));
    return true;
}

const char *const decryptFailed
        = "Decryption failed. This could be due to a ciphertext authentication failure, bad "
          "padding, incorrect CryptoKey, or another algorithm-specific reason.";

// cipher(algorithm, encrypt, handle, data, params) -> ArrayBuffer
// AES-GCM {iv, additionalData, tagLength}, AES-CBC {iv}, AES-CTR {counter, length}, AES-KW {},
// RSA-OAEP {hash (the key's), label}
void cipher(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const std::string algorithm = stringOf(iso, info[0]);
    const bool encrypt = info[1]->BooleanValue(iso);
    Key *key = unwrapKey(iso, info[2]);
    Bytes data;
    if (!key)
        return;
    if (!bytesOf(info[3], &data))
        return throwType(iso, "cipher: expected a Uint8Array");
    v8::Local<v8::Value> params = info[4];
    Buffer out;
    if (algorithm == "RSA-OAEP") {
        if (encrypt == key->isPrivate)
            return throwDom(iso, "InvalidAccessError",
                            encrypt ? "Encryption/key wrapping only works with public keys, not "
                                      "\"private\"."
                                    : "Decryption/key unwrapping only works with private keys, "
                                      "not \"public\".");
        const EVP_MD *md = requireDigest(iso, fieldString(iso, params, "hash"));
        if (!md)
            return;
        PkeyCtx ctx;
        ctx.ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key->pkey, nullptr);
        if (!ctx.ctx
            || (encrypt ? EVP_PKEY_encrypt_init(ctx.ctx) : EVP_PKEY_decrypt_init(ctx.ctx)) != 1
            || EVP_PKEY_CTX_set_rsa_padding(ctx.ctx, RSA_PKCS1_OAEP_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_oaep_md(ctx.ctx, md) != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.ctx, md) != 1)
            return throwDom(iso, "OperationError", "RSA-OAEP failed to initialize");
        Bytes label;
        if (fieldBytes(iso, params, "label", &label) && label.size) {
            auto *copy = static_cast<unsigned char *>(OPENSSL_malloc(label.size));
            std::memcpy(copy, label.data, label.size);
            if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.ctx, copy, int(label.size)) != 1) {
                OPENSSL_free(copy);
                return throwDom(iso, "OperationError", "Failed to set RSA-OAEP label");
            }
        }
        size_t length = 0;
        auto run = [&](unsigned char *to) {
            return encrypt ? EVP_PKEY_encrypt(ctx.ctx, to, &length, data.data, data.size)
                           : EVP_PKEY_decrypt(ctx.ctx, to, &length, data.data, data.size);
        };
        if (run(nullptr) != 1)
            return throwDom(iso, "OperationError", "Failed to compute length of RSA-OAEP result");
        out.resize(length);
        if (run(out.data()) != 1)
            return throwDom(iso, "OperationError", "RSA-OAEP failed encrypt/decrypt");
        out.resize(length);
        return returnBuffer(info, out);
    }
    const EVP_CIPHER *evp = aesCipher(algorithm, key->secret.size());
    if (!evp)
        return throwDom(iso, "OperationError", "Invalid AES key length.");
    if (algorithm == "AES-GCM") {
        Bytes iv, aad;
        if (!fieldBytes(iso, params, "iv", &iv) || iv.size == 0)
            return throwDom(iso, "OperationError", "AES-GCM IV must not be empty.");
        const bool hasAad = fieldBytes(iso, params, "additionalData", &aad);
        const int tagBytes = int(fieldNumber(iso, params, "tagLength")) / 8;
        if (tagBytes < 4 || tagBytes > 16)
            return throwDom(iso, "OperationError", "Invalid AES-GCM tag length.");
        CipherCtx ctx;
        int length = 0;
        if (EVP_CipherInit_ex(ctx.ctx, evp, nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1
            || EVP_CIPHER_CTX_ctrl(ctx.ctx, EVP_CTRL_GCM_SET_IVLEN, int(iv.size), nullptr) != 1
            || EVP_CipherInit_ex(ctx.ctx, nullptr, nullptr, key->secret.data(), iv.data,
                                 encrypt ? 1 : 0)
                    != 1
            || (hasAad && aad.size
                && EVP_CipherUpdate(ctx.ctx, nullptr, &length, aad.data, int(aad.size)) != 1))
            return throwDom(iso, "OperationError", "Error doing AES-GCM encrypt/decrypt");
        if (encrypt) {
            out.resize(data.size + size_t(tagBytes) + 16);
            int tail = 0;
            if (EVP_CipherUpdate(ctx.ctx, out.data(), &length, data.data, int(data.size)) != 1
                || EVP_CipherFinal_ex(ctx.ctx, out.data() + length, &tail) != 1
                || EVP_CIPHER_CTX_ctrl(ctx.ctx, EVP_CTRL_GCM_GET_TAG, tagBytes,
                                       out.data() + length + tail)
                        != 1)
                return throwDom(iso, "OperationError", "Error doing AES-GCM encrypt/decrypt");
            out.resize(size_t(length + tail + tagBytes));
        } else {
            if (data.size < size_t(tagBytes))
                return throwDom(iso, "OperationError",
                                "Ciphertext length of " + std::to_string(data.size * 8)
                                        + " bits must be greater than or equal to the size of the "
                                          "tag ("
                                        + std::to_string(tagBytes * 8) + " bits).");
            const size_t body = data.size - size_t(tagBytes);
            Buffer tag(data.data + body, data.data + data.size);
            out.resize(body + 16);
            int tail = 0;
            if (EVP_CipherUpdate(ctx.ctx, out.data(), &length, data.data, int(body)) != 1
                || EVP_CIPHER_CTX_ctrl(ctx.ctx, EVP_CTRL_GCM_SET_TAG, tagBytes, tag.data()) != 1
                || EVP_CipherFinal_ex(ctx.ctx, out.data() + length, &tail) != 1)
                return throwDom(iso, "OperationError", decryptFailed);
            out.resize(size_t(length + tail));
        }
        return returnBuffer(info, out);
    }
    if (algorithm == "AES-CBC") {
        Bytes iv;
        if (!fieldBytes(iso, params, "iv", &iv) || iv.size != 16)
            return throwDom(iso, "OperationError", "AES-CBC IV must be 16 bytes long.");
        if (!cipherRun(evp, key->secret, iv.data, encrypt, 1, data.data, data.size, &out))
            return throwDom(iso, "OperationError",
                            encrypt ? "Error doing AES-CBC encrypt/decrypt" : decryptFailed);
        return returnBuffer(info, out);
    }
    if (algorithm == "AES-CTR") {
        Bytes counterBytes;
        const int bits = int(fieldNumber(iso, params, "length"));
        if (!fieldBytes(iso, params, "counter", &counterBytes) || counterBytes.size != 16
            || bits < 1 || bits > 128)
            return throwDom(iso, "OperationError", "Invalid AES-CTR counter.");
        Buffer counter = counterBytes.copy();
        // The low `bits` of the counter block count blocks and wrap without carrying into the
        // rest, while OpenSSL's CTR carries through all 128: run up to the wrap, then again from
        // a counter whose low bits are zero. Past 2^bits blocks the keystream would repeat.
        unsigned __int128 blocksLeft = 0; // blocks until the counter's low bits wrap
        {
            unsigned __int128 low = 0;
            for (int i = 0; i < 16; ++i)
                low = (low << 8) | counter[size_t(i)];
            const unsigned __int128 mask
                    = bits >= 128 ? ~(unsigned __int128)0 : (((unsigned __int128)1 << bits) - 1);
            low &= mask;
            blocksLeft = bits >= 128 ? ~(unsigned __int128)0 : mask - low + 1;
        }
        const size_t blocks = (data.size + 15) / 16;
        if (bits < 128 && (unsigned __int128)blocks > ((unsigned __int128)1 << bits))
            return throwDom(iso, "OperationError", "Counter block values will repeat");
        if ((unsigned __int128)blocks <= blocksLeft) {
            if (!cipherRun(evp, key->secret, counter.data(), encrypt, -1, data.data, data.size,
                           &out))
                return throwDom(iso, "OperationError", "Error doing AES-CTR encrypt/decrypt");
        } else {
            const size_t first = size_t(blocksLeft) * 16;
            Buffer wrapped = counter;
            for (int i = 15, left = bits; i >= 0 && left > 0; --i, left -= 8)
                wrapped[size_t(i)] &= left >= 8 ? 0 : uint8_t(0xFF << left);
            if (!cipherRun(evp, key->secret, counter.data(), encrypt, -1, data.data, first, &out)
                || !cipherRun(evp, key->secret, wrapped.data(), encrypt, -1, data.data + first,
                              data.size - first, &out))
                return throwDom(iso, "OperationError", "Error doing AES-CTR encrypt/decrypt");
        }
        return returnBuffer(info, out);
    }
    // AES-KW (RFC 3394, OpenSSL's default IV)
    if (encrypt && (data.size % 8 != 0 || data.size < 16))
        return throwDom(iso, "OperationError",
                        "Unwrapped key bit length must be a multiple of 64 bits but unwrapped "
                        "key has a length of "
                                + std::to_string(data.size * 8) + " bits.");
    if (!encrypt && data.size % 8 != 0)
        return throwDom(iso, "OperationError",
                        "Provided a wrapped key to unwrap that is " + std::to_string(data.size * 8)
                                + " bits which isn't a multiple of 64 bits.");
    if (!encrypt && data.size < 24)
        return throwDom(iso, "OperationError",
                        "Provided a wrapped key to unwrap this is " + std::to_string(data.size * 8)
                                + " bits that is less than the minimal length of 192 bits.");
    if (!cipherRun(evp, key->secret, nullptr, encrypt, -1, data.data, data.size, &out))
        return throwDom(iso, "OperationError",
                        encrypt ? "AES-KW key wrapping failed" : "AES-KW key unwrapping failed");
    returnBuffer(info, out);
}

// ---- derivation ----

// derive(algorithm, handle, params, lengthBits) -> ArrayBuffer
// ECDH / X25519 {public: handle}, PBKDF2 {hash, salt, iterations}, HKDF {hash, salt, info}
void derive(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const std::string algorithm = stringOf(iso, info[0]);
    Key *key = unwrapKey(iso, info[1]);
    if (!key)
        return;
    v8::Local<v8::Value> params = info[2];
    const double bits = info[3]->NumberValue(iso->GetCurrentContext()).FromMaybe(0);
    Buffer out;
    if (algorithm == "ECDH" || algorithm == "X25519") {
        Key *peer = unwrapKey(iso, field(iso, params, "public"));
        if (!peer)
            return;
        PkeyCtx ctx;
        ctx.ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key->pkey, nullptr);
        size_t length = 0;
        if (!ctx.ctx || EVP_PKEY_derive_init(ctx.ctx) != 1
            || EVP_PKEY_derive_set_peer(ctx.ctx, peer->pkey) != 1
            || EVP_PKEY_derive(ctx.ctx, nullptr, &length) != 1)
            return throwDom(iso, "OperationError",
                            algorithm == "ECDH" ? "Failed to generate shared ECDH secret"
                                                : "Failed to derive EDDH key");
        out.resize(length);
        if (EVP_PKEY_derive(ctx.ctx, out.data(), &length) != 1)
            return throwDom(iso, "OperationError",
                            algorithm == "ECDH"
                                    ? "Failed to generate shared ECDH secret"
                                    : "Detected small order secure curve points, aborting EDDH "
                                      "derivation");
        out.resize(length);
        if (info[3]->IsNumber()) {
            if (bits > double(length * 8))
                return throwDom(iso, "OperationError",
                                "Derived key length (" + std::to_string(int64_t(bits))
                                        + " bits) is too long (should be at most "
                                        + std::to_string(length * 8) + " bits).");
            const size_t bytes = (size_t(bits) + 7) / 8;
            out.resize(bytes);
            if (size_t(bits) % 8)
                out[bytes - 1] &= uint8_t(0xFF << (8 - size_t(bits) % 8));
        }
        return returnBuffer(info, out);
    }
    const EVP_MD *md = requireDigest(iso, fieldString(iso, params, "hash"));
    if (!md)
        return;
    Bytes salt;
    fieldBytes(iso, params, "salt", &salt);
    out.resize(size_t(bits) / 8);
    if (algorithm == "PBKDF2") {
        const double iterations = fieldNumber(iso, params, "iterations");
        static const char none = 0;
        if (out.size()
            && PKCS5_PBKDF2_HMAC(key->secret.empty()
                                         ? &none
                                         : reinterpret_cast<const char *>(key->secret.data()),
                                 int(key->secret.size()), salt.data, int(salt.size),
                                 int(iterations), md, int(out.size()), out.data())
                    != 1)
            return throwDom(iso, "OperationError", "PBKDF2 deriveBits failed.");
        return returnBuffer(info, out);
    }
    // HKDF
    Bytes context;
    fieldBytes(iso, params, "info", &context);
    if (out.size() > size_t(EVP_MD_get_size(md)) * 255)
        return throwDom(iso, "OperationError", "HKDF deriveBits failed.");
    if (out.empty())
        return returnBuffer(info, out);
    EVP_KDF *kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
    EVP_KDF_free(kdf);
    static unsigned char none = 0;
    OSSL_PARAM list[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                             const_cast<char *>(EVP_MD_get0_name(md)), 0),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                              key->secret.empty() ? &none : key->secret.data(),
                                              key->secret.size()),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                              const_cast<unsigned char *>(salt.data), salt.size),
            OSSL_PARAM_construct_octet_string(
                    OSSL_KDF_PARAM_INFO, const_cast<unsigned char *>(context.data), context.size),
            OSSL_PARAM_construct_end(),
    };
    const bool ok = kctx && EVP_KDF_derive(kctx, out.data(), out.size(), list) == 1;
    EVP_KDF_CTX_free(kctx);
    if (!ok)
        return throwDom(iso, "OperationError", "HKDF deriveBits failed.");
    returnBuffer(info, out);
}

const NativeFunction cryptoTable[] = {
        {"digest", &digest},
        {"secretImport", &secretImport},
        {"secretGenerate", &secretGenerate},
        {"secretExport", &secretExport},
        {"secretLength", &secretLength},
        {"hmacSign", &hmacSign},
        {"hmacVerify", &hmacVerify},
        {"timingSafeEqual", &timingSafeEqual},
        {"pkeyImport", &pkeyImport},
        {"pkeyExport", &pkeyExport},
        {"pkeyGenerate", &pkeyGenerate},
        {"sign", &sign},
        {"verify", &verify},
        {"cipher", &cipher},
        {"derive", &derive},
};
} // namespace

std::span<const NativeFunction> cryptoNatives()
{
    return cryptoTable;
}

void installCryptoNatives(v8::Local<v8::Context> context, v8::Local<v8::Object> natives)
{
    v8::Isolate *iso = context->GetIsolate();
    v8::Local<v8::Object> crypto = v8::Object::New(iso);
    addNativeFunctions(context, crypto, cryptoNatives());
    natives->Set(context, toV8String(iso, "crypto"), crypto).Check();
}

} // namespace switchyard::engine
