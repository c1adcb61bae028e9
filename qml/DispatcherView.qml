import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

// The active dispatch Worker: its code in the editor, a template picker, and its bindings.
// Saving replaces the code (bindings stay) and the next request runs it.
Pane {
    id: view
    objectName: "dispatcherView"
    required property Workbench workbench
    property string title
    property string shownCode: ""
    readonly property bool dirty: editor.text !== shownCode
    property alias editor: editor
    property alias charts: charts
    padding: Theme.margin

    DispatcherController {
        id: dispatcher
        platform: view.workbench.platform
        onDispatcherChanged: if (!view.dirty) view.showCurrent()
    }
    TemplateCatalog { id: templates }
    Component.onCompleted: showCurrent()

    // Back to the code that runs: whatever a failed save said no longer applies.
    function showCurrent() {
        shownCode = dispatcher.code
        editor.text = dispatcher.code
        editor.errorLine = 0
        saveError.text = ""
        savedNote.text = ""
    }
    function save() {
        savedNote.text = ""
        saveError.text = dispatcher.save(editor.text)
        editor.errorLine = view.workbench.platform.errorLine(saveError.text)
        editor.errorColumn = view.workbench.platform.errorColumn(saveError.text)
        if (saveError.text === "") {
            shownCode = editor.text
            const warning = view.workbench.platform.handlerWarning(editor.text)
            savedNote.kind = warning === "" ? Note.Success : Note.Warning
            savedNote.text = warning === "" ? qsTr("Saved — the next request runs this code")
                                            : qsTr("Saved. %1").arg(warning)
        }
        return saveError.text
    }

    Shortcut {
        sequences: [StandardKey.Save]
        enabled: view.visible
        onActivated: view.save()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        ViewHeader { text: view.title }
        Label {
            text: dispatcher.name !== ""
                  ? qsTr("Active dispatch Worker: <b>%1</b>, modified %2").arg(dispatcher.name).arg(Qt.formatDateTime(dispatcher.modified, "yyyy-MM-dd hh:mm:ss"))
                  : qsTr("No dispatch Worker is installed: requests get 503. Pick a template and save.")
            textFormat: Text.StyledText
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Label { text: qsTr("Template") }
            ComboBox {
                id: templatePicker
                objectName: "templatePicker"
                model: templates.dispatcherTemplates
                textRole: "title"
                valueRole: "name"
                Layout.fillWidth: true
                Layout.minimumWidth: 160
                Layout.maximumWidth: 340
            }
            Button {
                text: qsTr("Load into editor")
                onClicked: unsaved.guard(view.dirty, () => { editor.text = templates.code(templatePicker.currentValue) })
            }
            Item { Layout.fillWidth: true }
            Label {
                id: unsavedMarker
                objectName: "unsavedMarker"
                // Always there, at a fixed width, only its text changing: a RowLayout in Qt 6.4
                // keeps the size a child had while its view was hidden, and draws a child that turns
                // visible or grows then over its neighbours.
                Layout.preferredWidth: unsavedMetrics.advanceWidth + 2
                TextMetrics { id: unsavedMetrics; font: unsavedMarker.font; text: qsTr("● unsaved") }
                text: view.dirty ? qsTr("● unsaved") : ""
                color: Theme.warning
            }
            Button { objectName: "revertButton"; text: qsTr("Revert"); enabled: view.dirty; onClicked: view.showCurrent() }
            Button { objectName: "saveDispatcherButton"; text: qsTr("Save"); highlighted: true; onClicked: view.save() }
        }
        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            ColumnLayout {
                SplitView.fillWidth: true
                SplitView.minimumWidth: 360
                spacing: Theme.spacing
                WorkerCharts {
                    id: charts
                    objectName: "dispatcherCharts"
                    workbench: view.workbench
                    workerName: dispatcher.name
                    Layout.fillWidth: true
                    Layout.rightMargin: Theme.spacing
                }
                CodeEditor {
                    id: editor
                    objectName: "dispatcherEditor"
                    bindings: dispatcher.bindings
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.rightMargin: Theme.spacing
                }
                ErrorText {
                    id: saveError
                    objectName: "dispatcherError"
                    linked: editor.errorLine > 0
                    onActivated: editor.goToError()
                }
                Note { id: savedNote; objectName: "dispatcherNote"; kind: Note.Success }
            }
            ColumnLayout {
                SplitView.preferredWidth: Math.max(240, view.width * 0.25)
                SplitView.minimumWidth: 200
                spacing: Theme.gap
                Label { text: qsTr("Bindings"); font.bold: true; Layout.leftMargin: Theme.spacing }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.leftMargin: Theme.spacing
                    ListView {
                        anchors.fill: parent
                        clip: true
                        model: dispatcher.bindings
                        spacing: Theme.spacing
                        ScrollBar.vertical: ScrollBar {}
                        delegate: Label {
                            required property string modelData
                            width: ListView.view.width
                            text: modelData
                            font.family: Theme.mono
                            // Names and targets are identifiers: break between words, never inside.
                            wrapMode: Text.WordWrap
                            elide: Text.ElideRight
                        }
                        Label { anchors.centerIn: parent; visible: dispatcher.bindings.length === 0; text: qsTr("No bindings"); opacity: 0.6 }
                    }
                }
                Label { text: qsTr("Tail consumers"); font.bold: true }
                Label {
                    objectName: "tailConsumersLabel"
                    Layout.fillWidth: true
                    text: dispatcher.tailConsumersText !== "" ? dispatcher.tailConsumersText : qsTr("None: no Worker receives its events")
                    color: dispatcher.tailConsumersText !== "" ? palette.text : Theme.muted
                    wrapMode: Text.Wrap
                }
                RowLayout {
                    Layout.fillWidth: true
                    TextField {
                        id: tailField
                        objectName: "tailConsumersField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("platform Worker names")
                        text: dispatcher.tailConsumers.join(", ")
                    }
                    Button {
                        text: qsTr("Apply")
                        onClicked: tailError.text = dispatcher.setTailConsumers(tailField.text)
                    }
                }
                ErrorText { id: tailError; Layout.fillWidth: true }
                Note {
                    text: qsTr("The shipped templates use these binding names: DISPATCHER, USER_ROUTING, CUSTOMERS, ANALYTICS.")
                    font.pixelSize: Theme.smallSize
                    Layout.leftMargin: Theme.spacing
                }
            }
        }
    }
    UnsavedDialog {
        id: unsaved
        subject: qsTr("The dispatcher")
        save: view.save
    }
}
