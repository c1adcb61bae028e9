import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

ApplicationWindow {
    id: window
    required property ServerStatus status
    required property Workbench workbench
    required property Appearance appearance

    width: 1200
    height: 760
    // The layouts are laid out and tested from 1000×700 up; below it controls would clip.
    minimumWidth: 1000
    minimumHeight: 700
    visible: true
    title: qsTr("Switchyard")

    readonly property var views: [
        { name: qsTr("Overview"), plan: qsTr("Listening address, requests per second, error rate, violations in the last minute, top Workers.") },
        { name: qsTr("Namespaces"), plan: qsTr("Dispatch namespaces and their user Workers, with a code editor that applies on save.") },
        { name: qsTr("Dispatcher"), plan: qsTr("The dispatch Worker's code, templates and bindings.") },
        { name: qsTr("Routing"), plan: qsTr("Routing KV (host or path to Worker) and custom hostnames with metadata.") },
        { name: qsTr("Plans & customers"), plan: qsTr("Plans (cpuMs, subRequests) and which customer is on which plan.") },
        { name: qsTr("Analytics"), plan: qsTr("Live limit violations, counts per Worker and kind, and Analytics Engine SQL.") },
        { name: qsTr("Tail"), plan: qsTr("Live trace stream: outcome, status, CPU and wall time, logs, exceptions.") },
        { name: qsTr("Playground"), plan: qsTr("Send a request through the dispatcher and see the response and its traces.") },
        { name: qsTr("Versions"), plan: qsTr("Each platform Worker's versions: diff two, deploy one, split traffic between two, roll back.") }
    ]

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.section
            anchors.rightMargin: Theme.section
            Label {
                text: qsTr("Switchyard")
                font.bold: true
                font.pixelSize: Theme.headingSize + 2
            }
            Item { Layout.fillWidth: true }
            Label {
                objectName: "listenLabel"
                text: window.status.listenUrl.toString() !== ""
                      ? qsTr("Dispatching on <a href=\"%1\">%1</a>").arg(window.status.listenUrl)
                      : qsTr("Not listening")
                // StyledText, not RichText: only it takes linkColor, so links read in the dark theme.
                textFormat: Text.StyledText
                linkColor: Theme.accent
                onLinkActivated: link => Qt.openUrlExternally(link)
            }
        }
    }

    // Ctrl+Q is closing the window: the app drains requests in flight and writes traces before
    // it exits (Application::shutdown), and code not yet saved is asked about first.
    Shortcut {
        // Spelled out: StandardKey.Quit is empty where the platform theme binds no quit key.
        sequence: "Ctrl+Q"
        context: Qt.ApplicationShortcut
        onActivated: window.close()
    }
    property bool closeConfirmed: false
    readonly property var unsavedEditors: [namespacesPage, dispatcherPage].filter(page => page.dirty)
    onClosing: close => {
        if (closeConfirmed || unsavedEditors.length === 0)
            return
        close.accepted = false
        quitDialog.open()
    }
    Dialog {
        id: quitDialog
        objectName: "quitDialog"
        anchors.centerIn: Overlay.overlay
        width: 440
        modal: true
        title: qsTr("Quit with unsaved changes?")
        standardButtons: Dialog.Discard | Dialog.Cancel
        Label {
            width: parent ? parent.width : 0
            wrapMode: Text.Wrap
            text: qsTr("Not saved: %1. Quitting drops these edits.")
                    .arg(window.unsavedEditors.map(page => page.title).join(", "))
        }
        onDiscarded: {
            window.closeConfirmed = true
            window.close()
        }
    }
    // Ctrl+1 … Ctrl+9 open the views in sidebar order.
    Repeater {
        model: window.views.length
        Item {
            required property int index
            Shortcut {
                sequence: "Ctrl+" + (index + 1)
                context: Qt.ApplicationShortcut
                onActivated: navigation.currentIndex = index
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        ColumnLayout {
            Layout.preferredWidth: Theme.sidebarWidth
            Layout.maximumWidth: Theme.sidebarWidth
            Layout.fillHeight: true
            spacing: Theme.gap
            ListView {
                id: navigation
                objectName: "navigation"
                Layout.fillWidth: true
                Layout.fillHeight: true
                model: window.views
                currentIndex: 0
                // Up and Down move between views once the sidebar has focus (click or Tab).
                focus: true
                keyNavigationEnabled: true
                activeFocusOnTab: true
                delegate: ItemDelegate {
                    required property var modelData
                    required property int index
                    width: ListView.view.width
                    text: modelData.name.replace("&", "&&") // not a mnemonic
                    highlighted: ListView.isCurrentItem
                    focusPolicy: Qt.NoFocus
                    onClicked: { navigation.currentIndex = index; navigation.forceActiveFocus() }
                    ToolTip.visible: hovered
                    ToolTip.delay: 800
                    ToolTip.text: qsTr("%1 (Ctrl+%2)").arg(modelData.plan).arg(index + 1)
                }
                // Visible focus: a frame around the list while the arrows move in it.
                Rectangle {
                    anchors.fill: parent
                    color: "transparent"
                    border.color: Theme.accent
                    border.width: 1
                    visible: navigation.activeFocus
                }
            }
            // Light or dark whatever the system says; kept for the next start.
            ComboBox {
                id: themePicker
                objectName: "themePicker"
                Layout.fillWidth: true
                Layout.margins: Theme.gap
                textRole: "text"
                valueRole: "value"
                model: [
                    { text: qsTr("System theme"), value: "system" },
                    { text: qsTr("Light theme"), value: "light" },
                    { text: qsTr("Dark theme"), value: "dark" }
                ]
                currentIndex: window.appearance.modes.indexOf(window.appearance.mode)
                onActivated: window.appearance.choose(currentValue)
            }
        }

        ToolSeparator {
            orientation: Qt.Vertical
            Layout.fillHeight: true
        }

        StackLayout {
            id: pages
            objectName: "pages"
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: navigation.currentIndex

            OverviewView { title: window.views[0].name; workbench: window.workbench; status: window.status }
            NamespacesView { id: namespacesPage; title: window.views[1].name; workbench: window.workbench }
            DispatcherView { id: dispatcherPage; title: window.views[2].name; workbench: window.workbench }
            RoutingView { title: window.views[3].name; workbench: window.workbench }
            PlansView { title: window.views[4].name; workbench: window.workbench }
            AnalyticsView { title: window.views[5].name; workbench: window.workbench }
            TailView { title: window.views[6].name; workbench: window.workbench }
            PlaygroundView { title: window.views[7].name; workbench: window.workbench }
            VersionsView { title: window.views[8].name; workbench: window.workbench }
        }
    }

    footer: ColumnLayout {
        spacing: 0
        // Only while a shared store cannot be reached (an invisible item takes no room).
        Pane {
            objectName: "storeBanner"
            visible: !window.status.storeAvailable
            Layout.fillWidth: true
            padding: Theme.gap + 2
            background: Rectangle { color: Theme.warningFill }
            Label {
                width: parent.width
                wrapMode: Text.Wrap
                color: Theme.warning
                text: window.status.storeProblem
            }
        }
        Label {
            padding: Theme.gap + 2
            text: qsTr("Switchyard %1 · V8 %2").arg(window.status.version).arg(window.status.engineVersion)
            opacity: 0.7
        }
    }
}
