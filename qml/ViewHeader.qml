import QtQuick
import QtQuick.Controls

// The title line of a view.
Label {
    font.pixelSize: 20
    font.bold: true
}
