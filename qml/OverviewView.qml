import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
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

    OverviewStats { id: stats; feed: view.workbench.traces; platform: view.workbench.platform }
    DispatcherController { id: dispatcher; platform: view.workbench.platform }

    component Tile: Frame {
        property string heading
        property string value
        property color accent: palette.text
        default property alias extra: more.data
        Layout.fillWidth: true
        ColumnLayout {
            anchors.fill: parent
            Label { text: heading; opacity: 0.7 }
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
                Label { text: modelData.name; Layout.preferredWidth: 160; elide: Text.ElideRight }
                Rectangle {
                    color: "#1976d2"; opacity: 0.7; height: 10
                    width: Math.max(2, 160 * modelData[field] / Math.max(1, rows[0][field]))
                }
                Label { text: modelData[field] + unit }
            }
        }
        Label { visible: rows.length === 0; text: qsTr("no traffic in the last minute"); opacity: 0.6 }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12
        ViewHeader { text: view.title }
        Label {
            objectName: "overviewListen"
            text: qsTr("Dispatching on <a href=\"%1\">%1</a> — every host and path goes to the dispatch Worker <b>%2</b>. Try <a href=\"%3\">%3</a>.")
                    .arg(view.status.listenUrl).arg(dispatcher.name || qsTr("(none installed)"))
                    .arg(view.status.listenUrl.toString().replace("127.0.0.1", "site.localhost"))
            textFormat: Text.RichText
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            onLinkActivated: link => Qt.openUrlExternally(link)
            HoverHandler { cursorShape: parent.hoveredLink ? Qt.PointingHandCursor : Qt.ArrowCursor }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Tile {
                heading: qsTr("Requests per second")
                value: stats.requestsPerSecond.toFixed(1)
                Sparkline { values: stats.requestSeries; Layout.fillWidth: true; Layout.preferredHeight: 50 }
            }
            Tile {
                heading: qsTr("Error rate (last minute)")
                value: (stats.errorRate * 100).toFixed(1) + " %"
                accent: stats.errorRate > 0.05 ? "#c62828" : palette.text
                Sparkline { values: stats.errorRateSeries; maximum: 1; color: "#e53935"; Layout.fillWidth: true; Layout.preferredHeight: 50 }
            }
            Tile {
                heading: qsTr("Limit violations (last minute)")
                value: stats.violationsLastMinute
                accent: stats.violationsLastMinute > 0 ? "#c62828" : palette.text
                Label { text: qsTr("%1 requests in the last minute").arg(stats.requestsLastMinute); opacity: 0.7 }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Tile {
                objectName: "liveInstancesTile"
                heading: qsTr("Live Instances")
                value: view.instances.liveInstances
            }
            Tile {
                objectName: "instanceMemoryTile"
                heading: qsTr("Instance memory (budget %1 MiB)").arg(view.instances.memoryBudgetMiB.toFixed(0))
                value: view.instances.memoryUsedMiB.toFixed(1) + " MiB"
                accent: view.instances.memoryFraction > 0.9 ? "#ef6c00" : palette.text
                Sparkline { values: view.instances.memorySeries; maximum: view.instances.memoryBudgetMiB; Layout.fillWidth: true; Layout.preferredHeight: 50 }
            }
            Tile {
                objectName: "evictionsTile"
                heading: qsTr("Evictions (last minute)")
                value: view.instances.evictionsLastMinute
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 40
            TopList { heading: qsTr("Top Workers by requests"); rows: stats.topByRequests; field: "requests"; unit: ""; Layout.alignment: Qt.AlignTop }
            TopList { heading: qsTr("Top Workers by CPU time"); rows: stats.topByCpu; field: "cpuMs"; unit: " ms"; Layout.alignment: Qt.AlignTop }
        }
        Item { Layout.fillHeight: true }
    }
}
