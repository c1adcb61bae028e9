// Find and replace in the code editor's document: plain-text matches, case and whole word, the
// current match and "n of m", wrapping both ways, and replaces that the document's Undo takes
// back in one step.
#include "editorsearch.h"

#include <QSignalSpy>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

using switchyard::models::EditorSearch;

namespace {

QList<int> starts(const EditorSearch &search)
{
    QList<int> list;
    for (const QVariant &v : search.matches())
        list.append(v.toInt());
    return list;
}

} // namespace

class tst_EditorSearch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void finds_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("term");
        QTest::addColumn<bool>("caseSensitive");
        QTest::addColumn<bool>("wholeWord");
        QTest::addColumn<QList<int>>("expected");

        const QString code
                = QStringLiteral("const Fetch = fetch;\nfetcher(fetch_x, $fetch, fetch)");
        QTest::newRow("any case") << code << "fetch" << false << false
                                  << QList<int> {6, 14, 21, 29, 39, 46};
        QTest::newRow("match case")
                << code << "fetch" << true << false << QList<int> {14, 21, 29, 39, 46};
        QTest::newRow("whole word") << code << "fetch" << false << true << QList<int> {6, 14, 46};
        // `_` and `$` belong to JavaScript identifiers: fetch_x and $fetch are other words.
        QTest::newRow("whole word, match case")
                << code << "fetch" << true << true << QList<int> {14, 46};
        QTest::newRow("term with punctuation")
                << code << "fetch(" << false << false << QList<int> {};
        QTest::newRow("term spanning words")
                << code << "= fetch;" << false << false << QList<int> {12};
        QTest::newRow("matches do not overlap") << "aaaaa"
                                                << "aa" << false << false << QList<int> {0, 2};
        QTest::newRow("whole word at both ends") << "ab ab"
                                                 << "ab" << false << true << QList<int> {0, 3};
        QTest::newRow("non-ASCII, any case") << "Straße STRASSE straße"
                                             << "STRAßE" << false << false << QList<int> {0, 15};
        QTest::newRow("empty term") << code << "" << false << false << QList<int> {};
        QTest::newRow("no match") << code << "response" << false << false << QList<int> {};
    }
    void finds()
    {
        QFETCH(QString, text);
        QFETCH(QString, term);
        QFETCH(bool, caseSensitive);
        QFETCH(bool, wholeWord);
        QFETCH(QList<int>, expected);

        QTextDocument doc(text);
        EditorSearch search;
        search.setDocument(&doc);
        QSignalSpy matches(&search, &EditorSearch::matchesChanged);
        QSignalSpy status(&search, &EditorSearch::statusChanged);
        search.setCaseSensitive(caseSensitive);
        search.setWholeWord(wholeWord);
        search.setTerm(term);
        QCOMPARE(starts(search), expected);
        QCOMPARE(search.count(), int(expected.size()));
        QCOMPARE(search.length(), expected.isEmpty() ? 0 : int(term.size()));
        for (int start : expected)
            QCOMPARE(
                    text.mid(start, term.size())
                            .compare(term, caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive),
                    0);
        QCOMPARE(EditorSearch::find(text, term, caseSensitive, wholeWord), expected);
        // Nothing to say with no term; otherwise how many, as nothing is selected yet.
        if (term.isEmpty())
            QCOMPARE(search.status(), QString());
        else if (expected.isEmpty())
            QCOMPARE(search.status(), QStringLiteral("No results"));
        else
            QCOMPARE(search.status(),
                     expected.size() == 1 ? QStringLiteral("1 match")
                                          : QStringLiteral("%1 matches").arg(expected.size()));
        QCOMPARE(matches.count(), expected.isEmpty() ? 0 : 1);
        QCOMPARE(status.count(), term.isEmpty() ? 0 : 1);
    }

    void setterNotifiesOnlyOnChange()
    {
        EditorSearch search;
        QSignalSpy term(&search, &EditorSearch::termChanged);
        QSignalSpy caseSensitive(&search, &EditorSearch::caseSensitiveChanged);
        QSignalSpy wholeWord(&search, &EditorSearch::wholeWordChanged);
        QSignalSpy selection(&search, &EditorSearch::selectionChanged);
        for (int i = 0; i < 2; ++i) {
            search.setTerm(QStringLiteral("x"));
            search.setCaseSensitive(true);
            search.setWholeWord(true);
            search.setSelectionStart(3);
        }
        QCOMPARE(term.count(), 1);
        QCOMPARE(caseSensitive.count(), 1);
        QCOMPARE(wholeWord.count(), 1);
        QCOMPARE(selection.count(), 1);
        // No document: nothing to find, nothing to replace.
        QCOMPARE(search.count(), 0);
        QCOMPARE(search.nextMatch(), -1);
        QCOMPARE(search.replaceAll(QStringLiteral("y")), 0);
    }

    // From the editor's selection: the next and previous match, wrapping at either end.
    void stepsAndWraps_data()
    {
        QTest::addColumn<int>("selectionStart");
        QTest::addColumn<int>("selectionEnd");
        QTest::addColumn<int>("current");
        QTest::addColumn<int>("next");
        QTest::addColumn<int>("previous");
        QTest::addColumn<QString>("status");
        // "ab ab ab": matches at 0, 3 and 6.
        QTest::newRow("cursor at start") << 0 << 0 << -1 << 0 << 2 << "3 matches";
        QTest::newRow("first selected") << 0 << 2 << 0 << 1 << 2 << "1 of 3";
        QTest::newRow("second selected") << 3 << 5 << 1 << 2 << 0 << "2 of 3";
        QTest::newRow("last selected wraps") << 6 << 8 << 2 << 0 << 1 << "3 of 3";
        QTest::newRow("cursor inside a match") << 4 << 4 << -1 << 2 << 1 << "3 matches";
        QTest::newRow("cursor at end wraps") << 8 << 8 << -1 << 0 << 2 << "3 matches";
        QTest::newRow("selection not a match") << 2 << 4 << -1 << 1 << 0 << "3 matches";
    }
    void stepsAndWraps()
    {
        QFETCH(int, selectionStart);
        QFETCH(int, selectionEnd);
        QFETCH(int, current);
        QFETCH(int, next);
        QFETCH(int, previous);
        QFETCH(QString, status);

        QTextDocument doc(QStringLiteral("ab ab ab"));
        EditorSearch search;
        search.setDocument(&doc);
        search.setTerm(QStringLiteral("ab"));
        QSignalSpy currentChanged(&search, &EditorSearch::currentChanged);
        search.setSelectionStart(selectionStart);
        search.setSelectionEnd(selectionEnd);
        QCOMPARE(search.current(), current);
        QCOMPARE(currentChanged.count(), current == -1 ? 0 : 1);
        QCOMPARE(search.nextMatch(), next);
        QCOMPARE(search.previousMatch(), previous);
        QCOMPARE(search.status(), status);
        QCOMPARE(search.start(next), 3 * next);
        QCOMPARE(search.end(next), 3 * next + 2);
        QCOMPARE(search.start(3), -1);
    }

    void matchesFollowEdits()
    {
        QTextDocument doc(QStringLiteral("let a = 1;"));
        EditorSearch search;
        search.setDocument(&doc);
        search.setTerm(QStringLiteral("a"));
        QCOMPARE(starts(search), QList<int> {4});
        QSignalSpy matches(&search, &EditorSearch::matchesChanged);
        QTextCursor cursor(&doc);
        cursor.insertText(QStringLiteral("const a = 2;\n"));
        QCOMPARE(matches.count(), 1);
        QCOMPARE(starts(search), (QList<int> {6, 17}));
        // An edit after the last match moves nothing: no signal, no redrawn highlights.
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(QStringLiteral(" // x"));
        QCOMPARE(matches.count(), 1);
        search.setWholeWord(true);
        search.setCaseSensitive(true);
        QCOMPARE(starts(search), (QList<int> {6, 17}));
        search.setTerm(QStringLiteral("A"));
        QCOMPARE(search.count(), 0);
        QCOMPARE(search.status(), QStringLiteral("No results"));
    }

    void replaces_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("term");
        QTest::addColumn<bool>("caseSensitive");
        QTest::addColumn<bool>("wholeWord");
        QTest::addColumn<QString>("replacement");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("replaced");

        const QString code = QStringLiteral("let count = 0;\ncount++; Count; counter(count)");
        QTest::newRow("any case") << code << "count" << false << false << "n"
                                  << "let n = 0;\nn++; n; ner(n)" << 5;
        QTest::newRow("match case, whole word") << code << "count" << true << true << "n"
                                                << "let n = 0;\nn++; Count; counter(n)" << 3;
        QTest::newRow("replacement contains the term") << "a a"
                                                       << "a" << false << false << "aa"
                                                       << "aa aa" << 2;
        QTest::newRow("to nothing") << "x, y, x"
                                    << "x, " << false << false << ""
                                    << "y, x" << 1;
        QTest::newRow("across lines") << "a;\na;\n"
                                      << "a;" << false << false << "b;"
                                      << "b;\nb;\n"
                                      << 2;
        QTest::newRow("no match") << code << "total" << false << false << "n" << code << 0;
    }
    void replaces()
    {
        QFETCH(QString, text);
        QFETCH(QString, term);
        QFETCH(bool, caseSensitive);
        QFETCH(bool, wholeWord);
        QFETCH(QString, replacement);
        QFETCH(QString, expected);
        QFETCH(int, replaced);

        QTextDocument doc;
        doc.setPlainText(text); // with no undo history of its own
        EditorSearch search;
        search.setDocument(&doc);
        search.setCaseSensitive(caseSensitive);
        search.setWholeWord(wholeWord);
        search.setTerm(term);
        QSignalSpy matches(&search, &EditorSearch::matchesChanged);
        QCOMPARE(search.replaceAll(replacement), replaced);
        QCOMPARE(doc.toPlainText(), expected);
        QCOMPARE(matches.count(), replaced > 0 ? 1 : 0);
        QCOMPARE(search.count(),
                 int(EditorSearch::find(expected, term, caseSensitive, wholeWord).size()));
        // One undo takes back the whole Replace all, and is the only step there is.
        QCOMPARE(doc.isUndoAvailable(), replaced > 0);
        doc.undo();
        QCOMPARE(doc.toPlainText(), text);
        QVERIFY(!doc.isUndoAvailable());
    }

    void replaceOneSelectsTheNext()
    {
        const QString text = QStringLiteral("x = f(x) + x");
        QTextDocument doc;
        doc.setPlainText(text);
        EditorSearch search;
        search.setDocument(&doc);
        search.setWholeWord(true);
        search.setTerm(QStringLiteral("x"));
        QCOMPARE(starts(search), (QList<int> {0, 6, 11}));

        // A selection that is not a match is left alone: the first match after it is next.
        QCOMPARE(search.replace(1, 2, QStringLiteral("yy")), 1);
        QCOMPARE(doc.toPlainText(), text);

        QSignalSpy matches(&search, &EditorSearch::matchesChanged);
        const int next = search.replace(6, 7, QStringLiteral("yy"));
        QCOMPARE(doc.toPlainText(), QStringLiteral("x = f(yy) + x"));
        QCOMPARE(matches.count(), 1);
        QCOMPARE(starts(search), (QList<int> {0, 12}));
        QCOMPARE(next, 1); // the x after the replacement
        // The last one wraps to the first.
        QCOMPARE(search.replace(12, 13, QStringLiteral("yy")), 0);
        QCOMPARE(doc.toPlainText(), QStringLiteral("x = f(yy) + yy"));
        QCOMPARE(search.replace(0, 1, QStringLiteral("yy")), -1);
        QCOMPARE(doc.toPlainText(), QStringLiteral("yy = f(yy) + yy"));
        QCOMPARE(search.status(), QStringLiteral("No results"));
        // Each replace is its own undo step.
        doc.undo();
        QCOMPARE(doc.toPlainText(), QStringLiteral("x = f(yy) + yy"));
        doc.undo();
        QCOMPARE(doc.toPlainText(), QStringLiteral("x = f(yy) + x"));
        doc.undo();
        QCOMPARE(doc.toPlainText(), text);
        QVERIFY(!doc.isUndoAvailable());
    }
};

QTEST_MAIN(tst_EditorSearch)
#include "tst_editorsearch.moc"
