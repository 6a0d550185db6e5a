import HostHealthModel
import KernelLogReader
import Testing

@Suite("DiskTrouble: disk errors recognised in kernel messages")
struct DiskTroubleTests {
    func trouble(_ message: String) -> DiskTrouble? { DiskTrouble.recognise(message) }

    @Test func blockLayerIOErrorOfOldKernels() {
        #expect(trouble("blk_update_request: I/O error, dev sda, sector 123456 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0")
            == DiskTrouble(kind: .ioError, subject: "sda"))
    }

    @Test func blockLayerErrorsOfNewKernelsByKind() {
        #expect(trouble("I/O error, dev vdb, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2")
            == DiskTrouble(kind: .ioError, subject: "vdb"))
        #expect(trouble("critical medium error, dev sdb, sector 9 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0")
            == DiskTrouble(kind: .mediumError, subject: "sdb"))
        #expect(trouble("timeout error, dev sdc, sector 8 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0")
            == DiskTrouble(kind: .timeout, subject: "sdc"))
    }

    @Test func scsiSenseMediumErrorNamesTheDiskInBrackets() {
        #expect(trouble("sd 2:0:0:0: [sdb] tag#12 Sense Key : Medium Error [current]")
            == DiskTrouble(kind: .mediumError, subject: "sdb"))
        #expect(trouble("sd 2:0:0:0: [sdb] tag#12 Add. Sense: Unrecovered read error") == nil)
    }

    @Test func scsiTimeoutAndOfflineRejects() {
        #expect(trouble("sd 0:0:0:0: [sda] tag#0 timing out command, waited 180s") == DiskTrouble(kind: .timeout, subject: "sda"))
        #expect(trouble("sd 0:0:1:0: rejecting I/O to offline device") == DiskTrouble(kind: .ioError, subject: "0:0:1:0"))
    }

    @Test func ataLinkResetsAndTimeoutsNameThePort() {
        #expect(trouble("ata1: hard resetting link") == DiskTrouble(kind: .reset, subject: "ata1"))
        #expect(trouble("ata3.00: cmd 60/08:00:00:00:00/00:00:00:00:00/40 tag 0 ncq dma 4096 in\n         res 40/00:00:00:00:00/00:00:00:00:00/00 Emask 0x4 (timeout)")
            == DiskTrouble(kind: .timeout, subject: "ata3"))
        #expect(trouble("ata1.00: configured for UDMA/133") == nil)
    }

    @Test func bufferIOErrorNamesThePartition() {
        #expect(trouble("Buffer I/O error on dev sda1, logical block 0, async page read")
            == DiskTrouble(kind: .bufferIOError, subject: "sda1"))
    }

    @Test func nvmeTimeoutsResetsAndCommandErrors() {
        #expect(trouble("nvme nvme0: I/O 123 QID 4 timeout, aborting") == DiskTrouble(kind: .timeout, subject: "nvme0"))
        #expect(trouble("nvme nvme1: I/O 24 (Read) QID 2 timeout, reset controller") == DiskTrouble(kind: .timeout, subject: "nvme1"))
        #expect(trouble("nvme nvme0: resetting controller") == DiskTrouble(kind: .reset, subject: "nvme0"))
        #expect(trouble("nvme0n1: I/O Cmd(0x2) @ LBA 5000, 8 blocks, I/O Error (sct 0x2 / sc 0x81) DNR")
            == DiskTrouble(kind: .ioError, subject: "nvme0n1"))
        #expect(trouble("nvme nvme0: 4/0/0 default/read/poll queues") == nil)
    }

    @Test func filesystemsForcedReadOnly() {
        #expect(trouble("EXT4-fs (sda1): Remounting filesystem read-only") == DiskTrouble(kind: .filesystemReadOnly, subject: "sda1"))
        #expect(trouble("EXT4-fs (dm-0): remounting fs read-only") == DiskTrouble(kind: .filesystemReadOnly, subject: "dm-0"))
        #expect(trouble("BTRFS error (device sdc1 state EA): Transaction aborted, forced readonly")
            == DiskTrouble(kind: .filesystemReadOnly, subject: "sdc1"))
        #expect(trouble("EXT4-fs (sda1): mounted filesystem with ordered data mode") == nil)
    }

    @Test func ordinaryMessagesAreNotTrouble() {
        #expect(trouble("") == nil)
        #expect(trouble("sd 0:0:0:0: [sda] 976773168 512-byte logical blocks") == nil)
        #expect(trouble("usb 1-1: new high-speed USB device number 2 using xhci_hcd") == nil)
    }

    func disk(_ name: String, path: String? = nil) -> Disk {
        Disk(name: name, identity: DiskIdentity(sysfsPath: path))
    }

    @Test func partitionsPortsAndControllersAreAttributedToTheirDisk() {
        let disks = [
            disk("sda", path: "pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0"),
            disk("sdb", path: "pci0000:00/0000:00:1f.2/ata2/host1/target1:0:0/1:0:0:0"),
            disk("nvme0n1", path: "virtual/nvme-subsystem/nvme-subsys0"),
            disk("mmcblk0"),
        ]
        func owner(_ subject: String) -> String? { DiskTrouble(kind: .ioError, subject: subject).attribute(to: disks) }
        #expect(owner("sda") == "sda")
        #expect(owner("sda1") == "sda")
        #expect(owner("ata2") == "sdb")
        #expect(owner("1:0:0:0") == "sdb")
        #expect(owner("nvme0") == "nvme0n1")
        #expect(owner("nvme0n1p3") == "nvme0n1")
        #expect(owner("mmcblk0p1") == "mmcblk0")
        #expect(owner("sdc") == nil)
        #expect(owner("ata9") == nil)
    }

    @Test func aPathComponentMatchesOnlyWhole() {
        let attribution = DiskAttribution([
            disk("sdk", path: "pci0000:3a/0000:3b:00.0/host10/port-10:0/end_device-10:0:1/target10:0:1/10:0:1:0"),
            disk("sda", path: "pci0000:00/0000:00:17.0/ata1/host1/target1:0:0/1:0:0:0"),
        ])
        #expect(attribution.disk(for: "host1") == "sda")
        #expect(attribution.disk(for: "host10") == "sdk")
        #expect(attribution.disk(for: "0:1:0") == nil)
        #expect(attribution.disk(for: "pci0000:3a") == "sdk")
        #expect(attribution.disk(for: "10:0:1:0") == "sdk")
        #expect(attribution.disk(for: "host1/port-10:0") == nil)
        #expect(attribution.disk(for: "") == nil)
    }
}
