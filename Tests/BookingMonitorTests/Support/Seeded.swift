import Foundation
import Synchronization

/// A small seeded generator (SplitMix64), so a generated test case that fails is reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs `body` with the process's LC_CTYPE set to C.UTF-8, then restores it. The locale is
/// process-wide and tests run in parallel: every test that changes it goes through here.
func withUTF8Locale<T>(_ body: () throws -> T) throws -> T {
    try localeLock.withLock { _ in
        let saved = String(cString: setlocale(LC_CTYPE, nil))
        defer { setlocale(LC_CTYPE, saved) }
        guard setlocale(LC_CTYPE, "C.UTF-8") != nil else { throw LocaleUnavailable() }
        return try body()
    }
}

struct LocaleUnavailable: Error, CustomStringConvertible {
    var description: String { "the C.UTF-8 locale is not available" }
}

private let localeLock = Mutex(())
