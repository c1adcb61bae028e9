import QtQuick
import QtQuick.Controls
import Switchyard

// A small line (or bar) chart of the numbers in `values`, oldest first and the last one now,
// scaled to the largest (or to `maximum` when set). Hovering shows the value under the pointer
// and how long ago it was, and marks its point.
Canvas {
    id: chart
    property var values: []
    property real maximum: 0
    property color color: Theme.chart
    property bool bars: false
    // What one value is: `unit` after it ("req/s"), as a percentage of 1, and seconds per value.
    property string unit
    property bool percent: false
    property int decimals: 0
    property int bucketSeconds: 1
    readonly property int hoveredIndex: {
        const n = values.length
        if (!hover.hovered || n === 0 || width <= 0)
            return -1
        const x = hover.point.position.x
        const i = bars ? Math.floor(x / (width / n)) : Math.round(x / (n > 1 ? width / (n - 1) : width))
        return Math.max(0, Math.min(n - 1, i))
    }
    readonly property string hoveredText: {
        if (hoveredIndex < 0)
            return ""
        const v = Number(values[hoveredIndex])
        const shown = percent ? (v * 100).toFixed(1) + " %" : v.toFixed(decimals) + (unit ? " " + unit : "")
        const ago = (values.length - 1 - hoveredIndex) * bucketSeconds
        return ago === 0 ? qsTr("%1, now").arg(shown) : qsTr("%1, %2 s ago").arg(shown).arg(ago)
    }
    implicitHeight: 48
    onHoveredIndexChanged: requestPaint()
    onValuesChanged: requestPaint()
    onWidthChanged: requestPaint()
    onHeightChanged: requestPaint()

    onPaint: {
        const ctx = getContext("2d")
        ctx.reset()
        const n = values.length
        if (n === 0)
            return
        let top = maximum
        for (let i = 0; i < n; ++i)
            top = Math.max(top, values[i])
        if (top <= 0)
            top = 1
        ctx.strokeStyle = Qt.rgba(color.r, color.g, color.b, 0.25)
        ctx.beginPath(); ctx.moveTo(0, height - 0.5); ctx.lineTo(width, height - 0.5); ctx.stroke()
        if (bars) {
            const w = width / n
            for (let i = 0; i < n; ++i) {
                const h = (values[i] / top) * (height - 2)
                ctx.fillStyle = i === hoveredIndex ? Theme.accent : color
                ctx.fillRect(i * w + 1, height - h, Math.max(1, w - 2), h)
            }
            return
        }
        const step = n > 1 ? width / (n - 1) : width
        ctx.beginPath()
        for (let i = 0; i < n; ++i) {
            const x = i * step
            const y = height - 1 - (values[i] / top) * (height - 2)
            if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y)
        }
        ctx.lineWidth = 1.5
        ctx.strokeStyle = color
        ctx.stroke()
        ctx.lineTo(width, height); ctx.lineTo(0, height); ctx.closePath()
        ctx.fillStyle = Qt.rgba(color.r, color.g, color.b, 0.15)
        ctx.fill()
        if (hoveredIndex >= 0) {
            const x = hoveredIndex * step
            const y = height - 1 - (values[hoveredIndex] / top) * (height - 2)
            ctx.strokeStyle = Qt.rgba(color.r, color.g, color.b, 0.5)
            ctx.lineWidth = 1
            ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, height); ctx.stroke()
            ctx.fillStyle = color
            ctx.beginPath(); ctx.arc(x, y, 3, 0, 2 * Math.PI); ctx.fill()
        }
    }

    HoverHandler { id: hover }
    ToolTip {
        visible: chart.hoveredIndex >= 0
        text: chart.hoveredText
        delay: 0
        x: Math.min(Math.max(0, hover.point.position.x - width / 2), chart.width - width)
        y: -height - 4
    }
}
