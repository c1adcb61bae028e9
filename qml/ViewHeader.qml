import QtQuick
import QtQuick.Controls
import Switchyard

// The title line of a view.
Label {
    font.pixelSize: Theme.titleSize
    font.bold: true
}
