import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One trace in a list: time, Worker, outcome, status, CPU/wall, request, then its logs and
// exceptions underneath when it has any.
ColumnLayout {
    id: row
    required property date time
    required property string script
    required property string namespaceName
    required property string outcome
    required property int status
    required property string method
    required property string url
    required property int cpuTime
    required property int wallTime
    required property string logs
    required property string exceptions
    required property bool isError
    spacing: 0

    RowLayout {
        Layout.fillWidth: true
        Label { text: Qt.formatTime(row.time, "hh:mm:ss.zzz"); font.family: "monospace"; font.pixelSize: 12; Layout.preferredWidth: 90 }
        Label {
            text: row.namespaceName ? row.namespaceName + "/" + row.script : row.script
            font.bold: true
            elide: Text.ElideRight
            Layout.preferredWidth: 170
        }
        Rectangle {
            radius: 3
            color: row.outcome === "ok" ? "#e8f5e9" : "#ffebee"
            implicitWidth: outcomeLabel.implicitWidth + 10
            implicitHeight: outcomeLabel.implicitHeight + 2
            Layout.preferredWidth: 110
            Label { id: outcomeLabel; anchors.centerIn: parent; text: row.outcome; color: row.outcome === "ok" ? "#2e7d32" : "#c62828"; font.pixelSize: 12 }
        }
        Label { text: row.status > 0 ? row.status : "—"; color: row.status >= 500 ? "#c62828" : (row.status >= 400 ? "#b26a00" : palette.text); Layout.preferredWidth: 40 }
        Label { text: qsTr("%1 ms CPU · %2 ms wall").arg(row.cpuTime).arg(row.wallTime); Layout.preferredWidth: 160; opacity: 0.8 }
        Label { text: row.method + " " + row.url; elide: Text.ElideMiddle; Layout.fillWidth: true; opacity: 0.7 }
    }
    Label {
        visible: row.logs !== ""
        text: row.logs
        font.family: "monospace"
        font.pixelSize: 12
        leftPadding: 98
        opacity: 0.85
        Layout.fillWidth: true
        elide: Text.ElideRight
        maximumLineCount: 4
    }
    Label {
        visible: row.exceptions !== ""
        text: row.exceptions
        color: "#c62828"
        font.family: "monospace"
        font.pixelSize: 12
        leftPadding: 98
        Layout.fillWidth: true
        elide: Text.ElideRight
        maximumLineCount: 3
    }
}
