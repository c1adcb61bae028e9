import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
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
    padding: Theme.margin

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
        spacing: Theme.gap
        Label { text: heading; font.bold: true }
        Repeater {
            model: counts.slice(0, 5)
            RowLayout {
                required property var modelData
                spacing: Theme.spacing
                Label { text: modelData.name; Layout.preferredWidth: 150; elide: Text.ElideRight }
                Rectangle {
                    color: Theme.chartBad
                    opacity: 0.75
                    Layout.preferredHeight: 10
                    Layout.preferredWidth: Math.max(2, 70 * modelData.count / Math.max(1, counts[0].count))
                }
                Label { text: modelData.count }
            }
        }
        Label { visible: counts.length === 0; text: qsTr("none yet"); opacity: 0.6 }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            ViewHeader { text: view.title }
            Label {
                objectName: "violationCounter"
                text: qsTr("%1 violations seen, %2 in the last minute").arg(violations.total).arg(violations.lastMinute)
                elide: Text.ElideLeft
                Layout.fillWidth: true
                Layout.minimumWidth: 0
                horizontalAlignment: Text.AlignRight
            }
            Button {
                objectName: "clearViolationsButton"
                // Only the live list: the data points stay in Analytics Engine for the SQL below.
                text: qsTr("Clear list")
                onClicked: violations.clear()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Empties this live list. The stored data points stay: SQL still counts them.")
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.margin
            CountList { heading: qsTr("Per Worker"); counts: violations.countsByWorker; Layout.alignment: Qt.AlignTop }
            CountList { heading: qsTr("Per kind"); counts: violations.countsByKind; Layout.alignment: Qt.AlignTop }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                Label { text: qsTr("Violations per %1 s, last 10 minutes").arg(violations.bucketSeconds); font.bold: true }
                Sparkline {
                    objectName: "violationChart"
                    Layout.fillWidth: true
                    Layout.minimumWidth: 120
                    Layout.preferredHeight: 80
                    values: violations.timeline
                    bars: true
                    unit: qsTr("violations")
                    bucketSeconds: violations.bucketSeconds
                    color: Theme.chartBad
                }
            }
        }

        SplitView {
            orientation: Qt.Vertical
            Layout.fillWidth: true
            Layout.fillHeight: true

            ColumnLayout {
                SplitView.fillHeight: true
                SplitView.minimumHeight: 120
                spacing: Theme.spacing
                TextField { id: filterField; placeholderText: qsTr("filter: Worker, plan, kind, URL"); Layout.fillWidth: true }

                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        // Fixed columns for short values, shares of the rest for names, the URL last.
                        readonly property real rest: Math.max(0, width - 16 - 90 - 70)
                        readonly property var columns: [90, rest * 0.17, rest * 0.11, rest * 0.23, 70, rest * 0.14]
                        // Widths the user dragged a header edge to, by column; the URL takes what is left.
                        property var dragged: ({})
                        function w(i) { return dragged[i] !== undefined ? dragged[i] : columns[i] }
                        function resize(i, width) { let d = Object.assign({}, dragged); d[i] = width; dragged = d }
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
                                anchors.leftMargin: Theme.spacing
                                spacing: 0
                                SortableHeader {
                                    text: qsTr("time"); Layout.preferredWidth: violationList.w(0); Layout.fillHeight: true
                                    sorted: violations.sortRoleName === "time"; descending: violations.descending
                                    onClicked: violations.sortBy("time")
                                    onResized: width => violationList.resize(0, width)
                                }
                                SortableHeader {
                                    text: qsTr("Worker"); Layout.preferredWidth: violationList.w(1); Layout.fillHeight: true
                                    sorted: violations.sortRoleName === "worker"; descending: violations.descending
                                    onClicked: violations.sortBy("worker")
                                    onResized: width => violationList.resize(1, width)
                                }
                                SortableHeader {
                                    text: qsTr("plan"); Layout.preferredWidth: violationList.w(2); Layout.fillHeight: true
                                    sorted: violations.sortRoleName === "plan"; descending: violations.descending
                                    onClicked: violations.sortBy("plan")
                                    onResized: width => violationList.resize(2, width)
                                }
                                SortableHeader {
                                    text: qsTr("kind"); Layout.preferredWidth: violationList.w(3); Layout.fillHeight: true
                                    sorted: violations.sortRoleName === "kind"; descending: violations.descending
                                    onClicked: violations.sortBy("kind")
                                    onResized: width => violationList.resize(3, width)
                                }
                                SortableHeader {
                                    text: qsTr("CPU used"); Layout.preferredWidth: violationList.w(4); Layout.fillHeight: true
                                    sorted: violations.sortRoleName === "cpuUsed"; descending: violations.descending
                                    onClicked: violations.sortBy("cpuUsed")
                                    onResized: width => violationList.resize(4, width)
                                }
                                SortableHeader {
                                    text: qsTr("limit"); Layout.preferredWidth: violationList.w(5); Layout.fillHeight: true
                                    sorted: violations.sortRoleName === "limit"; descending: violations.descending
                                    onClicked: violations.sortBy("limit")
                                    onResized: width => violationList.resize(5, width)
                                }
                                SortableHeader {
                                    text: qsTr("URL"); Layout.fillWidth: true; Layout.minimumWidth: 0; Layout.fillHeight: true
                                    sorted: violations.sortRoleName === "url"; descending: violations.descending
                                    onClicked: violations.sortBy("url")
                                }
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
                            spacing: 0
                            Item { Layout.preferredWidth: Theme.spacing }
                            Label { text: Qt.formatTime(time, "hh:mm:ss.zzz"); Layout.preferredWidth: violationList.w(0); font.family: Theme.mono; font.pixelSize: Theme.codeSize - 1; elide: Text.ElideRight }
                            Label { text: worker; Layout.preferredWidth: violationList.w(1); elide: Text.ElideRight; font.bold: true }
                            Label { text: plan || "—"; Layout.preferredWidth: violationList.w(2); elide: Text.ElideRight }
                            Label { text: kind; Layout.preferredWidth: violationList.w(3); color: Theme.error; elide: Text.ElideRight }
                            Label { text: cpuUsed + " ms"; Layout.preferredWidth: violationList.w(4); elide: Text.ElideRight }
                            Label { text: limit || "—"; Layout.preferredWidth: violationList.w(5); elide: Text.ElideRight }
                            Label { text: url; Layout.fillWidth: true; Layout.minimumWidth: 0; elide: Text.ElideMiddle; opacity: 0.7 }
                        }
                        Label {
                            anchors.centerIn: parent
                            visible: violationList.count === 0
                            text: qsTr("No limit violations yet")
                            opacity: 0.6
                        }
                    }
                }
            }

            ColumnLayout {
                SplitView.preferredHeight: Math.max(200, view.height * 0.36)
                SplitView.minimumHeight: 150
                spacing: Theme.spacing
                Label { text: qsTr("Analytics Engine SQL (read-only) over stored data points"); font.bold: true; Layout.topMargin: Theme.spacing }
                RowLayout {
                    Layout.fillWidth: true
                    TextArea {
                        id: sqlArea
                        objectName: "sqlArea"
                        Layout.fillWidth: true
                        Layout.preferredHeight: 56
                        font.family: Theme.mono
                        wrapMode: TextEdit.Wrap
                        text: "SELECT index1 AS worker, blob1 AS kind, blob2 AS plan, count() AS violations\nFROM limit_violations GROUP BY worker, kind, plan ORDER BY violations DESC LIMIT 20"
                        background: Rectangle { color: palette.base; border.color: sqlArea.activeFocus ? Theme.accent : palette.mid }
                        Keys.onPressed: event => {
                            if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && (event.modifiers & Qt.ControlModifier)) {
                                view.runQuery()
                                event.accepted = true
                            }
                        }
                    }
                    Button {
                        text: qsTr("Run")
                        onClicked: view.runQuery()
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Ctrl+Enter in the query runs it too")
                    }
                }
                ErrorText { text: query.error }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        id: resultList
                        anchors.fill: parent
                        clip: true
                        model: query
                        // Columns share the width; past a handful they keep 140 px and scroll sideways.
                        readonly property real columnWidth: query.columns.length > 0 ? Math.max(140, (width - 12) / query.columns.length) : 140
                        // Widths the user dragged a header edge to, by column, for this result's columns.
                        property var dragged: ({})
                        function w(i) { return dragged[i] !== undefined ? dragged[i] : columnWidth }
                        function resize(i, width) { let d = Object.assign({}, dragged); d[i] = width; dragged = d }
                        Connections { target: query; function onResultChanged() { resultList.dragged = ({}) } }
                        contentWidth: {
                            let total = 0
                            for (let i = 0; i < query.columns.length; ++i)
                                total += w(i)
                            return total
                        }
                        flickableDirection: Flickable.AutoFlickIfNeeded
                        ScrollBar.vertical: ScrollBar {}
                        ScrollBar.horizontal: ScrollBar {}
                        headerPositioning: ListView.OverlayHeader
                        header: Rectangle {
                            z: 2
                            width: Math.max(resultList.width, resultList.contentWidth)
                            height: query.columns.length > 0 ? 24 : 0
                            visible: query.columns.length > 0
                            color: palette.alternateBase
                            Row {
                                anchors.verticalCenter: parent.verticalCenter
                                Repeater {
                                    model: query.columns
                                    SortableHeader {
                                        required property string modelData
                                        required property int index
                                        text: modelData; width: resultList.w(index); height: 24
                                        leftPadding: Theme.spacing
                                        sorted: query.sortColumn === index; descending: query.descending
                                        onClicked: query.sortBy(index)
                                        onResized: width => resultList.resize(index, width)
                                    }
                                }
                            }
                        }
                        delegate: Row {
                            required property var cells
                            Repeater {
                                model: cells
                                Label { required property string modelData; required property int index; text: modelData; width: resultList.w(index); leftPadding: Theme.spacing; elide: Text.ElideRight; font.family: Theme.mono; font.pixelSize: Theme.codeSize - 1 }
                            }
                        }
                        Label {
                            anchors.centerIn: parent
                            visible: query.columns.length === 0
                            text: qsTr("Run a query to see its rows")
                            opacity: 0.6
                        }
                    }
                }
            }
        }
    }
}
