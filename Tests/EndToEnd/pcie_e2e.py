#!/usr/bin/python3
"""End-to-end test of PCIe devices: the real hosthealthd under a umockdev testbed.

Run from the repository root as root with the system Python (it needs `gi` and umockdev):

    /usr/bin/python3 Tests/EndToEnd/pcie_e2e.py --bin-dir .build/debug [--trials 20]

The testbed is a server's PCI tree under root ports: a ConnectX-6 trained at x8
of x16 under a x16 root port, an Intel NVMe whose correctable AER count rises, a Samsung NVMe
that later reports a fatal error, an idle GPU at 2.5 GT/s, a x16 card in a x8 slot, an SR-IOV
virtual function, a BMC's VGA behind a bridge, a port whose only fatal error is a Surprise Down,
and the chipset functions that are no components (23 functions in all, 16 of them components). Each step changes sysfs as the kernel would
(AER counters move without uevents; hot-plug sends add and remove) and `/health`, `/status`,
`/metrics` (checked by promtool), `/events` and `hostctl status`/`events` must follow. Then
real AER lines are written to /dev/kmsg (addresses in a PCI domain drawn for this run, so no
other writer's lines count) and the time until `/status` shows the device judged is measured.

Output: `PASS name` / `FAIL name: why` per step, then `N passed, N failed`; timings on stderr
and a `LATENCY` line on stdout.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

if "umockdev" not in os.environ.get("LD_PRELOAD", ""):
    # Devices with parents can be added only by a process under the preload.
    os.execvp("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv)

import gi  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import md_e2e  # noqa: E402
from md_e2e import Fail, check, log, promtool_findings  # noqa: E402

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

CONFIG = """\
pcie:
  poll_interval: 1s
  recover_after: 0s
  link_for: 2s
  correctable_window: 1m
  nonfatal_hold: 1s
