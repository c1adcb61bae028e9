import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
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

    DispatcherController {
        id: dispatcher
        platform: view.workbench.platform
        onDispatcherChanged: if (!view.dirty) view.showCurrent()
    }
    TemplateCatalog { id: templates }
    Component.onCompleted: showCurrent()

    function showCurrent() {
        shownCode = dispatcher.code
        editor.text = dispatcher.code
        editor.errorLine = 0
    }
    function save() {
        saveError.text = dispatcher.save(editor.text)
        editor.errorLine = view.workbench.platform.errorLine(saveError.text)
        if (saveError.text === "") {
            shownCode = editor.text
            savedNote.text = qsTr("Saved — the next request runs this code")
        }
        return saveError.text
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        ViewHeader { text: view.title }
        Label {
            text: dispatcher.name !== ""
                  ? qsTr("Active dispatch Worker: <b>%1</b>, modified %2").arg(dispatcher.name).arg(Qt.formatDateTime(dispatcher.modified, "yyyy-MM-dd hh:mm:ss"))
                  : qsTr("No dispatch Worker is installed: requests get 503. Pick a template and save.")
            textFormat: Text.StyledText
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 12
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                RowLayout {
                    Label { text: qsTr("Template") }
                    ComboBox {
                        id: templatePicker
                        objectName: "templatePicker"
                        model: templates.dispatcherTemplates
                        textRole: "title"
                        valueRole: "name"
                        Layout.preferredWidth: 300
                    }
                    Button {
                        text: qsTr("Load into editor")
                        onClicked: editor.text = templates.code(templatePicker.currentValue)
                    }
                    Item { Layout.fillWidth: true }
                    Button { text: qsTr("Revert"); enabled: view.dirty; onClicked: view.showCurrent() }
                    Button { objectName: "saveDispatcherButton"; text: qsTr("Save"); highlighted: true; onClicked: view.save() }
                }
                CodeEditor {
                    id: editor
                    objectName: "dispatcherEditor"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    onTextChanged: if (view.dirty) savedNote.text = ""
                }
                ErrorText { id: saveError; objectName: "dispatcherError"; Layout.fillWidth: true }
                Label { id: savedNote; color: "#2e7d32"; visible: text !== "" }
            }
            ColumnLayout {
                Layout.preferredWidth: 300
                Layout.fillHeight: true
                Label { text: qsTr("Bindings"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    ListView {
                        anchors.fill: parent
                        clip: true
                        model: dispatcher.bindings
                        spacing: 6
                        delegate: Label {
                            required property string modelData
                            width: ListView.view.width
                            text: modelData
                            font.family: "monospace"
                            wrapMode: Text.Wrap
                        }
                        Label { anchors.centerIn: parent; visible: dispatcher.bindings.length === 0; text: qsTr("No bindings"); opacity: 0.6 }
                    }
                }
                Label { text: qsTr("Tail consumers"); font.bold: true }
                Label {
                    objectName: "tailConsumersLabel"
                    Layout.fillWidth: true
                    text: dispatcher.tailConsumersText !== "" ? dispatcher.tailConsumersText : qsTr("None: no Worker receives its events")
                    opacity: dispatcher.tailConsumersText !== "" ? 1 : 0.6
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
                Label {
                    text: qsTr("The shipped templates use these binding names: DISPATCHER, USER_ROUTING, CUSTOMERS, ANALYTICS.")
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    opacity: 0.7
                    font.pixelSize: 11
                }
            }
        }
    }
}
