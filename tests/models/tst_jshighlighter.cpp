// JavaScript colouring and the error line's marking.
#include "jshighlighter.h"
#include "platformfixture.h"

#include <QSignalSpy>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

using switchyard::models::JsHighlighter;

class tst_JsHighlighter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void coloursAndMarks()
    {
        QTextDocument doc;
        doc.setPlainText(
                QStringLiteral("const a = \"x\"; // note\n/* long\ncomment */ return 42;\n"));
        JsHighlighter highlighter;
        highlighter.setDocument(&doc);
        highlighter.rehighlight(); // setDocument() colours later, from the event loop
        auto formatAt = [&](int block, int column) {
            const auto formats = doc.findBlockByNumber(block).layout()->formats();
            for (const auto &range : formats)
                if (column >= range.start && column < range.start + range.length)
                    return range.format;
            return QTextCharFormat();
        };
        QCOMPARE(formatAt(0, 0).fontWeight(), int(QFont::DemiBold)); // const
        QVERIFY(formatAt(0, 11).foreground().color() != QColor()); // "x"
        QVERIFY(formatAt(0, 18).fontItalic()); // comment
        QVERIFY(formatAt(2, 2).fontItalic()); // inside the block comment
        QVERIFY(!formatAt(2, 12).fontItalic()); // return, after it

        QSignalSpy errorLine(&highlighter, &JsHighlighter::errorLineChanged);
        highlighter.setErrorLine(2);
        highlighter.setErrorLine(2);
        QCOMPARE(errorLine.count(), 1);
        QCOMPARE(formatAt(1, 0).underlineStyle(), QTextCharFormat::WaveUnderline);
        QCOMPARE(formatAt(0, 0).underlineStyle(), QTextCharFormat::NoUnderline);
    }
};

QTEST_MAIN(tst_JsHighlighter)
#include "tst_jshighlighter.moc"
