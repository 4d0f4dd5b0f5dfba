import Foundation

/// A carried title that a queued one equals only after normalization: «Йод» in NFD against a
/// product's «Йод» in NFC, `"Идиот "` against `"Идиот"`, `"идиот"` against `"Идиот"`. The
/// Orchestrator compares titles by their bytes, so such a queue is not booked here (booking it
/// would send an event naming a title the Orchestrator has no order for); the operator is told
/// why instead of seeing the queue merely dimmed.
public struct NearTitle: Sendable, Equatable {
    /// The normalization steps the two titles need to become equal.
    public struct Differences: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Canonically equivalent, in other Unicode forms (NFC against NFD).
        public static let unicodeForm = Differences(rawValue: 1)
        /// Upper against lower case.
        public static let letterCase = Differences(rawValue: 2)
        /// Leading or trailing whitespace.
        public static let whitespace = Differences(rawValue: 4)
    }

    /// The carried (product) title.
    public var carried: String
    public var differences: Differences

    public init(carried: String, differences: Differences) {
        self.carried = carried
        self.differences = differences
    }

    /// "Unicode form and case"
    public var kinds: String {
        var words: [String] = []
        if differences.contains(.unicodeForm) { words.append("Unicode form") }
        if differences.contains(.letterCase) { words.append("case") }
        if differences.contains(.whitespace) { words.append("spacing") }
        return words.count <= 1 ? words.joined()
            : words.dropLast().joined(separator: ", ") + " and " + words[words.count - 1]
    }

    /// "differs in Unicode form and case"
    public var difference: String { "differs in " + kinds }

    /// "not carried here — near «Йод» (differs in Unicode form)"
    public var reason: String { "not carried here — near «\(carried)» (\(difference))" }
}

/// The carried titles of a group by their normalized form, to find the near match of a queued
/// title that is not carried. Pure: built from titles, asked with a title.
public struct NearTitles: Sendable {
    private let carried: Set<TitleKey>
    /// Normalized form → the carried titles with it, in byte order.
    private let byNormalized: [TitleKey: [String]]

    public init(carried: some Sequence<TitleKey>) {
        let carried = Set(carried)
        var byNormalized: [TitleKey: [String]] = [:]
        for key in carried {
            byNormalized[TitleKey(Self.normalize(key.title)), default: []].append(key.title)
        }
        for (key, titles) in byNormalized where titles.count > 1 {
            byNormalized[key] = titles.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        self.carried = carried
        self.byNormalized = byNormalized
    }

    /// The carried title `queued` equals after normalization, and how they differ; nil when
    /// `queued` is carried as it is (byte for byte), or when nothing carried comes near it.
    public func near(_ queued: String) -> NearTitle? {
        guard !carried.contains(TitleKey(queued)),
              let candidates = byNormalized[TitleKey(Self.normalize(queued))] else { return nil }
        // Several carried titles may normalize alike («Йод» and «йод»): the closest one, then
        // the first in byte order.
        var best: NearTitle?
        for candidate in candidates {
            let differences = Self.differences(queued, candidate)
            if best.map({ differences.rawValue.nonzeroBitCount < $0.differences.rawValue.nonzeroBitCount }) ?? true {
                best = NearTitle(carried: candidate, differences: differences)
            }
        }
        return best
    }

    /// NFC, without leading and trailing whitespace, case-folded (and NFC again: folding may
    /// leave a decomposed form).
    public static func normalize(_ title: String) -> String {
        normalize(title, skipping: [])
    }

    static func normalize(_ title: String, skipping: NearTitle.Differences) -> String {
        var text = title
        if !skipping.contains(.unicodeForm) { text = text.precomposedStringWithCanonicalMapping }
        if !skipping.contains(.whitespace) { text = text.trimmingCharacters(in: .whitespacesAndNewlines) }
        if !skipping.contains(.letterCase) {
            text = text.folding(options: .caseInsensitive, locale: nil)
            if !skipping.contains(.unicodeForm) { text = text.precomposedStringWithCanonicalMapping }
        }
        return text
    }

    /// The steps without which `a` and `b` (equal when normalized) would differ. When no single
    /// step is needed (two steps each bridge the gap), the steps that change either title.
    static func differences(_ a: String, _ b: String) -> NearTitle.Differences {
        let all: NearTitle.Differences = [.unicodeForm, .letterCase, .whitespace]
        let steps: [NearTitle.Differences] = [.unicodeForm, .letterCase, .whitespace]
        var needed: NearTitle.Differences = []
        for step in steps where !TitleKey.same(normalize(a, skipping: step), normalize(b, skipping: step)) {
            needed.insert(step)
        }
        guard needed.isEmpty else { return needed }
        for step in steps {
            let only = all.subtracting(step)
            if !TitleKey.same(normalize(a, skipping: only), a) || !TitleKey.same(normalize(b, skipping: only), b) {
                needed.insert(step)
            }
        }
        return needed
    }
}
