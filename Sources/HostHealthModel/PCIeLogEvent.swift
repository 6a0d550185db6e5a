/// One AER error report the kernel logged (`PCIe Bus Error: severity=…`), attributed to the
/// function that reported it by its bus address.
package struct PCIeLogEvent: Sendable, Equatable {
    package var device: String
    package var severity: PCIeAERSeverity

    package init(device: String, severity: PCIeAERSeverity) {
        self.device = device
        self.severity = severity
    }
}
