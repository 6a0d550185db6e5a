import HostSystem
import Testing

@Suite struct HostHealthErrorTests {
    @Test func errnoFailureReadsWhatThenWhyAndKeepsTheErrnoAsCause() {
        let error = HostHealthError(.stateFile, "cannot create /var/lib/hosthealth", errno: .permissionDenied)
        #expect(error.description == "cannot create /var/lib/hosthealth: Permission denied")
        #expect(error.code == .stateFile)
        #expect(error.errno == .permissionDenied)
    }

    @Test func debugDescriptionSaysWhereItWasThrown() {
        let error = HostHealthError(.badFlag, "unknown flag --x")
        #expect(error.debugDescription.contains("HostSystemTests/HostHealthErrorTests.swift:\(#line - 1)"))
        #expect(error.debugDescription.contains("badFlag"))
    }
}
