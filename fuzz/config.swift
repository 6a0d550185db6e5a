import HostHealthConfig

/// `hosthealth.yaml` and `web-config.yml` as the agent loads them: refused when over the 1 MiB
/// read limit or not UTF-8 (`ConfigLoader`), otherwise through libyaml into the tree and the
/// key-by-key readers. Each ends in a config or a `ConfigError`, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count <= 1 << 20, ConfigLoader.firstInvalidUTF8Line(bytes) == nil else { return 0 }
    let text = String(decoding: bytes, as: UTF8.self)
    if let config = try? ConfigParser(file: "fuzz.yaml").parse(text) {
        for required in config.links.required {
            _ = required.pattern.matches("eth0")
        }
    }
    _ = try? WebConfigParser(file: "web-config.yml").parse(text)
    return 0
}