"""
# A PCI domain of its own per run: the AER lines written to the shared /dev/kmsg name it.
DOMAIN = f"{random.randint(0x1000, 0xfffe):04x}"


def address(bus_device_function):
    return f"{DOMAIN}:{bus_device_function}"


def aer(kind, total, names):
    """An aer_dev_* file: NAME COUNT lines, then TOTAL_ERR_<kind>."""
    lines = [f"{name} {count}" for name, count in names] + [f"TOTAL_ERR_{kind} {total}"]
    return "\n".join(lines)


def correctable(total):
    return aer("COR", total, [("RxErr", total), ("BadTLP", 0), ("BadDLLP", 0), ("Rollover", 0), ("Timeout", 0),
                              ("NonFatalErr", 0), ("CorrIntErr", 0), ("HeaderOF", 0)])


def nonfatal(total):
    return aer("NONFATAL", total, [("Undefined", 0), ("DLP", 0), ("SDES", 0), ("TLP", 0), ("FCP", 0),
                                   ("CmpltTO", total), ("UnxCmplt", 0), ("UnsupReq", 0)])


def fatal(total, surprise_down=0):
    return aer("FATAL", total + surprise_down, [("Undefined", 0), ("DLP", 0), ("SDES", surprise_down), ("TLP", 0),
                                                ("CmpltTO", total), ("MalfTLP", 0), ("UnsupReq", 0)])


def link(speed, width, max_speed, max_width):
    return {"current_link_speed": f"{speed} GT/s PCIe", "current_link_width": str(width),
            "max_link_speed": f"{max_speed} GT/s PCIe", "max_link_width": str(max_width)}


def with_aer(attributes, cor=0, nonfat=0, fat=0, root_port=False):
    attributes = dict(attributes)
    attributes.update({"aer_dev_correctable": correctable(cor), "aer_dev_nonfatal": nonfatal(nonfat),
                       "aer_dev_fatal": fatal(fat)})
    if root_port:
        attributes.update({"aer_rootport_total_err_cor": "0", "aer_rootport_total_err_nonfatal": "0",
                           "aer_rootport_total_err_fatal": "0"})
    return attributes


class Testbed:
    ROOT_PORT = ("8086", "347a", "0x060400")

    def __init__(self):
        self.bed = UMockdev.Testbed.new()
        self.devices = {}
        port16 = link("16.0", 16, "16.0", 16)
        self.add("00:00.0", ("8086", "09a2", "0x060000"))
        # The NIC's port: its side of the link trained at x8 too.
        nic_port = self.add("00:01.0", self.ROOT_PORT, with_aer(link("16.0", 8, "16.0", 16), root_port=True))
        self.add("3b:00.0", ("15b3", "101b", "0x020000"), with_aer(link("16.0", 8, "16.0", 16)), parent=nic_port,
                 driver="mlx5_core")
        nvme_port = self.add("00:02.0", self.ROOT_PORT, with_aer(link("8.0", 4, "8.0", 4), root_port=True))
        self.intel = self.add("5e:00.0", ("8086", "0953", "0x010802"), with_aer(link("8.0", 4, "8.0", 4)),
                              parent=nvme_port, driver="nvme")
        samsung_port = self.add("00:03.0", self.ROOT_PORT, with_aer(link("16.0", 4, "16.0", 4), root_port=True))
        self.samsung = self.add("5f:00.0", ("144d", "a80a", "0x010802"), with_aer(link("16.0", 4, "16.0", 4)),
                                parent=samsung_port, driver="nvme")
        gpu_port = self.add("00:04.0", self.ROOT_PORT, with_aer(port16, root_port=True))
        self.add("17:00.0", ("10de", "20b0", "0x030200"), with_aer(link("2.5", 16, "16.0", 16)), parent=gpu_port,
                 driver="nvidia")
        x710_port = self.add("00:05.0", self.ROOT_PORT, with_aer(link("8.0", 8, "8.0", 8), root_port=True))
        pf = self.add("86:00.0", ("8086", "1572", "0x020000"), with_aer(link("8.0", 8, "8.0", 8)), parent=x710_port,
                      driver="i40e")
        vf = self.add("86:02.0", ("8086", "154c", "0x020000"), link("Unknown", 0, "Unknown", 0), parent=x710_port,
                      driver="iavf")
        os.makedirs(os.path.join(self.root, vf.lstrip("/"), "physfn"), exist_ok=True)
        del pf
        # A x16 card in a slot wired x8: the port's maximum bounds it.
        slot8 = self.add("00:06.0", self.ROOT_PORT, with_aer(link("16.0", 8, "16.0", 8), root_port=True))
        self.add("af:00.0", ("14e4", "16d7", "0x020000"), with_aer(link("16.0", 8, "16.0", 16)), parent=slot8,
                 driver="bnxt_en")
        for bdf, ids in (("00:14.0", ("8086", "a36d", "0x0c0330")), ("00:17.0", ("8086", "a352", "0x010601")),
                         ("00:1f.0", ("8086", "a242", "0x060100")), ("00:1f.4", ("8086", "a323", "0x0c0500")),
                         ("00:08.0", ("8086", "2014", "0x088000"))):
            self.add(bdf, ids)
        bmc_port = self.add("00:1c.0", self.ROOT_PORT, with_aer(link("5.0", 1, "8.0", 1), root_port=True))
        bmc_bridge = self.add("02:00.0", ("1a03", "1150", "0x060400"), link("5.0", 1, "5.0", 1), parent=bmc_port)
        self.add("03:00.0", ("1a03", "2000", "0x030000"), link("2.5", 1, "5.0", 1), parent=bmc_bridge, driver="ast")
        hotplug = self.add("00:1d.0", self.ROOT_PORT, with_aer(link("8.0", 4, "8.0", 4), root_port=True))
        self.bed.set_attribute(hotplug, "aer_dev_fatal", fatal(0, surprise_down=1) + "\n")
        self.hotplug_port = hotplug

    @property
    def root(self):
        return self.bed.get_root_dir()

    def add(self, bdf, ids, attributes=None, parent=None, driver=None):
        vendor, device, klass = ids
        name = address(bdf)
        flat = ["vendor", f"0x{vendor}\n", "device", f"0x{device}\n", "class", f"{klass}\n",
                "subsystem_vendor", f"0x{vendor}\n", "subsystem_device", "0x0001\n"]
        for key, value in (attributes or {}).items():
            flat += [key, value + "\n"]
        properties = ["PCI_SLOT_NAME", name, "PCI_ID", f"{vendor.upper()}:{device.upper()}", "PCI_CLASS", klass[2:].upper()]
        if driver:
            properties += ["DRIVER", driver]
        path = self.bed.add_device("pci", name, parent, flat, properties)
        check(path is not None, f"could not add {name}")
        self.devices[bdf] = path
        return path

    def set(self, path, key, value):
        self.bed.set_attribute(path, key, value + "\n")

    def remove(self, path):
        self.bed.uevent(path, "remove")
        self.bed.remove_device(path)


def component(agent, bdf):
    return next((c for c in agent.json("/status")["components"] if c["id"] == f"pcie:{address(bdf)}"), None)


def wait_component(agent, bdf, state, timeout=5, reason=None):
    def probe():
        found = component(agent, bdf)
        ok = found is not None and found["state"] == state and (reason is None or reason(found["reason"]))
        return ok, found
    return agent.wait(probe, timeout)


def wait_gone(agent, bdf, timeout=5):
    return agent.wait(lambda: (component(agent, bdf) is None, component(agent, bdf)), timeout)


def kmsg(line):
    with open("/dev/kmsg", "w") as f:
        f.write(line + "\n")


class Running:
    """The agent under test; a restart replaces it (same state directory)."""

    def __init__(self, bin_dir, bed, workdir):
        self.bin_dir, self.bed, self.workdir = bin_dir, bed, workdir
        self.agent = md_e2e.Agent(bin_dir, bed, workdir, CONFIG)

    def restart(self):
        self.agent.stop()
        self.agent = md_e2e.Agent(self.bin_dir, self.bed, self.workdir, CONFIG)

    def __getattr__(self, name):
        return getattr(self.agent, name)


def scenario(agent, bed, trials):
    nic, intel, samsung = "3b:00.0", "5e:00.0", "5f:00.0"

    def started():
        agent.wait(lambda: (component(agent, nic) is not None, None), 10)
        ids = sorted(c["id"] for c in agent.json("/status")["components"] if c["kind"] == "pcie")
        want = sorted(f"pcie:{address(b)}" for b in (
            "00:01.0", nic, "00:02.0", intel, "00:03.0", samsung, "00:04.0", "17:00.0", "00:05.0", "86:00.0",
            "00:06.0", "af:00.0", "00:17.0", "00:1c.0", "03:00.0", "00:1d.0"))
        check(ids == want, f"pcie components {ids}, want {want}")
        # The virtual function has neither AER nor a link of its own: no component.
        check(component(agent, "86:02.0") is None, "the VF is a component")
        found = component(agent, nic)
        check(found["name"] == f"{address(nic)} Mellanox ConnectX-6", f"NIC name {found['name']!r}")

    def nic_at_x8_degrades_after_link_for():
        # Shown at once, degraded only after pcie.link_for (2s): a retrain passes through lower widths.
        reason = "PCIe 16.0 GT/s x8, capable of 16.0 GT/s x16"
        seconds = wait_component(agent, nic, "degraded", timeout=6, reason=lambda r: r == reason)
        log(f"  NIC x8 of x16 degraded {seconds:.1f}s into the run")
        reasons = agent.json("/health")["reasons"]
        check(f"pcie {address(nic)} Mellanox ConnectX-6: degraded, {reason}" in reasons, f"/health reasons {reasons}")
        check(agent.get("/health")[0] == 503, "host not 503 with a NIC at x8")

    def others_are_judged_right():
        for bdf, state, reason in (
            ("17:00.0", "ok", "PCIe 2.5 GT/s x16, capable of 16.0 GT/s x16 (the rate follows the load)"),
            ("af:00.0", "ok", ""),
            ("03:00.0", "ok", "PCIe 2.5 GT/s x1, capable of 5.0 GT/s x1 (the rate follows the load)"),
            ("00:1d.0", "ok", "1 Surprise Down since boot (a device below went away)"),
            (intel, "ok", ""), (samsung, "ok", ""),
        ):
            found = component(agent, bdf)
            check(found is not None and found["state"] == state and found["reason"] == reason,
                  f"{bdf}: {found}, want {state} {reason!r}")

    def correctable_errors_rising_degrade():
        bed.set(bed.intel, "aer_dev_correctable", correctable(3))
        # Within the 1-minute window a x4 8 GT/s link may make 1 error inside the spec's BER.
        wait_component(agent, intel, "degraded", reason=lambda r: r.startswith("3 correctable AER errors in 1m, over the 1 "))
        bed.set(bed.intel, "aer_dev_correctable", correctable(40))
        wait_component(agent, intel, "degraded", reason=lambda r: r.startswith("40 correctable AER errors in 1m"))

    def fatal_count_fails():
        bed.set(bed.samsung, "aer_dev_fatal", fatal(1))
        wait_component(agent, samsung, "failed", reason=lambda r: r == "1 fatal AER error since boot (CmpltTO)")
        check(agent.json("/health")["state"] == "failed", "host not failed")

    def restart_forgives_nothing():
        # The correctable window is in the state directory; the fatal count is since boot.
        agent.restart()
        agent.wait_health(503, "failed", timeout=10)
        wait_component(agent, intel, "degraded", reason=lambda r: r.startswith("40 correctable AER errors in 1m"))
        wait_component(agent, samsung, "failed")
        # The link's hold (pcie.link_for) starts again: a retrain is not remembered.
        wait_component(agent, nic, "degraded", timeout=6)

    def metrics_follow_and_pass_promtool():
        status, body = agent.get("/metrics")
        check(status == 200, f"/metrics {status}")
        lines = body.decode().splitlines()
        for line in (
            f'hosthealth_pcie_aer_errors_total{{device="{address(intel)}",severity="correctable"}} 40',
            f'hosthealth_pcie_aer_errors_total{{device="{address(samsung)}",severity="fatal"}} 1',
            f'hosthealth_pcie_aer_rootport_errors_total{{device="{address("00:01.0")}",severity="fatal"}} 0',
            f'hosthealth_pcie_link_speed_transfers_per_second{{device="{address(nic)}"}} 16000000000',
            f'hosthealth_pcie_link_width_lanes{{device="{address(nic)}"}} 8',
            f'hosthealth_pcie_link_max_width_lanes{{device="{address(nic)}"}} 16',
            f'hosthealth_pcie_link_capable_width_lanes{{device="{address("af:00.0")}"}} 8',
            f'hosthealth_component_state{{kind="pcie",id="pcie:{address(nic)}",state="degraded"}} 1',
        ):
            check(line in lines, f"missing from /metrics: {line}")
        info = [l for l in lines if l.startswith(f'hosthealth_pcie_device_info{{device="{address(nic)}"')]
        check(len(info) == 1 and 'name="Mellanox ConnectX-6"' in info[0] and f'upstream="{address("00:01.0")}"' in info[0],
              f"NIC info {info}")
        check(not any(f'device="{address("86:02.0")}"' in l for l in lines if l.startswith("hosthealth_pcie_link_width")),
              "a VF with Unknown width has a width series")
        rc, findings = promtool_findings(body)
        check(rc == 0 and findings == "", f"promtool: {findings}")

    def hostctl_and_journal_show_it():
        rc, text = agent.hostctl("status", "--no-color")
        row = next((l for l in text.splitlines() if f"{address(nic)} Mellanox ConnectX-6" in l), "")
        check("degraded" in row and "PCIe 16.0 GT/s x8, capable of 16.0 GT/s x16" in row, f"NIC row {row!r}")
        check("PCIe 16.0 GT/s x8 of 16.0 GT/s x16" in text, f"no NIC detail line: {text[-600:]}")
        check(rc != 0, f"hostctl status exit {rc} with a failed host")
        events = [e for e in agent.json("/events")["events"] if e.get("component") == f"pcie:{address(samsung)}"]
        check(events and events[-1]["to"] == "failed", f"/events for the Samsung NVMe: {events}")
        rc, text = agent.hostctl("events")
        check(f"{address(nic)} Mellanox ConnectX-6" in text and "capable of 16.0 GT/s x16" in text,
              f"hostctl events: {text[-600:]}")

    def baseline_records_the_trained_link():
        # The drift baseline declares what matters (the NIC, the NVMe drives, the GPU) with the
        # link each trained at; bridges and the VF are not declared.
        rc, text = agent.hostctl("baseline", "record")
        check(rc == 0 and "pcie_devices:" in text, f"baseline record exit {rc}: {text[:400]}")
        section = text.split("pcie_devices:", 1)[1]
        lines = section.splitlines()
        at = next((i for i, l in enumerate(lines) if address(nic) in l), None)
        check(at is not None, f"the NIC is not declared: {section[:600]}")
        entry = "\n".join(lines[at:at + 8])
        check("link_width: 8" in entry and "15b3:101b" in entry and "16.0 GT/s" in entry, f"NIC entry {entry!r}")
        check(address("00:01.0") not in section and address("86:02.0") not in section, "a bridge or the VF is declared")

    def hot_remove_and_add_follow_udev():
        bed.remove(bed.intel)
        wait_gone(agent, intel)
        events = [e for e in agent.json("/events")["events"] if e.get("component") == f"pcie:{address(intel)}"]
        check(events and events[-1]["reason"] == "no longer present", f"removal not in the journal: {events[-1:]}")
        port = bed.devices["00:02.0"]
        bed.intel = bed.add("5e:00.0", ("8086", "0953", "0x010802"), with_aer(link("8.0", 4, "8.0", 4)),
                            parent=port, driver="nvme")
        bed.bed.uevent(bed.intel, "add")
        # Back with fresh counters; the slot's errors of the last minute still count (a reset
        # that re-enumerates a device must not forgive it).
        wait_component(agent, intel, "degraded", reason=lambda r: r.startswith("40 correctable AER errors in 1m"))
        check(component(agent, intel)["detail"].endswith("AER 0 correctable, 0 non-fatal, 0 fatal"),
              f"re-added NVMe: {component(agent, intel)}")

    samples = []

    def kernel_log_lines_are_attributed_within_50ms():
        if not os.access("/dev/kmsg", os.W_OK):
            raise Fail("/dev/kmsg is not writable (run as root)")
        target = "af:00.0"  # ok all along
        for n in range(trials):
            start = time.monotonic()
            kmsg(f"<3>bnxt_en {address(target)}: AER: PCIe Bus Error: severity=Uncorrectable (Non-Fatal), "
                 f"type=Transaction Layer, (Requester ID)")
            wait_component(agent, target, "degraded", timeout=2, reason=lambda r: r.startswith("1 non-fatal AER error within"))
            samples.append(time.monotonic() - start)
            # nonfatal_hold is 1s: it recovers by itself.
            wait_component(agent, target, "ok", timeout=5)
        kmsg(f"<4>nvme {address(intel)}: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)")
        kmsg(f"<4>nvme {address(intel)}:   device [8086:0953] error status/mask=00000001/00002000")
        start = time.monotonic()
        kmsg(f"<3>bnxt_en {address(target)}: AER: PCIe Bus Error: severity=Uncorrected (Fatal), "
             f"type=Transaction Layer, (Requester ID)")
        wait_component(agent, target, "failed", timeout=2)
        samples.append(time.monotonic() - start)
        lines = agent.get("/metrics")[1].decode().splitlines()
        for line in (
            f'hosthealth_pcie_kernel_log_aer_errors_total{{device="{address(target)}",severity="nonfatal"}} {trials}',
            f'hosthealth_pcie_kernel_log_aer_errors_total{{device="{address(target)}",severity="fatal"}} 1',
            f'hosthealth_pcie_kernel_log_aer_errors_total{{device="{address(intel)}",severity="correctable"}} 1',
        ):
            check(line in lines, f"missing from /metrics: {line}")
        samples.sort()
        median = statistics.median(samples) * 1000
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000
        log(f"  kmsg AER line -> /status over {len(samples)} lines: median {median:.1f} ms, p99 {p99:.1f} ms, "
            f"max {samples[-1] * 1000:.1f} ms (bar: 50 ms)")
        print(f"LATENCY kmsg_aer_to_status median_ms={median:.1f} p99_ms={p99:.1f} n={len(samples)}")
        check(p99 < 50, f"p99 {p99:.1f} ms over the 50 ms bar")

    return [
        ("pcie_devices_read_at_start", started),
        ("pcie_nic_at_x8_of_x16_degrades_after_link_for", nic_at_x8_degrades_after_link_for),
        ("pcie_gpu_idle_rate_slot_bound_vf_and_surprise_down_stay_ok", others_are_judged_right),
        ("pcie_rising_correctable_errors_degrade", correctable_errors_rising_degrade),
        ("pcie_fatal_count_fails", fatal_count_fails),
        ("pcie_restart_forgives_no_error", restart_forgives_nothing),
        ("pcie_metrics_follow_and_pass_promtool", metrics_follow_and_pass_promtool),
        ("pcie_hostctl_status_events_and_journal", hostctl_and_journal_show_it),
        ("pcie_baseline_records_the_trained_link", baseline_records_the_trained_link),
        ("pcie_hot_remove_and_add_follow_udev", hot_remove_and_add_follow_udev),
        ("pcie_kmsg_aer_lines_attributed_within_50ms", kernel_log_lines_are_attributed_within_50ms),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin-dir", default=".build/debug")
    parser.add_argument("--trials", type=int, default=20, help="kernel-log lines timed")
    args = parser.parse_args()
    bin_dir = os.path.abspath(args.bin_dir)
    workdir = tempfile.mkdtemp(prefix="hhpcie-")
    bed = Testbed()
    agent = Running(bin_dir, bed, workdir)
    passed, failed = 0, 0
    try:
        passed, failed = md_e2e.run_steps(agent, scenario(agent, bed, args.trials))
    finally:
        agent.stop()
        subprocess.run(["rm", "-rf", workdir])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
