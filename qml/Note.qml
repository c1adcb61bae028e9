import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard

// A line of status under a form: what was applied (success), what needs a look (warning), or
// plain help. Like ErrorText, it takes no room when empty.
Label {
    enum Kind { Help, Success, Warning }
    property int kind: Note.Help
    color: kind === Note.Success ? Theme.success : kind === Note.Warning ? Theme.warning : palette.text
    opacity: kind === Note.Help ? 0.75 : 1
    wrapMode: Text.Wrap
    visible: text !== ""
    Layout.fillWidth: true
    Layout.minimumWidth: 0
}
