import BookingCore
import Foundation
import Synchronization

/// What the last push's queues parsed from, in its order: each queue's segment of the body
/// (`{"Title":…,"Customers":[…]}`) as its length and a keyed hash of its bytes. The
/// Orchestrator answers every booking event by pushing all queues again, and a rebuilt push
/// differs from the last in a queue or a few: a segment whose bytes hash as before is not read
/// again, and its queue is the previous one, storage and all (so the store and the console
/// see it unchanged at once).
///
/// A content cache, not a copy of the monitor's state: bytes that hash alike parsed to that
/// queue whatever became of the push, so pushes racing each other cannot mislead it.
struct QueueSegments: Sendable {
    struct Segment: Sendable {
        var length: Int
        var hash: UInt64
        var queue: CustomerQueue
    }

    /// In the order of their push, which had no title twice.
    var segments: [Segment] = []

    static let none = QueueSegments()

    /// The known segment at `position` of the last push, or else of the same title (built on
    /// first use into `byTitle`), if `bytes` holds it, byte for byte, from `start`.
    func segment(at position: Int, title: String, byTitle: inout [TitleKey: Int]?,
                 in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Segment? {
        let candidate: Segment
        if position < segments.count, TitleKey.same(segments[position].queue.title, title) {
            candidate = segments[position]
        } else {
            if byTitle == nil {
                byTitle = Dictionary(segments.indices.map { (TitleKey(segments[$0].queue.title), $0) },
                                     uniquingKeysWith: { first, _ in first })
            }
            guard let index = byTitle?[TitleKey(title)] else { return nil }
            candidate = segments[index]
        }
        guard candidate.length <= bytes.count - start,
              SegmentHash.of(UnsafeBufferPointer(rebasing: bytes[start..<start + candidate.length])) == candidate.hash
        else { return nil }
        return candidate
    }
}

/// A 64-bit keyed hash of a segment's bytes, 16 bytes a step through a 128-bit multiply (the
/// folded-multiply construction of wyhash). Swift's `Hasher` (SipHash) took a fifth of a push's
/// time over 22 MB; this takes a few milliseconds. Not a defence against someone choosing
/// bytes to collide (whoever may push can push any queues anyway); the key is random per
/// process, and for bytes that merely differ a collision is a 2⁻⁶⁴ chance per segment, with the
/// lengths and titles equal as well.
enum SegmentHash {
    private static let key = UInt64.random(in: .min ... .max) | 1
    private static let k1: UInt64 = 0xe703_7ed1_a0b4_28db, k2: UInt64 = 0x8ebc_6af0_9c88_c6e3

    @inline(__always) private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var state = key ^ mix(UInt64(raw.count) ^ k1, key ^ k2)
        var offset = 0
        while offset + 16 <= raw.count {
            let a = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let b = raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
            state = mix(a ^ k1, b ^ state)
            offset += 16
        }
        var a: UInt64 = 0, b: UInt64 = 0
        for index in offset..<raw.count {
            let byte = UInt64(raw[index])
            if index - offset < 8 { a |= byte << (8 * (index - offset)) } else { b |= byte << (8 * (index - offset - 8)) }
        }
        return mix(k1 ^ UInt64(raw.count - offset), mix(a ^ k2, b ^ state))
    }
}

/// The segments of the last push that parsed, shared by the set-queue handlers.
final class LastPushSegments: Sendable {
    private let segments = Mutex(QueueSegments.none)

    var current: QueueSegments { segments.withLock { $0 } }

    func replace(with next: QueueSegments) { segments.withLock { $0 = next } }
}
