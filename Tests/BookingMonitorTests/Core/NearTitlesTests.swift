import BookingCore
import Testing

/// The "near match" of a queued title that is not carried: equal to a carried one after
/// normalization (NFC, trimmed, case-folded), and still not booked.
@Suite("Near titles: why a queue that looks carried is not booked")
struct NearTitlesTests {
    let near = NearTitles(carried: [Titles.nfc, Titles.idiot, "Anna Karenina"].map(TitleKey.init))

    @Test("NFD against a carried NFC title: near, differs in Unicode form only")
    func unicodeForm() throws {
        let match = try #require(near.near(Titles.nfd))
        #expect(Titles.bytes(match.carried) == Titles.bytes(Titles.nfc))
        #expect(match.differences == [.unicodeForm])
        #expect(match.reason == "not carried here — near «\(Titles.nfc)» (differs in Unicode form)")
    }

    @Test("a trailing space, another case, and all three at once")
    func spaceAndCase() throws {
        #expect(near.near(Titles.idiotSpace)?.differences == [.whitespace])
        #expect(near.near(Titles.idiotUpper)?.differences == [.letterCase])
        #expect(near.near(" anna karenina\t")?.difference == "differs in case and spacing")
        let all = try #require(near.near("\u{0438}\u{0306}од "))  // и + breve: NFD, lower case, a space
        #expect(all.differences == [.unicodeForm, .letterCase, .whitespace])
        #expect(all.difference == "differs in Unicode form, case and spacing")
    }

    @Test("a carried title (byte for byte) has no near match, nor has an unrelated one")
    func noMatch() {
        #expect(near.near(Titles.nfc) == nil)
        #expect(near.near(Titles.idiot) == nil)
        #expect(near.near("Идиот!") == nil)
        #expect(near.near("") == nil)
        #expect(NearTitles(carried: []).near(Titles.nfd) == nil)
    }

    @Test("when both forms are carried, each is carried as it is: no hint for either")
    func bothCarried() {
        let both = NearTitles(carried: [TitleKey(Titles.nfc), TitleKey(Titles.nfd)])
        #expect(both.near(Titles.nfc) == nil)
        #expect(both.near(Titles.nfd) == nil)
        #expect(both.near("йод")?.differences == [.letterCase])
    }

    @Test("normalize: NFC, trimmed, case-folded")
    func normalize() {
        #expect(Titles.bytes(NearTitles.normalize(" \(Titles.nfd)\n")) == Titles.bytes("\u{0439}од"))
        #expect(NearTitles.normalize("ИДИОТ") == "идиот")
    }

    @Test("title keys compare and hash bytes")
    func keys() {
        #expect(TitleKey(Titles.nfc) != TitleKey(Titles.nfd))
        #expect(TitleKey(Titles.idiot) == TitleKey("Идиот"))
        #expect(Set([Titles.nfc, Titles.nfd, Titles.idiot, Titles.idiotSpace, Titles.idiotUpper, "Идиот"].map(TitleKey.init)).count == 5)
        #expect(TitleKey.same("", ""))
        #expect(!TitleKey.same("a", "ab"))
        // Small (inline) and large (heap) strings alike.
        let long = String(repeating: "Война и мир. ", count: 20)
        #expect(TitleKey(long + Titles.nfc) != TitleKey(long + Titles.nfd))
        #expect(TitleKey(long + Titles.nfc) == TitleKey(String(long) + "\u{0419}од"))
    }
}
