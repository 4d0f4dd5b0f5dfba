import BookingCore
import Foundation
import Synchronization

/// What the last push's queues parsed from, by title: each queue's segment of the body
/// (`{"Title":…,"Customers":[…]}`) as its length and a keyed hash of its bytes. The
/// Orchestrator answers every booking event by pushing all queues again, and a rebuilt push
/// differs from the last in a queue or a few: a segment whose bytes hash as before is not read
/// again, and its queue is the previous one, storage and all (so the store and the console
/// see it unchanged at once).
///
/// A content cache, not a copy of the monitor's state: bytes that hash alike parsed to that
/// queue whatever became of the push, so pushes racing each other cannot mislead it. The hash
/// is SipHash (Swift's `Hasher`, seeded per process) over a per-process random salt: the
/// Orchestrator cannot aim two segments at one hash, and a chance collision (2⁻⁶⁴ a segment,
/// with the lengths equal) is out of reach.
struct QueueSegments: Sendable {
    struct Segment: Sendable {
        var length: Int
        var hash: Int
        var queue: CustomerQueue
    }

    var byTitle: [TitleKey: Segment] = [:]

    static let none = QueueSegments()

    private static let salt = UInt64.random(in: .min ... .max)

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(salt)
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        return hasher.finalize()
    }

    /// The known segment of `title`, if `bytes` holds it, byte for byte, from `start`.
    func segment(of title: TitleKey, in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Segment? {
        guard let segment = byTitle[title], segment.length <= bytes.count - start,
              Self.hash(UnsafeBufferPointer(rebasing: bytes[start..<start + segment.length])) == segment.hash
        else { return nil }
        return segment
    }
}

/// The segments of the last push that parsed, shared by the set-queue handlers.
final class LastPushSegments: Sendable {
    private let segments = Mutex(QueueSegments.none)

    var current: QueueSegments { segments.withLock { $0 } }

    func replace(with next: QueueSegments) { segments.withLock { $0 = next } }
}
