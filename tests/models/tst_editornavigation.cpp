// Where the code editor's cursor can jump: the bracket matching the one beside it (strings,
// template literals and comments skipped, unbalanced code answered with "none"), and a typed
// line[:column], clamped into the document or refused with a message.
#include "editornavigation.h"

#include <QSignalSpy>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

using switchyard::models::EditorNavigation;

class tst_EditorNavigation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // '1' where the scanner sees code, '0' in strings, template text and comments.
    void codeMask_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mask");
        QTest::newRow("code") << "f(a)"
                              << "1111";
        QTest::newRow("double quotes") << "f(\"(\")"
                                       << "110001";
        QTest::newRow("single quotes, escaped quote") << "'\\')'+x"
                                                      << "0000011";
        QTest::newRow("line comment ends at the line") << "a//(\nb"
                                                       << "100011";
        QTest::newRow("block comment") << "a/*(*/b"
                                       << "1000001";
        QTest::newRow("template text") << "`a(`;"
                                       << "00001";
        QTest::newRow("template substitution is code") << "`(${f(1)})`"
                                                       << "00011111100";
        QTest::newRow("object literal inside a substitution") << "`${{a:1}}x`"
                                                              << "00111111100";
        QTest::newRow("nested template") << "`${`${1}`}`"
                                         << "00100111010";
        QTest::newRow("unterminated string ends at the line") << "'(\n)"
                                                              << "0001";
        QTest::newRow("unterminated comment") << "a/*("
                                              << "1000";
    }
    void codeMask()
    {
        QFETCH(QString, text);
        QFETCH(QString, mask);
        QByteArray expected;
        for (QChar c : mask)
            expected.append(c == u'1' ? 1 : 0);
        QCOMPARE(text.size(), mask.size());
        QCOMPARE(EditorNavigation::codeMask(text), expected);
    }

    // `cursor`: where the cursor stands; `bracket` and `match`: what is highlighted.
    void brackets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("cursor");
        QTest::addColumn<int>("bracket");
        QTest::addColumn<int>("match");

        const QString call = QStringLiteral("f(a, [b], {c: 1})");
        QTest::newRow("before an opening bracket") << call << 1 << 1 << 16;
        QTest::newRow("after an opening bracket") << call << 2 << 1 << 16;
        QTest::newRow("after a closing bracket") << call << 17 << 16 << 1;
        QTest::newRow("square") << call << 5 << 5 << 7;
        QTest::newRow("curly, from the closing one") << call << 15 << 15 << 10;
        QTest::newRow("the one after the cursor first") << "f()[]" << 3 << 3 << 4;
        QTest::newRow("no bracket beside") << call << 3 << -1 << -1;
        QTest::newRow("past the end") << call << 40 << -1 << -1;

        const QString strings = QStringLiteral("log(\")\", ')', `)`, x) // )");
        QTest::newRow("brackets in strings are skipped") << strings << 3 << 3 << 20;
        QTest::newRow("a bracket in a string has no partner") << strings << 5 << -1 << -1;
        QTest::newRow("a bracket in a comment has no partner") << strings << 25 << -1 << -1;
        const QString escaped = QStringLiteral("f(\"\\\")\")");
        QTest::newRow("escaped quote") << escaped << 1 << 1 << 7;

        const QString comments = QStringLiteral("if (a) { /* } */\n  // }\n  b();\n}");
        QTest::newRow("braces in comments are skipped")
                << comments << 7 << 7 << int(comments.size()) - 1;
        QTest::newRow("on the next lines")
                << comments << int(comments.size()) << int(comments.size()) - 1 << 7;

        const QString tmpl = QStringLiteral("h(`(${f({a: [1]})})`)");
        QTest::newRow("template text is skipped") << tmpl << 1 << 1 << 20;
        QTest::newRow("substitution brace pairs with its end") << tmpl << 5 << 5 << 17;
        QTest::newRow("brackets inside a substitution") << tmpl << 7 << 7 << 16;
        QTest::newRow("object inside a substitution") << tmpl << 8 << 8 << 15;

        QTest::newRow("unbalanced: opener without closer") << "f((a)" << 1 << 1 << -1;
        QTest::newRow("unbalanced: inner pair still matches") << "f((a)" << 2 << 2 << 4;
        QTest::newRow("unbalanced: closer without opener") << "a)b" << 1 << 1 << -1;
        QTest::newRow("other kinds are not counted") << "( ] )" << 0 << 0 << 4;
        QTest::newRow("empty") << "" << 0 << -1 << -1;
    }
    void brackets()
    {
        QFETCH(QString, text);
        QFETCH(int, cursor);
        QFETCH(int, bracket);
        QFETCH(int, match);

        const QByteArray mask = EditorNavigation::codeMask(text);
        QCOMPARE(EditorNavigation::bracketBeside(text, mask, cursor), bracket);
        if (bracket >= 0) {
            QCOMPARE(EditorNavigation::matchingBracket(text, mask, bracket), match);
            // Matching is symmetric: the partner leads back.
            if (match >= 0)
                QCOMPARE(EditorNavigation::matchingBracket(text, mask, match), bracket);
        }

        // The same through the editor's document and cursor.
        QTextDocument doc(text);
        EditorNavigation navigation;
        navigation.setDocument(&doc);
        QSignalSpy brackets(&navigation, &EditorNavigation::bracketsChanged);
        QSignalSpy moved(&navigation, &EditorNavigation::cursorPositionChanged);
        navigation.setCursorPosition(cursor);
        navigation.setCursorPosition(cursor);
        QCOMPARE(moved.count(), cursor == 0 ? 0 : 1);
        QCOMPARE(navigation.bracket(), bracket);
        QCOMPARE(navigation.matchingBracket(), bracket >= 0 ? match : -1);
        // Signalled once when what is highlighted changes, and not for a move that changes nothing.
        const int startBracket = EditorNavigation::bracketBeside(text, mask, 0);
        const int startMatch = EditorNavigation::matchingBracket(text, mask, startBracket);
        const int shownMatch = bracket >= 0 ? match : -1;
        QCOMPARE(brackets.count(), (bracket != startBracket || shownMatch != startMatch) ? 1 : 0);
    }

    void bracketsFollowEdits()
    {
        QTextDocument doc(QStringLiteral("f(a)"));
        EditorNavigation navigation;
        navigation.setDocument(&doc);
        navigation.setCursorPosition(1);
        QCOMPARE(navigation.matchingBracket(), 3);
        QSignalSpy brackets(&navigation, &EditorNavigation::bracketsChanged);
        // A quote typed before the closer hides it in a string: the opener has no partner.
        QTextCursor cursor(&doc);
        cursor.setPosition(3);
        cursor.insertText(QStringLiteral("'"));
        QCOMPARE(brackets.count(), 1);
        QCOMPARE(navigation.bracket(), 1);
        QCOMPARE(navigation.matchingBracket(), -1);
        // Closing the string brings the partner back.
        cursor.insertText(QStringLiteral("'"));
        QCOMPARE(brackets.count(), 2);
        QCOMPARE(navigation.matchingBracket(), 5);
    }

    void goToLine_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<int>("position");
        QTest::addColumn<bool>("refused");
        // "one\ntwo\nthree": lines start at 0, 4 and 8.
        QTest::newRow("line") << "2" << 4 << false;
        QTest::newRow("line and column") << "2:3" << 6 << false;
        QTest::newRow("spaces") << " 3 : 2 " << 9 << false;
        QTest::newRow("column past the line's end") << "1:99" << 3 << false;
        QTest::newRow("column past the last line's end") << "3:99" << 13 << false;
        QTest::newRow("line past the end") << "99" << 8 << false;
        QTest::newRow("line past any int") << "99999999999999999999" << 8 << false;
        QTest::newRow("line zero") << "0" << 0 << false;
        QTest::newRow("column zero") << "2:0" << 4 << false;
        QTest::newRow("trailing colon") << "3:" << 8 << false;
        QTest::newRow("empty") << "" << -1 << false;
        QTest::newRow("blank") << "  " << -1 << false;
        QTest::newRow("words") << "abc" << -1 << true;
        QTest::newRow("negative") << "-2" << -1 << true;
        QTest::newRow("column not a number") << "2:x" << -1 << true;
        QTest::newRow("three parts") << "1:2:3" << -1 << true;
    }
    void goToLine()
    {
        QFETCH(QString, input);
        QFETCH(int, position);
        QFETCH(bool, refused);

        QTextDocument doc(QStringLiteral("one\ntwo\nthree"));
        EditorNavigation navigation;
        navigation.setDocument(&doc);
        QSignalSpy inputChanged(&navigation, &EditorNavigation::lineInputChanged);
        QSignalSpy target(&navigation, &EditorNavigation::lineTargetChanged);
        navigation.setLineInput(input);
        navigation.setLineInput(input);
        QCOMPARE(inputChanged.count(), input.isEmpty() ? 0 : 1);
        QCOMPARE(navigation.linePosition(), position);
        QCOMPARE(navigation.lineError().isEmpty(), !refused);
        if (refused)
            QCOMPARE(navigation.lineError(), QStringLiteral("Type a line number, or line:column"));
        QCOMPARE(target.count(), (position >= 0 || refused) ? 1 : 0);
    }

    void lineTargetFollowsEdits()
    {
        QTextDocument doc(QStringLiteral("one"));
        EditorNavigation navigation;
        navigation.setDocument(&doc);
        navigation.setLineInput(QStringLiteral("3"));
        QCOMPARE(navigation.linePosition(), 0); // clamped to the only line
        QSignalSpy target(&navigation, &EditorNavigation::lineTargetChanged);
        QTextCursor cursor(&doc);
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(QStringLiteral("\ntwo\nthree"));
        QCOMPARE(target.count(), 1);
        QCOMPARE(navigation.linePosition(), 8);
        QCOMPARE(navigation.positionOf(2, 2), 5);
        QCOMPARE(navigation.positionOf(-4, -4), 0);
    }
};

QTEST_MAIN(tst_EditorNavigation)
#include "tst_editornavigation.moc"
