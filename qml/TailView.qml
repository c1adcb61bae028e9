import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

// The live trace stream of every invocation, newest first, pausable and filterable.
Pane {
    id: view
    objectName: "tailView"
    required property Workbench workbench
    property string title
    property alias traces: traces
    padding: Theme.margin

    TraceListModel {
        id: traces
        feed: view.workbench.traces
        filter: filterField.text
        outcomeFilter: outcomePicker.currentValue
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            ViewHeader { text: view.title }
            Item { Layout.fillWidth: true }
            Label {
                text: traces.paused ? qsTr("paused — %1 new traces waiting").arg(traces.pendingWhilePaused)
                                    : qsTr("%1 traces shown (window of %2)").arg(traces.count).arg(traces.maxRows)
                opacity: 0.8
            }
        }
        RowLayout {
            Layout.fillWidth: true
            TextField { id: filterField; placeholderText: qsTr("filter: Worker, URL, logs, exceptions"); Layout.fillWidth: true; Layout.minimumWidth: Theme.fieldMinWidth }
            ComboBox {
                id: outcomePicker
                textRole: "text"
                valueRole: "value"
                model: [
                    { text: qsTr("All outcomes"), value: "" },
                    { text: qsTr("Errors only"), value: "errors" },
                    { text: "ok", value: "ok" },
                    { text: "exception", value: "exception" },
                    { text: "exceededCpu", value: "exceededCpu" },
                    { text: "exceededMemory", value: "exceededMemory" },
                    { text: "scriptNotFound", value: "scriptNotFound" },
                    { text: "canceled", value: "canceled" }
                ]
                Layout.preferredWidth: 170
            }
            ComboBox {
                id: sortPicker
                objectName: "traceSortPicker"
                textRole: "text"
                model: [
                    { text: qsTr("Newest first"), role: "", descending: false },
                    { text: qsTr("Most CPU first"), role: "cpuTime", descending: true },
                    { text: qsTr("Longest wall first"), role: "wallTime", descending: true },
                    { text: qsTr("Highest status first"), role: "status", descending: true },
                    { text: qsTr("By Worker"), role: "script", descending: false },
                    { text: qsTr("By outcome"), role: "outcome", descending: false }
                ]
                onActivated: index => traces.setSort(model[index].role, model[index].descending)
                Layout.preferredWidth: 170
            }
            Button {
                objectName: "pauseButton"
                text: traces.paused ? qsTr("Resume") : qsTr("Pause")
                onClicked: traces.paused = !traces.paused
            }
            Button { text: qsTr("Clear"); onClicked: traces.clear() }
        }
        Frame {
            Layout.fillWidth: true
            Layout.fillHeight: true
            padding: 4
            ListView {
                id: list
                anchors.fill: parent
                clip: true
                model: traces
                spacing: Theme.gap
                reuseItems: true
                ScrollBar.vertical: ScrollBar {}
                delegate: TraceRow { width: ListView.view.width }
                Label {
                    anchors.centerIn: parent
                    visible: list.count === 0
                    text: qsTr("Waiting for requests…")
                    opacity: 0.6
                }
            }
        }
    }
}
