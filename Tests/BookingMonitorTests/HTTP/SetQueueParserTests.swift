@testable import BookingServer
import BookingCore
import Foundation
import Testing

/// The byte-level set-queue parser against the Foundation decoders it stands in front of: on
/// every input it either answers exactly what they answer, or leaves the input to them.
@Suite("set-queue body: the byte-level parser agrees with Foundation")
struct SetQueueParserTests {
    static func fast(_ json: String) -> [CustomerQueue]? {
        Array(json.utf8).withUnsafeBytes(SetQueueParser.parse)
    }

    static func foundation(_ json: String) -> Result<[CustomerQueue], InputError> {
        Result { () throws(InputError) in try SetQueueBody.decodeWithFoundation(Data(json.utf8)) }
    }

    /// What `SetQueueBody.decode` answered before the parser existed: Foundation, then the
    /// title check.
    static func before(_ json: String) -> Result<[CustomerQueue], InputError> {
        Result { () throws(InputError) in
            let queues = try SetQueueBody.decodeWithFoundation(Data(json.utf8))
            try SetQueueBody.validate(queues)
            return queues
        }
    }

    static func now(_ json: String) -> Result<[CustomerQueue], InputError> {
        Result { () throws(InputError) in try SetQueueBody.decode(Data(json.utf8)) }
    }

    /// The parser's answer, when it gives one, is Foundation's; and `decode` answers (or fails)
    /// exactly as before.
    static func agree(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if let parsed = fast(json) {
            #expect(foundation(json) == .success(parsed), "\(json)", sourceLocation: sourceLocation)
        }
        #expect(now(json) == before(json), "\(json)", sourceLocation: sourceLocation)
    }

    // MARK: Taken by the parser

