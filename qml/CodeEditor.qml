import QtQuick
import QtQuick.Controls
import Switchyard
import Switchyard.Models

// A JavaScript editor: line numbers, highlighting, and the line a load error names, marked in
// the gutter and underlined in the text. The text scrolls both ways and follows the cursor; the
// gutter only follows it vertically, so long lines never push the line numbers away.
Frame {
    id: editor
    property alias text: area.text
    property alias readOnly: area.readOnly
    property int errorLine: 0
    property alias textArea: area
    property alias flickable: flick
    padding: 0
    focusPolicy: Qt.NoFocus

    function ensureVisible(r) {
        if (flick.contentX >= r.x)
            flick.contentX = Math.max(0, r.x - area.leftPadding)
        else if (flick.contentX + flick.width <= r.x + r.width)
            flick.contentX = r.x + r.width - flick.width + area.rightPadding
        if (flick.contentY >= r.y)
            flick.contentY = Math.max(0, r.y - area.topPadding)
        else if (flick.contentY + flick.height <= r.y + r.height)
            flick.contentY = r.y + r.height - flick.height + area.bottomPadding
    }
    function goToLine(line) {
        const block = area.text.split("\n").slice(0, Math.max(0, line - 1)).join("\n")
        area.cursorPosition = line > 1 ? block.length + 1 : 0
        area.forceActiveFocus()
    }

    Rectangle {
        id: gutter
        anchors { left: parent.left; top: parent.top; bottom: parent.bottom }
        width: lineNumbers.digitWidth + 2 * Theme.spacing
        color: palette.alternateBase
        clip: true
        Column {
            id: lineNumbers
            x: Theme.spacing
            y: area.topPadding - flick.contentY
            readonly property real digitWidth: metrics.advanceWidth * Math.max(2, String(area.lineCount).length)
            Repeater {
                model: area.lineCount
                Label {
                    required property int index
                    height: area.lineHeight
                    width: lineNumbers.digitWidth
                    text: index + 1
                    font: area.font
                    color: index + 1 === editor.errorLine ? Theme.error : Theme.muted
                    horizontalAlignment: Text.AlignRight
                }
            }
        }
        TextMetrics { id: metrics; font: area.font; text: "0" }
    }

    Flickable {
        id: flick
        anchors { left: gutter.right; right: parent.right; top: parent.top; bottom: parent.bottom }
        clip: true
        contentWidth: area.width
        contentHeight: area.height
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar { id: vbar }
        ScrollBar.horizontal: ScrollBar { id: hbar }

        TextArea {
            id: area
            objectName: "codeArea"
            // At least the viewport, so a click below the last line lands in the text.
            width: Math.max(flick.width, implicitWidth + vbar.width)
            height: Math.max(flick.height, implicitHeight + hbar.height)
            font.family: Theme.mono
            font.pixelSize: Theme.codeSize
            wrapMode: TextEdit.NoWrap
            selectByMouse: true
            persistentSelection: true
            tabStopDistance: metrics.advanceWidth * 2
            background: null
            readonly property real lineHeight: lineCount > 0 ? (contentHeight / lineCount) : font.pixelSize
            onCursorRectangleChanged: if (activeFocus) editor.ensureVisible(cursorRectangle)
            // Two spaces for Tab, as the shipped Workers are indented.
            Keys.onTabPressed: insert(cursorPosition, "  ")
        }
    }

    JsHighlighter {
        textDocument: area.textDocument
        errorLine: editor.errorLine
        dark: Theme.dark
    }
}
