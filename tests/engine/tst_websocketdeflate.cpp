// permessage-deflate (RFC 7692): the negotiation both ends do, the RFC's own examples of
// compressed "Hello" (section 7.2.3) in both directions, and the frame reader with compressed
// messages, including what a hostile peer sends: a small message that inflates past the limit,
// garbage, and RSV1 where it is not allowed.
#include "../common/rawwebsocket.h"

#include "engine/websocketdeflate.h"
#include "engine/websocketframes.h"

#include <QTest>

using namespace switchyard::engine;
using switchyard::testing::rawDeflate;

namespace {

QByteArray bytes(std::initializer_list<int> list)
{
    QByteArray out;
    for (int b : list)
        out += char(b);
    return out;
}

// A client's frame as a browser sends it: final, masked, RSV1 as given.
QByteArray clientFrame(int opcode, const QByteArray &payload, bool rsv1, bool fin = true)
{
    QByteArray frame = webSocketFrame(WebSocketFrameReader::Opcode(opcode), payload, true, rsv1);
    if (!fin)
        frame[0] = char(frame.at(0) & 0x7f);
    return frame;
}

} // namespace

class tst_WebSocketDeflate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void serverAcceptsOffers_data();
    void serverAcceptsOffers();
    void clientReadsResponses_data();
    void clientReadsResponses();
    void compressesHelloAsTheRfc();
    void inflatesTheRfcExamples_data();
    void inflatesTheRfcExamples();
    void sharedWindowAcrossMessages();
    void roundTripsLargeMessages();
    void inflationStopsAtTheLimit();
    void garbageIsCorrupt();
    void readerInflatesCompressedMessages();
    void readerRefusesMisplacedRsv1_data();
    void readerRefusesMisplacedRsv1();
    void readerRefusesBombsAndGarbage();
};

void tst_WebSocketDeflate::serverAcceptsOffers_data()
{
    QTest::addColumn<QByteArray>("offer");
    QTest::addColumn<QByteArray>("response"); // empty: declined
    const QByteArray plain = "permessage-deflate; server_no_context_takeover; "
                             "client_no_context_takeover";
    QTest::newRow("bare") << QByteArray("permessage-deflate") << plain;
    QTest::newRow("browser") << QByteArray("permessage-deflate; client_max_window_bits") << plain;
    QTest::newRow("node ws") << QByteArray("permessage-deflate; client_max_window_bits=15")
                             << plain;
    QTest::newRow("quoted value") << QByteArray("permessage-deflate; client_max_window_bits=\"10\"")
                                  << plain;
    QTest::newRow("case") << QByteArray("PerMessage-Deflate; Server_No_Context_Takeover") << plain;
    QTest::newRow("server window") << QByteArray("permessage-deflate; server_max_window_bits=10")
                                   << plain + "; server_max_window_bits=10";
    QTest::newRow("other extension first")
            << QByteArray("x-webkit-deflate-frame, permessage-deflate; client_max_window_bits")
            << plain;
    QTest::newRow("first offer unusable, second taken")
            << QByteArray("permessage-deflate; server_max_window_bits=16, permessage-deflate")
            << plain;
    QTest::newRow("window too small")
            << QByteArray("permessage-deflate; server_max_window_bits=7") << QByteArray();
    QTest::newRow("window without value")
            << QByteArray("permessage-deflate; server_max_window_bits") << QByteArray();
    QTest::newRow("leading zero") << QByteArray("permessage-deflate; server_max_window_bits=09")
                                  << QByteArray();
    QTest::newRow("unknown parameter") << QByteArray("permessage-deflate; mystery") << QByteArray();
    QTest::newRow("duplicate parameter")
            << QByteArray("permessage-deflate; client_no_context_takeover; "
                          "client_no_context_takeover")
            << QByteArray();
    QTest::newRow("value on a flag")
            << QByteArray("permessage-deflate; server_no_context_takeover=1") << QByteArray();
    QTest::newRow("no deflate offered") << QByteArray("x-webkit-deflate-frame") << QByteArray();
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void tst_WebSocketDeflate::serverAcceptsOffers()
{
    QFETCH(QByteArray, offer);
    QFETCH(QByteArray, response);
    QByteArray answer = "stale";
    const auto settings = acceptDeflateOffer(offer, &answer);
    QCOMPARE(answer, response);
    QCOMPARE(settings.has_value(), !response.isEmpty());
    if (settings) {
        QVERIFY(settings->serverNoContextTakeover);
        QVERIFY(settings->clientNoContextTakeover);
    }
}

void tst_WebSocketDeflate::clientReadsResponses_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<bool>("compressed");
    QTest::addColumn<bool>("failed");
    QTest::addColumn<bool>("serverKeepsContext");
    QTest::addColumn<int>("clientWindow");
    QTest::newRow("none") << QByteArray() << false << false << false << 15;
    QTest::newRow("bare") << QByteArray("permessage-deflate") << true << false << true << 15;
    QTest::newRow("no takeover") << QByteArray("permessage-deflate; server_no_context_takeover; "
                                               "client_no_context_takeover")
                                 << true << false << false << 15;
    QTest::newRow("client window") << QByteArray("permessage-deflate; client_max_window_bits=10")
                                   << true << false << true << 10;
    QTest::newRow("server window") << QByteArray("permessage-deflate; server_max_window_bits=12")
                                   << true << false << true << 15;
    QTest::newRow("another extension") << QByteArray("x-other") << false << true << false << 15;
    QTest::newRow("two extensions")
            << QByteArray("permessage-deflate, permessage-deflate") << false << true << false << 15;
    QTest::newRow("unknown parameter")
            << QByteArray("permessage-deflate; mystery=1") << false << true << false << 15;
    QTest::newRow("window out of range")
            << QByteArray("permessage-deflate; client_max_window_bits=20") << false << true << false
            << 15;
    QTest::newRow("window without value")
            << QByteArray("permessage-deflate; client_max_window_bits") << false << true << false
            << 15;
}

