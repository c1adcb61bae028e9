#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace switchyard::models {

// One line of a unified diff.
struct DiffLine
{
    enum class Kind {
        Hunk, // "@@ -1,3 +1,4 @@"
        Context,
        Added,
        Removed,
    };
    Kind kind = Kind::Context;
    QString text; // without its line break
    int oldLine = -1; // 1-based; -1 where the line is not in that side
    int newLine = -1;
    bool operator==(const DiffLine &) const = default;
};

struct TextDiff
{
    QList<DiffLine> lines; // empty when the two are the same
    int added = 0;
    int removed = 0;
    bool binary = false; // either side is not text: no lines, only whether they differ
    bool differs = false;
};

// The line diff of two texts as `git diff` shows it, computed by libgit2 (git's own xdiff, with
// the patience algorithm, which keeps a moved function whole rather than interleaving braces),
// `contextLines` unchanged lines around each change.
TextDiff diffText(const QByteArray &before, const QByteArray &after, int contextLines = 3);

} // namespace switchyard::models
