#pragma once

// WebSocket frames and permessage-deflate payloads made and read by hand, for tests that talk to
// the listener or play an upstream server byte by byte (Qt's WebSocket classes neither compress
// nor send what a hostile peer sends). zlib here is the independent oracle for compression.

#include <QByteArray>

#include <zlib.h>

namespace switchyard::testing {

// One server frame (never masked) from the front of `in`: its first byte (FIN, RSV, opcode) and
// payload; false while `in` holds less than a whole frame.
inline bool takeServerFrame(QByteArray &in, int *first, QByteArray *payload)
{
    if (in.size() < 2)
        return false;
    const auto *b = reinterpret_cast<const unsigned char *>(in.constData());
    qsizetype header = 2;
    quint64 length = b[1] & 0x7f;
    if (length == 126) {
        if (in.size() < 4)
            return false;
        length = (quint64(b[2]) << 8) | b[3];
        header = 4;
    } else if (length == 127) {
        if (in.size() < 10)
            return false;
        length = 0;
        for (int i = 2; i < 10; ++i)
            length = (length << 8) | b[i];
        header = 10;
    }
    if (quint64(in.size()) < header + length)
        return false;
    *first = b[0];
    *payload = in.mid(header, qsizetype(length));
    in.remove(0, header + qsizetype(length));
    return true;
}

// zlib's raw DEFLATE of `plain`, sync-flushed, without the final 00 00 FF FF: a
// permessage-deflate payload (RFC 7692 7.2.1).
inline QByteArray rawDeflate(const QByteArray &plain)
{
    z_stream z {};
    deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    QByteArray out(qsizetype(deflateBound(&z, uLong(plain.size()))) + 16, '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.constData()));
    z.avail_in = uInt(plain.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - qsizetype(z.avail_out));
    deflateEnd(&z);
    out.chop(4);
    return out;
}

// The message a permessage-deflate payload stands for (up to 64 MiB).
inline QByteArray rawInflate(const QByteArray &payload)
{
    z_stream z {};
    inflateInit2(&z, -15);
    const QByteArray in = payload + QByteArray("\x00\x00\xff\xff", 4);
    QByteArray out(64 * 1024 * 1024, '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
    z.avail_in = uInt(in.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    inflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - qsizetype(z.avail_out));
    inflateEnd(&z);
    return out;
}

} // namespace switchyard::testing
