import CNcursesw

/// Turns what `wget_wch` returns into a `Key`. nil for keys the console does not use.
enum CursesKeys {
    static func key(code: Int32, value: wint_t) -> Key? {
        if code == bm_key_code_yes() {
            switch Int32(value) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE: return .backspace
            case KEY_ENTER: return .enter
            case let f where f > bm_key_f0() && f <= bm_key_f0() + 12: return .function(Int(f - bm_key_f0()))
            default: return nil
            }
        }
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(value) + 0x60)))
        default:
            guard let scalar = Unicode.Scalar(UInt32(value)), value >= 0x20 else { return nil }
            return .character(Character(scalar))
        }
    }
}
