import ArgumentParser
import FoundationEssentials
import HostHealthCollection
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
internal import HostSystem
import Glibc

/// `hostctl baseline record|validate|accept`: the declared intent of this host.
struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record, validate and accept the declared intent of this host (baseline.yaml).",
        subcommands: [Record.self, Validate.self, Accept.self])

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a baseline of what is there now (sorted, with schema and who/when recorded).",
            discussion: "What a reader could not see is never recorded. Exit 1 on error.")

        @OptionGroup var source: StatusSource

        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var output: String?

        @Flag(help: "With --output: replace an existing file.")
        var force = false

        func run() async throws {
            let text: String
            let by = "hostctl \(AgentInfo.releaseVersion) on \(HostIdentity.name)"
            if source.direct {
                let config = try source.loadConfig()
                let (baseline, leftOut) = DirectCollection.record(config: config, by: by)
                text = BaselineWriter.yaml(baseline, leftOut: leftOut)
            } else {
                let body = try source.request("/baseline/record?by=" + ControlClient.formEncoded(by))
                text = String(decoding: body, as: UTF8.self)
                // What goes into a file must read back: the agent's text is checked, not trusted.
                do {
                    _ = try BaselineParser(file: "(agent)").parse(text)
                } catch {
                    fail("the agent's recording is not readable: \(error)")
                }
            }
            guard let output else {
                print(text, terminator: "")
                return
            }
            switch FileWriter.write(Array(text.utf8), to: output, replace: force) {
            case .success:
                break
            case .failure(.fileExists):
                fail("\(output) exists; use --force to replace it")
            case .failure(let failure):
                fail("cannot write \(output): \(failure)")
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a baseline file: exit 0, or 1 with the file, line and key of what is wrong.",
            discussion: "For Ansible's validate='hostctl baseline validate %s' and Puppet's validate_cmd.")

        @Argument(help: ArgumentHelp("The baseline file.", valueName: "file"))
        var file: String

        func run() throws {
            switch FileContents.read(file, limit: 4 << 20) {
            case .success(let bytes):
                do {
                    let baseline = try BaselineLoader.parse(bytes, file: file)
                    print("\(file): ok, \(baseline.items.count) items (\(Self.counts(baseline)))")
                } catch {
                    fail("\(error)")
                }
            case .failure(let failure):
                fail("\(file): cannot read: \(failure)")
            }
        }

        static func counts(_ baseline: Baseline) -> String {
            let counts = Dictionary(grouping: baseline.items, by: \.kind).mapValues(\.count)
            return counts.keys.sorted().map { "\(counts[$0]!) \($0.rawValue)" }.joined(separator: ", ")
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take what is there now as declared for the named items (e.g. disk:wwn-0x…).",
            discussion: "Writes the baseline file, or with --print prints the change as a patch (for a file managed elsewhere).")

        @Argument(help: ArgumentHelp("Items as `hostctl diff` names them: kind:id.", valueName: "id"))
        var ids: [String]

        @Option(help: ArgumentHelp("The baseline file.", valueName: "file"))
        var baseline: String = BaselineLoader.defaultPath

        @Flag(help: "Print a patch instead of writing the file.")
        var print = false

        @OptionGroup var source: StatusSource

        func run() async throws {
            let old: [UInt8]
            switch FileContents.read(baseline, limit: 4 << 20) {
            case .success(let bytes): old = bytes
            case .failure(let failure): fail("\(baseline): cannot read: \(failure)")
            }
            let declared: Baseline
            do {
                declared = try BaselineLoader.parse(old, file: baseline)
            } catch {
                fail("\(error)")
            }
            let loaded = LoadedBaseline(baseline: declared, files: [baseline], sha256: SHA256.hex(old))
            let diff = try await DiffCommand.document(source: source, baseline: loaded, text: old)
            let accepted: Baseline
            do {
                accepted = try BaselineAcceptance.accept(ids, in: declared, diff: diff)
            } catch {
                fail("\(error)")
            }
            let text = BaselineWriter.yaml(accepted)
            if print {
                Swift.print(BaselineAcceptance.patch(from: String(decoding: old, as: UTF8.self), to: text, path: baseline), terminator: "")
                return
            }
            if case .failure(let failure) = FileWriter.write(Array(text.utf8), to: baseline, replace: true) {
                fail("cannot write \(baseline): \(failure)")
            }
            Swift.print("accepted \(ids.joined(separator: ", ")) into \(baseline); reload the agent (SIGHUP) to judge by it")
        }
    }
}

