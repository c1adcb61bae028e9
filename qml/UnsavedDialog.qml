import QtQuick
import QtQuick.Controls

// Asked before an action would drop edits that were not saved: Save runs `save` first (and
// stops when it is refused, so the refusal shows), Discard goes ahead, Cancel stays.
Dialog {
    id: dialog
    objectName: "unsavedDialog"
    property string subject
    property var save: function () { return "" }
    property var pending: null
    anchors.centerIn: Overlay.overlay
    modal: true
    title: qsTr("Unsaved changes")
    standardButtons: Dialog.Save | Dialog.Discard | Dialog.Cancel
    // A fixed width: a Dialog sized by its title, buttons and text at once loops in Qt 6.4.
    width: 440
    Label {
        width: parent ? parent.width : 0
        wrapMode: Text.Wrap
        text: qsTr("%1 has changes that are not saved.").arg(dialog.subject)
    }

    // Runs `action` now when nothing is unsaved, else asks first.
    function guard(dirty, action) {
        if (!dirty) {
            action()
            return
        }
        pending = action
        open()
    }
    function proceed() {
        const action = pending
        pending = null
        close()
        if (action)
            action()
    }
    onAccepted: {
        if (save() === "")
            proceed()
        else
            pending = null
    }
    onDiscarded: proceed()
    onRejected: pending = null
}
