import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

/// The `sensors:` section.
extension ConfigParserTests {
    @Test func defaultsReadEveryFiveSecondsHoldFifteenAndRecoverAfterThirty() {
        let sensors = AgentConfig().sensors
        #expect(sensors.intervalSeconds == 5)
        #expect(sensors.forSeconds == 15)
        #expect(sensors.recoverAfterSeconds == 30)
        #expect(sensors.marginCelsius == 5)
        #expect(sensors.marginRatio == 0.05)
        #expect(sensors.staleAfterSeconds == 30)
        #expect(sensors.ignore.isEmpty)
        #expect(sensors.applySets == false)
    }

    @Test func everyKeyIsRead() throws {
        let config = try parser.parse("""
            sensors:
              interval: 2s
              for: 1m
              recover_after: 2m
              margin_celsius: 3
              margin_ratio: 0.1
              stale_after: 20s
              ignore: ["nct6779-*/intrusion*", "acpitz-*/temp1"]
              apply_sets: true
            """)
        #expect(config.sensors == SensorConfig(
            intervalSeconds: 2, forSeconds: 60, recoverAfterSeconds: 120, marginCelsius: 3, marginRatio: 0.1,
            staleAfterSeconds: 20, ignore: [LinkPattern("nct6779-*/intrusion*"), LinkPattern("acpitz-*/temp1")],
            applySets: true))
    }

    @Test func forAndRecoverAfterHoldSensorStatesInHysteresis() throws {
        let config = try parser.parse("sensors: {for: 20s, recover_after: 40s}\n")
        let hysteresis = config.hysteresis(for: ComponentID(kind: .sensor, key: "coretemp-isa-0000/temp1"))
        #expect(hysteresis == Hysteresis(recoverAfterSeconds: 40, worsenAfterSeconds: 20))
    }

    @Test func staleAfterDefaultsToThreeIntervalsWhenThatIsLonger() throws {
        #expect(try parser.parse("sensors: {interval: 1m}\n").sensors.staleAfterSeconds == 180)
    }

    @Test func staleAfterNotLongerThanTheIntervalIsRefused() {
        let error = refusal("sensors:\n  interval: 10s\n  stale_after: 10s\n")
        #expect(error?.key == "sensors.stale_after")
        #expect(error?.line == 3)
    }

    @Test func unknownKeyIsRefusedWithItsPath() {
        let error = refusal("sensors:\n  intervall: 10s\n")
        #expect(error?.key == "sensors.intervall")
        #expect(error?.line == 2)
    }

    @Test func marginRatioAboveOneIsRefused() {
        #expect(refusal("sensors: {margin_ratio: 5}\n")?.key == "sensors.margin_ratio")
    }

    @Test func negativeMarginIsRefused() {
        #expect(refusal("sensors: {margin_celsius: -1}\n")?.key == "sensors.margin_celsius")
    }

    @Test func ignoreEntryWithoutAChipAndFeatureIsRefused() {
        let error = refusal("sensors:\n  ignore: [temp1]\n")
        #expect(error?.key == "sensors.ignore[0]")
    }

    @Test func ignoreThatIsNotAListIsRefused() {
        #expect(refusal("sensors: {ignore: coretemp-*/temp1}\n")?.key == "sensors.ignore")
    }

    @Test func applySetsThatIsNotABooleanIsRefused() {
        #expect(refusal("sensors: {apply_sets: sometimes}\n")?.key == "sensors.apply_sets")
    }

    @Test func zeroIntervalIsRefused() {
        #expect(refusal("sensors: {interval: 0s}\n")?.key == "sensors.interval")
    }
}
