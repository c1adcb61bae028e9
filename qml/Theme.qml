pragma Singleton
import QtQuick

// The one place for colours, spacing and type. Light or dark follows the system palette (the
// window colour's lightness), so the views never name a colour of their own.
QtObject {
    id: theme
    readonly property SystemPalette system: SystemPalette { colorGroup: SystemPalette.Active }
    readonly property bool dark: system.window.hslLightness < 0.5

    // Meaning, not decoration: what went wrong, what needs a look, what was applied.
    readonly property color error: dark ? "#ef9a9a" : "#c62828"
    readonly property color warning: dark ? "#ffcc80" : "#a35400"
    readonly property color success: dark ? "#a5d6a7" : "#2e7d32"
    readonly property color accent: dark ? "#90caf9" : "#1976d2"
    readonly property color errorFill: dark ? "#4a1f1f" : "#ffebee"
    readonly property color successFill: dark ? "#1f3a22" : "#e8f5e9"
    readonly property color warningFill: dark ? "#4a3514" : "#fff3e0"
    readonly property color chart: accent
    readonly property color chartBad: dark ? "#ef5350" : "#e53935"
    readonly property color muted: system.placeholderText
    // Behind the code editor's text: every find match, and a bracket with its partner.
    readonly property color findMatch: dark ? "#5c4a14" : "#fff59d"
    readonly property color bracketMatch: dark ? "#2f4f6f" : "#c5e1f5"
    // The code editor's added cursors: their carets over the text, their selections behind it.
    readonly property color caret: system.text
    readonly property color cursorSelection: dark ? "#264f78" : "#add6ff"

    readonly property int gap: 4 // between parts of one control group
    readonly property int spacing: 8 // between controls
    readonly property int section: 12 // between groups
    readonly property int margin: 16 // around a view

    readonly property int titleSize: 20
    readonly property int headingSize: 14
    readonly property int smallSize: 11
    readonly property int codeSize: 13
    readonly property string mono: "monospace"

    // Narrowest a text field may become before its row wraps: room for a short host or name.
    readonly property int fieldMinWidth: 120
    readonly property int sidebarWidth: 180
    // The code editor's completion list: its width and the height of one suggestion.
    readonly property int completionWidth: 380
    readonly property int completionRow: 26
}
