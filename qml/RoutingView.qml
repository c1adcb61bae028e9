import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
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
    padding: Theme.margin

    KvEntryModel {
        id: routes
        platform: view.platform
        title: view.platform.routingTable
        kind: KvEntryModel.Routing
    }
    // The routes in the order the table's header asks for.
    SortedRows { id: sortedRoutes; rows: routes }
    property alias sortedRoutes: sortedRoutes
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
        routeNote.text = ""
        routeError.text = platform.setRoute(routeField.text, workerField.editText)
        if (routeError.text === "")
            routeNote.text = qsTr("Saved %1 → %2").arg(platform.normalizeRoute(routeField.text)).arg(workerField.editText.trim())
        return routeError.text
    }
    // Deletes take effect at once; the banner offers the newest one back for ten seconds.
    property alias undoBanner: undoBanner
    function deleteRoute(route) {
        const worker = platform.kvValue(platform.routingTable, route)
        const table = platform.routingTable
        routeError.text = platform.kvDelete(table, route)
        if (routeError.text === "") {
            routeNote.text = ""
            undoBanner.offer(qsTr("Deleted route %1 → %2").arg(route).arg(worker), () => {
                routeError.text = view.platform.restoreKv(table, route)
                return routeError.text
            })
        }
        return routeError.text
    }
    function deleteHostname(hostname) {
        const host = platform.normalizeHostname(hostname)
        hostNote.text = ""
        hostError.text = platform.deleteHostname(host)
        if (hostError.text === "") {
            undoBanner.offer(qsTr("Deleted custom hostname %1").arg(host), () => {
                hostError.text = view.platform.restoreHostname(host)
                return hostError.text
            })
        }
        return hostError.text
    }
    function submitHostname() {
        hostNote.text = ""
        hostError.text = platform.putHostname(hostField.text, metadataArea.text)
        if (hostError.text === "") {
            hostNote.text = qsTr("Saved %1").arg(platform.normalizeHostname(hostField.text))
            hostField.text = platform.normalizeHostname(hostField.text)
        }
        return hostError.text
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.section
        ViewHeader { text: view.title }
        UndoBanner { id: undoBanner; objectName: "undoBanner"; Layout.fillWidth: true }
        Note {
            text: routes.exists
                  ? qsTr("KV namespace %1 — routes lead to Workers in namespace %2. The dispatcher looks up the host, then host/first-path-segment.")
                        .arg(view.platform.routingTable).arg(view.platform.routingNamespace)
                  : qsTr("There is no KV namespace %1: the dispatcher has no routing table to read.").arg(view.platform.routingTable)
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.margin

            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumWidth: 380
                spacing: Theme.spacing
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
                        model: sortedRoutes
                        ScrollBar.vertical: ScrollBar {}
                        headerPositioning: ListView.OverlayHeader
                        // The route column's width: a share of the list, or what its title's edge
                        // was dragged to.
                        property real draggedKeyWidth: -1
                        readonly property real keyWidth: draggedKeyWidth >= 0 ? Math.min(draggedKeyWidth, width - 140)
                                                                             : Math.min(320, width * 0.45)
                        header: Rectangle {
                            z: 2
                            width: ListView.view.width
                            height: 26
                            color: palette.alternateBase
                            RowLayout {
                                anchors.fill: parent
                                spacing: Theme.spacing
                                // The delegates' left padding (6), then the rows' columns.
                                SortableHeader {
                                    text: qsTr("route"); leftPadding: 6; Layout.preferredWidth: routeList.keyWidth + 6; Layout.fillHeight: true
                                    sorted: sortedRoutes.sortRoleName === "key"; descending: sortedRoutes.descending
                                    onClicked: sortedRoutes.sortBy("key")
                                    onResized: width => routeList.draggedKeyWidth = Math.max(60, width - 6)
                                }
                                Label { text: "→"; opacity: 0 } // the rows' arrow
                                SortableHeader {
                                    text: qsTr("Worker"); Layout.fillWidth: true; Layout.minimumWidth: 0; Layout.fillHeight: true
                                    sorted: sortedRoutes.sortRoleName === "value"; descending: sortedRoutes.descending
                                    onClicked: sortedRoutes.sortBy("value")
                                }
                            }
                        }
                        delegate: ItemDelegate {
                            required property string key
                            required property string value
                            required property string problem
                            width: ListView.view.width
                            onClicked: { routeField.text = key; workerField.editText = value }
                            contentItem: ColumnLayout {
                                spacing: 0
                                RowLayout {
                                    spacing: Theme.spacing
                                    Layout.fillWidth: true
                                    // Key and Worker side by side at any width, the Delete at the end.
                                    Label { text: key; font.family: Theme.mono; Layout.preferredWidth: routeList.keyWidth; Layout.minimumWidth: 60; elide: Text.ElideRight }
                                    Label { text: "→"; opacity: 0.6 }
                                    Label { text: value; font.bold: true; Layout.fillWidth: true; Layout.minimumWidth: 40; elide: Text.ElideRight }
                                    ToolButton {
                                        objectName: "deleteRouteButton"
                                        text: qsTr("Delete")
                                        onClicked: view.deleteRoute(key)
                                    }
                                }
                                Label {
                                    visible: problem !== ""
                                    text: problem
                                    color: Theme.error
                                    font.pixelSize: Theme.smallSize
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                            }
                        }
                        Label {
                            anchors.centerIn: parent
                            visible: routeList.count === 0
                            text: qsTr("No routes: the dispatcher falls back to the subdomain")
                            opacity: 0.6
                        }
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacing
                    TextField {
                        id: routeField
                        objectName: "routeField"
                        placeholderText: qsTr("host or host/path, e.g. shop.localhost")
                        Layout.fillWidth: true
                        Layout.minimumWidth: Theme.fieldMinWidth
                        onAccepted: view.submitRoute()
                        onTextChanged: routeNote.text = ""
                    }
                    ComboBox {
                        id: workerField
                        objectName: "workerField"
                        editable: true
                        model: workers.count >= 0 ? view.workerNames() : []
                        Layout.preferredWidth: 160
                        Layout.minimumWidth: 110
                    }
                    Button {
                        objectName: "saveRouteButton"
                        text: qsTr("Save route")
                        enabled: routeField.text !== "" && routeCheck.text === ""
                        onClicked: view.submitRoute()
                    }
                }
                Note {
                    id: routeCheck
                    objectName: "routeCheck"
                    kind: Note.Warning
                    // Checked as you type: the Worker must exist in the routing namespace.
                    text: {
                        workers.count // re-check when Workers come and go
                        if (routeField.text === "")
                            return ""
                        return view.platform.checkRoute(routeField.text, workerField.editText)
                    }
                }
                Note {
                    objectName: "routeCaseNote"
                    // Hosts are case-insensitive and arrive lowercased; say so rather than store
                    // a route that could never match.
                    text: routeField.text !== "" && view.platform.normalizeRoute(routeField.text) !== routeField.text.trim()
                          ? qsTr("Saved as %1: hosts reach the dispatcher in lowercase.").arg(view.platform.normalizeRoute(routeField.text))
                          : ""
                }
                ErrorText { id: routeError; objectName: "routeError" }
                Note { id: routeNote; objectName: "routeNote"; kind: Note.Success }
            }

            ColumnLayout {
                Layout.preferredWidth: Math.min(460, Math.max(320, view.width * 0.36))
                Layout.fillWidth: false
                Layout.fillHeight: true
                spacing: Theme.spacing
                Label { text: qsTr("Custom hostnames"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.minimumHeight: 60
                    padding: 0
                    ListView {
                        anchors.fill: parent
                        clip: true
                        model: hostnames
                        ScrollBar.vertical: ScrollBar {}
                        delegate: ItemDelegate {
                            required property string hostname
                            required property string metadata
                            width: ListView.view.width
                            onClicked: { hostField.text = hostname; metadataArea.text = metadata }
                            contentItem: ColumnLayout {
                                spacing: 0
                                Label { text: hostname; font.bold: true; elide: Text.ElideRight; Layout.fillWidth: true }
                                Label { text: metadata; font.family: Theme.mono; elide: Text.ElideRight; Layout.fillWidth: true; opacity: 0.8 }
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
                    onTextChanged: hostNote.text = ""
                }
                TextArea {
                    id: metadataArea
                    objectName: "metadataArea"
                    placeholderText: qsTr("metadata JSON, e.g. {\"customer\": \"acme\"}")
                    font.family: Theme.mono
                    wrapMode: TextEdit.Wrap
                    Layout.fillWidth: true
                    Layout.preferredHeight: 80
                    // JSON needs no tabs: Tab and Shift+Tab move on, as in every other field.
                    Keys.onTabPressed: nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
                    Keys.onBacktabPressed: nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
                    background: Rectangle {
                        border.color: metadataCheck.text !== "" ? Theme.error : metadataArea.activeFocus ? Theme.accent : palette.mid
                        color: palette.base
                    }
                }
                ErrorText { id: metadataCheck; objectName: "metadataCheck"; text: view.platform.checkHostnameMetadata(metadataArea.text) }
                Note {
                    objectName: "hostnameRouteNote"
                    kind: view.platform.routedWorker(hostField.text) === "" ? Note.Warning : Note.Help
                    text: {
                        routes.count // follows the routing table
                        return view.platform.hostnameRouteNote(hostField.text)
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    Button {
                        id: saveHostButton
                        objectName: "saveHostnameButton"
                        text: qsTr("Save hostname")
                        enabled: metadataCheck.text === "" && hostField.text !== ""
                        onClicked: view.submitHostname()
                    }
                    Button {
                        text: qsTr("Add route…")
                        enabled: hostField.text !== "" && view.platform.routedWorker(hostField.text) === ""
                        onClicked: { routeField.text = view.platform.normalizeHostname(hostField.text); routeField.forceActiveFocus() }
                    }
                    Item { Layout.fillWidth: true }
                    Button {
                        objectName: "deleteHostnameButton"
                        text: qsTr("Delete")
                        enabled: hostField.text !== ""
                        onClicked: view.deleteHostname(hostField.text)
                    }
                }
                ErrorText { id: hostError }
                Note { id: hostNote; kind: Note.Success }
            }
        }
    }
}
