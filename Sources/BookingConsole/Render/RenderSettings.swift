import Foundation

/// What the screen shows besides the monitor's state: how to draw, and facts about the process.
public struct RenderSettings: Sendable {
    public var ascii: Bool
    public var color: Bool
    public var readonly: Bool
    /// `host:port` of the HTTP endpoint, for the header.
    public var httpAddress: String
    /// Times on screen are wall-clock times in this zone.
    public var timeZone: TimeZone
    public var palette: Palette

    public init(ascii: Bool = false, color: Bool = true, readonly: Bool = false, httpAddress: String = "",
                timeZone: TimeZone = .current, palette: Palette = .dark) {
        self.palette = palette
        self.ascii = ascii
        self.color = color
        self.readonly = readonly
        self.httpAddress = httpAddress
        self.timeZone = timeZone
    }

    public var theme: Theme { Theme(ascii: ascii, color: color, palette: palette) }
}

/// Times and ages as the console prints them.
enum TimeText {
    /// `HH:mm:ss` in `zone`, without a formatter (cheap enough for every visible row).
    static func time(_ date: Date, in zone: TimeZone) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: date)
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return String(format: "%02d:%02d:%02d", day / 3600, day % 3600 / 60, day % 60)
    }

    /// `12-01 10:20:30` in `zone`: history spans days.
    static func date(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.month, .day], from: date)
        return String(format: "%02d-%02d ", parts.month ?? 0, parts.day ?? 0) + time(date, in: zone)
    }

    /// `45s`, `12m`, `3h`, `2d`.
    static func age(from date: Date, to now: Date) -> String {
        let s = max(0, Int(now.timeIntervalSince(date)))
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }
}
