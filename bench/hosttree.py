"""hosttree — the storage server that bench/host-bench generates: a umockdev testbed (text format)
and the files node_exporter reads beside it.

`StorageServer(scale)` lays out, from a few counts:
  * disks behind one SAS HBA (`0000:3b:00.0`, an LSI SAS3008) and two SAS expanders, each disk
    with an end device, a SCSI target, by-path/by-id/wwn links and the udev properties udev's
    `ata_id`/`scsi_id` would give (SATA disks behind the expanders talk STP, as real ones do);
  * md arrays over them (raid1 of the two SSDs, raid6 and raid10 sets, one raid6 recovering onto
    a replacement, hot spares), in sysfs (`md/`, `rdN` links) and in `/proc/mdstat`;
  * hwmon chips with limits (two coretemp packages, two Super-I/O chips, an ACPI power meter,
    two NVMe drives, an INA3221) under platform devices, as libsensors finds them;
  * an EDAC tree (`/sys/devices/system/edac/mc/mc*/` with `dimm*/` and the legacy `csrow*/`);
  * PCIe devices with link speed/width and AER counters;
  * recorded smartctl JSON per disk and a stand-in smartctl that prints it.

Every value is healthy: the bench measures cost, not verdicts, and a failure it injects must be
the only thing wrong. Standard library only.
"""

import json
import os

SECTORS_16TB = 31251759104
SECTORS_480GB = 937703088

# Healthy PCIe AER counters, as the kernel prints them (one `NAME count` per line).
AER_CORRECTABLE = ["RxErr", "BadTLP", "BadDLLP", "Rollover", "Timeout", "NonFatalErr", "CorrIntErr", "HeaderOF"]
AER_UNCORRECTABLE = ["Undefined", "DLP", "SDES", "TLP", "FCP", "CmpltTO", "CmpltAbrt", "UnxCmplt", "RxOF",
                     "MalfTLP", "ECRC", "UnsupReq", "ACSViol", "UncorrIntErr", "BlockedTLP", "AtomicOpBlocked",
                     "TLPBlockedErr", "PoisonTLPBlocked"]

FULL = {"disks": 90, "arrays": 10, "chips": 8, "dimms": 16, "pcie": 20}
SMOKE = {"disks": 10, "arrays": 3, "chips": 2, "dimms": 2, "pcie": 4}


def kernel_value(value):
    """A umockdev text attribute value: the kernel's trailing newline, inner newlines escaped."""
    return str(value).replace("\n", "\\n") + "\\n"


def disk_name(i):
    """sda … sdz, sdaa … : the kernel's naming."""
    letters = ""
    n = i + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(ord("a") + r) + letters
    return "sd" + letters


