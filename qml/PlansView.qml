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
    // Deletes take effect at once; the banner offers the newest one back for ten seconds.
    property alias undoBanner: undoBanner
    function deleteEntry(table, key, errorLabel) {
        errorLabel.text = platform.kvDelete(table, key)
        if (errorLabel.text === "") {
            undoBanner.offer(qsTr("Deleted %1 from %2").arg(key).arg(table), () => {
                errorLabel.text = view.platform.restoreKv(table, key)
                return errorLabel.text
            })
        }
        return errorLabel.text
    }

    KvEntryModel { id: plans; platform: view.platform; title: view.platform.plansTable; kind: KvEntryModel.Plans }
    KvEntryModel { id: customers; platform: view.platform; title: view.platform.customersTable; kind: KvEntryModel.Customers }
    // The tables in the order their headers ask for.
    SortedRows { id: sortedPlans; rows: plans }
    SortedRows { id: sortedCustomers; rows: customers }
    property alias sortedPlans: sortedPlans
    property alias sortedCustomers: sortedCustomers

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
        UndoBanner { id: undoBanner; objectName: "undoBanner"; Layout.fillWidth: true }
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
                        id: planList
                        objectName: "planList"
                        anchors.fill: parent
                        clip: true
                        model: sortedPlans
                        ScrollBar.vertical: ScrollBar {}
                        headerPositioning: ListView.OverlayHeader
                        // Column widths, and those the user dragged a title's edge to.
                        property var dragged: ({})
                        function w(i) { return dragged[i] !== undefined ? dragged[i] : [128, 80][i] }
                        function resize(i, width) { let d = Object.assign({}, dragged); d[i] = width; dragged = d }
                        header: Rectangle {
                            z: 2
                            width: ListView.view.width
                            height: 26
                            color: palette.alternateBase
                            RowLayout {
                                anchors.fill: parent
                                spacing: 5 // a RowLayout's default, as in the rows
                                // The delegates' left padding (6) before the same column widths as their rows.
                                SortableHeader {
                                    text: qsTr("plan"); leftPadding: 6; Layout.preferredWidth: planList.w(0) + 6; Layout.fillHeight: true
                                    sorted: sortedPlans.sortRoleName === "key"; descending: sortedPlans.descending
                                    onClicked: sortedPlans.sortBy("key")
                                    onResized: width => planList.resize(0, Math.max(40, width - 6))
                                }
                                SortableHeader {
                                    text: qsTr("CPU ms"); Layout.preferredWidth: planList.w(1); Layout.fillHeight: true
                                    sorted: sortedPlans.sortRoleName === "cpuMs"; descending: sortedPlans.descending
                                    onClicked: sortedPlans.sortBy("cpuMs")
                                    onResized: width => planList.resize(1, width)
                                }
                                SortableHeader {
                                    text: qsTr("subrequests"); Layout.fillWidth: true; Layout.minimumWidth: 0; Layout.fillHeight: true
                                    sorted: sortedPlans.sortRoleName === "subRequests"; descending: sortedPlans.descending
                                    onClicked: sortedPlans.sortBy("subRequests")
                                }
                            }
                        }
                        delegate: ItemDelegate {
                            required property string key
                            required property int cpuMs
                            required property int subRequests
                            required property string problem
                            width: ListView.view.width
                            onClicked: { planName.text = key; cpuField.text = cpuMs; subField.text = subRequests }
                            contentItem: RowLayout {
                                Label { text: key; font.bold: true; Layout.preferredWidth: planList.w(0); Layout.minimumWidth: 40; elide: Text.ElideRight }
                                Label { text: problem === "" ? cpuMs : ""; Layout.preferredWidth: planList.w(1); elide: Text.ElideRight }
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
                        id: customerList
                        objectName: "customerList"
                        anchors.fill: parent
                        clip: true
                        model: sortedCustomers
                        ScrollBar.vertical: ScrollBar {}
                        headerPositioning: ListView.OverlayHeader
                        property var dragged: ({})
                        function w(i) { return dragged[i] !== undefined ? dragged[i] : [140, 100][i] }
                        function resize(i, width) { let d = Object.assign({}, dragged); d[i] = width; dragged = d }
                        header: Rectangle {
                            z: 2
                            width: ListView.view.width
                            height: 26
                            color: palette.alternateBase
                            RowLayout {
                                anchors.fill: parent
                                spacing: 5
                                SortableHeader {
                                    text: qsTr("customer"); leftPadding: 6; Layout.preferredWidth: customerList.w(0) + 6; Layout.fillHeight: true
                                    sorted: sortedCustomers.sortRoleName === "key"; descending: sortedCustomers.descending
                                    onClicked: sortedCustomers.sortBy("key")
                                    onResized: width => customerList.resize(0, Math.max(40, width - 6))
                                }
                                SortableHeader {
                                    text: qsTr("plan"); Layout.preferredWidth: customerList.w(1); Layout.fillHeight: true
                                    sorted: sortedCustomers.sortRoleName === "value"; descending: sortedCustomers.descending
                                    onClicked: sortedCustomers.sortBy("value")
                                    onResized: width => customerList.resize(1, width)
                                }
                                Item { Layout.fillWidth: true }
                            }
                        }
                        delegate: ItemDelegate {
                            required property string key
                            required property string value
                            required property string problem
                            width: ListView.view.width
                            onClicked: { customerField.text = key; planPicker.editText = value }
                            contentItem: RowLayout {
                                Label { text: key; font.bold: true; Layout.preferredWidth: customerList.w(0); Layout.minimumWidth: 40; elide: Text.ElideRight }
                                Label { text: "→ " + value; Layout.preferredWidth: customerList.w(1); Layout.minimumWidth: 40; elide: Text.ElideRight }
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
