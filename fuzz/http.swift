@testable import HostHealthAgent
import NIOHTTP1

/// What of an HTTP request our code reads once NIO has parsed the head (NIO's llhttp parses
/// the request line and header framing itself and is not fuzzed here): the query string
/// (`/events?since=…`, percent-decoding), `Accept` (text or OpenMetrics), `Authorization:
/// Basic` (base64, `user:password`) and the routing on the path.
///
/// Input: the first line is `METHOD TARGET` (`GET /events?since=1h`); every further line is a
/// header `Name: value`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let lines = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
        .split(separator: "\n", omittingEmptySubsequences: false)
    let requestLine = lines[0].split(separator: " ", maxSplits: 1)
    guard requestLine.count == 2 else { return 0 }
    var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: String(requestLine[0])), uri: String(requestLine[1]))
    for line in lines.dropFirst() {
        // llhttp hands on only names made of token characters (RFC 9110 §5.6.2).
        guard let colon = line.firstIndex(of: ":"), !line[..<colon].isEmpty, line[..<colon].utf8.allSatisfy(isTokenByte) else { continue }
        head.headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...].drop { $0 == " " }))
    }
    if let authorization = head.headers.first(name: "authorization"), let (user, _) = BasicAuthenticator.credentials(authorization) {
        precondition(!user.contains(":"), "the user name ends at the first colon")
    }
    let request = head
    runToCompletion {
        _ = await routes.respond(to: request)
    }
    return 0
}

let routes = Routes(engine: makeEngine())

func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
    default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
