@testable import BookingServer
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Malloc tuning: large blocks go back to the system")
struct MallocTuningTests {
    /// glibc's default raises its mmap threshold to the size of a mapped block when it is freed,
    /// so the second 8 MiB block of a row comes from an arena and stays resident when freed
    /// (what kept 51 MB of a 1M-entry push). With the tuning every such block is mapped.
    /// Checked in a fresh process (this test bundle again, running only the check): in the
    /// suite's own process earlier tests leave free chunks in the arenas that a block may be
    /// served from whatever the threshold, as the first full-suite run showed.
    @Test("two 8 MiB blocks allocated and freed in turn are both mapped on their own", .enabled(if: Self.isGlibc))
    func largeBlocksAreMapped() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        child.arguments = ["--testing-library", "swift-testing", "--filter", "MallocTuningTests/inAFreshProcess"]
        child.environment = ProcessInfo.processInfo.environment.merging(["BM_MALLOC_CHECK": "1"]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = output
        try child.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(child.terminationStatus == 0, "\(text)")
        #expect(text.contains("Test run with 1 test") && text.contains("passed"), "\(text)")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["BM_MALLOC_CHECK"] == "1"))
    func inAFreshProcess() throws {
        #if canImport(Glibc)
        #expect(MallocTuning.giveLargeBlocksBack())
        for _ in 0..<2 {
            let block = try #require(malloc(8 << 20))
            memset(block, 1, 8 << 20)
            // glibc's chunk header, the word before the block: bit 1 of the size is IS_MMAPPED.
            let size = block.load(fromByteOffset: -MemoryLayout<Int>.size, as: Int.self)
            #expect(size & 2 != 0)
            free(block)
        }
        #endif
    }

    static var isGlibc: Bool {
        #if canImport(Glibc)
        true
        #else
        false
        #endif
    }
}
