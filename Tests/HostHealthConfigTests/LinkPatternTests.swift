import HostHealthConfig
import HostHealthModel
import Testing

@Suite("LinkPattern: names and shell globs from links.required")
struct LinkPatternTests {
    @Test func literalMatchesOnlyItsOwnName() {
        let pattern = LinkPattern("eth0")
        #expect(pattern.matches("eth0"))
        #expect(!pattern.matches("eth01"))
        #expect(!pattern.matches("eth"))
    }

    @Test func starMatchesAnyRunIncludingNone() {
        let pattern = LinkPattern("bond*")
        #expect(pattern.matches("bond"))
        #expect(pattern.matches("bond0"))
        #expect(pattern.matches("bond10"))
        #expect(!pattern.matches("bon"))
    }

    @Test func starInTheMiddleBacktracks() {
        let pattern = LinkPattern("en*s0")
        #expect(pattern.matches("enp3s0"))
        #expect(pattern.matches("ens0s0"))
        #expect(!pattern.matches("enp3s1"))
    }

    @Test func loneStarMatchesTheEmptyName() {
        #expect(LinkPattern("*").matches(""))
    }

    @Test func questionMarkMatchesExactlyOneCharacter() {
        let pattern = LinkPattern("eth?")
        #expect(pattern.matches("eth0"))
        #expect(!pattern.matches("eth"))
        #expect(!pattern.matches("eth10"))
    }

    @Test func rangeClassMatchesOneCharacterInTheRange() {
        let pattern = LinkPattern("ens[0-9]")
        #expect(pattern.matches("ens3"))
        #expect(!pattern.matches("ensa"))
        #expect(!pattern.matches("ens10"))
    }

    @Test func letterRangeClassMatchesLowercaseLetters() {
        let pattern = LinkPattern("wl[a-z]0")
        #expect(pattern.matches("wlp0"))
        #expect(!pattern.matches("wlP0"))
        #expect(!pattern.matches("wl00"))
    }

    @Test func bangNegatesAClass() {
        let pattern = LinkPattern("eth[!0-9]")
        #expect(pattern.matches("ethx"))
        #expect(!pattern.matches("eth1"))
    }

    @Test func caretNegatesAClassLikeBang() {
        let pattern = LinkPattern("eth[^0-9]")
        #expect(pattern.matches("ethx"))
        #expect(!pattern.matches("eth1"))
    }

    @Test func closingBracketFirstInAClassIsALiteral() {
        let pattern = LinkPattern("a[]b]")
        #expect(pattern.matches("a]"))
        #expect(pattern.matches("ab"))
        #expect(!pattern.matches("ac"))
    }

    @Test func unclosedBracketIsALiteralBracket() {
        let pattern = LinkPattern("eth[0")
        #expect(pattern.matches("eth[0"))
        #expect(!pattern.matches("eth0"))
    }

    @Test func classAndStarCombine() {
        let pattern = LinkPattern("ens[0-9]f*")
        #expect(pattern.matches("ens1f0"))
        #expect(pattern.matches("ens1f0np0"))
        #expect(!pattern.matches("ensxf0"))
    }

    @Test func nameWithoutGlobCharactersIsLiteral() {
        #expect(LinkPattern("eth0").isLiteral)
    }

    @Test(arguments: ["bond*", "eth?", "ens[0-9]"])
    func patternWithGlobCharacterIsNotLiteral(_ text: String) {
        #expect(!LinkPattern(text).isLiteral)
    }
}