/// `hostctl diff`: declared against actual, like `terraform plan`.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare what is there with the baseline, one line per item that deviates.",
        discussion: """
            Exit status: 0 in sync (a replacement converging within its deadline is in sync), \
            1 error, 2 drift; 4 is added when some layer could not be observed (6: drift and \
            incomplete).
            """)

    @Option(help: ArgumentHelp("Judge against this file instead of the agent's baseline.", valueName: "file"))
    var baseline: String?

    @Flag(help: "Print the diff document as JSON.")
    var json = false

    @Flag(help: "Also list the items in sync.")
    var all = false

    @Flag(name: .customLong("color"), inversion: .prefixedNo, help: "Colour the lines (default: when printing to a terminal).")
    var color: Bool?

    @OptionGroup var source: StatusSource

    func run() async throws {
        var loaded: LoadedBaseline?
        var text: [UInt8]?
        if baseline != nil && !source.direct {
            fail("--baseline FILE is judged in this process: add --direct (the agent judges by its own baseline)")
        }
        if source.direct {
            do {
                guard let found = try BaselineLoader(path: baseline).load() else {
                    fail("no baseline at \(BaselineLoader.defaultPath); record one with `hostctl baseline record --output FILE`")
                }
                loaded = found
                if let path = baseline, case .success(let bytes) = FileContents.read(path, limit: 4 << 20) { text = bytes }
            } catch {
                fail("\(error)")
            }
        }
        let document = try await Self.document(source: source, baseline: loaded, text: text, all: all)
        if json {
            Swift.print(String(decoding: document.json(), as: UTF8.self), terminator: "")
        } else {
            let useColor = color ?? (Terminal.isTerminal(1) && ProcessEnvironment.value("NO_COLOR") == nil)
            Swift.print(DiffText(color: useColor).render(document), terminator: "")
        }
        if document.exitCode != 0 { throw ExitCode(Int32(document.exitCode)) }
    }

    /// The diff from this process (`--direct`, against `baseline`) or the agent's, against
    /// its own baseline.
    static func document(source: StatusSource, baseline: LoadedBaseline?, text: [UInt8]?, all: Bool = false) async throws -> DiffDocument {
        if source.direct {
            guard let baseline else { fail("no baseline to compare with") }
            let config = try source.loadConfig()
            var document = DirectCollection.driftDocument(config: config, baseline: baseline)
            if !all { document.items = document.items.filter { $0.status != "in_sync" } }
            return document
        }
        // The agent judges by its own baseline, with its memory of deadlines.
        let body = try source.request(all ? "/drift?all=1" : "/drift")
        do {
            return try JSONDecoder().decode(DiffDocument.self, from: Data(body))
        } catch {
            fail("the agent's diff is not readable: \(error)")
        }
    }
}

/// `hostctl inventory --json`: what is there, for configuration management's facts.
struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Print what is there with its identities (Ansible local facts, Puppet external facts).")

    @Flag(help: "JSON (the only format for now).")
    var json = false

    @OptionGroup var source: StatusSource

    func run() async throws {
        if source.direct {
            let config = try source.loadConfig()
            Swift.print(String(decoding: DirectCollection.inventory(config: config).json(), as: UTF8.self), terminator: "")
        } else {
            Swift.print(String(decoding: try source.request("/inventory"), as: UTF8.self), terminator: "")
        }
    }
}

/// Prints `hostctl: message` to standard error and exits 1.
func fail(_ message: String) -> Never {
    Terminal.writeError("hostctl: \(message)\n")
    Glibc.exit(1)
}

extension StatusSource {
    func loadConfig() throws -> AgentConfig {
        do {
            return try ConfigLoader(path: configFile, baselinePath: baselineFile).load()
        } catch {
            fail("\(error)")
        }
    }

    /// A GET (or, with a form, a POST) to the agent; anything but 200 is an error, exit 1.
    func request(_ path: String, form: [(String, String)]? = nil) throws -> [UInt8] {
        let answer: (status: Int, body: [UInt8])
        do {
            let client = ControlClient(socketPath: socket)
            answer = try form.map { try client.post(path, form: $0) } ?? client.get(path)
        } catch {
            fail("cannot reach the hosthealth agent at \(socket): \(error) (try --direct)")
        }
        guard answer.status == 200 else {
            fail("the agent answered \(answer.status): \(visibleLines(String(decoding: answer.body, as: UTF8.self)))")
        }
        return answer.body
    }
}
