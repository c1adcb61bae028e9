import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

// A platform Worker's versions: which serve now and in what shares, the diff of any two, and
// deployments (one version at 100 %, a split of two, rollback) that the next request follows.
Pane {
    id: view
    objectName: "versionsView"
    required property Workbench workbench
    property string title
    property alias versions: versions
    property alias diff: diff
    padding: Theme.margin

    // The Worker shown: the active dispatcher until another is picked.
    property string chosenWorker: ""
    DispatcherController { id: activeDispatcher; platform: view.workbench.platform }
    Component.onCompleted: chosenWorker = activeDispatcher.name !== "" ? activeDispatcher.name : (versions.workerNames[0] ?? "")

    WorkerVersionsModel {
        id: versions
        platform: view.workbench.platform
        workerName: view.chosenWorker
        // Newest against the one before it, again whenever a version comes or goes.
        onCountChanged: view.comparePicks(1, 0)
        onWorkerNameChanged: view.comparePicks(1, 0)
    }
    VersionDiffModel {
        id: diff
        platform: view.workbench.platform
        workerName: versions.workerName
    }

    function comparePicks(from, to) {
        fromPicker.currentIndex = Math.min(from, versions.count - 1)
        toPicker.currentIndex = Math.min(to, versions.count - 1)
        // A canary by default: the one before keeps most requests, the newest takes the rest.
        splitFirst.currentIndex = Math.min(1, versions.count - 1)
        splitSecond.currentIndex = Math.min(0, versions.count - 1)
        showDiff()
    }
    function showDiff() {
        diff.fromVersion = versions.versionIdAt(fromPicker.currentIndex)
        diff.toVersion = versions.versionIdAt(toPicker.currentIndex)
    }
    // Each deployment says what it did, or why it was refused, under the versions.
    function report(refusal, done) {
        deployError.text = refusal
        deployNote.text = refusal === "" ? done : ""
        if (refusal === "")
            messageField.text = ""
    }
    function deploy(versionId) {
        const label = versions.labelOf(versionId)
        report(versions.deploy(versionId, messageField.text),
               qsTr("Deployed %1 to 100 % — the next request runs it").arg(label))
    }
    function deploySplit() {
        const first = versions.versionIdAt(splitFirst.currentIndex)
        const second = versions.versionIdAt(splitSecond.currentIndex)
        report(versions.deploySplit(first, splitPercent.value, second, messageField.text),
               qsTr("Split: %1 at %2 %, %3 at %4 %").arg(versions.labelOf(first)).arg(splitPercent.value)
               .arg(versions.labelOf(second)).arg(100 - splitPercent.value))
    }
    function rollback() {
        const label = versions.labelOf(versions.rollbackVersion)
        report(versions.rollback(messageField.text), qsTr("Rolled back to %1").arg(label))
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        ViewHeader { text: view.title }
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Label { text: qsTr("Platform Worker") }
            ComboBox {
                id: workerPicker
                objectName: "workerPicker"
                model: versions.workerNames
                Layout.preferredWidth: 220
                Layout.minimumWidth: Theme.fieldMinWidth
                currentIndex: versions.workerNames.indexOf(view.chosenWorker)
                onActivated: view.chosenWorker = currentText
            }
            Label {
                objectName: "servingLabel"
                Layout.fillWidth: true
                Layout.minimumWidth: 0
                elide: Text.ElideRight
                text: versions.servingText !== "" ? qsTr("Serving: %1").arg(versions.servingText)
                                                  : qsTr("No deployment")
            }
            Button {
                objectName: "rollbackButton"
                text: qsTr("Roll back")
                enabled: versions.rollbackVersion !== ""
                onClicked: view.rollback()
                ToolTip.visible: hovered
                ToolTip.delay: 800
                ToolTip.text: versions.rollbackVersion !== ""
                              ? qsTr("Deploy %1 to 100 %, the last version that served alone").arg(versions.labelOf(versions.rollbackVersion))
                              : qsTr("No earlier deployment of one version")
            }
        }
        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ColumnLayout {
                SplitView.preferredWidth: Math.max(340, view.width * 0.42)
                SplitView.minimumWidth: 320
                spacing: Theme.gap
                Label { text: qsTr("Versions (newest first)"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.rightMargin: Theme.spacing
                    padding: Theme.gap
                    ListView {
                        id: versionList
                        objectName: "versionList"
                        anchors.fill: parent
                        clip: true
                        model: versions
                        spacing: Theme.gap
                        ScrollBar.vertical: ScrollBar {}
                        delegate: RowLayout {
                            id: versionRow
                            required property string versionId
                            required property string label
                            required property string triggeredBy
                            required property string source
                            required property var created
                            required property real percentage
                            width: ListView.view.width
                            spacing: Theme.spacing
                            ColumnLayout {
                                Layout.fillWidth: true
                                Layout.minimumWidth: 0
                                spacing: 0
                                Label {
                                    Layout.fillWidth: true
                                    text: versionRow.label
                                    elide: Text.ElideRight
                                    font.bold: versionRow.percentage > 0
                                }
                                Label {
                                    Layout.fillWidth: true
                                    text: [versionRow.triggeredBy, versionRow.source,
                                           Qt.formatDateTime(versionRow.created, "yyyy-MM-dd hh:mm:ss")]
                                          .filter(part => part !== "").join(" · ")
                                    elide: Text.ElideRight
                                    font.pixelSize: Theme.smallSize
                                    color: Theme.muted
                                }
                            }
                            Label {
                                objectName: "shareLabel"
                                text: versionRow.percentage > 0 ? qsTr("%1 %").arg(versionRow.percentage) : ""
                                color: Theme.success
                                font.bold: true
                            }
                            Button {
                                objectName: "deployVersionButton"
                                property string versionId: versionRow.versionId
                                text: qsTr("Deploy")
                                enabled: versionRow.percentage < 100
                                onClicked: view.deploy(versionRow.versionId)
                            }
                        }
                        Label { anchors.centerIn: parent; visible: versions.count === 0; text: qsTr("No versions"); opacity: 0.6 }
                    }
                }
                TextField {
                    id: messageField
                    objectName: "deployMessageField"
                    Layout.fillWidth: true
                    Layout.rightMargin: Theme.spacing
                    placeholderText: qsTr("Deployment message (optional)")
                }
                Label { text: qsTr("Gradual deployment"); font.bold: true; Layout.topMargin: Theme.gap }
                GridLayout {
                    Layout.fillWidth: true
                    Layout.rightMargin: Theme.spacing
                    columns: 3
                    columnSpacing: Theme.spacing
                    rowSpacing: Theme.gap
                    ComboBox {
                        id: splitFirst
                        objectName: "splitFirstPicker"
                        Layout.fillWidth: true
                        Layout.minimumWidth: Theme.fieldMinWidth
                        model: versions
                        textRole: "label"
                    }
                    SpinBox {
                        id: splitPercent
                        objectName: "splitPercent"
                        from: 1
                        to: 99
                        value: 90
                        editable: true
                    }
                    Label { text: qsTr("%") }
                    ComboBox {
                        id: splitSecond
                        objectName: "splitSecondPicker"
                        Layout.fillWidth: true
                        Layout.minimumWidth: Theme.fieldMinWidth
                        model: versions
                        textRole: "label"
                    }
                    Label {
                        Layout.alignment: Qt.AlignHCenter
                        text: qsTr("%1").arg(100 - splitPercent.value)
                    }
                    Label { text: qsTr("%") }
                }
                Button {
                    objectName: "deploySplitButton"
                    text: qsTr("Deploy split")
                    enabled: versions.count >= 2 && splitFirst.currentIndex !== splitSecond.currentIndex
                    onClicked: view.deploySplit()
                }
                ErrorText { id: deployError; objectName: "deployError"; Layout.rightMargin: Theme.spacing }
                Note { id: deployNote; objectName: "deployNote"; kind: Note.Success; Layout.rightMargin: Theme.spacing }
            }

            ColumnLayout {
                SplitView.fillWidth: true
                SplitView.minimumWidth: 320
                spacing: Theme.gap
                RowLayout {
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.spacing
                    spacing: Theme.spacing
                    Label { text: qsTr("Compare"); font.bold: true }
                    ComboBox {
                        id: fromPicker
                        objectName: "diffFromPicker"
                        Layout.fillWidth: true
                        Layout.minimumWidth: 80
                        model: versions
                        textRole: "label"
                        onActivated: view.showDiff()
                    }
                    Label { text: "→" }
                    ComboBox {
                        id: toPicker
                        objectName: "diffToPicker"
                        Layout.fillWidth: true
                        Layout.minimumWidth: 80
                        model: versions
                        textRole: "label"
                        onActivated: view.showDiff()
                    }
                }
                RowLayout {
                    Layout.leftMargin: Theme.spacing
                    spacing: Theme.spacing
                    Label { objectName: "addedLabel"; text: qsTr("+%1").arg(diff.added); color: Theme.success; font.bold: true }
                    Label { objectName: "removedLabel"; text: qsTr("−%1").arg(diff.removed); color: Theme.error; font.bold: true }
                    Label { text: qsTr("lines"); color: Theme.muted }
                }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.leftMargin: Theme.spacing
                    padding: 0
                    ListView {
                        id: diffList
                        objectName: "diffList"
                        anchors.fill: parent
                        clip: true
                        model: diff
                        boundsBehavior: Flickable.StopAtBounds
                        // Lines keep their indentation: the view scrolls sideways rather than wrap.
                        contentWidth: Math.max(width, diffMetrics.width)
                        flickableDirection: Flickable.AutoFlickIfNeeded
                        ScrollBar.vertical: ScrollBar {}
                        ScrollBar.horizontal: ScrollBar {}
                        TextMetrics { id: diffMetrics; font.family: Theme.mono; font.pixelSize: Theme.codeSize; text: "M".repeat(160) }
                        delegate: Rectangle {
                            id: diffRow
                            required property string kind
                            required property string text
                            required property int oldLine
                            required property int newLine
                            width: ListView.view.contentWidth
                            height: line.implicitHeight + (kind === "module" ? Theme.spacing : 0)
                            color: kind === "added" ? Theme.successFill
                                 : kind === "removed" ? Theme.errorFill
                                 : kind === "module" ? palette.alternateBase : "transparent"
                            Label {
                                id: line
                                anchors.verticalCenter: parent.verticalCenter
                                x: Theme.gap
                                font.family: Theme.mono
                                font.pixelSize: Theme.codeSize
                                font.bold: diffRow.kind === "module"
                                color: diffRow.kind === "hunk" ? Theme.accent : palette.text
                                textFormat: Text.PlainText
                                text: diffRow.kind === "module" || diffRow.kind === "hunk" || diffRow.kind === "binary"
                                      ? diffRow.text
                                      : "%1 %2 %3 %4".arg(diffRow.oldLine > 0 ? String(diffRow.oldLine).padStart(4) : "    ")
                                                     .arg(diffRow.newLine > 0 ? String(diffRow.newLine).padStart(4) : "    ")
                                                     .arg(diffRow.kind === "added" ? "+" : diffRow.kind === "removed" ? "-" : " ")
                                                     .arg(diffRow.text)
                            }
                        }
                        Label {
                            objectName: "diffNote"
                            anchors.centerIn: parent
                            width: parent.width - 2 * Theme.margin
                            horizontalAlignment: Text.AlignHCenter
                            wrapMode: Text.Wrap
                            visible: diff.note !== ""
                            text: diff.note
                            opacity: 0.6
                        }
                    }
                }
            }
        }
    }
}
