@testable import BookingServer
import BookingCore

/// The set-queue reader on a whole body: its queues, or nil where it hands over to Foundation.
enum SetQueueParser {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [CustomerQueue]? {
        parse(bytes, known: .none)?.queues
    }

    /// The queues, with this push's segments, and how many queues were the previous ones.
    static func parse(_ bytes: UnsafeRawBufferPointer, known: QueueSegments)
        -> (queues: [CustomerQueue], segments: QueueSegments, reused: Int)? {
        guard case .parsed(let queues, let segments, let reused) = SetQueueStream.parse(bytes, known: known) else { return nil }
        return (queues, segments, reused)
    }
}
