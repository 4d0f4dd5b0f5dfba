/// A rectangle on the grid.
public struct Rect: Sendable, Hashable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// Inside the border.
    public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }
}

/// Where each part of the screen goes, as a pure function of the terminal size. The reducer
/// uses it too (page size, keeping the selection visible), so it lives apart from drawing.
///
/// Wide terminals (≥ 120 columns) put Products on the left and Queues over Activity on the
/// right; narrower ones put Products on top and Queues beside Activity below.
public struct Layout: Sendable, Hashable {
    public static let minimum = Size(width: 60, height: 16)
    public static let headerRows = 2

    public var size: Size
    public var header: Rect
    public var products: Rect
    public var queues: Rect
    public var activity: Rect
    public var message: Rect
    public var footer: Rect

    public var isTooSmall: Bool { size.width < Self.minimum.width || size.height < Self.minimum.height }

    public init(size: Size) {
        self.size = size
        let w = size.width, h = size.height
        header = Rect(x: 0, y: 0, width: w, height: Self.headerRows)
        message = Rect(x: 0, y: h - 2, width: w, height: 1)
        footer = Rect(x: 0, y: h - 1, width: w, height: 1)
        let top = Self.headerRows
        let body = max(0, h - Self.headerRows - 2)
        if w >= 120 {
            let left = w * 3 / 5
            products = Rect(x: 0, y: top, width: left, height: body)
            let upper = body / 2
            queues = Rect(x: left, y: top, width: w - left, height: upper)
            activity = Rect(x: left, y: top + upper, width: w - left, height: body - upper)
        } else {
            let upper = max(3, body * 11 / 20)
            products = Rect(x: 0, y: top, width: w, height: upper)
            let half = w / 2
            queues = Rect(x: 0, y: top + upper, width: half, height: body - upper)
            activity = Rect(x: half, y: top + upper, width: w - half, height: body - upper)
        }
    }

    public func rect(_ pane: Pane) -> Rect {
        switch pane {
        case .products: return products
        case .queues: return queues
        case .activity: return activity
        }
    }

    /// List rows visible in a pane: inside the border, less Products' column header.
    public func listRows(_ pane: Pane) -> Int {
        max(0, rect(pane).inner.height - (pane == .products ? 1 : 0))
    }
}

/// Where a view (`Enter`, `c`) goes: the whole space of the three panes, in one box.
public struct ViewLayout: Sendable, Hashable {
    public var box: Rect

    public init(size: Size) {
        box = Rect(x: 0, y: Layout.headerRows, width: size.width, height: size.height - Layout.headerRows - 2)
    }

    /// Lines of content visible inside the box.
    public var bodyRows: Int { box.inner.height }
}
