@preconcurrency import CSensors
import Glibc
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import SensorReader
import Synchronization

// Runs the sensor reader inside a umockdev testbed for SensorReaderTests: `umockdev-run -d
// BED -- sensor-probe [--config FILE] [--config-dir DIR] [--apply-sets] [--agent-config YAML]`, then commands
// on stdin, one a line:
//   read              every sensor, one line each: `sensor<TAB>key=value<TAB>...`, then `end`
//   set PATH VALUE    writes a sysfs attribute of the testbed (with the kernel's newline)
//   (flags: --config FILE, --config-dir DIR, --apply-sets, --agent-config YAML, --package-status
//   FILE: a dpkg status file that may list the --config file as a packaged conffile)
//   judge SECONDS     reads and judges at that time, keeping the policy's memory: one
//                     `state` line per sensor and one `transition` line per change, then `end`
//   metrics           the /metrics body of a read, then `end`
//   reinit            sensors_cleanup and sensors_init again
//   fatal             libsensors' fatal-error handler called on another thread, as libsensors
//                     calls it when out of memory: `fatal<TAB>observed message<TAB>recorded message`
//   bench N           N reads, then `bench<TAB>sensors=…<TAB>median_ms=…<TAB>p90_ms=…` (and the same
//                     for N set-ups afresh)
// Errors print `error<TAB>message` and exit 1.

func fail(_ message: String) -> Never {
    print("error\t\(message)")
    exit(1)
}

var configuration = SensorsConfiguration(file: "/nonexistent/sensors3.conf", directory: nil)
var agentConfig = AgentConfig()
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    if flag == "--apply-sets" {
        configuration.applySets = true
        continue
    }
    guard let value = arguments.popFirst() else { fail("\(flag) needs a value") }
    switch flag {
    case "--config": configuration.file = value
    case "--config-dir": configuration.directory = value
    case "--package-status": configuration.packageStatus = value
    case "--agent-config":
        do {
            agentConfig = try ConfigParser(file: "--agent-config").parse(value)
        } catch {
            fail("\(error)")
        }
    default: fail("unknown flag \(flag)")
    }
}

func field(_ value: Double?) -> String {
    value.map { TextFormat.decimal($0) } ?? "-"
}

func describe(_ sensor: Sensor) -> String {
    var fields = [
        "key=\(sensor.key)", "chip=\(sensor.chip)", "feature=\(sensor.feature)", "label=\(sensor.label)",
        "type=\(sensor.type.rawValue)", "input=\(field(sensor.input))", "device=\(sensor.device ?? "-")",
        "configured_label=\(sensor.configuredLabel ? 1 : 0)",
    ]
    for (limit, value) in sensor.limits.all { fields.append("\(limit.rawValue)=\(field(value))") }
    for limit in SensorLimit.allCases {
        if let value = sensor.limits.hysteresis(of: limit) { fields.append("\(limit.rawValue)_hyst=\(field(value))") }
    }
    for (alarm, raised) in sensor.alarms.sorted(by: { $0.key < $1.key }) {
        fields.append("alarm_\(alarm.rawValue)=\(raised ? 1 : 0)")
    }
    if let fault = sensor.fault { fields.append("fault=\(fault ? 1 : 0)") }
    if let problem = sensor.problem { fields.append("problem=\(problem)") }
    return "sensor\t" + fields.joined(separator: "\t")
}

/// libsensors' fatal-error handler called on a thread of its own, as libsensors calls it when
/// out of memory; outside top-level code, so nothing here is bound to the main actor.
enum FatalError {
    static let observed = Mutex<String?>(nil)

    /// What the observer was told, or `-`.
    static func simulate() -> String {
        Libsensors.observeFatalError { message in observed.withLock { $0 = message } }
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            sensors_fatal_error?("sensors_read_dynamic_chip", "Out of memory")
            return nil
        }, nil)
        for _ in 0..<100 where Libsensors.fatalError == nil { usleep(10_000) }
        return observed.withLock { $0 } ?? "-"
    }
}

