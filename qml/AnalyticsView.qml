import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard.Models

// Limit violations as they happen (from the trace stream), counted per Worker and per kind and
// charted over time, and an Analytics Engine SQL box over the stored data points.
Pane {
    id: view
    objectName: "analyticsView"
    required property Workbench workbench
    property string title
    property alias violations: violations
    property alias query: query

    ViolationModel {
        id: violations
        objectName: "violationModel"
        feed: view.workbench.traces
        platform: view.workbench.platform
        filter: filterField.text
    }
    AnalyticsQueryModel { id: query; platform: view.workbench.platform }

    function runQuery() {
        query.run(sqlArea.text)
        return query.error
    }

    component CountList: ColumnLayout {
        property string heading
        property var counts: []
        Label { text: heading; font.bold: true }
        Repeater {
            model: counts.slice(0, 6)
            RowLayout {
                required property var modelData
                Label { text: modelData.name; Layout.preferredWidth: 170; elide: Text.ElideRight }
                Rectangle {
                    color: "#e53935"
                    opacity: 0.75
                    height: 10
                    width: Math.max(2, 120 * modelData.count / Math.max(1, counts[0].count))
                }
                Label { text: modelData.count }
            }
        }
        Label { visible: counts.length === 0; text: qsTr("none yet"); opacity: 0.6 }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        RowLayout {
            ViewHeader { text: view.title }
            Item { Layout.fillWidth: true }
            Label { text: qsTr("%1 violations, %2 in the last minute").arg(violations.total).arg(violations.lastMinute) }
            Button { text: qsTr("Clear"); onClicked: violations.clear() }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 24
            CountList { heading: qsTr("Per Worker"); counts: violations.countsByWorker; Layout.alignment: Qt.AlignTop }
            CountList { heading: qsTr("Per kind"); counts: violations.countsByKind; Layout.alignment: Qt.AlignTop }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                Label { text: qsTr("Violations per %1 s, last 10 minutes").arg(violations.bucketSeconds); font.bold: true }
                Sparkline {
                    objectName: "violationChart"
                    Layout.fillWidth: true
                    Layout.preferredHeight: 90
                    values: violations.timeline
                    bars: true
                    color: "#e53935"
                }
            }
        }

        TextField { id: filterField; placeholderText: qsTr("filter: Worker, plan, kind, URL"); Layout.fillWidth: true }

        Frame {
            Layout.fillWidth: true
            Layout.fillHeight: true
            padding: 0
            ListView {
                id: violationList
                anchors.fill: parent
                clip: true
                model: violations
                ScrollBar.vertical: ScrollBar {}
                headerPositioning: ListView.OverlayHeader
                header: Rectangle {
                    z: 2
                    width: ListView.view.width
                    height: 26
                    color: palette.alternateBase
                    RowLayout {
                        anchors.fill: parent
                        anchors.leftMargin: 8
                        Label { text: qsTr("time"); Layout.preferredWidth: 90; font.bold: true }
                        Label { text: qsTr("Worker"); Layout.preferredWidth: 130; font.bold: true }
                        Label { text: qsTr("plan"); Layout.preferredWidth: 90; font.bold: true }
                        Label { text: qsTr("kind"); Layout.preferredWidth: 190; font.bold: true }
                        Label { text: qsTr("CPU used"); Layout.preferredWidth: 80; font.bold: true }
                        Label { text: qsTr("limit"); Layout.preferredWidth: 110; font.bold: true }
                        Label { text: qsTr("URL"); Layout.fillWidth: true; font.bold: true }
                    }
                }
                delegate: RowLayout {
                    required property date time
                    required property string worker
                    required property string plan
                    required property string kind
                    required property int cpuUsed
                    required property string limit
                    required property string url
                    width: ListView.view.width
                    height: 24
                    Item { width: 0 }
                    Label { text: Qt.formatTime(time, "hh:mm:ss.zzz"); Layout.preferredWidth: 90; font.family: "monospace"; font.pixelSize: 12 }
                    Label { text: worker; Layout.preferredWidth: 130; elide: Text.ElideRight; font.bold: true }
                    Label { text: plan || "—"; Layout.preferredWidth: 90 }
                    Label { text: kind; Layout.preferredWidth: 190; color: "#c62828" }
                    Label { text: cpuUsed + " ms"; Layout.preferredWidth: 80 }
                    Label { text: limit || "—"; Layout.preferredWidth: 110 }
                    Label { text: url; Layout.fillWidth: true; elide: Text.ElideMiddle; opacity: 0.7 }
                }
                Label {
                    anchors.centerIn: parent
                    visible: violationList.count === 0
                    text: qsTr("No limit violations yet")
                    opacity: 0.6
                }
            }
        }

        Label { text: qsTr("Analytics Engine SQL (read-only) over stored data points"); font.bold: true }
        RowLayout {
            Layout.fillWidth: true
            TextArea {
                id: sqlArea
                objectName: "sqlArea"
                Layout.fillWidth: true
                Layout.preferredHeight: 60
                font.family: "monospace"
                wrapMode: TextEdit.Wrap
                text: "SELECT index1 AS worker, blob1 AS kind, blob2 AS plan, count() AS violations\nFROM limit_violations GROUP BY worker, kind, plan ORDER BY violations DESC LIMIT 20"
                background: Rectangle { color: palette.base; border.color: palette.mid }
            }
            Button { text: qsTr("Run"); onClicked: view.runQuery() }
        }
        ErrorText { text: query.error; Layout.fillWidth: true }
        Frame {
            Layout.fillWidth: true
            Layout.preferredHeight: 150
            padding: 0
            visible: query.columns.length > 0
            ListView {
                anchors.fill: parent
                clip: true
                model: query
                ScrollBar.vertical: ScrollBar {}
                header: Row {
                    Repeater {
                        model: query.columns
                        Label { required property string modelData; text: modelData; width: 150; font.bold: true; leftPadding: 6; elide: Text.ElideRight }
                    }
                }
                delegate: Row {
                    required property var cells
                    Repeater {
                        model: cells
                        Label { required property string modelData; text: modelData; width: 150; leftPadding: 6; elide: Text.ElideRight; font.family: "monospace"; font.pixelSize: 12 }
                    }
                }
            }
        }
    }
}
