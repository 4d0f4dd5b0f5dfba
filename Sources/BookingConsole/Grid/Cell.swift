/// One terminal column. A double-width character occupies its cell and the next one, which is
/// a continuation (empty `symbol`, width 0) that backends skip.
public struct Cell: Sendable, Hashable {
    public var symbol: String
    public var width: UInt8
    public var style: Style

    public init(symbol: String, width: UInt8 = 1, style: Style = .plain) {
        self.symbol = symbol
        self.width = width
        self.style = style
    }

    public static let blank = Cell(symbol: " ")
    public static func continuation(_ style: Style) -> Cell { Cell(symbol: "", width: 0, style: style) }

    public var isContinuation: Bool { width == 0 }
}
