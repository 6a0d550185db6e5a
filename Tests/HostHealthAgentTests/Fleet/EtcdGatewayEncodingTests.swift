@testable import HostHealthAgent
import HostHealthModel
import Testing

/// What the etcd gateway client puts on the wire and reads back.
@Suite struct EtcdGatewayEncodingTests {
    @Test func base64RoundTripsEveryLength() {
        for text in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "/hosthealth/pools/web/slots/0"] {
            let encoded = Base64.encode(Array(text.utf8))
            #expect(Base64.decode(encoded) == Array(text.utf8))
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode([0xff, 0xfe]) == "//4=")
    }

    @Test func aPrefixRangeEndsAfterItsLastKey() {
        #expect(EtcdGateway.prefixEnd("/a/") == Array("/a0".utf8))
        #expect(EtcdGateway.prefixEnd("") == [0], "the whole key space")
    }

    @Test func int64ComesAsAStringOrANumber() throws {
        #expect(EtcdGateway.int64(try JSONValue(parsing: #""7587883364713337606""#)) == 7_587_883_364_713_337_606)
        #expect(EtcdGateway.int64(try JSONValue(parsing: "30")) == 30)
        #expect(EtcdGateway.int64(nil) == nil)
        #expect(EtcdGateway.int64(try JSONValue(parsing: #""x""#)) == nil)
    }
}
