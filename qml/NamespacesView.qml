import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Switchyard
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
    // What the editor showed when it was opened or last saved; edits since then are unsaved.
    property string savedCode: ""
    property string savedTags: ""
    readonly property bool dirty: editor.text !== savedCode || tagsField.text !== savedTags
                                  || (currentWorker === "" && editor.text !== "")
    property alias editor: editor
    property alias unsavedDialog: unsaved
    property alias fileDialog: fileDialog
    property alias charts: charts
    padding: Theme.margin

    NamespaceListModel { id: namespaces; platform: view.platform }
    WorkerListModel { id: workers; platform: view.platform; namespaceName: view.currentNamespace; tagFilter: tagFilterField.text }
    // The Workers in the order the list's header asks for (by name until then).
    SortedRows { id: sortedWorkers; rows: workers }
    property alias sortedWorkers: sortedWorkers
    // Deletes take effect at once; the banner offers the newest one back for ten seconds.
    property alias undoBanner: undoBanner
    function deleteCurrentWorker() {
        const ns = currentNamespace, name = currentWorker
        saveError.text = platform.deleteScript(ns, name)
        if (saveError.text !== "")
            return saveError.text
        undoBanner.offer(qsTr("Deleted Worker %1 from %2").arg(name).arg(ns), () => view.restoreWorker(ns, name))
        openFirst()
        return ""
    }
    function restoreWorker(ns, name) {
        const refused = platform.restoreScript(ns, name)
        if (refused !== "") {
            saveError.text = refused
            return refused
        }
        if (ns === currentNamespace && !dirty)
            openWorker(name)
        savedNote.kind = Note.Success
        savedNote.text = qsTr("Restored %1").arg(name)
        return ""
    }
    // Unsaved code in the editor is asked about first: the namespace takes its Worker with it.
    function requestDeleteNamespace() {
        const ns = currentNamespace
        if (ns !== "")
            unsaved.guard(dirty, () => deleteNamespace(ns))
    }
    function deleteNamespace(ns) {
        const row = namespaces.indexOf(ns)
        const count = row >= 0 ? namespaces.data(namespaces.index(row, 0), NamespaceListModel.WorkerCountRole) : 0
        nsError.text = platform.deleteNamespace(ns)
        if (nsError.text !== "")
            return nsError.text
        newWorker("")
        nsList.currentIndex = namespaces.count > 0 ? 0 : -1
        Qt.callLater(openFirst)
        undoBanner.offer(qsTr("Deleted namespace %1 and its %n Worker(s)", "", count).arg(ns), () => view.restoreNamespace(ns))
        return ""
    }
    function restoreNamespace(ns) {
        nsError.text = platform.restoreNamespace(ns)
        const row = namespaces.indexOf(ns)
        if (row >= 0)
            requestNamespace(row)
        return nsError.text
    }
    TemplateCatalog { id: templates }
    // Open with something to read rather than an empty editor.
    Component.onCompleted: openFirst()
    // A namespace that went away (deleted here or through the admin API) takes its Workers'
    // editor with it: show what is there now, never a Worker that no longer exists.
    onCurrentNamespaceChanged: if (!dirty || currentWorker !== "") Qt.callLater(openFirst)
    Connections {
        target: namespaces
        function onCountChanged() {
            if (nsList.currentIndex < 0 || nsList.currentIndex >= namespaces.count)
                nsList.currentIndex = namespaces.count > 0 ? 0 : -1
        }
    }

    function openFirst() {
        if (sortedWorkers.count > 0)
            openWorker(sortedWorkers.value(0, "name"))
        else
            newWorker("")
    }
    function openWorker(name) {
        currentWorker = name
        nameField.text = name
        const row = workers.indexOf(name)
        tagsField.text = row >= 0 ? workers.data(workers.index(row, 0), WorkerListModel.TagsRole).join(", ") : ""
        editor.text = platform.scriptCode(currentNamespace, name)
        savedCode = editor.text
        savedTags = tagsField.text
        editor.errorLine = 0
        saveError.text = ""
        savedNote.text = ""
    }
    function newWorker(code, name) {
        currentWorker = ""
        nameField.text = name || ""
        tagsField.text = ""
        savedCode = ""
        savedTags = ""
        editor.text = code
        editor.errorLine = 0
        saveError.text = ""
        savedNote.text = ""
        if (code !== "" && nameField.text === "")
            nameField.forceActiveFocus()
    }
    // Every way of leaving the Worker in the editor goes through here, so unsaved edits are
    // never dropped without asking.
    function requestOpenWorker(name) {
        if (name === currentWorker && currentWorker !== "")
            return
        unsaved.guard(dirty, () => openWorker(name))
    }
    // A new Worker from a file's code, named after the file; nothing is saved until Save.
    function loadFile(url) {
        const code = templates.readFile(url)
        if (templates.readError() !== "") {
            saveError.text = templates.readError()
            return
        }
        const base = decodeURIComponent(url.toString().split("/").pop()).replace(/\.m?js$/, "")
        requestNewWorker(code, base.toLowerCase().replace(/[^a-z0-9_-]/g, "-"))
    }
    function requestNewWorker(code, name) { unsaved.guard(dirty, () => newWorker(code, name)) }
    function requestNamespace(index) {
        if (index === nsList.currentIndex)
            return
        unsaved.guard(dirty, () => { newWorker(""); nsList.currentIndex = index })
    }
    function save() {
        savedNote.text = ""
        saveError.text = platform.saveScript(currentNamespace, nameField.text, editor.text, tagsField.text)
        editor.errorLine = platform.errorLine(saveError.text)
        editor.errorColumn = platform.errorColumn(saveError.text)
        if (saveError.text === "") {
            currentWorker = nameField.text.trim()
            savedCode = editor.text
            savedTags = tagsField.text
            const warning = platform.handlerWarning(editor.text, currentNamespace, currentWorker)
            savedNote.kind = warning === "" ? Note.Success : Note.Warning
            savedNote.text = warning === "" ? qsTr("Saved %1 — live for the next request").arg(currentWorker)
                                            : qsTr("Saved %1. %2").arg(currentWorker).arg(warning)
        }
        return saveError.text
    }

    Shortcut {
        sequences: [StandardKey.Save]
        enabled: view.visible && saveButton.enabled
        onActivated: view.save()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        ViewHeader { text: view.title }
        UndoBanner { id: undoBanner; objectName: "undoBanner"; Layout.fillWidth: true }

        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            orientation: Qt.Horizontal

            // Namespaces above their Workers, so the editor keeps most of the width.
            ColumnLayout {
                SplitView.preferredWidth: Math.max(260, view.width * 0.24)
                SplitView.minimumWidth: 230
                SplitView.maximumWidth: 480
                spacing: Theme.gap

                Label { text: qsTr("Namespaces"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.min(4, Math.max(1, namespaces.count)) * 52 + 2
                    padding: 0
                    ListView {
                        id: nsList
                        objectName: "namespaceList"
                        anchors.fill: parent
                        clip: true
                        model: namespaces
                        currentIndex: 0
                        ScrollBar.vertical: ScrollBar {}
                        delegate: ItemDelegate {
                            required property int index
                            required property string name
                            required property bool trusted
                            required property int workerCount
                            width: ListView.view.width
                            highlighted: ListView.isCurrentItem
                            onClicked: view.requestNamespace(index)
                            contentItem: RowLayout {
                                spacing: Theme.spacing
                                ColumnLayout {
                                    spacing: 0
                                    Layout.fillWidth: true
                                    Label { text: name; font.bold: true; elide: Text.ElideRight; Layout.fillWidth: true }
                                    Label { text: qsTr("%n Worker(s)", "", workerCount); opacity: 0.7; font.pixelSize: Theme.smallSize }
                                }
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
                RowLayout {
                    Layout.fillWidth: true
                    TextField {
                        id: nsName
                        objectName: "namespaceField"
                        placeholderText: qsTr("new namespace")
                        Layout.fillWidth: true
                        Layout.minimumWidth: 80
                        onAccepted: createNs.clicked()
                    }
                    Button {
                        id: createNs
                        text: qsTr("Create")
                        enabled: nsName.text.trim() !== ""
                        onClicked: {
                            nsError.text = view.platform.createNamespace(nsName.text, false)
                            if (nsError.text === "") {
                                view.requestNamespace(namespaces.indexOf(nsName.text.trim()))
                                nsName.text = ""
                            }
                        }
                    }
                    Button {
                        objectName: "deleteNamespaceButton"
                        text: qsTr("Delete")
                        enabled: view.currentNamespace !== ""
                        onClicked: view.requestDeleteNamespace()
                    }
                }
                ErrorText { id: nsError; objectName: "namespaceError" }

                Label {
                    text: qsTr("Workers in %1").arg(view.currentNamespace || "—")
                    font.bold: true
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.spacing
                }
                TextField { id: tagFilterField; placeholderText: qsTr("filter by tag, e.g. plan:free"); Layout.fillWidth: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        id: workerList
                        objectName: "workerList"
                        anchors.fill: parent
                        clip: true
                        model: sortedWorkers
                        ScrollBar.vertical: ScrollBar {}
                        headerPositioning: ListView.OverlayHeader
                        // Each row is a card, so the titles sort only: the panel's SplitView
                        // handle sets the width.
                        header: Rectangle {
                            z: 2
                            width: ListView.view.width
                            height: 26
                            color: palette.alternateBase
                            RowLayout {
                                anchors.fill: parent
                                spacing: Theme.spacing
                                SortableHeader {
                                    text: qsTr("Worker"); leftPadding: 6; Layout.fillWidth: true; Layout.fillHeight: true
                                    sorted: sortedWorkers.sortRoleName === "name"; descending: sortedWorkers.descending
                                    onClicked: sortedWorkers.sortBy("name")
                                }
                                SortableHeader {
                                    text: qsTr("modified"); Layout.preferredWidth: 90; Layout.fillHeight: true
                                    sorted: sortedWorkers.sortRoleName === "modified"; descending: sortedWorkers.descending
                                    onClicked: sortedWorkers.sortBy("modified")
                                }
                            }
                        }
                        delegate: ItemDelegate {
                            required property string name
                            required property var tags
                            required property var bindings
                            required property date modified
                            width: ListView.view.width
                            highlighted: name === view.currentWorker
                            onClicked: view.requestOpenWorker(name)
                            ToolTip.visible: hovered && bindings.length > 0
                            ToolTip.delay: 600
                            ToolTip.text: bindings.join("\n")
                            contentItem: ColumnLayout {
                                spacing: 1
                                Label { text: name; font.bold: true; elide: Text.ElideRight; Layout.fillWidth: true }
                                Label { text: tags.length ? tags.join("  ") : qsTr("no tags"); opacity: 0.75; font.pixelSize: Theme.smallSize; elide: Text.ElideRight; Layout.fillWidth: true }
                                Label {
                                    text: bindings.length ? qsTr("%n binding(s)", "", bindings.length) + " · " + qsTr("modified %1").arg(Qt.formatDateTime(modified, "yyyy-MM-dd hh:mm"))
                                                          : qsTr("no bindings") + " · " + qsTr("modified %1").arg(Qt.formatDateTime(modified, "yyyy-MM-dd hh:mm"))
                                    opacity: 0.6
                                    font.pixelSize: Theme.smallSize
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                            }
                        }
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    Button {
                        text: qsTr("New from template")
                        Layout.fillWidth: true
                        onClicked: view.requestNewWorker(templates.code("worker"))
                    }
                    Button {
                        objectName: "loadFileButton"
                        text: qsTr("Load file…")
                        Layout.fillWidth: true
                        onClicked: fileDialog.open()
                    }
                }
            }

            // Editor
            ColumnLayout {
                SplitView.fillWidth: true
                SplitView.minimumWidth: 360
                spacing: Theme.spacing
                RowLayout {
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.spacing
                    spacing: Theme.spacing
                    TextField {
                        id: nameField
                        objectName: "workerNameField"
                        placeholderText: qsTr("Worker name")
                        Layout.fillWidth: true
                        Layout.minimumWidth: Theme.fieldMinWidth
                        Layout.maximumWidth: 240
                    }
                    TextField {
                        id: tagsField
                        objectName: "tagsField"
                        placeholderText: qsTr("tags, comma-separated")
                        Layout.fillWidth: true
                        Layout.minimumWidth: Theme.fieldMinWidth
                        ToolTip.visible: hovered
                        ToolTip.delay: 800
                        ToolTip.text: qsTr("Tags are labels for filtering and bulk deletes. A plan:… tag does not set limits: the demo dispatcher reads the plan from %1.").arg(view.platform.customersTable)
                    }
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
                        ToolTip.visible: markerHover.hovered
                        ToolTip.text: qsTr("Ctrl+S saves")
                        HoverHandler { id: markerHover }
                    }
                    Button {
                        id: saveButton
                        objectName: "saveWorkerButton"
                        text: qsTr("Save")
                        highlighted: true
                        enabled: view.currentNamespace !== "" && nameField.text.trim() !== ""
                        onClicked: view.save()
                    }
                    Button {
                        objectName: "deleteWorkerButton"
                        text: qsTr("Delete")
                        enabled: view.currentWorker !== "" && view.currentNamespace !== ""
                        onClicked: view.deleteCurrentWorker()
                    }
                }
                WorkerCharts {
                    id: charts
                    objectName: "workerCharts"
                    workbench: view.workbench
                    namespaceName: view.currentNamespace
                    workerName: view.currentWorker
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.spacing
                }
                CodeEditor {
                    id: editor
                    objectName: "workerEditor"
                    // The open Worker's bindings, for completion after `env.`; a new one has none.
                    bindings: {
                        workers.count
                        const row = view.currentWorker !== "" ? workers.indexOf(view.currentWorker) : -1
                        return row >= 0 ? workers.data(workers.index(row, 0), WorkerListModel.BindingsRole) : []
                    }
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.leftMargin: Theme.spacing
                }
                ErrorText {
                    id: saveError
                    objectName: "saveError"
                    Layout.leftMargin: Theme.spacing
                    linked: editor.errorLine > 0
                    onActivated: editor.goToError()
                }
                Note { id: savedNote; objectName: "savedNote"; kind: Note.Success; Layout.leftMargin: Theme.spacing }
            }
        }
    }

    UnsavedDialog {
        id: unsaved
        subject: view.currentWorker !== "" ? qsTr("Worker %1").arg(view.currentWorker) : qsTr("The new Worker")
        save: view.save
    }
    FileDialog {
        id: fileDialog
        objectName: "loadFileDialog"
        title: qsTr("Load a Worker from a file")
        nameFilters: [qsTr("JavaScript (*.js *.mjs)"), qsTr("All files (*)")]
        onAccepted: view.loadFile(selectedFile)
    }
}
