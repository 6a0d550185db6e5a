package import HostHealthModel

extension AgentConfig {
    /// How long a collector's last success vouches for its data (`<section>.stale_after`);
    /// nil for the kernel log, whose records are events and never go stale. One table, so the
    /// engine (when a newer success can change a verdict) and drift (what a reader cannot
    /// vouch for) agree as domains are added.
    package func staleAfterSeconds(of collector: Collector) -> Double? {
        switch collector {
        case .links: links.staleAfterSeconds
        case .arrays: arrays.staleAfterSeconds
        case .disks: disks.staleAfterSeconds
        case .sensors: sensors.staleAfterSeconds
        case .smart: smart.staleAfterSeconds
        case .pcie: pcie.staleAfterSeconds
        case .memory: memory.staleAfterSeconds
        case .cpu: cpu.staleAfterSeconds
        case .kmsg: nil
        }
    }
}
