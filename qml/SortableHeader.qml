import QtQuick
import QtQuick.Controls
import Switchyard

// One column title of a table: a click sorts by the column (again: the other way round), an arrow
// says which column sorts and which way, and dragging the right edge resizes the column.
Item {
    id: cell
    property string text
    property bool sorted: false
    property bool descending: false
    property real minimumWidth: 40
    property real leftPadding: 0
    signal clicked()
    signal resized(real width)
    implicitHeight: label.implicitHeight
    Accessible.role: Accessible.ColumnHeader
    Accessible.name: text

    Label {
        id: label
        anchors.fill: parent
        anchors.leftMargin: cell.leftPadding
        anchors.rightMargin: grip.width
        font.bold: true
        elide: Text.ElideRight
        verticalAlignment: Text.AlignVCenter
        text: cell.text + (cell.sorted ? (cell.descending ? " ▼" : " ▲") : "")
        color: cell.sorted ? Theme.accent : palette.text
    }
    TapHandler { onTapped: cell.clicked() }
    HoverHandler { cursorShape: Qt.PointingHandCursor }
    MouseArea {
        id: grip
        width: 6
        anchors { right: parent.right; top: parent.top; bottom: parent.bottom }
        cursorShape: Qt.SplitHCursor
        property real startX: 0
        property real startWidth: 0
        onPressed: mouse => {
            startX = mapToItem(null, mouse.x, 0).x
            startWidth = cell.width
        }
        onPositionChanged: mouse => {
            if (pressed)
                cell.resized(Math.max(cell.minimumWidth, startWidth + mapToItem(null, mouse.x, 0).x - startX))
        }
    }
}
