/// Text whose every scalar is a grapheme cluster of its own and one column wide: ASCII, Latin,
/// Cyrillic, common punctuation, arrows and box drawing. Nearly all text on the screen is such
/// (titles, ids, borders), and it can be laid out one scalar per cell, without the grapheme
/// breaking and width lookups that `Character` iteration costs. Anything else (combining
/// marks, wide characters, emoji, a CR that could pair with LF) takes the general path; the
/// two paths give the same cells (see ConsoleGridTests).
enum SimpleText {
    /// Scalars whose grapheme break property is Other, Control or LF (so a cluster boundary
    /// falls on both sides of each, whatever its neighbours) and whose width is one column.
    /// Controls are drawn as `?`, also one column.
    @inline(__always)
    static func isSimple(_ value: UInt32) -> Bool {
        switch value {
        case 0..<0x300: return value != 0x0D // CR: CR LF is one cluster
        case 0x400...0x482, 0x48A...0x52F: return true // Cyrillic, without its combining marks
        case 0x2010...0x2027, 0x2030...0x205E: return true // punctuation: dashes, quotes, …, ‰
        case 0x2100...0x214F, 0x2190...0x21FF: return true // letterlike (№), arrows
        case 0x2500...0x25FC: return true // box drawing, blocks, geometric shapes (25FD–25FE are wide)
        default: return false
        }
    }

    /// The number of scalars (= columns) when the first `limit` scalars of `text` are all
    /// simple, nil otherwise. Past `limit` the text is not looked at and the count is `limit`.
    @inline(__always)
    static func count(_ text: some StringProtocol, upTo limit: Int = .max) -> Int? {
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < limit else { return count }
            guard isSimple(scalar.value) else { return nil }
            count += 1
        }
        return count
    }
}
