import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

// Sends one request through the dispatcher, as the listener would, and shows the response and
// the traces that request caused (the dispatcher's and the user Worker's).
Pane {
    id: view
    objectName: "playgroundView"
    required property Workbench workbench
    property string title
    readonly property PlaygroundController playground: workbench.playground
    padding: Theme.margin

    TraceListModel {
        id: caused
        // Nothing to follow until a request was sent.
        feed: view.playground.requestTag !== "" ? view.workbench.traces : null
        requestTag: view.playground.requestTag
    }

    function sendOnCtrlEnter(event) {
        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && (event.modifiers & Qt.ControlModifier)) {
            send()
            event.accepted = true
        }
    }
    function send() {
        sendError.text = playground.send(methodPicker.editText, urlField.text, headersArea.text, bodyArea.text)
        return sendError.text
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        ViewHeader { text: view.title }
        RowLayout {
            Layout.fillWidth: true
            ComboBox {
                id: methodPicker
                editable: true
                model: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
                Layout.preferredWidth: 110
            }
            TextField {
                id: urlField
                objectName: "urlField"
                text: view.playground.defaultUrl
                Layout.fillWidth: true
                Layout.minimumWidth: 200
                onAccepted: view.send()
            }
            Button {
                objectName: "sendButton"
                text: view.playground.busy ? qsTr("Sending…") : qsTr("Send")
                enabled: !view.playground.busy
                highlighted: true
                onClicked: view.send()
            }
        }
        ErrorText { id: sendError }
        Note { objectName: "urlNote"; kind: Note.Warning; text: view.playground.urlNote(urlField.text) }
        RowLayout {
            Layout.fillWidth: true
            // Not the children's fillHeight: the response below gets the spare height.
            Layout.fillHeight: false
            Layout.preferredHeight: Math.max(110, view.height * 0.16)
            spacing: Theme.section
            ColumnLayout {
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                Layout.fillHeight: true
                Label { text: qsTr("Headers (Name: value per line)"); opacity: 0.8 }
                TextArea {
                    id: headersArea
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    font.family: Theme.mono
                    placeholderText: "accept: application/json"
                    background: Rectangle { color: palette.base; border.color: headersArea.activeFocus ? Theme.accent : palette.mid }
                    Keys.onPressed: event => view.sendOnCtrlEnter(event)
                }
            }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                Layout.fillHeight: true
                Label { text: qsTr("Body"); opacity: 0.8 }
                TextArea {
                    id: bodyArea
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    font.family: Theme.mono
                    background: Rectangle { color: palette.base; border.color: bodyArea.activeFocus ? Theme.accent : palette.mid }
                    Keys.onPressed: event => view.sendOnCtrlEnter(event)
                }
            }
        }
        Label {
            font.bold: true
            text: view.playground.status > 0
                  ? qsTr("Response: %1 %2 in %3 ms").arg(view.playground.status).arg(view.playground.statusText).arg(view.playground.elapsedMs)
                  : qsTr("Response")
            color: view.playground.status >= 400 ? Theme.error : palette.text
        }
        Frame {
            Layout.fillWidth: true
            Layout.fillHeight: true
            padding: 0
            ScrollView {
                anchors.fill: parent
                TextArea {
                    objectName: "responseArea"
                    readOnly: true
                    font.family: Theme.mono
                    wrapMode: TextEdit.Wrap
                    text: view.playground.responseHeaders + (view.playground.status > 0 ? "\n\n" : "") + view.playground.responseBody
                    background: null
                }
            }
        }
        Label { text: qsTr("Traces this request caused"); font.bold: true }
        Frame {
            Layout.fillWidth: true
            Layout.preferredHeight: 140
            padding: 4
            ListView {
                anchors.fill: parent
                clip: true
                model: caused
                spacing: Theme.gap
                delegate: TraceRow { width: ListView.view.width }
                Label { anchors.centerIn: parent; visible: caused.count === 0; text: qsTr("Send a request to see its traces"); opacity: 0.6 }
            }
        }
    }
}
