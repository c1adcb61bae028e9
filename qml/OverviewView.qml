import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

// The platform at a glance, from the live trace stream of the last minute, and the engine's
// Worker Instances.
Pane {
    id: view
    objectName: "overviewView"
    required property Workbench workbench
    required property ServerStatus status
    property string title
    property alias stats: stats
    readonly property InstanceStats instances: view.workbench.instances
    padding: Theme.margin

    OverviewStats { id: stats; feed: view.workbench.traces; platform: view.workbench.platform }
    DispatcherController { id: dispatcher; platform: view.workbench.platform }
    NodesModel { id: nodes; platform: view.workbench.platform }

    component Tile: Frame {
        property string heading
        property string value
        property color accent: palette.text
        default property alias extra: more.data
        Layout.fillWidth: true
        Layout.preferredWidth: 1 // the tiles share the row equally, whatever their text
        Layout.alignment: Qt.AlignTop
        ColumnLayout {
            anchors.fill: parent
            Label { text: heading; opacity: 0.7; elide: Text.ElideRight; Layout.fillWidth: true }
            Label { text: value; font.pixelSize: 28; font.bold: true; color: accent }
            ColumnLayout { id: more; Layout.fillWidth: true }
        }
    }

    component TopList: ColumnLayout {
        property string heading
        property var rows: []
        property string unit
        property string field
        Label { text: heading; font.bold: true }
        Repeater {
            model: rows
            RowLayout {
                required property var modelData
                spacing: Theme.spacing
                Label { text: modelData.name; Layout.preferredWidth: 160; elide: Text.ElideRight }
                Rectangle {
                    color: Theme.chart; opacity: 0.7
                    Layout.preferredHeight: 10
                    Layout.preferredWidth: Math.max(2, 160 * modelData[field] / Math.max(1, rows[0][field]))
                }
                Label { text: modelData[field] + unit }
            }
        }
        Label { visible: rows.length === 0; text: qsTr("no traffic in the last minute"); opacity: 0.6 }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.section
        ViewHeader { text: view.title }
        Label {
            objectName: "overviewListen"
            text: qsTr("Dispatching on <a href=\"%1\">%1</a> — every host and path goes to the dispatch Worker <b>%2</b>. Try <a href=\"%3\">%3</a>.")
                    .arg(view.status.listenUrl).arg(dispatcher.name || qsTr("(none installed)"))
                    .arg(view.status.listenUrl.toString().replace("127.0.0.1", "site.localhost"))
            // StyledText, not RichText: only it takes linkColor, so links read in the dark theme.
            textFormat: Text.StyledText
            linkColor: Theme.accent
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            onLinkActivated: link => Qt.openUrlExternally(link)
            HoverHandler { cursorShape: parent.hoveredLink ? Qt.PointingHandCursor : Qt.ArrowCursor }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.section
            Tile {
                heading: qsTr("Requests per second")
                value: stats.requestsPerSecond.toFixed(1)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("%1 requests in the last minute").arg(stats.requestsLastMinute)
                Sparkline { objectName: "requestChart"; values: stats.requestSeries; unit: "req/s"; Layout.fillWidth: true; Layout.preferredHeight: 50 }
            }
            Tile {
                heading: qsTr("Error rate (last minute)")
                value: (stats.errorRate * 100).toFixed(1) + " %"
                accent: stats.errorRate > 0.05 ? Theme.error : palette.text
                Sparkline { values: stats.errorRateSeries; maximum: 1; percent: true; color: Theme.chartBad; Layout.fillWidth: true; Layout.preferredHeight: 50 }
            }
            Tile {
                heading: qsTr("Limit violations (last minute)")
                value: stats.violationsLastMinute
                accent: stats.violationsLastMinute > 0 ? Theme.error : palette.text
                Sparkline { values: stats.violationSeries; unit: "violations/s"; bars: true; color: Theme.chartBad; Layout.fillWidth: true; Layout.preferredHeight: 50 }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.margin
            Tile {
                objectName: "liveInstancesTile"
                heading: qsTr("Live Instances")
                value: view.instances.liveInstances
            }
            Tile {
                objectName: "instanceMemoryTile"
                heading: qsTr("Instance memory (budget %1 MiB)").arg(view.instances.memoryBudgetMiB.toFixed(0))
                value: view.instances.memoryUsedMiB.toFixed(1) + " MiB"
                accent: view.instances.memoryFraction > 0.9 ? Theme.warning : palette.text
                Sparkline { values: view.instances.memorySeries; unit: "MiB"; decimals: 1; maximum: view.instances.memoryBudgetMiB; Layout.fillWidth: true; Layout.preferredHeight: 50 }
            }
            Tile {
                objectName: "evictionsTile"
                heading: qsTr("Evictions (last minute)")
                value: view.instances.evictionsLastMinute
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.margin * 2
            TopList { heading: qsTr("Top Workers by requests"); rows: stats.topByRequests; field: "requests"; unit: ""; Layout.alignment: Qt.AlignTop }
            TopList { heading: qsTr("Top Workers by CPU time"); rows: stats.topByCpu; field: "cpuMs"; unit: " ms"; Layout.alignment: Qt.AlignTop }
        }
        // Only on a store several nodes share: one line per node, from its last heartbeat.
        ColumnLayout {
            objectName: "nodesSection"
            visible: nodes.count > 1
            Layout.fillWidth: true
            Label { text: qsTr("Nodes on this store"); font.bold: true }
            Repeater {
                model: nodes
                delegate: Label {
                    required property string name
                    required property string address
                    required property string version
                    required property int uptime
                    required property double requestsPerSecond
                    required property int liveInstances
                    required property date lastHeartbeat
                    required property bool stale
                    text: qsTr("%1 · %2 · %3 · up %4 min · %5 req/s · %6 Instances · heartbeat %7")
                            .arg(name).arg(address).arg(version).arg(Math.floor(uptime / 60))
                            .arg(requestsPerSecond.toFixed(1)).arg(liveInstances)
                            .arg(lastHeartbeat.toLocaleTimeString(Qt.locale(), Locale.ShortFormat))
                    color: stale ? Theme.warning : palette.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
        }
        Item { Layout.fillHeight: true }
    }
}
