import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard.Models

// The routing table (host or host/path -> Worker) and the custom hostnames with their metadata.
// Every save goes straight to KV or the hostname table: the next request is routed by it.
Pane {
    id: view
    objectName: "routingView"
    required property Workbench workbench
    property string title
    readonly property PlatformController platform: workbench.platform
    property alias routes: routes

    KvEntryModel {
        id: routes
        platform: view.platform
        title: view.platform.routingTable
        kind: KvEntryModel.Routing
    }
    HostnameListModel { id: hostnames; platform: view.platform }
    WorkerListModel { id: workers; platform: view.platform; namespaceName: view.platform.routingNamespace }

    function workerNames() {
        const names = []
        for (let i = 0; i < workers.count; ++i)
            names.push(workers.data(workers.index(i, 0), WorkerListModel.NameRole))
        return names
    }

    // The Save button's action; returns the refusal, or "" when the route was stored.
    function submitRoute() {
        routeError.text = platform.setRoute(routeField.text, workerField.editText)
        return routeError.text
    }
    function deleteRoute(route) {
        routeError.text = platform.kvDelete(platform.routingTable, route)
        return routeError.text
    }
    function submitHostname() {
        hostError.text = platform.putHostname(hostField.text, metadataArea.text)
        return hostError.text
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 10
        ViewHeader { text: view.title }
        Label {
            text: routes.exists
                  ? qsTr("KV namespace %1 — routes lead to Workers in namespace %2. The dispatcher looks up the host, then host/first-path-segment.")
                        .arg(view.platform.routingTable).arg(view.platform.routingNamespace)
                  : qsTr("There is no KV namespace %1: the dispatcher has no routing table to read.").arg(view.platform.routingTable)
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            opacity: 0.8
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 16

            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Label { text: qsTr("Routes"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        id: routeList
                        objectName: "routeList"
                        anchors.fill: parent
                        clip: true
                        model: routes
                        ScrollBar.vertical: ScrollBar {}
                        delegate: ItemDelegate {
                            required property string key
                            required property string value
                            required property string problem
                            width: ListView.view.width
                            onClicked: { routeField.text = key; workerField.editText = value }
                            contentItem: RowLayout {
                                Label { text: key; font.family: "monospace"; Layout.preferredWidth: 220; elide: Text.ElideRight }
                                Label { text: "→"; opacity: 0.6 }
                                Label { text: value; font.bold: true; Layout.preferredWidth: 140; elide: Text.ElideRight }
                                Label {
                                    text: problem
                                    color: "#c62828"
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                                ToolButton {
                                    text: qsTr("Delete")
                                    onClicked: view.deleteRoute(key)
                                }
                            }
                        }
                    }
                }
                GridLayout {
                    columns: 3
                    Layout.fillWidth: true
                    TextField {
                        id: routeField
                        objectName: "routeField"
                        placeholderText: qsTr("host or host/path, e.g. shop.localhost")
                        Layout.fillWidth: true
                        onAccepted: view.submitRoute()
                    }
                    ComboBox {
                        id: workerField
                        objectName: "workerField"
                        editable: true
                        model: workers.count >= 0 ? view.workerNames() : []
                        Layout.preferredWidth: 180
                    }
                    Button {
                        objectName: "saveRouteButton"
                        text: qsTr("Save route")
                        enabled: routeField.text !== "" && routeCheck.text === ""
                        onClicked: view.submitRoute()
                    }
                }
                Label {
                    id: routeCheck
                    // Checked as you type: the Worker must exist in the routing namespace.
                    text: {
                        workers.count // re-check when Workers come and go
                        if (routeField.text === "")
                            return ""
                        return view.platform.checkRoute(routeField.text, workerField.editText)
                    }
                    color: "#b26a00"
                    visible: text !== ""
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                ErrorText { id: routeError; objectName: "routeError"; Layout.fillWidth: true }
            }

            ColumnLayout {
                Layout.preferredWidth: 380
                Layout.fillHeight: true
                Label { text: qsTr("Custom hostnames"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        anchors.fill: parent
                        clip: true
                        model: hostnames
                        delegate: ItemDelegate {
                            required property string hostname
                            required property string metadata
                            width: ListView.view.width
                            onClicked: { hostField.text = hostname; metadataArea.text = metadata }
                            contentItem: ColumnLayout {
                                Label { text: hostname; font.bold: true }
                                Label { text: metadata; font.family: "monospace"; elide: Text.ElideRight; Layout.fillWidth: true; opacity: 0.8 }
                            }
                        }
                        Label {
                            anchors.centerIn: parent
                            visible: hostnames.count === 0
                            text: qsTr("No custom hostnames")
                            opacity: 0.6
                        }
                    }
                }
                TextField {
                    id: hostField
                    objectName: "hostField"
                    placeholderText: qsTr("hostname, e.g. shop.example.com")
                    Layout.fillWidth: true
                }
                TextArea {
                    id: metadataArea
                    objectName: "metadataArea"
                    placeholderText: qsTr("metadata JSON, e.g. {\"customer\": \"acme\"}")
                    font.family: "monospace"
                    Layout.fillWidth: true
                    Layout.preferredHeight: 90
                    background: Rectangle {
                        border.color: metadataCheck.text === "" ? palette.mid : "#c62828"
                        color: palette.base
                    }
                }
                Label {
                    id: metadataCheck
                    objectName: "metadataCheck"
                    text: view.platform.checkHostnameMetadata(metadataArea.text)
                    color: "#c62828"
                    visible: text !== ""
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                RowLayout {
                    Button {
                        text: qsTr("Save hostname")
                        enabled: metadataCheck.text === "" && hostField.text !== ""
                        onClicked: view.submitHostname()
                    }
                    Button {
                        text: qsTr("Delete")
                        enabled: hostField.text !== ""
                        onClicked: hostError.text = view.platform.deleteHostname(hostField.text)
                    }
                }
                ErrorText { id: hostError; Layout.fillWidth: true }
            }
        }
    }
}
