import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard

// Why an edit was refused, shown where it was made; empty when it was applied. Takes no room when
// empty, and wraps within its column, so it never draws over the row beneath it. When `linked`
// (an error that names a place in the code), a click on it emits `activated`.
Label {
    id: label
    property bool linked: false
    signal activated()
    color: Theme.error
    wrapMode: Text.Wrap
    visible: text !== ""
    font.underline: linked && hover.hovered
    Layout.fillWidth: true
    Layout.minimumWidth: 0
    HoverHandler {
        id: hover
        enabled: label.linked
        cursorShape: Qt.PointingHandCursor
    }
    TapHandler {
        enabled: label.linked
        onTapped: label.activated()
    }
}
