import QtQuick
import QtQuick.Controls

// Why an edit was refused, shown where it was made; empty when it was applied.
Label {
    color: "#c62828"
    wrapMode: Text.Wrap
    visible: text !== ""
}
