#include "versiondiffmodel.h"

#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::models {

namespace {

// The versioned settings as indented JSON, one setting a line, so their diff reads like code's.
QByteArray settingsText(const store::WorkerCode &code)
{
    QJsonArray flags;
    for (const QString &flag : code.compatibilityFlags)
        flags.append(flag);
    return QJsonDocument(
                   QJsonObject {{QStringLiteral("main_module"), code.mainModule},
                                {QStringLiteral("compatibility_date"), code.compatibilityDate},
                                {QStringLiteral("compatibility_flags"), flags},
                                {QStringLiteral("bindings"), code.bindings}})
            .toJson(QJsonDocument::Indented);
}

const store::ScriptModule *findModule(const store::ScriptModules &modules, const QString &name)
{
    for (const store::ScriptModule &module : modules)
        if (module.name == name)
            return &module;
    return nullptr;
}

} // namespace

VersionDiffModel::VersionDiffModel(QObject *parent) : QAbstractListModel(parent) { }

void VersionDiffModel::setPlatform(PlatformController *platform)
{
    const bool changed = followPlatform(
            m_platform, platform, this,
            [this](PlatformController &, platform::PlatformService &service) {
                connect(&service, &platform::PlatformService::workerVersionsChanged, this,
                        [this](const QString &name) {
                            if (name != m_workerName || !m_platform)
                                return;
                            // Only a side that is gone changes what is shown.
                            const auto &service = m_platform->service();
                            if ((!m_from.isEmpty() && !service.platformWorkerVersion(name, m_from))
                                || (!m_to.isEmpty() && !service.platformWorkerVersion(name, m_to)))
                                recompute();
                        });
            });
    if (!changed)
        return;
    recompute();
    Q_EMIT platformChanged();
}

void VersionDiffModel::setWorkerName(const QString &name)
{
    if (m_workerName == name)
        return;
    m_workerName = name;
    recompute();
    Q_EMIT workerNameChanged();
}

void VersionDiffModel::setFromVersion(const QString &id)
{
    if (m_from == id)
        return;
    m_from = id;
    recompute();
    Q_EMIT fromVersionChanged();
}

void VersionDiffModel::setToVersion(const QString &id)
{
    if (m_to == id)
        return;
    m_to = id;
    recompute();
    Q_EMIT toVersionChanged();
}

void VersionDiffModel::appendDiff(const QString &title, const TextDiff &diff)
{
    if (!diff.differs)
        return;
    m_rows.append({QStringLiteral("module"), title});
    if (diff.binary) {
        m_rows.append({QStringLiteral("binary"), tr("Binary content differs")});
        return;
    }
    for (const DiffLine &line : diff.lines) {
        QString kind;
        switch (line.kind) {
        case DiffLine::Kind::Hunk:
            kind = QStringLiteral("hunk");
            break;
        case DiffLine::Kind::Context:
            kind = QStringLiteral("context");
            break;
        case DiffLine::Kind::Added:
            kind = QStringLiteral("added");
            break;
        case DiffLine::Kind::Removed:
            kind = QStringLiteral("removed");
            break;
        }
        m_rows.append({kind, line.text, std::max(0, line.oldLine), std::max(0, line.newLine)});
    }
    m_added += diff.added;
    m_removed += diff.removed;
}

void VersionDiffModel::recompute()
{
    beginResetModel();
    m_rows.clear();
    m_added = m_removed = 0;
    m_note.clear();
    if (!m_platform || m_workerName.isEmpty() || m_from.isEmpty() || m_to.isEmpty()) {
        m_note = tr("Pick two versions to compare");
    } else if (m_from == m_to) {
        m_note = tr("The same version on both sides");
    } else {
        auto &service = m_platform->service();
        const auto from = service.platformWorkerVersion(m_workerName, m_from);
        const auto to = service.platformWorkerVersion(m_workerName, m_to);
        auto fromModules = service.platformWorkerVersionModules(m_workerName, m_from);
        auto toModules = service.platformWorkerVersionModules(m_workerName, m_to);
        if (!from || !fromModules) {
            m_note = fromModules ? tr("Version %1 no longer exists").arg(m_from)
                                 : fromModules.errorMessage();
        } else if (!to || !toModules) {
            m_note = toModules ? tr("Version %1 no longer exists").arg(m_to)
                               : toModules.errorMessage();
        } else {
            const store::ScriptModules &before = fromModules.value();
            const store::ScriptModules &after = toModules.value();
            for (const store::ScriptModule &old : before) {
                const store::ScriptModule *now = findModule(after, old.name);
                QString title = old.name;
                if (!now)
                    title = tr("%1 (removed)").arg(old.name);
                else if (now->contentType != old.contentType)
                    title = tr("%1 (%2 → %3)").arg(old.name, old.contentType, now->contentType);
                appendDiff(title, diffText(old.code, now ? now->code : QByteArray()));
            }
            for (const store::ScriptModule &now : after) {
                if (!findModule(before, now.name))
                    appendDiff(tr("%1 (added)").arg(now.name), diffText({}, now.code));
            }
            appendDiff(tr("Settings"), diffText(settingsText(from->code), settingsText(to->code)));
            if (m_rows.isEmpty())
                m_note = tr("No differences: the same code and settings");
        }
    }
    endResetModel();
    Q_EMIT diffChanged();
}

int VersionDiffModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant VersionDiffModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case KindRole:
        return row.kind;
    case Qt::DisplayRole:
    case TextRole:
        return row.text;
    case OldLineRole:
        return row.oldLine;
    case NewLineRole:
        return row.newLine;
    }
    return {};
}

QHash<int, QByteArray> VersionDiffModel::roleNames() const
{
    return {{KindRole, "kind"},
            {TextRole, "text"},
            {OldLineRole, "oldLine"},
            {NewLineRole, "newLine"}};
}

} // namespace switchyard::models
