import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

// Plans (name -> CPU ms and subrequests per invocation) and which customer is on which plan,
// edited in the KV namespaces the dispatcher reads them from.
Pane {
    id: view
    objectName: "plansView"
    required property Workbench workbench
    property string title
    readonly property PlatformController platform: workbench.platform
    padding: Theme.margin
    // The last delete, for one Undo: {table, key, value}.
    property var undo: null
    function deleteEntry(table, key, errorLabel) {
        const value = platform.kvValue(table, key)
        errorLabel.text = platform.kvDelete(table, key)
        if (errorLabel.text === "")
            undo = { table: table, key: key, value: value }
    }
    function undoDelete() {
        if (undo)
            planError.text = platform.kvPut(undo.table, undo.key, undo.value)
        undo = null
    }

    KvEntryModel { id: plans; platform: view.platform; title: view.platform.plansTable; kind: KvEntryModel.Plans }
    KvEntryModel { id: customers; platform: view.platform; title: view.platform.customersTable; kind: KvEntryModel.Customers }

    function submitPlan() {
        planError.text = platform.setPlan(planName.text, cpuField.text, subField.text)
        return planError.text
    }
    function submitCustomer() {
        customerError.text = platform.setCustomer(customerField.text, planPicker.editText)
        return customerError.text
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.section
        ViewHeader { text: view.title }
        Note {
            text: qsTr("The dispatcher reads a customer's plan from %1 and the plan's limits from %2, and passes them as custom limits to the customer's Worker.")
                    .arg(view.platform.customersTable).arg(view.platform.plansTable)
                  + " " + qsTr("A Worker's plan:… tag is only a label: the plan that sets its limits is the one named here.")
        }
        RowLayout {
            Layout.fillWidth: true
            visible: view.undo !== null
            Label {
                text: view.undo ? qsTr("Deleted %1 from %2").arg(view.undo.key).arg(view.undo.table) : ""
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Button { objectName: "undoPlansButton"; text: qsTr("Undo"); onClicked: view.undoDelete() }
            ToolButton { text: "✕"; onClicked: view.undo = null }
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.margin

            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Label { text: qsTr("Plans"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        anchors.fill: parent
                        clip: true
                        model: plans
                        header: RowLayout {
                            width: ListView.view.width
                            // The delegates' left padding (6) before the same column widths as their rows.
                            Label { text: qsTr("plan"); Layout.preferredWidth: 134; leftPadding: 6; opacity: 0.6 }
                            Label { text: qsTr("CPU ms"); Layout.preferredWidth: 80; opacity: 0.6 }
                            Label { text: qsTr("subrequests"); Layout.fillWidth: true; opacity: 0.6 }
                        }
                        delegate: ItemDelegate {
                            required property string key
                            required property int cpuMs
                            required property int subRequests
                            required property string problem
                            width: ListView.view.width
                            onClicked: { planName.text = key; cpuField.text = cpuMs; subField.text = subRequests }
                            contentItem: RowLayout {
                                Label { text: key; font.bold: true; Layout.preferredWidth: 128; Layout.minimumWidth: 60; elide: Text.ElideRight }
                                Label { text: problem === "" ? cpuMs : ""; Layout.preferredWidth: 80 }
                                Label { text: problem === "" ? subRequests : problem; color: problem === "" ? palette.text : Theme.error; elide: Text.ElideRight; Layout.fillWidth: true; Layout.minimumWidth: 30 }
                                ToolButton { text: qsTr("Delete"); onClicked: view.deleteEntry(view.platform.plansTable, key, planError) }
                            }
                        }
                    }
                }
                RowLayout {
                    TextField { id: planName; objectName: "planName"; placeholderText: qsTr("plan"); Layout.fillWidth: true; Layout.minimumWidth: 80 }
                    TextField {
                        id: cpuField
                        objectName: "cpuField"
                        placeholderText: qsTr("CPU ms")
                        Layout.preferredWidth: 80
                        validator: IntValidator { bottom: 1 }
                    }
                    TextField {
                        id: subField
                        objectName: "subField"
                        placeholderText: qsTr("subrequests")
                        Layout.preferredWidth: 95
                        validator: IntValidator { bottom: 1 }
                    }
                    Button { text: qsTr("Save plan"); enabled: planCheck.text === ""; onClicked: view.submitPlan() }
                }
                Label {
                    id: planCheck
                    text: planName.text === "" && cpuField.text === "" && subField.text === "" ? ""
                          : view.platform.checkPlan(planName.text, cpuField.text, subField.text)
                    color: Theme.warning; visible: text !== ""; wrapMode: Text.Wrap; Layout.fillWidth: true
                }
                ErrorText { id: planError }
            }

            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Label { text: qsTr("Customers"); font.bold: true }
                Frame {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    padding: 0
                    ListView {
                        anchors.fill: parent
                        clip: true
                        model: customers
                        delegate: ItemDelegate {
                            required property string key
                            required property string value
                            required property string problem
                            width: ListView.view.width
                            onClicked: { customerField.text = key; planPicker.editText = value }
                            contentItem: RowLayout {
                                Label { text: key; font.bold: true; Layout.preferredWidth: 140; Layout.minimumWidth: 60; elide: Text.ElideRight }
                                Label { text: "→ " + value; Layout.preferredWidth: 100; Layout.minimumWidth: 50; elide: Text.ElideRight }
                                Label { text: problem; color: Theme.error; elide: Text.ElideRight; Layout.fillWidth: true; Layout.minimumWidth: 0 }
                                ToolButton { text: qsTr("Delete"); onClicked: view.deleteEntry(view.platform.customersTable, key, customerError) }
                            }
                        }
                    }
                }
                RowLayout {
                    TextField { id: customerField; objectName: "customerField"; placeholderText: qsTr("customer (Worker name)"); Layout.fillWidth: true; Layout.minimumWidth: Theme.fieldMinWidth }
                    ComboBox {
                        id: planPicker
                        objectName: "planPicker"
                        editable: true
                        model: plans.count >= 0 ? view.platform.planNames() : []
                        Layout.preferredWidth: 130
                    }
                    Button { text: qsTr("Save customer"); enabled: customerCheck.text === ""; onClicked: view.submitCustomer() }
                }
                Label {
                    id: customerCheck
                    text: customerField.text === "" ? "" : view.platform.checkCustomer(customerField.text, planPicker.editText)
                    color: Theme.warning; visible: text !== ""; wrapMode: Text.Wrap; Layout.fillWidth: true
                }
                ErrorText { id: customerError }
            }
        }
    }
}