def sd_devnum(i):
    """(major, minor) of the i-th sd disk: 16 disks per major, 8 then 65-71 then 128-135."""
    majors = [8, 65, 66, 67, 68, 69, 70, 71, 128, 129, 130, 131, 132, 133, 134, 135]
    return majors[i // 16], (i % 16) * 16


class Record:
    def __init__(self, path, subsystem=None, node=None):
        self.path = path
        self.node = node
        self.properties = []
        self.attributes = []
        self.links = []
        self.symlinks = []
        if subsystem:
            self.properties.append(("SUBSYSTEM", subsystem))

    def e(self, key, value):
        self.properties.append((key, value))
        return self

    def a(self, key, value):
        self.attributes.append((key, value))
        return self

    def text(self):
        lines = [f"P: {self.path}"]
        if self.node:
            lines.append(f"N: {self.node}")
        lines += [f"S: {s}" for s in self.symlinks]
        lines += [f"E: {k}={v}" for k, v in self.properties]
        lines += [f"A: {k}={kernel_value(v)}" for k, v in self.attributes]
        lines += [f"L: {k}={v}" for k, v in self.links]
        return "\n".join(lines) + "\n"


class StorageServer:
    def __init__(self, scale):
        self.scale = scale
        self.records = []
        self.disks = []      # dicts: name, index, kind, major, minor, record, ...
        self.arrays = []     # dicts: name, level, members [(disk, slot, state)], ...
        self.sensor_count = 0
        self.chip_names = []
        self.pci = []
        self._pci_devices()
        self._disks()
        self._arrays()
        self._hwmon()
        self._edac()

    # -- PCIe -------------------------------------------------------------------------------

    def _pci_devices(self):
        # (root complex, address under it, vendor, device, class, driver, link (speed, width) or None)
        table = [
            ("pci0000:3a", "0000:3a:02.0", 0x8086, 0x352a, 0x060400, "pcieport", ("16.0 GT/s PCIe", 8)),
            ("pci0000:3a", "0000:3a:02.0/0000:3b:00.0", 0x1000, 0x0097, 0x010700, "mpt3sas", ("8.0 GT/s PCIe", 8)),
            ("pci0000:5d", "0000:5d:02.0", 0x8086, 0x352a, 0x060400, "pcieport", ("16.0 GT/s PCIe", 16)),
            ("pci0000:5d", "0000:5d:02.0/0000:5e:00.0", 0x15b3, 0x101d, 0x020000, "mlx5_core", ("16.0 GT/s PCIe", 16)),
            ("pci0000:5d", "0000:5d:02.0/0000:5e:00.1", 0x15b3, 0x101d, 0x020000, "mlx5_core", ("16.0 GT/s PCIe", 16)),
            ("pci0000:17", "0000:17:02.0", 0x8086, 0x352a, 0x060400, "pcieport", ("16.0 GT/s PCIe", 4)),
            ("pci0000:17", "0000:17:02.0/0000:18:00.0", 0x144d, 0xa80a, 0x010802, "nvme", ("16.0 GT/s PCIe", 4)),
            ("pci0000:17", "0000:17:04.0", 0x8086, 0x352b, 0x060400, "pcieport", ("16.0 GT/s PCIe", 4)),
            ("pci0000:17", "0000:17:04.0/0000:19:00.0", 0x144d, 0xa80a, 0x010802, "nvme", ("16.0 GT/s PCIe", 4)),
            ("pci0000:00", "0000:00:00.0", 0x8086, 0x09a2, 0x060000, None, None),
            ("pci0000:00", "0000:00:14.0", 0x8086, 0x1bcd, 0x0c0330, "xhci_hcd", None),
            ("pci0000:00", "0000:00:16.0", 0x8086, 0x1be0, 0x078000, "mei_me", None),
            ("pci0000:00", "0000:00:17.0", 0x8086, 0x1bd2, 0x010601, "ahci", None),
            ("pci0000:00", "0000:00:1c.0", 0x8086, 0x1bb8, 0x060400, "pcieport", ("8.0 GT/s PCIe", 1)),
            ("pci0000:00", "0000:00:1c.0/0000:01:00.0", 0x1a03, 0x1150, 0x060400, None, ("5.0 GT/s PCIe", 1)),
            ("pci0000:00", "0000:00:1c.0/0000:01:00.0/0000:02:00.0", 0x1a03, 0x2000, 0x030000, "ast", None),
            ("pci0000:00", "0000:00:1f.0", 0x8086, 0x1b81, 0x060100, None, None),
            ("pci0000:00", "0000:00:1f.4", 0x8086, 0x1bc9, 0x0c0500, "i801_smbus", None),
            ("pci0000:00", "0000:00:1f.5", 0x8086, 0x1bca, 0x0c8000, "intel-spi", None),
            ("pci0000:00", "0000:00:1f.6", 0x8086, 0x1bbd, 0x118000, None, None),
        ]
        wanted = self.scale["pcie"]
        # the HBA first: the disks hang below it whatever the scale
        for root, rel, vendor, device, cls, driver, link in table[:max(wanted, 2)]:
            path = f"/devices/{root}/{rel}"
            slot = rel.split("/")[-1]
            r = Record(path, "pci")
            r.e("PCI_CLASS", f"{cls:X}").e("PCI_ID", f"{vendor:04X}:{device:04X}")
            r.e("PCI_SUBSYS_ID", f"{vendor:04X}:{0x1000 + len(self.pci):04X}").e("PCI_SLOT_NAME", slot)
            r.e("MODALIAS", f"pci:v{vendor:08X}d{device:08X}sv{vendor:08X}sd{0x1000 + len(self.pci):08X}"
                            f"bc{cls >> 16:02X}sc{(cls >> 8) & 0xff:02X}i{cls & 0xff:02X}")
            if driver:
                r.e("DRIVER", driver)
            r.a("vendor", f"0x{vendor:04x}").a("device", f"0x{device:04x}").a("class", f"0x{cls:06x}")
            r.a("subsystem_vendor", f"0x{vendor:04x}").a("subsystem_device", f"0x{0x1000 + len(self.pci):04x}")
            r.a("revision", "0x01").a("enable", "1").a("numa_node", "0" if root == "pci0000:00" else "1")
            r.a("irq", str(16 + len(self.pci))).a("local_cpulist", "0-55,112-167")
            if link:
                speed, width = link
                r.a("current_link_speed", speed).a("current_link_width", width)
                r.a("max_link_speed", speed).a("max_link_width", width)
                r.a("aer_dev_correctable", "\n".join(f"{n} 0" for n in AER_CORRECTABLE) + "\nTOTAL_ERR_COR 0")
                r.a("aer_dev_nonfatal", "\n".join(f"{n} 0" for n in AER_UNCORRECTABLE) + "\nTOTAL_ERR_NONFATAL 0")
                r.a("aer_dev_fatal", "\n".join(f"{n} 0" for n in AER_UNCORRECTABLE) + "\nTOTAL_ERR_FATAL 0")
            self.records.append(r)
            self.pci.append(slot)
        self.hba = f"/devices/pci0000:3a/0000:3a:02.0/0000:3b:00.0"

    # -- disks ------------------------------------------------------------------------------

    def _disk_kind(self, i, n):
        """Two SATA SSDs (the OS mirror), then SAS HDDs, with a block of SATA HDDs for raid10."""
        if i < 2:
            return "sata-ssd"
        if n >= 40 and 62 <= i < 78:
            return "sata-hdd"
        if n < 40 and i % 4 == 3:
            return "sata-hdd"
        return "sas-hdd"

    def _disks(self):
        n = self.scale["disks"]
        per_expander = (n + 1) // 2
        host = f"{self.hba}/host0"
        for e in range(2):
            self.records.append(Record(f"{host}/port-0:{e}/expander-0:{e}", "sas_expander"))
        for i in range(n):
            name = disk_name(i)
            major, minor = sd_devnum(i)
            kind = self._disk_kind(i, n)
            e, phy = divmod(i, per_expander)
            sas_exp = f"0x500304801f3c{0x5a00 + e * 0x40:04x}"
            scsi = f"{host}/port-0:{e}/expander-0:{e}/port-0:{e}:{phy}/end_device-0:{e}:{phy}/target0:0:{i}/0:0:{i}:0"
            wwn = f"0x5000c500{0xa1b20000 + i:08x}" if kind == "sas-hdd" else f"0x5000cca2{0x6f300000 + i:08x}"
            serial = (f"ZL2{i:05d}K" if kind == "sas-hdd" else
                      f"PHYF{i:04d}00A480BGN" if kind == "sata-ssd" else f"2BG{i:05d}")
            model, vendor, rev = {
                "sas-hdd": ("ST16000NM002G", "SEAGATE", "E004"),
                "sata-hdd": ("WUH721816ALE6L4", "ATA", "W680"),
                "sata-ssd": ("INTEL SSDSC2KB480G8", "ATA", "XCV1"),
            }[kind]
            by_path = f"disk/by-path/pci-0000:3b:00.0-sas-exp{sas_exp}-phy{phy}-lun-0"
            links = [by_path, f"disk/by-id/wwn-{wwn}"]
            props = [("DEVNAME", f"/dev/{name}"), ("DEVTYPE", "disk"), ("MAJOR", str(major)), ("MINOR", str(minor)),
                     ("ID_PATH", by_path[len("disk/by-path/"):]),
                     ("ID_PATH_TAG", by_path[len("disk/by-path/"):].replace(":", "_").replace(".", "_").replace("-", "_")),
                     ("ID_WWN", wwn), ("ID_WWN_WITH_EXTENSION", wwn)]
            if kind == "sas-hdd":
                links.insert(1, f"disk/by-id/scsi-3{wwn[2:]}")
                props += [("ID_BUS", "scsi"), ("ID_VENDOR", vendor), ("ID_MODEL", model), ("ID_REVISION", rev),
                          ("ID_SERIAL", f"3{wwn[2:]}"), ("ID_SERIAL_SHORT", serial), ("ID_SCSI", "1"),
                          ("ID_SCSI_SERIAL", serial), ("ID_TYPE", "disk")]
            else:
                udev_model = model.replace(" ", "_")
                links.insert(1, f"disk/by-id/ata-{udev_model}_{serial}")
                props += [("ID_BUS", "ata"), ("ID_ATA", "1"), ("ID_ATA_SATA", "1"), ("ID_MODEL", udev_model),
                          ("ID_REVISION", rev), ("ID_SERIAL", f"{udev_model}_{serial}"), ("ID_SERIAL_SHORT", serial),
                          ("ID_TYPE", "disk"), ("ID_ATA_ROTATION_RATE_RPM", "0" if kind == "sata-ssd" else "7200")]
            props.append(("DEVLINKS", " ".join(f"/dev/{l}" for l in links)))
            r = Record(f"{scsi}/block/{name}", "block", node=name)
            r.symlinks = links
            r.properties += props
            sectors = SECTORS_480GB if kind == "sata-ssd" else SECTORS_16TB
            reads, writes = 120000 + i * 37, 80000 + i * 53
            stat = (reads, 12, reads * 16, reads // 4, writes, 40, writes * 16, writes // 3, 0, reads // 3,
                    reads // 4 + writes // 3, 0, 0, 0, 0, 1200, 90)
            r.a("dev", f"{major}:{minor}").a("size", sectors).a("removable", "0").a("ro", "0")
            r.a("queue/rotational", "0" if kind == "sata-ssd" else "1").a("queue/logical_block_size", "512")
            r.a("queue/physical_block_size", "4096").a("queue/hw_sector_size", "512")
            r.a("stat", " ".join(f"{v:8d}" for v in stat)).a("inflight", "       0        0")
            r.a("device/state", "running").a("device/ioerr_cnt", "0x0").a("device/iotmo_cnt", "0x0")
            r.a("device/iodone_cnt", f"0x{reads + writes:x}").a("device/iorequest_cnt", f"0x{reads + writes:x}")
            r.a("device/model", model[:16].ljust(16)).a("device/vendor", vendor.ljust(8)).a("device/rev", rev)
            r.a("device/timeout", "30").a("device/queue_depth", "254" if kind == "sas-hdd" else "32")
            r.a("device/scsi_level", "8" if kind == "sas-hdd" else "6").a("device/type", "0")
            r.a("device/wwid", f"naa.{wwn[2:]}").a("wwid", f"naa.{wwn[2:]}")
            self.records.append(r)
            self.disks.append({"name": name, "index": i, "kind": kind, "major": major, "minor": minor,
                               "syspath": f"/sys{r.path}", "record": r, "links": links, "props": props,
                               "wwn": wwn, "serial": serial, "model": model, "vendor": vendor, "rev": rev,
                               "sectors": sectors, "stat": stat})

    # -- md ---------------------------------------------------------------------------------

    def _layout(self):
        """(level, member count, spares, recovering) per array, fitting the disks."""
        n, count = self.scale["disks"], self.scale["arrays"]
        if count >= 10 and n >= 90:
            return ([("raid1", 2, 0, False)] + [("raid6", 10, 1 if k == 0 else 0, False) for k in range(6)]
                    + [("raid10", 8, 1 if k == 0 else 0, False) for k in range(2)] + [("raid6", 10, 0, True)])
        # smoke: a mirror, a raid10, a recovering raid6 over what is left
        rest = n - 2 - 4
        return [("raid1", 2, 0, False), ("raid10", 4, 0, False), ("raid6", rest, 0, True)][:count]

    def _arrays(self):
        disks = iter(self.disks)
        minor_base = 0
        for k, (level, count, spares, recovering) in enumerate(self._layout()):
            name = f"md{k}"
            members = [next(disks) for _ in range(count + spares)]
            data = members[:count]
            component = min(d["sectors"] for d in members) - 264192  # superblock and bitmap space
            parity = {"raid1": count - 1, "raid6": 2, "raid10": count // 2}[level]
            size = component * (count - parity) if level != "raid1" else component
            uuid = f"3f1c7a2e:{k:08x}:8000e2e0:{0x5ca1e000 + k:08x}"
            total = component
            done = int(total * 0.126) // 8 * 8 if recovering else None
            r = Record(f"/devices/virtual/block/{name}", "block", node=name)
            r.e("DEVNAME", f"/dev/{name}").e("DEVTYPE", "disk").e("MD_LEVEL", level)
            r.e("MD_DEVICES", str(count)).e("MD_METADATA", "1.2").e("MD_UUID", uuid)
            r.e("MD_NAME", f"storage01:{k}")
            r.a("dev", f"9:{minor_base + k}").a("size", size).a("removable", "0").a("ro", "0")
            r.a("stat", " ".join(f"{v:8d}" for v in (9000 + k, 0, 720000, 900, 4000, 0, 320000, 400, 0, 800, 1300,
                                                     0, 0, 0, 0, 0, 0)))
            md = {"level": level, "raid_disks": count, "degraded": 1 if recovering else 0,
                  "array_state": "active" if recovering else "clean",
                  "sync_action": "recover" if recovering else "idle",
                  "last_sync_action": "check", "sync_completed": f"{done} / {total}" if recovering else "none",
                  "sync_speed": "183475" if recovering else "none", "mismatch_cnt": "0",
                  "chunk_size": "0" if level == "raid1" else "524288", "metadata_version": "1.2",
                  "component_size": component // 2, "reshape_position": "none", "resync_start": "none",
                  "uuid": uuid.replace(":", "")[:8] + "-" + uuid.replace(":", "")[8:12] + "-"
                          + uuid.replace(":", "")[12:16] + "-" + uuid.replace(":", "")[16:20] + "-"
                          + uuid.replace(":", "")[20:],
                  "layout": {"raid1": "0", "raid6": "2", "raid10": "258"}[level]}
            for key, value in md.items():
                r.a(f"md/{key}", value)
            roles = []
            for slot, d in enumerate(members):
                dev = d["name"]
                if slot >= count:
                    state, shown_slot = "spare", "none"
                elif recovering and slot == count - 1:
                    state, shown_slot = "", str(slot)  # the replacement being rebuilt: no flags yet
                else:
                    state, shown_slot = "in_sync", str(slot)
                r.a(f"md/dev-{dev}/state", state).a(f"md/dev-{dev}/slot", shown_slot)
                r.a(f"md/dev-{dev}/errors", "0").a(f"md/dev-{dev}/size", component // 2)
                r.a(f"md/dev-{dev}/offset", "264192")
                if shown_slot != "none":
                    r.links.append((f"md/rd{slot}", f"dev-{dev}"))
                roles.append((dev, slot, state))
            self.records.append(r)
            self.arrays.append({"name": name, "level": level, "count": count, "members": roles, "size": size,
                                "component": component, "recovering": recovering, "done": done, "total": total,
                                "minor": minor_base + k, "stat": (9000 + k, 0, 720000, 900, 4000, 0, 320000, 400,
                                                                  0, 800, 1300, 0, 0, 0, 0, 0, 0)})

    def mdstat(self):
        """/proc/mdstat as the kernel writes it for these arrays (newest first)."""
        out = ["Personalities : [raid1] [raid6] [raid5] [raid4] [raid10] "]
        for a in reversed(self.arrays):
            devs = " ".join(f"{d}[{s}]" + ("(S)" if st == "spare" else "") for d, s, st in reversed(a["members"]))
            out.append(f"{a['name']} : active {a['level']} {devs}")
            blocks = a["size"] // 2
            up = a["count"] - (1 if a["recovering"] else 0)
            status = f"[{a['count']}/{up}] [{'U' * up}{'_' * (a['count'] - up)}]"
            if a["level"] == "raid1":
                out.append(f"      {blocks} blocks super 1.2 {status}")
            elif a["level"] == "raid10":
                out.append(f"      {blocks} blocks super 1.2 512K chunks 2 near-copies {status}")
            else:
                out.append(f"      {blocks} blocks super 1.2 level 6, 512k chunk, algorithm 2 {status}")
            if a["recovering"]:
                ratio = a["done"] / a["total"]
                bar = "=" * int(ratio * 20) + ">" + "." * (19 - int(ratio * 20))
                left_min = (a["total"] - a["done"]) / 2 / 183475 / 60
                out.append(f"      [{bar}]  recovery = {ratio * 100:.1f}% ({a['done'] // 2}/{a['total'] // 2}) "
                           f"finish={left_min:.1f}min speed=183475K/sec")
            out.append(f"      bitmap: 0/{max(1, blocks // 65536 // 2048)} pages [0KB], 65536KB chunk")
            out.append("")
        out.append("unused devices: <none>")
        return "\n".join(out) + "\n"

    def diskstats(self):
        lines = []
        for d in self.disks:
            lines.append(f"{d['major']:4d} {d['minor']:7d} {d['name']} " + " ".join(str(v) for v in d["stat"]))
        for a in self.arrays:
            lines.append(f"{9:4d} {a['minor']:7d} {a['name']} " + " ".join(str(v) for v in a["stat"]))
        return "\n".join(lines) + "\n"

    def udev_data(self):
        """{file name: content} for node_exporter's --path.udev.data (systemd-udevd's database)."""
        out = {}
        for d in self.disks:
            lines = [f"S:{l}" for l in d["links"]] + ["I:1712345678", "G:systemd"]
            lines += [f"E:{k}={v}" for k, v in d["props"] if k not in ("DEVNAME", "DEVTYPE", "MAJOR", "MINOR", "DEVLINKS")]
            out[f"b{d['major']}:{d['minor']}"] = "\n".join(lines) + "\n"
        return out

    # -- hwmon ------------------------------------------------------------------------------

    def _chip(self, number, parent, name, attributes, sensors):
        self.records.append(Record(f"/devices/platform/{parent}", "platform").e("DRIVER", parent.split(".")[0]))
        r = Record(f"/devices/platform/{parent}/hwmon/hwmon{number}", "hwmon")
        r.a("name", name)
        for key, value in attributes:
            r.a(key, value)
        r.links.append(("device", "../../../" + parent))
        self.records.append(r)
        self.sensor_count += sensors
        self.chip_names.append(name)

    def _hwmon(self):
        chips = self.scale["chips"]
        cores = 56 if chips >= 8 else 4
        number = 0
        for package in range(min(2, chips)):
            attrs = [("temp1_label", f"Package id {package}"), ("temp1_input", 52000 + package * 1000),
                     ("temp1_max", 95000), ("temp1_crit", 105000), ("temp1_crit_alarm", 0)]
            for c in range(cores):
                n = c + 2
                attrs += [(f"temp{n}_label", f"Core {c}"), (f"temp{n}_input", 45000 + (c * 700) % 9000),
                          (f"temp{n}_max", 95000), (f"temp{n}_crit", 105000), (f"temp{n}_crit_alarm", 0)]
            self._chip(number, f"coretemp.{package}", "coretemp", attrs, cores + 1)
            number += 1
        if chips < 8:
            return
        # nct6798: 18 voltages, 7 fans, 8 temperatures, chassis intrusion
        attrs = []
        for n in range(18):
            mv = 1000 + n * 110
            attrs += [(f"in{n}_input", mv), (f"in{n}_min", int(mv * 0.9)), (f"in{n}_max", int(mv * 1.1)),
                      (f"in{n}_alarm", 0), (f"in{n}_beep", 0)]
        for n in range(1, 8):
            attrs += [(f"fan{n}_input", 1800 + n * 60), (f"fan{n}_min", 300), (f"fan{n}_alarm", 0),
                      (f"fan{n}_pulses", 2)]
        labels = ["SYSTIN", "CPUTIN", "AUXTIN0", "AUXTIN1", "AUXTIN2", "AUXTIN3", "PECI Agent 0", "PCH_CHIP_TEMP"]
        for n, label in enumerate(labels, 1):
            attrs += [(f"temp{n}_label", label), (f"temp{n}_input", 34000 + n * 500), (f"temp{n}_max", 80000),
                      (f"temp{n}_max_hyst", 75000), (f"temp{n}_alarm", 0), (f"temp{n}_type", 4)]
        attrs.append(("intrusion0_alarm", 0))
        self._chip(number, "nct6775.2592", "nct6798", attrs, 18 + 7 + 8)
        number += 1
        # w83795adg (the BMC-side monitor on many 2-socket boards): 21 voltages, 8 fans, 6 temperatures
        attrs = []
        for n in range(21):
            mv = 900 + n * 95
            attrs += [(f"in{n}_input", mv), (f"in{n}_min", int(mv * 0.9)), (f"in{n}_max", int(mv * 1.1)),
                      (f"in{n}_alarm", 0)]
        for n in range(1, 9):
            attrs += [(f"fan{n}_input", 6000 + n * 120), (f"fan{n}_min", 1000), (f"fan{n}_alarm", 0)]
        for n in range(1, 7):
            attrs += [(f"temp{n}_input", 30000 + n * 1500), (f"temp{n}_max", 85000), (f"temp{n}_max_hyst", 80000),
                      (f"temp{n}_crit", 95000), (f"temp{n}_crit_hyst", 90000), (f"temp{n}_alarm", 0)]
        self._chip(number, "w83795adg.0", "w83795adg", attrs, 21 + 8 + 6)
        number += 1
        self._chip(number, "ACPI000D:00", "power_meter",
                   [("power1_average", 412000000), ("power1_average_interval", 1000),
                    ("power1_is_battery", 0), ("power1_model_number", "")], 1)
        number += 1
        for k in range(2):
            self._chip(number, f"nvme{k}", "nvme",
                       [("temp1_label", "Composite"), ("temp1_input", 38850), ("temp1_max", 81850),
                        ("temp1_min", -273150), ("temp1_crit", 84850), ("temp1_alarm", 0),
                        ("temp2_label", "Sensor 1"), ("temp2_input", 38850), ("temp2_max", 65261850),
                        ("temp2_min", -273150), ("temp3_label", "Sensor 2"), ("temp3_input", 45850),
                        ("temp3_max", 65261850), ("temp3_min", -273150)], 3)
            number += 1
        attrs = []
        for n in range(1, 4):
            attrs += [(f"in{n}_label", f"VIN{n}"), (f"in{n}_input", 12000 - n * 10), (f"in{n}_enable", 1),
                      (f"in{n + 3}_input", 11900 - n * 10),
                      (f"curr{n}_input", 2500 + n * 100), (f"curr{n}_max", 8000), (f"curr{n}_crit", 9000),
                      (f"curr{n}_max_alarm", 0), (f"curr{n}_crit_alarm", 0)]
        self._chip(number, "ina3221.1-0040", "ina3221", attrs, 9)

    # -- EDAC -------------------------------------------------------------------------------

    def _edac(self):
        dimms = self.scale["dimms"]
        controllers = 2 if dimms >= 2 else 1
        per = dimms // controllers
        self.records.append(Record("/devices/system/edac/mc", "edac"))
        for mc in range(controllers):
            r = Record(f"/devices/system/edac/mc/mc{mc}", "edac")
            r.a("mc_name", f"Intel_10nm Socket#{mc} IMC#0").a("size_mb", per * 32768)
            r.a("seconds_since_reset", 25200).a("ce_count", 0).a("ce_noinfo_count", 0)
            r.a("ue_count", 0).a("ue_noinfo_count", 0).a("max_location", f"channel {per - 1} slot 0 ")
            for d in range(per):
                label = f"CPU_SrcID#{mc}_MC#0_Chan#{d}_DIMM#0"
                r.a(f"dimm{d}/dimm_label", label).a(f"dimm{d}/dimm_location", f"channel {d} slot 0 ")
                r.a(f"dimm{d}/size", 32768).a(f"dimm{d}/dimm_mem_type", "Registered-DDR5")
                r.a(f"dimm{d}/dimm_dev_type", "x4").a(f"dimm{d}/dimm_edac_mode", "S4ECD4ED")
                r.a(f"dimm{d}/dimm_ce_count", 0).a(f"dimm{d}/dimm_ue_count", 0)
                # the legacy layout (CONFIG_EDAC_LEGACY_SYSFS), which node_exporter 1.5 reads
                r.a(f"csrow{d}/ce_count", 0).a(f"csrow{d}/ue_count", 0).a(f"csrow{d}/size_mb", 32768)
                r.a(f"csrow{d}/mem_type", "Registered-DDR5").a(f"csrow{d}/edac_mode", "S4ECD4ED")
                r.a(f"csrow{d}/dev_type", "x4").a(f"csrow{d}/ch0_ce_count", 0)
                r.a(f"csrow{d}/ch0_dimm_label", label)
            self.records.append(r)

    # -- output -----------------------------------------------------------------------------

    def testbed(self):
        return "\n".join(r.text() for r in self.records)

    def smart_reports(self):
        """{disk name: smartctl --json -a output}, healthy, in the shapes smartctl 7 prints."""
        out = {}
        for d in self.disks:
            base = {
                "json_format_version": [1, 0],
                "smartctl": {"version": [7, 3], "argv": ["smartctl", "--json", "--nocheck=standby", "-a",
                                                          f"/dev/{d['name']}"], "exit_status": 0},
                "device": {"name": f"/dev/{d['name']}", "info_name": f"/dev/{d['name']}",
                           "type": "scsi" if d["kind"] == "sas-hdd" else "sat",
                           "protocol": "SCSI" if d["kind"] == "sas-hdd" else "ATA"},
                "serial_number": d["serial"],
                "wwn": {"naa": 5, "oui": int(d["wwn"][3:9], 16), "id": int(d["wwn"][9:], 16)},
                "smart_status": {"passed": True},
                "power_on_time": {"hours": 21000 + d["index"]},
                "temperature": {"current": 31 + d["index"] % 6},
            }
            if d["kind"] == "sas-hdd":
                base.update({"vendor": d["vendor"], "product": d["model"], "model_name": f"{d['vendor']} {d['model']}",
                             "revision": d["rev"], "scsi_grown_defect_list": 0,
                             "scsi_error_counter_log": {
                                 "read": {"errors_corrected_by_eccfast": 0, "total_uncorrected_errors": 0},
                                 "write": {"errors_corrected_by_eccfast": 0, "total_uncorrected_errors": 0}}})
            else:
                ssd = d["kind"] == "sata-ssd"
                table = [
                    (1, "Raw_Read_Error_Rate", 100, 16, True, 0), (5, "Reallocated_Sector_Ct", 100, 5, True, 0),
                    (9, "Power_On_Hours", 98, 0, False, 21000 + d["index"]),
                    (12, "Power_Cycle_Count", 100, 0, False, 31),
                    (194, "Temperature_Celsius", 64, 0, False, 31 + d["index"] % 6),
                    (197, "Current_Pending_Sector", 100, 0, False, 0),
                    (198, "Offline_Uncorrectable", 100, 0, False, 0), (199, "UDMA_CRC_Error_Count", 200, 0, False, 0),
                ]
                if ssd:
                    table.append((233, "Media_Wearout_Indicator", 97, 0, False, 0))
                base.update({"model_name": d["model"], "firmware_version": d["rev"],
                             "ata_smart_attributes": {"revision": 16, "table": [
                                 {"id": i, "name": n, "value": v, "worst": v, "thresh": t, "when_failed": "",
                                  "flags": {"value": 51 if pre else 50, "prefailure": pre},
                                  "raw": {"value": raw, "string": str(raw)}}
                                 for i, n, v, t, pre, raw in table]}})
            out[d["name"]] = json.dumps(base, indent=1) + "\n"
        return out

    def write_smart(self, directory):
        """The recorded reports and a stand-in smartctl that prints the one for its last argument."""
        os.makedirs(directory, exist_ok=True)
        for name, text in self.smart_reports().items():
            with open(os.path.join(directory, f"{name}.json"), "w") as f:
                f.write(text)
        path = os.path.join(directory, "smartctl")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n"
                    "# written by bench/host-bench: answers `smartctl --json ... -a /dev/X` from X.json beside it\n"
                    "for last; do :; done\n"
                    f"exec cat \"{directory}/${{last##*/}}.json\"\n")
        os.chmod(path, 0o755)
        return path

    def write_node_exporter_files(self, directory, sysfs):
        """procfs (the real /proc, with this server's mdstat and diskstats) and udev data for
        node_exporter's --path.procfs and --path.udev.data; returns (procfs, udev data)."""
        procfs = os.path.join(directory, "proc")
        os.makedirs(procfs, exist_ok=True)
        for entry in os.listdir("/proc"):
            if entry in ("mdstat", "diskstats") or (entry.isdigit() and entry != "1"):
                continue
            os.symlink(f"/proc/{entry}", os.path.join(procfs, entry))
        for name, text in (("mdstat", self.mdstat()), ("diskstats", self.diskstats())):
            with open(os.path.join(procfs, name), "w") as f:
                f.write(text)
        udev = os.path.join(directory, "udev", "data")
        os.makedirs(udev, exist_ok=True)
        for name, text in self.udev_data().items():
            with open(os.path.join(udev, name), "w") as f:
                f.write(text)
        return procfs, udev

    def summary(self):
        levels = {}
        for a in self.arrays:
            levels[a["level"]] = levels.get(a["level"], 0) + 1
        kinds = {}
        for d in self.disks:
            kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
        dimms = self.scale["dimms"] // (2 if self.scale["dimms"] >= 2 else 1) * (2 if self.scale["dimms"] >= 2 else 1)
        return (f"{len(self.disks)} disks ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}) behind an HBA "
                f"and 2 SAS expanders; {len(self.arrays)} md arrays "
                f"({', '.join(f'{v} {k}' for k, v in sorted(levels.items()))}; "
                f"{sum(1 for a in self.arrays if a['recovering'])} recovering); {len(self.chip_names)} hwmon chips "
                f"with {self.sensor_count} sensors; {dimms} DIMMs; {len(self.pci)} PCIe devices")
