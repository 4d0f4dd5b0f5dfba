import ArgumentParser
import Foundation
import BookingCore
import Logging

/// `--log-format`: how log lines look on stderr.
enum LogFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// swift-log's own lines (`2026-12-01T20:30:00+0000 info booking-monitor: …`); under systemd
    /// (stderr is `$JOURNAL_STREAM`) without the timestamp, with a syslog `<N>` priority prefix
    /// journald reads as the entry's level.
    case text
    /// One JSON object a line: `time`, `level`, `label`, `message`, then the metadata fields
    /// (`booking`, `product`, `customer`, …) at the top level.
    case json
}

/// Writes one line per log event to stderr, in a form an operator's tools read.
struct OperatorLogHandler: LogHandler {
    enum Style: Sendable { case json, journal }

    let label: String
    let style: Style
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let own = event.metadata { fields.merge(own) { $1 } }
        let line: String
        switch style {
        case .json: line = Self.json(event: event, label: label, fields: fields)
        case .journal: line = Self.journal(event: event, label: label, fields: fields)
        }
        Self.writeLine(line)
    }

    /// `{"time":"…","level":"info","label":"booking-monitor","message":"…","booking":"…"}`;
    /// a field named like one of the first four gets a `field.` prefix rather than hiding it.
    static func json(event: LogEvent, label: String, fields: Logger.Metadata, now: Date = Date()) -> String {
        var out = "{\"time\":\(quote(timestamp(now))),\"level\":\(quote(event.level.rawValue))"
        out += ",\"label\":\(quote(label)),\"message\":\(quote(event.message.description))"
        for key in fields.keys.sorted() {
            let name = ["time", "level", "label", "message"].contains(key) ? "field.\(key)" : key
            out += ",\(quote(name)):\(value(fields[key]!))"
        }
        return out + "}"
    }

    /// `<6>info booking-monitor: message booking=…`: journald adds the time and reads `<6>`.
    static func journal(event: LogEvent, label: String, fields: Logger.Metadata) -> String {
        let extra = fields.keys.sorted().map { "\($0)=\(fields[$0]!)" }.joined(separator: " ")
        return "<\(priority(event.level))>\(event.level.rawValue) \(label): \(event.message)" + (extra.isEmpty ? "" : " \(extra)")
    }

    /// syslog(3) priorities, as sd-daemon(3) prefixes read by journald.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func value(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .stringConvertible(let convertible): return quote(convertible.description)
        case .array(let values): return "[" + values.map { Self.value($0) }.joined(separator: ",") + "]"
        case .dictionary(let values):
            return "{" + values.keys.sorted().map { "\(quote($0)):\(Self.value(values[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String { JSONObject.quote(text) }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// One write(2) per line, so lines from several threads never interleave.
    static func writeLine(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { if errno == EINTR { continue } else { return } }
            offset += written
        }
    }

    /// True when stderr is the journal stream systemd set up for this service
    /// (`$JOURNAL_STREAM` is `device:inode` of that stream; a child with other stderr keeps it).
    static func stderrIsJournal(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
