import Foundation

/// Bookings per minute over the last hour, for the header's sparkline. Seeded from the
/// store's history at start (so a restart keeps the last hour), then fed the growth of the
/// monitor's booking total on each snapshot: a few integers, whatever the number of products.
public struct BookingRate: Sendable, Hashable {
    public static let minutes = 60

    /// Bookings by minute (seconds since 1970 / 60); only the last hour is kept.
    private var counts: [Int: Int] = [:]

    public init() {}

    /// `times`: when each booking of the last hour was made (the history's booking entries).
    public init(bookedAt times: [Date], now: Date) {
        for time in times { record(1, at: time, now: now) }
    }

    static func minute(_ date: Date) -> Int { Int((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// Adds `count` bookings made at `time`; drops minutes older than the hour before `now`.
    public mutating func record(_ count: Int, at time: Date, now: Date) {
        let current = Self.minute(now)
        let minute = Self.minute(time)
        guard count > 0, minute > current - Self.minutes, minute <= current else { return prune(current) }
        counts[minute, default: 0] += count
        prune(current)
    }

    private mutating func prune(_ current: Int) {
        guard counts.count > Self.minutes else { return }
        counts = counts.filter { $0.key > current - Self.minutes }
    }

    /// The last 60 minutes, oldest first; the last is the minute `now` is in.
    public func perMinute(now: Date) -> [Int] {
        let current = Self.minute(now)
        return (0..<Self.minutes).map { counts[current - Self.minutes + 1 + $0] ?? 0 }
    }

    /// The hour in `columns` buckets (60, 30, 20, 15, 12, …: a divisor of 60), oldest first,
    /// each the sum of its minutes.
    public func buckets(_ columns: Int, now: Date) -> [Int] {
        let size = Self.minutes / max(1, columns)
        let minutes = perMinute(now: now)
        return stride(from: 0, to: Self.minutes, by: max(1, size)).map { start in
            minutes[start..<min(Self.minutes, start + size)].reduce(0, +)
        }
    }

    /// Bookings in the last hour.
    public func total(now: Date) -> Int { perMinute(now: now).reduce(0, +) }
}
