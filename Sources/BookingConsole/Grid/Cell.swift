/// One terminal column. A double-width character occupies its cell and the next one, which is
/// a continuation (empty `symbol`, width 0) that backends skip.
///
/// The symbol is stored inline as up to five Unicode scalars, what one curses cell holds
/// (`CCHARW_MAX`): a cell is a plain value with no reference to count, so a 200×50 grid is
/// built, copied and compared without allocating. Nearly every symbol is one scalar; a letter
/// with combining marks or an emoji sequence takes more, and scalars past the fifth are
/// dropped, as curses drops them.
public struct Cell: Sendable, Hashable {
    /// Scalars 0–2, 21 bits each, the first in the lowest bits.
    private var low: UInt64
    /// Scalars 3–4 in bits 0..<42; the number of scalars in the top three bits.
    private var high: UInt64
    public var width: UInt8
    public var style: Style

    public static let maxScalars = 5

    public init(symbol: String, width: UInt8 = 1, style: Style = .plain) {
        self.low = 0
        self.high = 0
        self.width = width
        self.style = style
        for scalar in symbol.unicodeScalars { append(scalar) }
    }

    /// A one-scalar symbol, the common case.
    public init(_ scalar: Unicode.Scalar, width: UInt8 = 1, style: Style = .plain) {
        self.low = UInt64(scalar.value)
        self.high = 1 << 61
        self.width = width
        self.style = style
    }

    public static let blank = Cell(" ")
    public static func continuation(_ style: Style) -> Cell { Cell(symbol: "", width: 0, style: style) }

    public var isContinuation: Bool { width == 0 }

    /// How many scalars the symbol has (0 for a continuation).
    public var scalarCount: Int { Int(high >> 61) }

    /// The symbol's first scalar; meaningful when `scalarCount > 0`.
    public var firstScalar: Unicode.Scalar { Unicode.Scalar(UInt32(truncatingIfNeeded: low & Self.mask))! }

    public func scalar(at index: Int) -> Unicode.Scalar {
        precondition(index >= 0 && index < scalarCount)
        let bits = index < 3 ? low >> (21 * index) : high >> (21 * (index - 3))
        return Unicode.Scalar(UInt32(truncatingIfNeeded: bits & Self.mask))!
    }

    public var symbol: String {
        var text = ""
        for index in 0..<scalarCount { text.unicodeScalars.append(scalar(at: index)) }
        return text
    }

    /// Adds a scalar to the symbol (a combining mark to its base); past the fifth, dropped.
    public mutating func append(_ scalar: Unicode.Scalar) {
        let count = scalarCount
        guard count < Self.maxScalars else { return }
        let value = UInt64(scalar.value)
        if count < 3 {
            low |= value << (21 * count)
        } else {
            high |= value << (21 * (count - 3))
        }
        high = (high & ~(7 << 61)) | UInt64(count + 1) << 61
    }

    private static let mask: UInt64 = (1 << 21) - 1
}
