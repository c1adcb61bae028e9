import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard

// One trace in a list: time, Worker, outcome, status, CPU/wall, request, then its logs and
// exceptions underneath when it has any. Below 900 px the request moves to a line of its own, so
// the URL keeps room to be read.
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
    readonly property bool narrow: width < 900
    // The outcome says whether the Worker ran to the end; an error status it answered with is
    // still a failure to the client, so the badge does not say "fine" beside a 5xx.
    readonly property bool failed: outcome !== "ok" || status >= 500
    spacing: 0

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacing
        Label { text: Qt.formatTime(row.time, "hh:mm:ss.zzz"); font.family: Theme.mono; font.pixelSize: Theme.codeSize - 1; Layout.preferredWidth: 90 }
        Label {
            text: row.namespaceName ? row.namespaceName + "/" + row.script : row.script
            font.bold: true
            elide: Text.ElideRight
            Layout.preferredWidth: row.narrow ? 150 : 190
        }
        Rectangle {
            radius: 3
            color: row.failed ? Theme.errorFill : Theme.successFill
            implicitWidth: outcomeLabel.implicitWidth + 10
            implicitHeight: outcomeLabel.implicitHeight + 2
            Layout.preferredWidth: 110
            Label {
                id: outcomeLabel
                anchors.centerIn: parent
                width: Math.min(implicitWidth, parent.width - 4)
                elide: Text.ElideRight
                text: row.outcome
                color: row.failed ? Theme.error : Theme.success
                font.pixelSize: Theme.codeSize - 1
            }
        }
        Label { text: row.status > 0 ? row.status : "—"; color: row.status >= 500 ? Theme.error : (row.status >= 400 ? Theme.warning : palette.text); Layout.preferredWidth: 34 }
        Label { text: qsTr("%1 ms CPU · %2 ms wall").arg(row.cpuTime).arg(row.wallTime); Layout.preferredWidth: 150; elide: Text.ElideRight; opacity: 0.8 }
        // Always in the row (a layout item that comes and goes on resize is not laid out again
        // inside a reused delegate in Qt 6.4); empty while the request has its own line.
        Label {
            text: row.narrow ? "" : row.method + " " + row.url
            elide: Text.ElideMiddle
            Layout.fillWidth: true
            Layout.minimumWidth: 0
            opacity: 0.7
        }
    }
    Label {
        visible: row.narrow
        text: row.method + " " + row.url
        elide: Text.ElideMiddle
        leftPadding: 98
        opacity: 0.7
        Layout.fillWidth: true
        Layout.minimumWidth: 0
    }
    Label {
        visible: row.logs !== ""
        text: row.logs
        font.family: Theme.mono
        font.pixelSize: Theme.codeSize - 1
        leftPadding: 98
        opacity: 0.85
        Layout.fillWidth: true
        Layout.minimumWidth: 0
        elide: Text.ElideRight
        maximumLineCount: 4
    }
    Label {
        visible: row.exceptions !== ""
        text: row.exceptions
        color: Theme.error
        font.family: Theme.mono
        font.pixelSize: Theme.codeSize - 1
        leftPadding: 98
        Layout.fillWidth: true
        Layout.minimumWidth: 0
        elide: Text.ElideRight
        maximumLineCount: 3
    }
}