    static let parsed: [(String, [CustomerQueue])] = [
        ("[]", []),
        (" \n\t\r[ \n ] \r\n", []),
        (#"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":1},{"CustomerId":3}]}]"#,
         [CustomerQueue(title: "Война и мир. Том 1", customers: [1, 3])]),
        (#"[{"Customers":[{"CustomerId":2}],"Title":"b"}]"#, [CustomerQueue(title: "b", customers: [2])]),
        (#"[{"Title":"","Customers":[]}]"#, [CustomerQueue(title: "", customers: [])]),
        ("[ {\n \"Title\" :\t\"a\" ,\r\n \"Customers\" : [ { \"CustomerId\" : -7 } , {\"CustomerId\":0} ] } ]",
         [CustomerQueue(title: "a", customers: [-7, 0])]),
        (#"[{"Title":"a","Customers":[{"CustomerId":2147483647},{"CustomerId":-2147483648}]}]"#,
         [CustomerQueue(title: "a", customers: [Int32.max, Int32.min])]),
        (#"[{"Title":"q\"b\\s\/ \b\f\n\r\t","Customers":[]}]"#,
         [CustomerQueue(title: "q\"b\\s/ \u{8}\u{C}\n\r\t", customers: [])]),
        (#"[{"Title":"\u0416\u00e9\u20AC\u0000x","Customers":[]}]"#,
         [CustomerQueue(title: "Жé€\u{0}x", customers: [])]),
        (#"[{"Title":"\ud83d\ude00 and \uD834\uDD1E","Customers":[]}]"#,
         [CustomerQueue(title: "😀 and 𝄞", customers: [])]),
        (#"[{"Title":"三体 🙂 e\#u{301} ｶﾀｶﾅ","Customers":[{"CustomerId":5}]}]"#,
         [CustomerQueue(title: "三体 🙂 e\u{301} ｶﾀｶﾅ", customers: [5])]),
        (#"[{"Title":"a","Customers":[]},{"Title":"b","Customers":[{"CustomerId":1}]}]"#,
         [CustomerQueue(title: "a", customers: []), CustomerQueue(title: "b", customers: [1])]),
    ]

    @Test("the Orchestrator's shape is parsed, escapes and whitespace included", arguments: 0..<parsed.count)
    func parsesTheShape(_ index: Int) {
        let (json, expected) = Self.parsed[index]
        #expect(Self.fast(json) == expected, "\(json)")
        Self.agree(json)
    }

    @Test("a repeated title is left to Foundation, then refused by the same check as before")
    func repeatedTitle() {
        let json = #"[{"Title":"a","Customers":[]},{"Title":"a","Customers":[{"CustomerId":1}]}]"#
        #expect(Self.fast(json) == nil)
        #expect(Self.now(json) == .failure(InputError(field: "[1].title", message: "repeats the title of entry 0")))
        Self.agree(json)
    }

    // MARK: Left to Foundation

    static let leftToFoundation: [String] = [
        // Other key casing, unknown or repeated keys, escaped keys.
        #"[{"title":"a","customers":[{"customerId":1}]}]"#,
        #"[{"TITLE":"a","Customers":[{"CustomerId":1}]}]"#,
        #"[{"Title":"a","Customers":[{"customerid":1}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":1}],"Extra":true}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":1,"Name":"x"}]}]"#,
        #"[{"Title":"a","Title":"b","Customers":[]}]"#,
        #"[{"Title":"a","Customers":[],"Customers":[{"CustomerId":1}]}]"#,
        #"[{"Ti\u0074le":"a","Customers":[]}]"#,
        // Missing or mistyped fields.
        #"[{"Customers":[{"CustomerId":1}]}]"#,
        #"[{"Title":"a"}]"#,
        #"[{}]"#,
        #"[{"Title":null,"Customers":[]}]"#,
        #"[{"Title":1,"Customers":[]}]"#,
        #"[{"Title":"a","Customers":null}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":"1"}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":null}]}]"#,
        #"[{"Title":"a","Customers":[{}]}]"#,
        #"[{"Title":"a","Customers":[1]}]"#,
        #"{"Title":"a","Customers":[]}"#,
        // Numbers that are not plain Int32 integers.
        #"[{"Title":"a","Customers":[{"CustomerId":2147483648}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":-2147483649}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":30000000000000000000}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":1.0}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":1.5}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":1e3}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":1E3}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":-0}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":01}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":+1}]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":-}]}]"#,
        // Strings: lone surrogates, bad escapes, raw control characters.
        #"[{"Title":"\ud83d","Customers":[]}]"#,
        #"[{"Title":"\ud83dx","Customers":[]}]"#,
        #"[{"Title":"\ud83d\u0041","Customers":[]}]"#,
        #"[{"Title":"\ude00","Customers":[]}]"#,
        #"[{"Title":"\x","Customers":[]}]"#,
        #"[{"Title":"\u12","Customers":[]}]"#,
        #"[{"Title":"\u12G4","Customers":[]}]"#,
        "[{\"Title\":\"a\tb\",\"Customers\":[]}]",
        "[{\"Title\":\"a\nb\",\"Customers\":[]}]",
        // Syntax.
        "",
        " ",
        "[",
        "[{",
        #"[{"Title": "#,
        #"[{"Title":"a","Customers":[]},]"#,
        #"[{"Title":"a","Customers":[{"CustomerId":1},]}]"#,
        #"[{"Title":"a","Customers":[]}] x"#,
        #"[{"Title":"a","Customers":[]}][]"#,
        #"[{"Title":"a" "Customers":[]}]"#,
        #"[{"Title":"a","Customers":[{"CustomerId" 1}]}]"#,
        #"[{"Title":'a',"Customers":[]}]"#,
        "\u{FEFF}[]",
        "[\u{A0}]",
        "[\u{B}]",
        "null",
    ]

    @Test("input the parser is not sure about goes to Foundation, with the same result or error",
          arguments: 0..<leftToFoundation.count)
    func leavesToFoundation(_ index: Int) {
        let json = Self.leftToFoundation[index]
        #expect(Self.fast(json) == nil, "\(json)")
        Self.agree(json)
    }

    @Test("an element that is not an object is named as one (a dictionary is a Collection, not \"an array\")",
          arguments: [("[[]]", "[0]", "must be an object"), ("[1]", "[0]", "must be an object"),
                      (#"[{"Title":"a","Customers":[1]}]"#, "[0].customers[0]", "must be an object"),
                      (#"[{"Title":"a","Customers":{}}]"#, "[0].customers", "must be an array")])
    func notAnObject(json: String, field: String, message: String) {
        #expect(Self.now(json) == .failure(InputError(field: field, message: message)), "\(Self.now(json))")
    }

    @Test("invalid UTF-8 in a title goes to Foundation")
    func invalidUTF8() {
        for bad: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            let bytes = Array(#"[{"Title":""#.utf8) + bad + Array(#"","Customers":[]}]"#.utf8)
            #expect(bytes.withUnsafeBytes(SetQueueParser.parse) == nil)
            let escaped = Array(#"[{"Title":"\n"#.utf8) + bad + Array(#"","Customers":[]}]"#.utf8)
            #expect(escaped.withUnsafeBytes(SetQueueParser.parse) == nil)
            let data = Data(bytes)
            let now = Result { () throws(InputError) in try SetQueueBody.decode(data) }
            let before = Result { () throws(InputError) in try SetQueueBody.decodeWithFoundation(data) }
            #expect(now == before)
        }
    }

    // MARK: Generated

    /// Bodies written the many ways JSON allows (escapes chosen at random, whitespace between
    /// every token), then the same bodies with one byte dropped, doubled or replaced.
    @Test("generated bodies and their mutations agree")
    func generated() {
        var random = SeededRandom(seed: 0x5E7_0_0E0E)
        var bodies: [String] = []
        for _ in 0..<300 {
            let queues = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                CustomerQueue(title: Self.randomTitle(&random),
                              customers: (0..<Int.random(in: 0...5, using: &random)).map { _ in
                                  Int32.random(in: .min ... .max, using: &random) >> Int32.random(in: 0...31, using: &random)
                              })
            }
            let json = Self.write(queues, &random)
            // A title twice (two empty ones, say) is left to Foundation and the title check.
            let repeats = Set(queues.map { TitleKey($0.title) }).count < queues.count
            #expect(Self.fast(json) == (repeats ? nil : queues), "\(json)")
            Self.agree(json)
            bodies.append(json)
        }
        let noise: [UInt8] = Array(#"[]{}",:\u0 -1.eE9x"#.utf8) + [0x80, 0xD0]
        for json in bodies where !json.isEmpty {
            var bytes = Array(json.utf8)
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes.remove(at: at)
            case 1: bytes.insert(bytes[at], at: at)
            default: bytes[at] = noise.randomElement(using: &random)!
            }
            let data = Data(bytes)
            if let parsed = bytes.withUnsafeBytes(SetQueueParser.parse) {
                let foundation = Result { () throws(InputError) in try SetQueueBody.decodeWithFoundation(data) }
                #expect(foundation == .success(parsed), "\(String(decoding: bytes, as: UTF8.self))")
            }
            let now = Result { () throws(InputError) in try SetQueueBody.decode(data) }
            let before = Result { () throws(InputError) in
                let queues = try SetQueueBody.decodeWithFoundation(data)
                try SetQueueBody.validate(queues)
                return queues
            }
            #expect(now == before, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    static let titleAlphabet: [Unicode.Scalar] = Array("aZ 0.,«»№ЖжЁ三🙂é\"\\/\u{8}\u{C}\n\r\t\u{0}\u{1F}\u{7F}\u{301}\u{2028}\u{FEFF}".unicodeScalars)

    static func randomTitle(_ random: inout SeededRandom) -> String {
        var title = ""
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            title.unicodeScalars.append(titleAlphabet.randomElement(using: &random)!)
        }
        return title
    }

    /// JSON for `queues` with PascalCase keys, escapes and whitespace chosen at random.
    static func write(_ queues: [CustomerQueue], _ random: inout SeededRandom) -> String {
        func space() -> String {
            String((0..<Int.random(in: 0...2, using: &random)).map { _ in [" ", "\n", "\t", "\r"].randomElement(using: &random)! })
        }
        func string(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                let escapeAnyway = Int.random(in: 0..<4, using: &random) == 0
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "/" where escapeAnyway: out += "\\/"
                case "\u{8}": out += "\\b"
                case "\u{C}": out += "\\f"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 || escapeAnyway {
                        for unit in String(scalar).utf16 {
                            let hex = String(unit, radix: 16, uppercase: Bool.random(using: &random))
                            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                        }
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        let entries = queues.map { queue in
            let customers = queue.customers.map { "\(space()){\(space())\"CustomerId\"\(space()):\(space())\($0)\(space())}\(space())" }
            let title = "\(space())\"Title\"\(space()):\(space())\(string(queue.title))\(space())"
            let list = "\(space())\"Customers\"\(space()):\(space())[\(customers.joined(separator: ","))\(space())]\(space())"
            let fields = Bool.random(using: &random) ? [title, list] : [list, title]
            return "\(space()){\(fields.joined(separator: ","))}\(space())"
        }
        return "\(space())[\(entries.joined(separator: ","))\(space())]\(space())"
    }
}
