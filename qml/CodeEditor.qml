import QtQuick
import QtQuick.Controls
import Switchyard.Models

// A JavaScript editor: line numbers, highlighting, and the line a load error names, marked in
// the gutter and underlined in the text.
Frame {
    id: editor
    property alias text: area.text
    property alias readOnly: area.readOnly
    property int errorLine: 0
    property alias textArea: area
    padding: 0

    ScrollView {
        id: scroll
        anchors.fill: parent
        clip: true

        Row {
            width: Math.max(scroll.availableWidth, area.implicitWidth + gutter.width)
            Rectangle {
                id: gutter
                width: lineNumbers.implicitWidth + 16
                height: Math.max(area.height, scroll.availableHeight)
                color: palette.alternateBase
                Column {
                    id: lineNumbers
                    x: 8
                    y: area.topPadding
                    Repeater {
                        model: area.lineCount
                        Label {
                            required property int index
                            height: area.lineHeight
                            text: index + 1
                            font: area.font
                            color: index + 1 === editor.errorLine ? "#d32f2f" : palette.placeholderText
                            horizontalAlignment: Text.AlignRight
                            width: Math.max(implicitWidth, lineNumbers.digitWidth)
                        }
                    }
                    readonly property real digitWidth: metrics.advanceWidth * String(area.lineCount).length
                    TextMetrics { id: metrics; font: area.font; text: "0" }
                }
            }
            TextArea {
                id: area
                objectName: "codeArea"
                width: parent.width - gutter.width
                font.family: "monospace"
                font.pixelSize: 13
                wrapMode: TextEdit.NoWrap
                selectByMouse: true
                persistentSelection: true
                tabStopDistance: metrics.advanceWidth * 2
                background: null
                readonly property real lineHeight: lineCount > 0 ? (contentHeight / lineCount) : font.pixelSize
                // Two spaces for Tab, as the shipped Workers are indented.
                Keys.onTabPressed: insert(cursorPosition, "  ")
            }
        }
    }

    JsHighlighter {
        textDocument: area.textDocument
        errorLine: editor.errorLine
    }
}
