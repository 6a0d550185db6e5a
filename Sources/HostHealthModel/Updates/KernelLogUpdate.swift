/// What the kernel log reader found since its last batch.
package struct KernelLogUpdate: Sendable, Equatable {
    package var troubles: [DiskTrouble]
    /// Records read, disk trouble or not.
    package var records: Int
    /// Times the reader fell behind and the kernel overwrote records before they were read.
    package var overwritten: Int

    package init(troubles: [DiskTrouble] = [], records: Int = 0, overwritten: Int = 0) {
        self.troubles = troubles
        self.records = records
        self.overwritten = overwritten
    }
}
