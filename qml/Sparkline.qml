import QtQuick
import Switchyard

// A small line (or bar) chart of the numbers in `values`, scaled to the largest (or to
// `maximum` when set).
Canvas {
    id: chart
    property var values: []
    property real maximum: 0
    property color color: Theme.chart
    property bool bars: false
    implicitHeight: 48
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
            ctx.fillStyle = color
            for (let i = 0; i < n; ++i) {
                const h = (values[i] / top) * (height - 2)
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
    }
}
