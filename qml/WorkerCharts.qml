import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchyard
import Switchyard.Models

// One Worker's recent activity above its editor: requests, errors, CPU time and limit
// violations per bucket over the last ten minutes, each chart naming the value under the
// pointer. Folds to its title line to give the editor the room.
ColumnLayout {
    id: strip
    required property Workbench workbench
    // Empty for a platform Worker (the dispatcher).
    property string namespaceName
    property string workerName
    property bool expanded: true
    property alias activity: activity
    spacing: Theme.gap

    WorkerActivityModel {
        id: activity
        feed: strip.workbench.traces
        platform: strip.workbench.platform
        namespaceName: strip.namespaceName
        workerName: strip.workerName
    }

    component Chart: ColumnLayout {
        property alias values: line.values
        property alias unit: line.unit
        property alias color: line.color
        property alias bars: line.bars
        property alias chart: line
        property alias bucketSeconds: line.bucketSeconds
        property string heading
        property string total
        spacing: 2
        Layout.fillWidth: true
        Layout.preferredWidth: 1 // the four share the width equally
        Label {
            text: heading + " · " + total
            font.pixelSize: Theme.smallSize
            opacity: 0.8
            elide: Text.ElideRight
            Layout.fillWidth: true
            Layout.minimumWidth: 0
        }
        Sparkline {
            id: line
            Layout.fillWidth: true
            Layout.preferredHeight: 36
        }
    }

    ToolButton {
        objectName: "chartsToggle"
        text: (strip.expanded ? "▾ " : "▸ ")
              + (strip.workerName !== ""
                 ? qsTr("%1, last %2 min").arg(strip.workerName).arg(Math.round(activity.bucketSeconds * activity.bucketCount / 60))
                 : qsTr("Activity"))
        font.pixelSize: Theme.smallSize
        enabled: strip.workerName !== ""
        onClicked: strip.expanded = !strip.expanded
    }
    RowLayout {
        visible: strip.expanded && strip.workerName !== ""
        Layout.fillWidth: true
        spacing: Theme.section
        Chart {
            objectName: "workerRequestChart"
            bucketSeconds: activity.bucketSeconds
            heading: qsTr("Requests")
            total: activity.requests
            values: activity.requestSeries
            unit: qsTr("requests")
        }
        Chart {
            objectName: "workerErrorChart"
            bucketSeconds: activity.bucketSeconds
            heading: qsTr("Errors")
            total: activity.errors
            values: activity.errorSeries
            unit: qsTr("errors")
            color: Theme.chartBad
        }
        Chart {
            objectName: "workerCpuChart"
            bucketSeconds: activity.bucketSeconds
            heading: qsTr("CPU time")
            total: activity.cpuMs + " ms"
            values: activity.cpuSeries
            unit: "ms"
        }
        Chart {
            objectName: "workerViolationChart"
            bucketSeconds: activity.bucketSeconds
            heading: qsTr("Limit violations")
            total: activity.violations
            values: activity.violationSeries
            unit: qsTr("violations")
            color: Theme.chartBad
            bars: true
        }
    }
}