void tst_WebSocketDeflate::clientReadsResponses()
{
    QFETCH(QByteArray, response);
    QFETCH(bool, compressed);
    QFETCH(bool, failed);
    QFETCH(bool, serverKeepsContext);
    QFETCH(int, clientWindow);
    QVERIFY(deflateOffer().startsWith("permessage-deflate"));
    QString error;
    const auto settings = parseDeflateResponse(response, &error);
    QCOMPARE(settings.has_value(), compressed);
    QCOMPARE(!error.isEmpty(), failed);
    if (settings) {
        QCOMPARE(!settings->serverNoContextTakeover, serverKeepsContext);
        QCOMPARE(settings->clientMaxWindowBits, clientWindow);
    }
}

void tst_WebSocketDeflate::compressesHelloAsTheRfc()
{
    // RFC 7692 7.2.3.1: "Hello" in one compressed message.
    WebSocketDeflate server(DeflateSettings {true, true, 15, 15}, true);
    QCOMPARE(server.compress("Hello"), bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
    // Without context takeover the second message is compressed alike (7.2.3.2 shows what a
    // shared window would make of it).
    QCOMPARE(server.compress("Hello"), bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
    QVERIFY(!server.worthCompressing(5));
    QVERIFY(server.worthCompressing(4096));
    // An 8-bit window is one zlib cannot make: such messages go uncompressed.
    WebSocketDeflate narrow(DeflateSettings {true, true, 8, 15}, true);
    QVERIFY(!narrow.worthCompressing(4096));
}

void tst_WebSocketDeflate::inflatesTheRfcExamples_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::newRow("7.2.3.1 compressed") << bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
    QTest::newRow("7.2.3.3 stored block")
            << bytes({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00});
    QTest::newRow("7.2.3.5 two blocks") << bytes(
            {0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00});
    QTest::newRow("7.2.3.6 BFINAL set") << bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00});
}

void tst_WebSocketDeflate::inflatesTheRfcExamples()
{
    QFETCH(QByteArray, payload);
    for (bool server : {true, false}) {
        WebSocketDeflate end(DeflateSettings {}, server);
        QByteArray out;
        QCOMPARE(end.decompress(payload, 1024, &out), WebSocketDeflate::Inflated::Ok);
        QCOMPARE(out, QByteArray("Hello"));
        // And again: the stream is ready for the next message.
        QCOMPARE(end.decompress(payload, 1024, &out), WebSocketDeflate::Inflated::Ok);
        QCOMPARE(out, QByteArray("Hello"));
    }
}

