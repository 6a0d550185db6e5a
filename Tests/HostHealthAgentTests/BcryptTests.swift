@testable import HostHealthAgent
import Testing

/// bcrypt through libxcrypt. Vectors marked Openwall are from crypt_blowfish's own tests
/// (wrapper.c), computed by an implementation other than the one under test.
@Suite struct BcryptTests {
    /// htpasswd's "s3cret" at cost 4 ($2y$).
    static let htpasswd = "$2y$04$wWOe9Ix3Q7qzxTFWwLxGCui6gKi3OG8unr2PrTFEXCj6hbBL2RzSm"

    @Test func htpasswdsY2yHashVerifies() {
        #expect(Bcrypt.verify(Array("s3cret".utf8), hash: Self.htpasswd))
    }

    @Test func openwallVectorsVerifyForEachAcceptedVariant() {
        #expect(Bcrypt.verify(Array("U*U".utf8), hash: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
        #expect(Bcrypt.verify([0xA3], hash: "$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"))
        #expect(Bcrypt.verify([0xA3], hash: "$2b$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"))
        #expect(Bcrypt.verify([0xA3], hash: "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"))
    }

    /// $2a$ hashes some 8-bit passwords differently from $2b$/$2y$ (crypt_blowfish's
    /// countermeasure for the 2011 bug): the prefix is honoured, not rewritten.
    @Test func eachVariantIsHashedAsItsOwnPrefixSays() {
        let password: [UInt8] = [0xFF, 0xFF, 0xA3]
        #expect(Bcrypt.verify(password, hash: "$2b$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"))
        #expect(Bcrypt.verify(password, hash: "$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"))
        #expect(Bcrypt.verify(password, hash: "$2a$05$/OK.fbVrR/bpIqNJ5ianF.nqd1wy.pTMdcvrRWxyiGL2eMz.2a85."))
        #expect(!Bcrypt.verify(password, hash: "$2a$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"))
    }

    @Test func aWrongPasswordIsRefused() {
        #expect(!Bcrypt.verify(Array("s3cre".utf8), hash: Self.htpasswd))
        #expect(!Bcrypt.verify(Array("S3cret".utf8), hash: Self.htpasswd))
        #expect(!Bcrypt.verify([], hash: Self.htpasswd))
    }

    @Test func aPasswordWithANULIsRefusedNotCutShort() {
        #expect(!Bcrypt.verify(Array("s3cret\0junk".utf8), hash: Self.htpasswd))
    }

    /// libxcrypt reads only the setting (the first 29 characters): a hash cut short would still
    /// compute, so the length is checked first.
    @Test func aTruncatedHashIsRefused() {
        #expect(!Bcrypt.verify(Array("s3cret".utf8), hash: String(Self.htpasswd.dropLast())))
        #expect(!Bcrypt.verify(Array("s3cret".utf8), hash: String(Self.htpasswd.prefix(29))))
        #expect(!Bcrypt.verify(Array("s3cret".utf8), hash: "$2y$04$"))
        #expect(!Bcrypt.verify(Array("s3cret".utf8), hash: ""))
    }

    /// Hashes libxcrypt would verify, in schemes basic_auth_users does not allow.
    @Test func aNonBcryptHashIsRefused() {
        let password = Array("s3cret".utf8)
        #expect(!Bcrypt.verify(password, hash: "$6$hosthealth$Ix53/DDHjIJyfZJr1KvEbjHigJLa2ThS.uNvR62r2l.k5pb.X0ufllyQu2ZrwkkotWw2F6iMhLU/iHZr3BNKn1"))
        #expect(!Bcrypt.verify(password, hash: "abhWCwoTZY2c6"))  // traditional DES
        #expect(!Bcrypt.verify(password, hash: "$2x$04$wWOe9Ix3Q7qzxTFWwLxGCui6gKi3OG8unr2PrTFEXCj6hbBL2RzSm"))
        #expect(!Bcrypt.verify(password, hash: "s3cret"))
    }

    /// crypt_rn fails (NULL, with "*0" or "*1" in its output) on a setting it cannot use; that is
    /// a refusal, never a match, even against a stored failure token.
    @Test func aSettingLibxcryptRefusesIsNeverAMatch() {
        let password = Array("s3cret".utf8)
        let costTooLow = "$2y$03$wWOe9Ix3Q7qzxTFWwLxGCui6gKi3OG8unr2PrTFEXCj6hbBL2RzSm"
        #expect(Bcrypt.compute(password, setting: costTooLow) == nil)
        #expect(!Bcrypt.verify(password, hash: costTooLow))
        #expect(Bcrypt.compute(password, setting: "*0") == nil)
        #expect(Bcrypt.compute(password, setting: "") == nil)
        #expect(!Bcrypt.verify(password, hash: "*0"))
        #expect(!Bcrypt.verify(password, hash: "*1"))
    }

    /// An unknown user costs a real bcrypt, so timing does not tell which names exist.
    @Test func theDecoyForUnknownUsersIsARealBcryptSetting() {
        #expect(Bcrypt.compute(Array("x".utf8), setting: BasicAuthenticator.decoy) != nil)
    }

    /// Each call has its own work area: concurrent checks do not see each other's state.
    @Test func concurrentChecksGetTheirOwnAnswers() async {
        let results = await withTaskGroup(of: (Bool, Bool).self) { group in
            for index in 0..<8 {
                let right = index.isMultiple(of: 2)
                group.addTask { (right, Bcrypt.verify(Array((right ? "s3cret" : "wrong").utf8), hash: Self.htpasswd)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0.0 == $0.1 })
    }
}
