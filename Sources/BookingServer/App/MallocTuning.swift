#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc, told to give large buffers back. By default glibc raises its mmap threshold
/// to the size of every large block freed (up to 32 MiB) and its trim threshold to twice that:
/// after the first 23 MB set-queue body is freed, later bodies, parse arrays and encoded
/// answers of that size come from the per-thread arenas, and what they leave there when freed
/// stays resident. With 100,000 products and a 1M-entry push that was 51 MB of the 160 MB RSS
/// (BENCHMARKS.md, "Memory"), more or less depending on which threads ran which request.
/// A fixed threshold turns the adjustment off: a block of `threshold` bytes or more is mapped
/// on its own and unmapped when freed; smaller ones use the arenas as before.
public enum MallocTuning {
    public static let threshold: Int32 = 1 << 20

    /// Sets the fixed thresholds; true when glibc took them (false elsewhere). Call before
    /// the first large allocation (the catalog's parse).
    @discardableResult
    public static func giveLargeBlocksBack() -> Bool {
        #if canImport(Glibc)
        return glibcMallopt(mmapThreshold, threshold) == 1 && glibcMallopt(trimThreshold, threshold) == 1
        #else
        return false
        #endif
    }
}

#if canImport(Glibc)
// <malloc.h> is not in the Glibc module; these are its `mallopt` and parameter numbers.
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
private let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
#endif
