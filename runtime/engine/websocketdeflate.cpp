#include "websocketdeflate.h"

#include <QList>

#include <zlib.h>

namespace switchyard::engine {

namespace {

// Below this a compressed message is rarely smaller than the plain one, and never by much.
constexpr qsizetype kMinCompressedBytes = 128;
constexpr qsizetype kChunk = 16 * 1024;
const QByteArray kName = "permessage-deflate";
const QByteArray kTail("\x00\x00\xff\xff", 4);

struct Param
{
    QByteArray name; // lowercase
    std::optional<QByteArray> value; // unquoted
};
struct Extension
{
    QByteArray name;
    QList<Param> params;
};

// Sec-WebSocket-Extensions (RFC 6455 9.1): extensions separated by commas, each a token and
// `;`-separated parameters, a value possibly quoted. None of permessage-deflate's values contain
// a comma or semicolon, so splitting on them is exact for every header this code accepts.
QList<Extension> parseExtensions(const QByteArray &header)
{
    QList<Extension> out;
    for (const QByteArray &item : header.split(',')) {
        const QList<QByteArray> parts = item.split(';');
        Extension e;
        e.name = parts.constFirst().trimmed().toLower();
        if (e.name.isEmpty())
            continue;
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray part = parts.at(i).trimmed();
            const qsizetype eq = part.indexOf('=');
            Param p;
            p.name = (eq < 0 ? part : part.left(eq)).trimmed().toLower();
            if (eq >= 0) {
                QByteArray v = part.mid(eq + 1).trimmed();
                if (v.size() >= 2 && v.startsWith('"') && v.endsWith('"'))
                    v = v.mid(1, v.size() - 2);
                p.value = v;
            }
            e.params.append(p);
        }
        out.append(e);
    }
    return out;
}

// A window-bits value: 8 to 15, digits only (RFC 7692 7.1.2).
std::optional<int> windowBits(const QByteArray &value)
{
    if (value.isEmpty() || value.size() > 2 || value.startsWith('0'))
        return std::nullopt;
    bool ok = false;
    const int n = value.toInt(&ok);
    if (!ok || n < 8 || n > 15)
        return std::nullopt;
    return n;
}

} // namespace

std::optional<DeflateSettings> acceptDeflateOffer(const QByteArray &offers, QByteArray *response)
{
    response->clear();
    for (const Extension &offer : parseExtensions(offers)) {
        if (offer.name != kName)
            continue;
        DeflateSettings settings;
        QList<QByteArray> seen;
        bool usable = true;
        for (const Param &p : offer.params) {
            if (seen.contains(p.name)) {
                usable = false;
                break;
            }
            seen.append(p.name);
            if (p.name == "server_no_context_takeover" || p.name == "client_no_context_takeover") {
                usable = !p.value.has_value();
            } else if (p.name == "server_max_window_bits") {
                const auto bits = p.value ? windowBits(*p.value) : std::nullopt;
                usable = bits.has_value();
                settings.serverMaxWindowBits = bits.value_or(15);
            } else if (p.name == "client_max_window_bits") {
                // The client can take a smaller window; this end inflates with 15 bits, which
                // reads any.
                usable = !p.value || windowBits(*p.value).has_value();
            } else {
                usable = false;
            }
            if (!usable)
                break;
        }
        if (!usable)
            continue;
        settings.serverNoContextTakeover = true;
        settings.clientNoContextTakeover = true;
        *response = kName + "; server_no_context_takeover; client_no_context_takeover";
        if (seen.contains("server_max_window_bits"))
            *response += "; server_max_window_bits="
                    + QByteArray::number(settings.serverMaxWindowBits);
        return settings;
    }
    return std::nullopt;
}

QByteArray deflateOffer()
{
    return kName + "; client_max_window_bits";
}

std::optional<DeflateSettings> parseDeflateResponse(const QByteArray &header, QString *error)
{
    error->clear();
    if (header.trimmed().isEmpty())
        return std::nullopt;
    const QList<Extension> extensions = parseExtensions(header);
    if (extensions.size() != 1 || extensions.constFirst().name != kName) {
        *error = QStringLiteral("the server chose an extension that was not offered (%1)")
                         .arg(QString::fromLatin1(header.left(200)));
        return std::nullopt;
    }
    DeflateSettings settings;
    QList<QByteArray> seen;
    for (const Param &p : extensions.constFirst().params) {
        bool ok = !seen.contains(p.name);
        seen.append(p.name);
        if (p.name == "server_no_context_takeover") {
            ok = ok && !p.value;
            settings.serverNoContextTakeover = true;
        } else if (p.name == "client_no_context_takeover") {
            ok = ok && !p.value;
            settings.clientNoContextTakeover = true;
        } else if (p.name == "server_max_window_bits" || p.name == "client_max_window_bits") {
            const auto bits = p.value ? windowBits(*p.value) : std::nullopt;
            ok = ok && bits;
            (p.name.startsWith("server") ? settings.serverMaxWindowBits
                                         : settings.clientMaxWindowBits)
                    = bits.value_or(15);
        } else {
            ok = false;
        }
        if (!ok) {
            *error = QStringLiteral("the server's permessage-deflate parameters are invalid (%1)")
                             .arg(QString::fromLatin1(header.left(200)));
            return std::nullopt;
        }
    }
    return settings;
}

