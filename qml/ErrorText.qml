import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard

// Why an edit was refused, shown where it was made; empty when it was applied. Takes no room when
// empty, and wraps within its column, so it never draws over the row beneath it.
Label {
    color: Theme.error
    wrapMode: Text.Wrap
    visible: text !== ""
    Layout.fillWidth: true
    Layout.minimumWidth: 0
}
