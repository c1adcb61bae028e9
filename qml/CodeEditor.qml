import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

// A JavaScript editor: line numbers, highlighting, and the line a load error names, marked in
// the gutter and underlined in the text. The text scrolls both ways and follows the cursor; the
// gutter only follows it vertically, so long lines never push the line numbers away.
// Find and replace (EditorSearch), Go to line and bracket matching (EditorNavigation),
// completion (EditorCompletion) and further cursors (EditorCursors) are decided in C++; this
// file shows them, moves the selection and hands the cursors its keys and Alt+clicks.
Frame {
    id: editor
    property alias text: area.text
    property alias readOnly: area.readOnly
    property int errorLine: 0
    property int errorColumn: 0
    property alias textArea: area
    property alias flickable: flick
    property alias search: search
    property alias navigation: navigation
    property alias completion: completion
    property alias cursors: cursors
    property alias completionPopup: completionPopup
    // The Worker's bindings, offered after `env.` (as the views list them: "NAME (type)").
    property alias bindings: completion.bindings
    // Which rows are open above the text (a row's own `visible` is false while its parent is
    // hidden, so it cannot be the state).
    property bool findOpen: false
    property bool replaceOpen: false
    property bool lineOpen: false
    readonly property bool barsOpen: findOpen || lineOpen
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
    function moveCursor(position) {
        area.forceActiveFocus()
        area.cursorPosition = position
        ensureVisible(area.cursorRectangle)
    }
    function goToLine(line, column) { moveCursor(navigation.positionOf(line, column || 1)) }
    function goToError() {
        if (errorLine > 0)
            goToLine(errorLine, errorColumn)
    }

    // Find: Ctrl+F, or Ctrl+H with the replace row.
    function openFind(replacing) {
        const selected = area.selectedText
        if (selected !== "" && !/[\n\u2029]/.test(selected))
            findField.text = selected
        lineOpen = false
        findOpen = true
        replaceOpen = replacing && !area.readOnly
        search.term = findField.text
        findField.forceActiveFocus()
        findField.selectAll()
    }
    function closeBars() {
        findOpen = false
        replaceOpen = false
        lineOpen = false
        search.term = ""
        area.forceActiveFocus()
    }
    function selectMatch(index) {
        if (index < 0)
            return
        area.select(search.start(index), search.end(index))
        ensureVisible(area.positionToRectangle(search.end(index)))
        ensureVisible(area.positionToRectangle(search.start(index)))
    }
    function findNext() { selectMatch(search.nextMatch()) }
    function findPrevious() { selectMatch(search.previousMatch()) }
    function replaceOne() { selectMatch(search.replace(area.selectionStart, area.selectionEnd, replaceField.text)) }
    function replaceAll() { search.replaceAll(replaceField.text) }

    // Go to line: Ctrl+G.
    function openLine() {
        findOpen = false
        replaceOpen = false
        search.term = ""
        lineOpen = true
        lineField.forceActiveFocus()
        lineField.selectAll()
    }
    function goToTypedLine() {
        if (navigation.linePosition < 0)
            return
        const position = navigation.linePosition
        lineOpen = false
        moveCursor(position)
    }

    // Completion: Ctrl+Space, or by itself after a dot behind a name EditorCompletion knows. It
    // stays open while the prefix it was opened on is being typed, and closes with nothing to
    // offer. The keyboard stays in the text; the list is moved from it (see the TextArea's Keys).
    property int completionStart: -1
    function openCompletion(auto) {
        // By itself only after a name it knows: not after every `.` of a number or a call.
        if (area.readOnly || completion.count === 0
                || (auto && (completion.context === "" || completion.context === "member")))
            return
        completionStart = completion.prefixStart
        completionList.currentIndex = 0
        placeCompletion()
        completionPopup.open()
    }
    function closeCompletion() { completionPopup.close() }
    function acceptCompletion() {
        const position = completion.accept(completionList.currentIndex)
        completionPopup.close()
        if (position >= 0)
            area.cursorPosition = position
    }
    // Under the cursor's line when the list fits below it in the window, else above it: never
    // over the text being typed. Sideways it stays inside the window.
    function placeCompletion() {
        const r = area.cursorRectangle
        const win = editor.Window.window
        const top = area.mapToItem(null, r.x, r.y)
        const rowsBelow = win ? win.height - (top.y + r.height) : completionPopup.height
        const below = rowsBelow >= completionPopup.height || rowsBelow >= top.y
        completionPopup.x = r.x
        completionPopup.y = below ? r.y + r.height : r.y - completionPopup.height
    }
    Connections {
        target: completion
        enabled: completionPopup.opened
        function onPrefixChanged() {
            if (completion.prefixStart !== editor.completionStart)
                editor.closeCompletion()
        }
        function onCountChanged() {
            if (completion.count === 0)
                editor.closeCompletion()
            else
                editor.placeCompletion()
        }
        function onModelReset() { completionList.currentIndex = 0 }
    }

    Shortcut {
        sequence: "Ctrl+Space"
        enabled: editor.visible && area.activeFocus
        onActivated: editor.openCompletion(false)
    }
    Shortcut {
        sequence: "Ctrl+F"
        enabled: editor.visible
        onActivated: editor.openFind(false)
    }
    Shortcut {
        sequence: "Ctrl+H"
        enabled: editor.visible && !area.readOnly
        onActivated: editor.openFind(true)
    }
    Shortcut {
        sequence: "F3"
        enabled: editor.visible && editor.findOpen
        onActivated: editor.findNext()
    }
    Shortcut {
        sequence: "Shift+F3"
        enabled: editor.visible && editor.findOpen
        onActivated: editor.findPrevious()
    }
    Shortcut {
        sequence: "Ctrl+G"
        enabled: editor.visible
        onActivated: editor.openLine()
    }
    Shortcut {
        sequence: "Ctrl+M"
        enabled: editor.visible && area.activeFocus && navigation.matchingBracket >= 0
        onActivated: editor.moveCursor(navigation.matchingBracket)
    }

    EditorSearch {
        id: search
        textDocument: area.textDocument
        selectionStart: area.selectionStart
        selectionEnd: area.selectionEnd
    }
    EditorCompletion {
        id: completion
        textDocument: area.textDocument
        cursorPosition: area.cursorPosition
    }
    EditorCursors {
        id: cursors
        textDocument: area.textDocument
        cursorPosition: area.cursorPosition
        selectionStart: area.selectionStart
        selectionEnd: area.selectionEnd
        readOnly: area.readOnly
        onPrimaryMoved: (anchor, position) => area.select(anchor, position)
        onRevealed: (position) => editor.ensureVisible(area.positionToRectangle(position))
    }
    EditorNavigation {
        id: navigation
        textDocument: area.textDocument
        cursorPosition: area.cursorPosition
        lineInput: lineField.text
    }

    Pane {
        id: bars
        objectName: "editorBars"
        anchors { left: parent.left; right: parent.right; top: parent.top }
        visible: editor.barsOpen
        padding: Theme.gap
        background: Rectangle { color: palette.window }
        ColumnLayout {
            anchors { left: parent.left; right: parent.right }
            spacing: Theme.gap
            RowLayout {
                id: findRow
                objectName: "findRow"
                visible: editor.findOpen
                spacing: Theme.gap
                Layout.fillWidth: true
                TextField {
                    id: findField
                    objectName: "findField"
                    placeholderText: qsTr("Find")
                    selectByMouse: true
                    Layout.fillWidth: true
                    Layout.minimumWidth: Theme.fieldMinWidth
                    onTextChanged: if (editor.findOpen) search.term = text
                    // As the term is typed, the selection follows its first match from there.
                    onTextEdited: {
                        search.term = text
                        editor.findNext()
                    }
                    Keys.onReturnPressed: (event) => (event.modifiers & Qt.ShiftModifier) ? editor.findPrevious() : editor.findNext()
                    Keys.onEnterPressed: (event) => (event.modifiers & Qt.ShiftModifier) ? editor.findPrevious() : editor.findNext()
                    Keys.onEscapePressed: editor.closeBars()
                }
                ToolButton {
                    objectName: "matchCaseButton"
                    text: "Aa"
                    checkable: true
                    checked: search.caseSensitive
                    onToggled: search.caseSensitive = checked
                    focusPolicy: Qt.NoFocus
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Match case")
                }
                ToolButton {
                    objectName: "wholeWordButton"
                    text: "ab"
                    font.underline: true
                    checkable: true
                    checked: search.wholeWord
                    onToggled: search.wholeWord = checked
                    focusPolicy: Qt.NoFocus
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Whole word")
                }
                Label {
                    objectName: "findStatus"
                    text: search.status
                    color: search.count === 0 && search.term !== "" ? Theme.error : Theme.muted
                }
                ToolButton {
                    objectName: "findPreviousButton"
                    text: "\u2191"
                    enabled: search.count > 0
                    focusPolicy: Qt.NoFocus
                    onClicked: editor.findPrevious()
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Previous match (Shift+Enter, Shift+F3)")
                }
                ToolButton {
                    objectName: "findNextButton"
                    text: "\u2193"
                    enabled: search.count > 0
                    focusPolicy: Qt.NoFocus
                    onClicked: editor.findNext()
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Next match (Enter, F3)")
                }
                ToolButton {
                    objectName: "closeFindButton"
                    text: "\u2715"
                    focusPolicy: Qt.NoFocus
                    onClicked: editor.closeBars()
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Close (Escape)")
                }
            }
            RowLayout {
                id: replaceRow
                objectName: "replaceRow"
                visible: editor.replaceOpen
                spacing: Theme.gap
                Layout.fillWidth: true
                TextField {
                    id: replaceField
                    objectName: "replaceField"
                    placeholderText: qsTr("Replace with")
                    selectByMouse: true
                    Layout.fillWidth: true
                    Layout.minimumWidth: Theme.fieldMinWidth
                    Keys.onReturnPressed: editor.replaceOne()
                    Keys.onEnterPressed: editor.replaceOne()
                    Keys.onEscapePressed: editor.closeBars()
                }
                Button {
                    objectName: "replaceButton"
                    text: qsTr("Replace")
                    enabled: search.count > 0
                    onClicked: editor.replaceOne()
                }
                Button {
                    objectName: "replaceAllButton"
                    text: qsTr("Replace all")
                    enabled: search.count > 0
                    onClicked: editor.replaceAll()
                }
            }
            RowLayout {
                id: lineRow
                objectName: "lineRow"
                visible: editor.lineOpen
                spacing: Theme.gap
                Layout.fillWidth: true
                Label { text: qsTr("Go to line") }
                TextField {
                    id: lineField
                    objectName: "lineField"
                    placeholderText: qsTr("line:column")
                    selectByMouse: true
                    Layout.preferredWidth: Theme.fieldMinWidth
                    Keys.onReturnPressed: editor.goToTypedLine()
                    Keys.onEnterPressed: editor.goToTypedLine()
                    Keys.onEscapePressed: editor.closeBars()
                }
                ErrorText { objectName: "lineError"; text: navigation.lineError }
                Item { Layout.fillWidth: true; visible: navigation.lineError === "" }
            }
        }
    }

    Rectangle {
        id: gutter
        anchors { left: parent.left; top: editor.barsOpen ? bars.bottom : parent.top; bottom: parent.bottom }
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
        anchors { left: gutter.right; right: parent.right; top: gutter.top; bottom: parent.bottom }
        clip: true
        contentWidth: area.width
        contentHeight: area.height
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar { id: vbar }
        ScrollBar.horizontal: ScrollBar { id: hbar }

        // Under the text (the TextArea draws no background): every find match, then the bracket
        // beside the cursor and its partner, or the bracket alone when it has none. Reading
        // area.length makes each box move when the text is edited.
        Repeater {
            model: search.matches
            Rectangle {
                required property int modelData
                readonly property rect first: { area.length; return area.positionToRectangle(modelData) }
                readonly property rect last: { area.length; return area.positionToRectangle(modelData + search.length) }
                x: first.x
                y: first.y
                width: Math.max(2, last.x - first.x)
                height: first.height
                color: Theme.findMatch
            }
        }
        Repeater {
            model: area.activeFocus && navigation.bracket >= 0
                   ? [navigation.bracket, navigation.matchingBracket].filter(p => p >= 0) : []
            Rectangle {
                required property int modelData
                readonly property rect at: { area.length; return area.positionToRectangle(modelData) }
                x: at.x
                y: at.y
                width: metrics.advanceWidth
                height: at.height
                color: navigation.matchingBracket >= 0 ? Theme.bracketMatch : Theme.errorFill
            }
        }
        Repeater {
            model: cursors.segments
            Rectangle {
                required property var modelData
                readonly property rect first: { area.length; return area.positionToRectangle(modelData.start) }
                readonly property rect last: { area.length; return area.positionToRectangle(modelData.end) }
                x: first.x
                y: first.y
                width: Math.max(2, last.x - first.x)
                height: first.height
                color: Theme.cursorSelection
            }
        }

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
            onCursorRectangleChanged: {
                if (activeFocus)
                    editor.ensureVisible(cursorRectangle)
                if (completionPopup.opened)
                    editor.placeCompletion()
            }
            // Two spaces for Tab, as the shipped Workers are indented; with the completion list
            // open, Tab and Enter take its choice, Up and Down move in it.
            Keys.onTabPressed: (event) => {
                if (completionPopup.opened)
                    editor.acceptCompletion()
                else if (!cursors.keyPress(event.key, event.modifiers, event.text))
                    insert(cursorPosition, "  ")
            }
            Keys.onReturnPressed: (event) => { event.accepted = completionPopup.opened; if (event.accepted) editor.acceptCompletion() }
            Keys.onEnterPressed: (event) => { event.accepted = completionPopup.opened; if (event.accepted) editor.acceptCompletion() }
            Keys.onUpPressed: (event) => { event.accepted = completionPopup.opened; if (event.accepted) completionList.decrementCurrentIndex() }
            Keys.onDownPressed: (event) => { event.accepted = completionPopup.opened; if (event.accepted) completionList.incrementCurrentIndex() }
            // Escape closes the list, then drops the added cursors, then closes the bars.
            Keys.onEscapePressed: (event) => {
                if (completionPopup.opened)
                    editor.closeCompletion()
                else if (cursors.keyPress(event.key, event.modifiers, event.text))
                    return
                else if (editor.barsOpen)
                    editor.closeBars()
                else
                    event.accepted = false
            }
            // Every other key goes to the added cursors first (they take what they act on). The
            // dot is typed after this runs: look once it is in the text.
            Keys.onPressed: (event) => {
                if (cursors.keyPress(event.key, event.modifiers, event.text)) {
                    event.accepted = true
                    return
                }
                if (event.text === ".")
                    Qt.callLater(editor.openCompletion, true)
                event.accepted = false
            }
            onActiveFocusChanged: if (!activeFocus) editor.closeCompletion()

            // Alt+Click adds a cursor; a plain click drops the added ones and goes on to the
            // TextArea.
            MouseArea {
                objectName: "cursorClicks"
                anchors.fill: parent
                acceptedButtons: Qt.LeftButton
                cursorShape: Qt.IBeamCursor
                onPressed: (mouse) => {
                    if (mouse.modifiers & Qt.AltModifier) {
                        area.forceActiveFocus()
                        cursors.addCursor(area.positionAt(mouse.x, mouse.y))
                    } else {
                        cursors.clear()
                        mouse.accepted = false
                    }
                }
            }

            Popup {
                id: completionPopup
                objectName: "completionPopup"
                // The text keeps the keyboard: typing narrows the list.
                focus: false
                modal: false
                closePolicy: Popup.CloseOnPressOutside
                margins: 0
                padding: 1
                width: Math.min(Theme.completionWidth, editor.Window.width)
                height: Math.min(completionList.contentHeight, 8 * Theme.completionRow) + 2 * padding
                contentItem: ListView {
                    id: completionList
                    objectName: "completionList"
                    clip: true
                    model: completion
                    highlightMoveDuration: 0
                    boundsBehavior: Flickable.StopAtBounds
                    ScrollBar.vertical: ScrollBar {}
                    delegate: ItemDelegate {
                        required property int index
                        required property string name
                        required property string kind
                        required property string detail
                        width: ListView.view.width
                        height: Theme.completionRow
                        padding: Theme.gap
                        focusPolicy: Qt.NoFocus
                        highlighted: ListView.isCurrentItem
                        onClicked: {
                            completionList.currentIndex = index
                            editor.acceptCompletion()
                        }
                        contentItem: RowLayout {
                            spacing: Theme.spacing
                            Label { text: name; font.family: Theme.mono; font.pixelSize: Theme.codeSize }
                            Label {
                                text: detail !== "" ? detail : kind
                                color: Theme.muted
                                elide: Text.ElideRight
                                horizontalAlignment: Text.AlignRight
                                Layout.fillWidth: true
                            }
                        }
                    }
                }
            }
        }

        // Over the text, the added cursors' carets (the TextArea draws its own).
        Repeater {
            model: cursors.carets
            Rectangle {
                required property int modelData
                readonly property rect at: { area.length; return area.positionToRectangle(modelData) }
                x: at.x
                y: at.y
                width: 2
                height: at.height
                color: Theme.caret
            }
        }
    }

    JsHighlighter {
        textDocument: area.textDocument
        errorLine: editor.errorLine
        dark: Theme.dark
    }
}