struct WebSocketDeflate::Stream
{
    z_stream z {};
    bool deflating = false;
    bool ready = false;
    ~Stream()
    {
        if (ready)
            deflating ? deflateEnd(&z) : inflateEnd(&z);
    }
};

WebSocketDeflate::WebSocketDeflate(const DeflateSettings &settings, bool server)
    : m_settings(settings), m_server(server)
{ }

WebSocketDeflate::~WebSocketDeflate() = default;

bool WebSocketDeflate::worthCompressing(qsizetype bytes) const
{
    const int bits = m_server ? m_settings.serverMaxWindowBits : m_settings.clientMaxWindowBits;
    // zlib's raw deflate makes no 8-bit windows (it would write 9-bit ones).
    return bytes >= kMinCompressedBytes && bits >= 9;
}

QByteArray WebSocketDeflate::compress(const QByteArray &message)
{
    // A fresh compressor per message: it never refers back to an earlier one, which every peer
    // reads whatever context takeover it asked for, and nothing stays allocated in between.
    Stream s;
    s.deflating = true;
    const int bits = m_server ? m_settings.serverMaxWindowBits : m_settings.clientMaxWindowBits;
    // The fastest level: the dispatch listener compresses on its one thread for every socket,
    // and a tenant sending large messages must not make it slow for the others.
    if (deflateInit2(&s.z, Z_BEST_SPEED, Z_DEFLATED, -std::max(bits, 9), 8, Z_DEFAULT_STRATEGY)
        != Z_OK)
        return {};
    s.ready = true;
    QByteArray out;
    out.resize(qsizetype(deflateBound(&s.z, uLong(message.size()))) + 16);
    s.z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(message.constData()));
    s.z.avail_in = uInt(message.size());
    qsizetype produced = 0;
    for (;;) {
        if (out.size() - produced < 64)
            out.resize(out.size() * 2);
        s.z.next_out = reinterpret_cast<Bytef *>(out.data() + produced);
        s.z.avail_out = uInt(out.size() - produced);
        const int rc = deflate(&s.z, Z_SYNC_FLUSH);
        produced = out.size() - qsizetype(s.z.avail_out);
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return {};
        if (s.z.avail_in == 0 && s.z.avail_out > 0)
            break;
    }
    out.resize(produced);
    if (out.endsWith(kTail))
        out.chop(kTail.size());
    return out;
}

WebSocketDeflate::Inflated WebSocketDeflate::decompress(const QByteArray &payload,
                                                        qsizetype maxBytes, QByteArray *out)
{
    out->clear();
    if (!m_inflater) {
        m_inflater = std::make_unique<Stream>();
        if (inflateInit2(&m_inflater->z, -15) != Z_OK) {
            m_inflater.reset();
            return Inflated::Corrupt;
        }
        m_inflater->ready = true;
    }
    z_stream &z = m_inflater->z;
    const QByteArray in = payload + kTail;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
    z.avail_in = uInt(in.size());
    Inflated result = Inflated::Ok;
    for (;;) {
        const qsizetype at = out->size();
        const qsizetype room = std::min<qsizetype>(kChunk, maxBytes + 1 - at);
        if (room <= 0) {
            result = Inflated::TooLarge;
            break;
        }
        out->resize(at + room);
        z.next_out = reinterpret_cast<Bytef *>(out->data() + at);
        z.avail_out = uInt(room);
        const int rc = inflate(&z, Z_SYNC_FLUSH);
        out->resize(at + room - qsizetype(z.avail_out));
        if (out->size() > maxBytes) {
            result = Inflated::TooLarge;
            break;
        }
        if (rc == Z_STREAM_END) {
            // The peer ended its stream: the next message starts a new one.
            inflateReset(&z);
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            result = Inflated::Corrupt;
            break;
        }
        if (z.avail_in == 0 && z.avail_out > 0)
            break;
        if (rc == Z_BUF_ERROR && z.avail_in > 0 && z.avail_out > 0) {
            result = Inflated::Corrupt;
            break;
        }
    }
    z.next_in = nullptr;
    z.avail_in = 0;
    const bool peerKeepsContext
            = m_server ? !m_settings.clientNoContextTakeover : !m_settings.serverNoContextTakeover;
    if (result != Inflated::Ok || !peerKeepsContext)
        m_inflater.reset();
    if (result != Inflated::Ok)
        out->clear();
    return result;
}

} // namespace switchyard::engine
