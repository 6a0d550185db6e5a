@testable import HostHealthAgent
import NIOPosix
import HostHealthModel
import Testing

@Suite struct BasicAuthenticatorTests {
    /// bcrypt of "s3cret" at cost 4, as htpasswd writes it ($2y$).
    static let hash = "$2y$04$wWOe9Ix3Q7qzxTFWwLxGCui6gKi3OG8unr2PrTFEXCj6hbBL2RzSm"

    @Test func base64DecodesWithAndWithoutPadding() {
        #expect(Base64.decode("cHJvbWV0aGV1czpzM2NyZXQ=") == Array("prometheus:s3cret".utf8))
        #expect(Base64.decode("YQ") == Array("a".utf8))
        #expect(Base64.decode("not base64!") == nil)
    }

    @Test func credentialsSplitAtTheFirstColon() throws {
        let (user, password) = try #require(BasicAuthenticator.credentials("Basic dTpwOmFzczp3b3Jk"))  // u:p:ass:word
        #expect(user == "u")
        #expect(password == "p:ass:word")
        #expect(BasicAuthenticator.credentials("Bearer abc") == nil)
        #expect(BasicAuthenticator.credentials("Basic") == nil)
    }

    @Test func theRightPasswordIsAcceptedAndAWrongOneRefused() async throws {
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        let authenticator = BasicAuthenticator(users: ["prometheus": Self.hash], threads: threads)
        #expect(await authenticator.authorizes("Basic cHJvbWV0aGV1czpzM2NyZXQ="))  // prometheus:s3cret
        #expect(await authenticator.authorizes("Basic cHJvbWV0aGV1czpzM2NyZXQ="))  // remembered
        #expect(await !authenticator.authorizes("Basic cHJvbWV0aGV1czp3cm9uZw=="))  // prometheus:wrong
        #expect(await !authenticator.authorizes("Basic b3RoZXI6czNjcmV0"))  // other:s3cret
        #expect(await !authenticator.authorizes(nil))
        // A NUL would end the password for the C bcrypt: "s3cret\0junk" must not pass as "s3cret".
        #expect(await !authenticator.authorizes("Basic cHJvbWV0aGV1czpzM2NyZXQAanVuaw=="))
        try await threads.shutdownGracefully()
    }
}
