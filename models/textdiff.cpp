#include "textdiff.h"

#include <git2.h>

#include <mutex>

namespace switchyard::models {

namespace {

void initLibgit2()
{
    // Reference counted by libgit2; kept for the life of the process, as diffs come at any time.
    static std::once_flag once;
    std::call_once(once, [] { git_libgit2_init(); });
}

int onFile(const git_diff_delta *delta, float, void *payload)
{
    auto *diff = static_cast<TextDiff *>(payload);
    diff->binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
    return 0;
}

int onHunk(const git_diff_delta *, const git_diff_hunk *hunk, void *payload)
{
    auto *diff = static_cast<TextDiff *>(payload);
    diff->lines.append({DiffLine::Kind::Hunk,
                        QString::fromUtf8(hunk->header, qsizetype(hunk->header_len)).trimmed()});
    return 0;
}

int onLine(const git_diff_delta *, const git_diff_hunk *, const git_diff_line *line, void *payload)
{
    auto *diff = static_cast<TextDiff *>(payload);
    DiffLine::Kind kind;
    switch (line->origin) {
    case GIT_DIFF_LINE_CONTEXT:
        kind = DiffLine::Kind::Context;
        break;
    case GIT_DIFF_LINE_ADDITION:
        kind = DiffLine::Kind::Added;
        ++diff->added;
        break;
    case GIT_DIFF_LINE_DELETION:
        kind = DiffLine::Kind::Removed;
        ++diff->removed;
        break;
    default:
        // The "\ No newline at end of file" markers: the line itself was already given.
        return 0;
    }
    QString text = QString::fromUtf8(line->content, qsizetype(line->content_len));
    while (text.endsWith(QLatin1Char('\n')) || text.endsWith(QLatin1Char('\r')))
        text.chop(1);
    diff->lines.append({kind, text, line->old_lineno, line->new_lineno});
    return 0;
}

} // namespace

TextDiff diffText(const QByteArray &before, const QByteArray &after, int contextLines)
{
    TextDiff diff;
    if (before == after)
        return diff;
    diff.differs = true;
    initLibgit2();
    git_diff_options options;
    git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
    options.flags |= GIT_DIFF_PATIENCE;
    options.context_lines = quint32(std::max(0, contextLines));
    // The path only names the sides in libgit2's own messages; no attributes are read for it.
    if (git_diff_buffers(before.constData(), size_t(before.size()), "module", after.constData(),
                         size_t(after.size()), "module", &options, onFile, nullptr, onHunk, onLine,
                         &diff)
        != 0) {
        // Out of memory inside libgit2: say they differ, without lines.
        diff.lines.clear();
        diff.binary = true;
    }
    if (diff.binary) {
        diff.lines.clear();
        diff.added = diff.removed = 0;
    }
    return diff;
}

} // namespace switchyard::models
