import Foundation

/// A title as the Orchestrator compares it: by its UTF-8 bytes, as .NET's ordinal comparison
/// does when it groups orders into queues and finds the order an event names
/// (../shared/wire-contract.md). Swift's `String ==` and `String` hashing call canonically
/// equivalent strings equal: «Йод» in NFC and in NFD would be one key, and a product titled in
/// one form would be booked for the queue of the other. Every dictionary, set and comparison
/// keyed by a title goes through this (or `TitleKey.same`).
public struct TitleKey: Hashable, Sendable, CustomStringConvertible {
    public let title: String

    @inlinable public init(_ title: String) {
        self.title = title
    }

    public var description: String { title }

    @inlinable public static func == (lhs: TitleKey, rhs: TitleKey) -> Bool {
        same(lhs.title, rhs.title)
    }

    @inlinable public func hash(into hasher: inout Hasher) {
        Self.hash(title, into: &hasher)
    }

    /// True when `a` and `b` have the same UTF-8 bytes.
    @inlinable public static func same(_ a: String, _ b: String) -> Bool {
        let left = a.utf8, right = b.utf8
        guard left.count == right.count else { return false }
        // Native strings (every string here) are contiguous UTF-8, small ones included.
        let compared = left.withContiguousStorageIfAvailable { l in
            right.withContiguousStorageIfAvailable { r in
                l.isEmpty || memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0
            }
        }
        if let compared = compared ?? nil { return compared }
        return left.elementsEqual(right)
    }

    /// Feeds `title`'s UTF-8 bytes (and their count, so a key inside a larger one stays
    /// unambiguous) to `hasher`.
    @inlinable public static func hash(_ title: String, into hasher: inout Hasher) {
        let bytes = title.utf8
        let done: Void? = bytes.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in bytes { hasher.combine(byte) }
        }
        hasher.combine(bytes.count)
    }
}

extension String {
    /// This title as a dictionary or set key that compares bytes (`TitleKey`).
    @inlinable public var titleKey: TitleKey { TitleKey(self) }
}
