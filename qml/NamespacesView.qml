import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard.Models

// Dispatch namespaces and their user Workers, with the code editor. Saving uploads the Worker
// through the platform service: it compiles first (a syntax error is refused and marked at its
// line) and the next request runs the new version.
Pane {
    id: view
    objectName: "namespacesView"
    required property Workbench workbench
    property string title
    readonly property PlatformController platform: workbench.platform
    property string currentNamespace: namespaces.count > 0 && nsList.currentIndex >= 0
                                      ? namespaces.data(namespaces.index(nsList.currentIndex, 0), NamespaceListModel.NameRole) : ""
    property string currentWorker: ""

    NamespaceListModel { id: namespaces; platform: view.platform }
    WorkerListModel { id: workers; platform: view.platform; namespaceName: view.currentNamespace; tagFilter: tagFilterField.text }
    TemplateCatalog { id: templates }
    // Open with something to read rather than an empty editor.
    Component.onCompleted: if (workers.count > 0) openWorker(workers.data(workers.index(0, 0), WorkerListModel.NameRole))

    function openWorker(name) {
        currentWorker = name
        nameField.text = name
        const row = workers.indexOf(name)
        tagsField.text = row >= 0 ? workers.data(workers.index(row, 0), WorkerListModel.TagsRole).join(", ") : ""
        editor.text = platform.scriptCode(currentNamespace, name)
        editor.errorLine = 0
        saveError.text = ""
    }
    function newWorker(code) {
        currentWorker = ""
        nameField.text = ""
        tagsField.text = ""
        editor.text = code
        editor.errorLine = 0
        saveError.text = ""
        nameField.forceActiveFocus()
    }
    function save() {
        saveError.text = platform.saveScript(currentNamespace, nameField.text, editor.text, tagsField.text)
        editor.errorLine = platform.errorLine(saveError.text)
        if (saveError.text === "") {
            currentWorker = nameField.text
            savedNote.text = qsTr("Saved %1 — live for the next request").arg(nameField.text)
        }
        return saveError.text
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        ViewHeader { text: view.title }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 12

            // Namespaces
            ColumnLayout {
                Layout.preferredWidth: 220
                Layout.fillHeight: true
                Label { text: qsTr("Namespaces"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        id: nsList
                        anchors.fill: parent
                        clip: true
                        model: namespaces
                        currentIndex: 0
                        delegate: ItemDelegate {
                            required property int index
                            required property string name
                            required property bool trusted
                            required property int workerCount
                            width: ListView.view.width
                            highlighted: ListView.isCurrentItem
                            onClicked: nsList.currentIndex = index
                            contentItem: ColumnLayout {
                                Label { text: name; font.bold: true }
                                RowLayout {
                                    Label { text: qsTr("%n Worker(s)", "", workerCount); opacity: 0.7 }
                                    CheckBox {
                                        text: qsTr("trusted")
                                        checked: trusted
                                        ToolTip.visible: hovered
                                        ToolTip.text: qsTr("Trusted namespaces give their Workers request.cf")
                                        onToggled: nsError.text = view.platform.setNamespaceTrusted(name, checked)
                                    }
                                }
                            }
                        }
                    }
                }
                TextField { id: nsName; objectName: "namespaceField"; placeholderText: qsTr("new namespace"); Layout.fillWidth: true }
                RowLayout {
                    Button {
                        text: qsTr("Create")
                        onClicked: {
                            nsError.text = view.platform.createNamespace(nsName.text, false)
                            if (nsError.text === "") {
                                nsList.currentIndex = namespaces.indexOf(nsName.text.trim())
                                nsName.text = ""
                            }
                        }
                    }
                    Button {
                        text: qsTr("Delete")
                        enabled: view.currentNamespace !== ""
                        onClicked: deleteNs.open()
                    }
                }
                ErrorText { id: nsError; Layout.fillWidth: true }
            }

            // Workers
            ColumnLayout {
                Layout.preferredWidth: 260
                Layout.fillHeight: true
                Label { text: qsTr("Workers in %1").arg(view.currentNamespace || "—"); font.bold: true }
                TextField { id: tagFilterField; placeholderText: qsTr("filter by tag, e.g. plan:free"); Layout.fillWidth: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        id: workerList
                        anchors.fill: parent
                        clip: true
                        model: workers
                        ScrollBar.vertical: ScrollBar {}
                        delegate: ItemDelegate {
                            required property string name
                            required property var tags
                            required property var bindings
                            required property date modified
                            width: ListView.view.width
                            highlighted: name === view.currentWorker
                            onClicked: view.openWorker(name)
                            contentItem: ColumnLayout {
                                spacing: 2
                                Label { text: name; font.bold: true }
                                Label { text: tags.length ? tags.join("  ") : qsTr("no tags"); opacity: 0.75; font.pixelSize: 11; elide: Text.ElideRight; Layout.fillWidth: true }
                                Label { text: bindings.length ? qsTr("bindings: %1").arg(bindings.join(", ")) : qsTr("no bindings"); opacity: 0.6; font.pixelSize: 11; elide: Text.ElideRight; Layout.fillWidth: true }
                                Label { text: qsTr("modified %1").arg(Qt.formatDateTime(modified, "yyyy-MM-dd hh:mm:ss")); opacity: 0.6; font.pixelSize: 11 }
                            }
                        }
                    }
                }
                RowLayout {
                    Button { text: qsTr("New from template"); onClicked: view.newWorker(templates.code("worker")) }
                }
                RowLayout {
                    TextField { id: filePath; placeholderText: qsTr("/path/to/worker.js"); Layout.fillWidth: true }
                    Button {
                        text: qsTr("Load file")
                        onClicked: {
                            const code = templates.readFile("file://" + filePath.text)
                            if (templates.readError() !== "") { saveError.text = templates.readError(); return }
                            view.newWorker(code)
                            const base = filePath.text.split("/").pop().replace(/\.m?js$/, "")
                            nameField.text = base.toLowerCase().replace(/[^a-z0-9_-]/g, "-")
                        }
                    }
                }
            }

            // Editor
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                RowLayout {
                    Layout.fillWidth: true
                    TextField { id: nameField; objectName: "workerNameField"; placeholderText: qsTr("Worker name"); Layout.preferredWidth: 180 }
                    TextField { id: tagsField; objectName: "tagsField"; placeholderText: qsTr("tags, comma-separated"); Layout.fillWidth: true }
                    Button {
                        objectName: "saveWorkerButton"
                        text: qsTr("Save")
                        highlighted: true
                        enabled: view.currentNamespace !== "" && nameField.text !== ""
                        onClicked: view.save()
                    }
                    Button {
                        text: qsTr("Delete")
                        enabled: view.currentWorker !== ""
                        onClicked: deleteWorker.open()
                    }
                }
                CodeEditor {
                    id: editor
                    objectName: "workerEditor"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    onTextChanged: savedNote.text = ""
                }
                ErrorText { id: saveError; objectName: "saveError"; Layout.fillWidth: true }
                Label { id: savedNote; color: "#2e7d32"; visible: text !== "" }
            }
        }
    }

    Dialog {
        id: deleteNs
        anchors.centerIn: parent
        title: qsTr("Delete namespace %1 and all its Workers?").arg(view.currentNamespace)
        standardButtons: Dialog.Yes | Dialog.No
        onAccepted: nsError.text = view.platform.deleteNamespace(view.currentNamespace)
    }
    Dialog {
        id: deleteWorker
        anchors.centerIn: parent
        title: qsTr("Delete Worker %1?").arg(view.currentWorker)
        standardButtons: Dialog.Yes | Dialog.No
        onAccepted: {
            saveError.text = view.platform.deleteScript(view.currentNamespace, view.currentWorker)
            if (saveError.text === "")
                view.newWorker("")
        }
    }
}
