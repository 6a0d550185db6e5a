import TestFixtures
import HostHealthModel


import Testing

@Suite("Timestamp: RFC 3339 in UTC with whole seconds")
struct TimestampTests {
    @Test func aTimeFromADamagedStateFilePrintsClampedInsteadOfTrapping() {
        #expect(Timestamp(secondsSinceEpoch: 1e300).rfc3339 == "9999-12-31T23:59:59Z")
        #expect(Timestamp(secondsSinceEpoch: -1e300).rfc3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp(secondsSinceEpoch: .nan).rfc3339 == "1970-01-01T00:00:00Z")
    }

    @Test func unixEpochIsMidnightOfNewYear1970() {
        #expect(Timestamp(secondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00Z")
    }

    @Test func designExampleInstantIsRenderedExactly() {
        #expect(Timestamp(secondsSinceEpoch: 1_795_816_440).rfc3339 == "2026-11-27T21:54:00Z")
    }

    @Test func leapDayStartIsFebruary29() {
        #expect(Timestamp(secondsSinceEpoch: 1_709_164_800).rfc3339 == "2024-02-29T00:00:00Z")
    }

    @Test func lastSecondOfLeapDayStaysOnFebruary29() {
        #expect(Timestamp(secondsSinceEpoch: 1_709_251_199).rfc3339 == "2024-02-29T23:59:59Z")
    }

    @Test func dayAfterLeapDayIsMarch1() {
        #expect(Timestamp(secondsSinceEpoch: 1_709_251_200).rfc3339 == "2024-03-01T00:00:00Z")
    }

    @Test func centuryLeapYear2000HasFebruary29() {
        // 2000-03-01T00:00:00Z minus one day: 2000 is divisible by 400, so it is a leap year.
        #expect(Timestamp(secondsSinceEpoch: 951_868_800 - 86_400).rfc3339 == "2000-02-29T00:00:00Z")
    }

    @Test func fractionalSecondsAreTruncatedNotRounded() {
        #expect(Timestamp(secondsSinceEpoch: 1_795_816_440.999).rfc3339 == "2026-11-27T21:54:00Z")
    }

    @Test func instantBeforeTheEpochIsTheLastSecondOf1969() {
        #expect(Timestamp(secondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59Z")
    }

    @Test func addingSecondsMovesTheInstant() {
        #expect((Fixture.t0 + 60).rfc3339 == "2026-11-27T21:55:00Z")
    }

    @Test func differenceOfTwoInstantsIsInSeconds() {
        #expect((Fixture.t0 + 90) - Fixture.t0 == 90)
    }
}

@Suite("Timestamp: parsing RFC 3339")
struct TimestampParsingTests {
    @Test func utcWithZParses() {
        #expect(Timestamp(rfc3339: "2026-11-27T21:54:00Z") == Fixture.t0)
    }

    @Test func anOffsetIsApplied() {
        #expect(Timestamp(rfc3339: "2026-11-27T22:54:00+01:00") == Fixture.t0)
        #expect(Timestamp(rfc3339: "2026-11-27T16:24:00-05:30") == Fixture.t0)
    }

    @Test func aFractionIsKept() {
        #expect(Timestamp(rfc3339: "2026-11-27T21:54:00.5Z") == Fixture.t0 + 0.5)
    }

    @Test func formattingAndParsingAgreeAcrossALeapDay() {
        let leap = Timestamp(secondsSinceEpoch: 1_709_164_800)  // 2024-02-29T00:00:00Z
        #expect(Timestamp(rfc3339: leap.rfc3339) == leap)
        #expect(Timestamp(rfc3339: Timestamp(secondsSinceEpoch: 0).rfc3339)?.secondsSinceEpoch == 0)
    }

    @Test(arguments: ["", "yesterday", "2026-11-27", "2026-11-27T21:54:00", "2026-13-01T00:00:00Z", "2026-11-27T25:00:00Z", "2026-11-27T21:54:00Zjunk"])
    func malformedTimesAreRefused(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}
