import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard

// A delete that has already taken effect, offered back for ten seconds. It holds one Undo: a
// newer delete takes the banner over and the one before stays deleted, so the banner never
// offers something other than what its text says.
Pane {
    id: banner
    // {message, undo}: undo() puts the deleted thing back and returns "" or why it could not
    // (the view shows that where the delete was made).
    property var pending: null
    readonly property string message: pending ? pending.message : ""
    property alias timer: timer
    visible: pending !== null
    padding: Theme.gap
    background: Rectangle { color: Theme.warningFill; radius: 3 }

    function offer(message, undo) {
        pending = { message: message, undo: undo }
        timer.restart()
    }
    function dismiss() {
        timer.stop()
        pending = null
    }
    function undo() {
        if (!pending)
            return ""
        const action = pending.undo
        dismiss()
        return action()
    }

    Timer {
        id: timer
        interval: 10000
        onTriggered: banner.pending = null
    }
    RowLayout {
        width: parent.width
        spacing: Theme.spacing
        Label {
            objectName: "undoMessage"
            text: banner.message
            elide: Text.ElideRight
            Layout.fillWidth: true
            Layout.minimumWidth: 0
        }
        Button { objectName: "undoButton"; text: qsTr("Undo"); onClicked: banner.undo() }
        ToolButton { objectName: "dismissUndoButton"; text: "✕"; onClicked: banner.dismiss() }
    }
}
