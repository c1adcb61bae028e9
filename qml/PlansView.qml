import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard.Models

// Plans (name -> CPU ms and subrequests per invocation) and which customer is on which plan,
// edited in the KV namespaces the dispatcher reads them from.
Pane {
    id: view
    objectName: "plansView"
    required property Workbench workbench
    property string title
    readonly property PlatformController platform: workbench.platform

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
        spacing: 10
        ViewHeader { text: view.title }
        Label {
            text: qsTr("The dispatcher reads a customer's plan from %1 and the plan's limits from %2, and passes them as custom limits to the customer's Worker.")
                    .arg(view.platform.customersTable).arg(view.platform.plansTable)
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
                            Label { text: qsTr("plan"); Layout.preferredWidth: 140; leftPadding: 12; opacity: 0.6 }
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
                                Label { text: key; font.bold: true; Layout.preferredWidth: 128 }
                                Label { text: problem === "" ? cpuMs : ""; Layout.preferredWidth: 80 }
                                Label { text: problem === "" ? subRequests : problem; color: problem === "" ? palette.text : "#c62828"; Layout.fillWidth: true }
                                ToolButton { text: qsTr("Delete"); onClicked: planError.text = view.platform.kvDelete(view.platform.plansTable, key) }
                            }
                        }
                    }
                }
                RowLayout {
                    TextField { id: planName; objectName: "planName"; placeholderText: qsTr("plan"); Layout.fillWidth: true }
                    TextField {
                        id: cpuField
                        objectName: "cpuField"
                        placeholderText: qsTr("CPU ms")
                        Layout.preferredWidth: 90
                        validator: IntValidator { bottom: 1 }
                    }
                    TextField {
                        id: subField
                        objectName: "subField"
                        placeholderText: qsTr("subrequests")
                        Layout.preferredWidth: 100
                        validator: IntValidator { bottom: 1 }
                    }
                    Button { text: qsTr("Save plan"); enabled: planCheck.text === ""; onClicked: view.submitPlan() }
                }
                Label {
                    id: planCheck
                    text: planName.text === "" && cpuField.text === "" && subField.text === "" ? ""
                          : view.platform.checkPlan(planName.text, cpuField.text, subField.text)
                    color: "#b26a00"; visible: text !== ""; wrapMode: Text.Wrap; Layout.fillWidth: true
                }
                ErrorText { id: planError; Layout.fillWidth: true }
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
                                Label { text: key; font.bold: true; Layout.preferredWidth: 140; elide: Text.ElideRight }
                                Label { text: "→ " + value; Layout.preferredWidth: 120 }
                                Label { text: problem; color: "#c62828"; elide: Text.ElideRight; Layout.fillWidth: true }
                                ToolButton { text: qsTr("Delete"); onClicked: customerError.text = view.platform.kvDelete(view.platform.customersTable, key) }
                            }
                        }
                    }
                }
                RowLayout {
                    TextField { id: customerField; objectName: "customerField"; placeholderText: qsTr("customer (Worker name)"); Layout.fillWidth: true }
                    ComboBox {
                        id: planPicker
                        objectName: "planPicker"
                        editable: true
                        model: plans.count >= 0 ? view.platform.planNames() : []
                        Layout.preferredWidth: 150
                    }
                    Button { text: qsTr("Save customer"); enabled: customerCheck.text === ""; onClicked: view.submitCustomer() }
                }
                Label {
                    id: customerCheck
                    text: customerField.text === "" ? "" : view.platform.checkCustomer(customerField.text, planPicker.editText)
                    color: "#b26a00"; visible: text !== ""; wrapMode: Text.Wrap; Layout.fillWidth: true
                }
                ErrorText { id: customerError; Layout.fillWidth: true }
            }
        }
    }
}
