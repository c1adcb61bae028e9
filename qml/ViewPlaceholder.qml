import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A view that is not built yet: it says so, and what it will hold.
Pane {
    property string title
    property string plan

    ColumnLayout {
        anchors.fill: parent
        Label {
            text: title
            font.pixelSize: 22
            font.bold: true
        }
        Label {
            text: plan
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Label {
            text: qsTr("Not built yet.")
            opacity: 0.6
        }
        Item { Layout.fillHeight: true }
    }
}
