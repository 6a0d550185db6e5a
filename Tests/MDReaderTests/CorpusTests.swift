internal import Glibc
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import MDReader
import Testing

/// The shared corpus of real md sysfs trees (prometheus/procfs fixtures), read where it is
/// present and never copied into the repository.
@Suite struct CorpusTests {
    static let root = "/work/shared/corpus/md/sys"

    static var present: Bool { access("\(root)/block", R_OK) == 0 }

    @Test(.enabled(if: CorpusTests.present, "the shared corpus is not on this machine"))
    func everyCorpusArrayReadsWithoutAProblem() {
        let reader = MDArrayReader(sysfsRoot: Self.root)
        let arrays = reader.readAll()
        #expect(arrays.count == reader.arrayNames().count)
        #expect(!arrays.isEmpty)
        let policy = HealthPolicy(config: AgentConfig())
        let now = Timestamp(secondsSinceEpoch: 1_795_816_440)
        let report = policy.evaluate(
            previous: HealthMemory(), snapshot: HostSnapshot(arrays: arrays, readers: [ReaderStatus(name: "arrays", lastSuccess: now)]),
            now: now
        ).report
        for array in arrays {
            #expect(array.problem == nil, "\(array.name): \(array.problem ?? "")")
            let health = report.components.first { $0.name == array.name }
            print("corpus \(array.name) \(array.level ?? "-") \(array.arrayState?.rawValue ?? "-"): \(health?.state.rawValue ?? "none") \(health?.reason ?? "")")
        }
    }
}