void tst_WebSocketDeflate::sharedWindowAcrossMessages()
{
    // RFC 7692 7.2.3.2: a server that keeps its window sends the second "Hello" as a reference to
    // the first; an outbound socket (the client end) keeps its inflater for it.
    WebSocketDeflate client(DeflateSettings {false, false, 15, 15}, false);
    QByteArray out;
    QCOMPARE(client.decompress(bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}), 1024, &out),
             WebSocketDeflate::Inflated::Ok);
    QCOMPARE(out, QByteArray("Hello"));
    QCOMPARE(client.decompress(bytes({0xf2, 0x00, 0x11, 0x00, 0x00}), 1024, &out),
             WebSocketDeflate::Inflated::Ok);
    QCOMPARE(out, QByteArray("Hello"));
}

void tst_WebSocketDeflate::roundTripsLargeMessages()
{
    QByteArray text;
    for (int i = 0; i < 20000; ++i)
        text += "line " + QByteArray::number(i % 97) + " of a log a Worker sends\n";
    WebSocketDeflate server(DeflateSettings {true, true, 15, 15}, true);
    WebSocketDeflate client(DeflateSettings {true, true, 15, 15}, false);
    const QByteArray compressed = server.compress(text);
    QVERIFY(compressed.size() < text.size() / 10);
    QByteArray out;
    QCOMPARE(client.decompress(compressed, text.size(), &out), WebSocketDeflate::Inflated::Ok);
    QCOMPARE(out, text);
    // zlib's own output reads back too (as a peer's would).
    QCOMPARE(server.decompress(rawDeflate(text), text.size(), &out),
             WebSocketDeflate::Inflated::Ok);
    QCOMPARE(out, text);
}

void tst_WebSocketDeflate::inflationStopsAtTheLimit()
{
    // 64 MiB of zeros compress to ~64 KiB: a message within the limit on the wire that must not
    // be inflated past it.
    const QByteArray bomb = rawDeflate(QByteArray(64 * 1024 * 1024, '\0'));
    QVERIFY(bomb.size() < 1024 * 1024);
    WebSocketDeflate server(DeflateSettings {true, true, 15, 15}, true);
    QByteArray out;
    QCOMPARE(server.decompress(bomb, 1024 * 1024, &out), WebSocketDeflate::Inflated::TooLarge);
    QVERIFY(out.isEmpty());
    // Exactly at the limit is fine.
    QCOMPARE(server.decompress(rawDeflate(QByteArray(1024 * 1024, 'a')), 1024 * 1024, &out),
             WebSocketDeflate::Inflated::Ok);
    QCOMPARE(out.size(), 1024 * 1024);
}

void tst_WebSocketDeflate::garbageIsCorrupt()
{
    WebSocketDeflate server(DeflateSettings {true, true, 15, 15}, true);
    QByteArray out;
    QCOMPARE(server.decompress(bytes({0xff, 0xff, 0xff, 0xff, 0x13, 0x37}), 1024, &out),
             WebSocketDeflate::Inflated::Corrupt);
    // The end recovers for the next message.
    QCOMPARE(server.decompress(bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}), 1024, &out),
             WebSocketDeflate::Inflated::Ok);
    QCOMPARE(out, QByteArray("Hello"));
}