let library: Libsensors
do {
    library = try Libsensors(configuration: configuration)
} catch {
    fail("\(error)")
}
var memory = HealthMemory()
for problem in library.configurationProblems { print("warning\t\(problem)") }

while let line = readLine() {
    let words = line.split(separator: " ", maxSplits: 2).map(String.init)
    switch words.first {
    case "read":
        let reading = library.read()
        for sensor in reading.sensors { print(describe(sensor)) }
        print("end\tchips=\(reading.chips)\tunreadable=\(reading.unreadableSubfeatures)")
    case "set" where words.count == 3:
        guard let stream = fopen(words[1], "w") else { fail("cannot open \(words[1]): \(String(cString: strerror(errno)))") }
        fputs(words[2] + "\n", stream)
        fclose(stream)
    case "judge" where words.count == 2:
        guard let seconds = Double(words[1]) else { fail("judge needs seconds") }
        let now = Timestamp(secondsSinceEpoch: seconds)
        let reading = library.read()
        let snapshot = HostSnapshot(sensors: reading.sensors, readers: [ReaderStatus(name: "sensors", lastSuccess: now)])
        let result = HealthPolicy(config: agentConfig).evaluate(previous: memory, snapshot: snapshot, now: now)
        memory = result.memory
        for component in result.report.components {
            print("state\t\(component.id)\t\(component.state.rawValue)\t\(component.reason)\t\(component.ignored ? "ignored" : "counted")")
        }
        for transition in result.transitions {
            print("transition\t\(transition.component?.description ?? "host")\t\(transition.from?.rawValue ?? "none")\t\(transition.to.rawValue)\t\(transition.reason)")
        }
        print("end")
    case "metrics":
        let now = Timestamp(secondsSinceEpoch: 1000)
        let reading = library.read()
        let snapshot = HostSnapshot(sensors: reading.sensors, readers: [ReaderStatus(name: "sensors", lastSuccess: now)])
        let result = HealthPolicy(config: agentConfig).evaluate(previous: HealthMemory(), snapshot: snapshot, now: now)
        let body = MetricsExposition.render(report: result.report, snapshot: snapshot, agent: AgentInfo(version: "probe"), format: .text, now: now)
        print(String(decoding: body, as: UTF8.self), terminator: "")
        print("end")
    case "bench" where words.count == 2:
        guard let count = Int(words[1]), count > 0 else { fail("bench needs a count") }
        func milliseconds(_ work: () -> Void) -> [Double] {
            (0..<count).map { _ in
                var start = timespec(), end = timespec()
                clock_gettime(CLOCK_MONOTONIC, &start)
                work()
                clock_gettime(CLOCK_MONOTONIC, &end)
                return Double(end.tv_sec - start.tv_sec) * 1000 + Double(end.tv_nsec - start.tv_nsec) / 1e6
            }.sorted()
        }
        let sensors = library.read().sensors.count
        let reads = milliseconds { _ = library.read() }
        print("bench\tread\tsensors=\(sensors)\tmedian_ms=\(field(reads[count / 2]))\tp90_ms=\(field(reads[count * 9 / 10]))")
        let setups = milliseconds { try? library.reinitialise() }
        print("bench\treinit\tchips=\(library.chipCount)\tmedian_ms=\(field(setups[count / 2]))\tp90_ms=\(field(setups[count * 9 / 10]))")
        print("end")
    case "fatal":
        print("fatal\t\(FatalError.simulate())\t\(Libsensors.fatalError ?? "-")")
        print("end")
    case "reinit":
        do {
            try library.reinitialise()
        } catch {
            fail("\(error)")
        }
        for problem in library.configurationProblems { print("warning\t\(problem)") }
        print("end\tchips=\(library.chipCount)")
    case nil:
        continue
    default:
        fail("unknown command: \(line)")
    }
}
