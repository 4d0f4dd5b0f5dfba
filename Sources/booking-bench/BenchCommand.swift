import ArgumentParser
import Foundation

/// Benchmarks for BENCHMARKS.md. Each figure is measured beside a baseline in the same run, so
/// the ratio holds on a noisy shared machine. Build with `-c release`.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booking-bench",
        abstract: "Measure booking-monitor against baselines taken in the same run.",
        subcommands: [LatencyBench.self, ThroughputBench.self, IngestBench.self, ReadBench.self, MemoryBench.self,
                      FrameBench.self, SharedBench.self, BulkBench.self, LoopBench.self]
    )
}

/// Percentiles of a sample, in the sample's unit.
struct Percentiles {
    var p50: Double
    var p90: Double
    var p99: Double
    var count: Int

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        func at(_ q: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        p50 = at(0.50)
        p90 = at(0.90)
        p99 = at(0.99)
        count = sorted.count
    }
}

func elapsed(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func format(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

func machine() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("model name") }?
        .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu)"
}