void tst_WebSocketDeflate::readerInflatesCompressedMessages()
{
    WebSocketFrameReader reader(1024 * 1024);
    QByteArray response;
    reader.enableDeflate(*acceptDeflateOffer("permessage-deflate", &response));
    const QByteArray hello = bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
    QByteArray wire = clientFrame(1, hello, true);
    wire += clientFrame(2, "plain", false); // uncompressed messages stay allowed
    // A compressed message in two fragments: RSV1 on the first only.
    wire += clientFrame(1, hello.left(3), true, false);
    wire += clientFrame(0, hello.mid(3), false);
    reader.feed(wire.constData(), wire.size());
    WebSocketFrameReader::Frame frame;
    QVERIFY(reader.next(&frame));
    QCOMPARE(frame.opcode, WebSocketFrameReader::Opcode::Text);
    QCOMPARE(frame.payload, QByteArray("Hello"));
    QVERIFY(reader.next(&frame));
    QCOMPARE(frame.opcode, WebSocketFrameReader::Opcode::Binary);
    QCOMPARE(frame.payload, QByteArray("plain"));
    QVERIFY(reader.next(&frame));
    QCOMPARE(frame.payload, QByteArray("Hello"));
    QCOMPARE(reader.failCode(), 0);
    // And what this end sends: RSV1 and a payload the peer inflates.
    QByteArray big(4096, 'x');
    const QByteArray sent
            = webSocketMessageFrame(WebSocketFrameReader::Opcode::Text, big, reader.deflate());
    QVERIFY(sent.at(0) & 0x40);
    QVERIFY(sent.size() < 200);
    WebSocketFrameReader client(1024 * 1024, WebSocketFrameReader::Role::Client);
    QString error;
    client.enableDeflate(*parseDeflateResponse(response, &error));
    client.feed(sent.constData(), sent.size());
    QVERIFY(client.next(&frame));
    QCOMPARE(frame.payload, big);
}

void tst_WebSocketDeflate::readerRefusesMisplacedRsv1_data()
{
    QTest::addColumn<bool>("negotiated");
    QTest::addColumn<QByteArray>("wire");
    const QByteArray hello = bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
    QTest::newRow("not negotiated") << false << clientFrame(1, hello, true);
    QTest::newRow("on a continuation")
            << true << clientFrame(1, "He", false, false) + clientFrame(0, "llo", true);
    QTest::newRow("on a ping") << true << clientFrame(9, "p", true);
    QByteArray rsv2 = clientFrame(1, "x", false);
    rsv2[0] = char(rsv2.at(0) | 0x20);
    QTest::newRow("RSV2") << true << rsv2;
}

void tst_WebSocketDeflate::readerRefusesMisplacedRsv1()
{
    QFETCH(bool, negotiated);
    QFETCH(QByteArray, wire);
    WebSocketFrameReader reader(1024 * 1024);
    if (negotiated)
        reader.enableDeflate(DeflateSettings {true, true, 15, 15});
    reader.feed(wire.constData(), wire.size());
    WebSocketFrameReader::Frame frame;
    QVERIFY(!reader.next(&frame));
    QCOMPARE(reader.failCode(), 1002);
    QCOMPARE(reader.failReason(), QByteArray("Reserved bits are set."));
}

void tst_WebSocketDeflate::readerRefusesBombsAndGarbage()
{
    const QByteArray bomb = rawDeflate(QByteArray(16 * 1024 * 1024, '\0'));
    WebSocketFrameReader reader(1024 * 1024);
    reader.enableDeflate(DeflateSettings {true, true, 15, 15});
    QByteArray wire = clientFrame(2, bomb, true);
    reader.feed(wire.constData(), wire.size());
    WebSocketFrameReader::Frame frame;
    QVERIFY(!reader.next(&frame));
    QCOMPARE(reader.failCode(), 1009);
    QCOMPARE(reader.failReason(), QByteArray("Message is too large"));

    WebSocketFrameReader garbage(1024 * 1024);
    garbage.enableDeflate(DeflateSettings {true, true, 15, 15});
    wire = clientFrame(2, bytes({0xff, 0xff, 0xff, 0xff, 0x13, 0x37}), true);
    garbage.feed(wire.constData(), wire.size());
    QVERIFY(!garbage.next(&frame));
    QCOMPARE(garbage.failCode(), 1007);

    // A compressed text message that inflates to invalid UTF-8.
    WebSocketFrameReader text(1024 * 1024);
    text.enableDeflate(DeflateSettings {true, true, 15, 15});
    wire = clientFrame(1, rawDeflate(bytes({0xc3, 0x28, 0x41})), true);
    text.feed(wire.constData(), wire.size());
    QVERIFY(!text.next(&frame));
    QCOMPARE(text.failCode(), 1007);
}

QTEST_GUILESS_MAIN(tst_WebSocketDeflate)
#include "tst_websocketdeflate.moc"
