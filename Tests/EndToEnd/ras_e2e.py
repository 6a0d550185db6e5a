#!/usr/bin/python3
"""End-to-end test of memory errors (EDAC), CPU throttling and machine checks: the real
hosthealthd under a umockdev testbed.

Run from the repository root with the system Python (it needs `gi` and umockdev):

    /usr/bin/python3 Tests/EndToEnd/ras_e2e.py --bin-dir .build/debug [--trials 20]

The testbed is a 2-socket server: four EDAC memory controllers (two per socket) with four
DIMMs each, 16 DIMMs, labelled as Skylake firmware labels them. Over time one DIMM's corrected
count rises past the rate and degrades it, another gets an uncorrectable error and fails; the
agent is restarted and must not forgive the first; the rate's window then passes on the
monotonic clock and it recovers. `/health`, `/status`, `/metrics` (promtool), `/events`, the
journal file and `hostctl status` must follow. Its two CPU packages have thermal_throttle
counters: one package's count keeps rising past `cpu.throttling.for`, degrades it, stops, and
it recovers. As root with a writable /dev/kmsg, real EDAC and machine-check records written
to /dev/kmsg are attributed to their DIMM and package, and the time from the write to
`/status` showing it is measured over several trials (the bar is 50 ms).

Output: `PASS name` / `FAIL name: why` per step, then `N passed, N failed`; timings on stderr.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

if "umockdev" not in os.environ.get("LD_PRELOAD", ""):
    # The testbed's builder must run under the preload too.
    os.execvp("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv)

import gi  # noqa: E402

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

PROMTOOL = "/usr/bin/promtool"
WINDOW = 20  # seconds: the corrected-error rate's window in this test
CONFIG = f"""\
memory:
  interval: 1s
  stale_after: 10s
  recover_after: 0s
  ce_rate: 5/{WINDOW}s
cpu:
  interval: 1s
  stale_after: 10s
  recover_after: 0s
  throttling: {{ for: 3s }}
  mce_rate: 2/{WINDOW}s
"""
EDAC = "/sys/devices/system/edac/mc"


class Fail(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Fail(message)


def log(message):
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def label(socket_, ha, channel, slot):
    return f"CPU_SrcID#{socket_}_Ha#{ha}_Chan#{channel}_DIMM#{slot}"


class Testbed:
    """Two sockets, each with two integrated memory controllers of two channels by two slots."""

    def __init__(self):
        self.bed = UMockdev.Testbed.new()
        self.dimms = {}  # label -> (controller, dimm index)
        for mc in range(4):
            socket_, ha = divmod(mc, 2)
            lines = [f"P: /devices/system/edac/mc/mc{mc}", "E: SUBSYSTEM=edac",
                     f"A: mc_name=Skylake Socket#{socket_} IMC#{ha}", "A: size_mb=131072",
                     "A: ce_count=0", "A: ue_count=0", "A: ce_noinfo_count=0", "A: ue_noinfo_count=0",
                     "A: seconds_since_reset=1000", "A: max_location=channel 1 slot 1"]
            index = 0
            for channel in range(2):
                for slot in range(2):
                    name = label(socket_, ha, channel, slot)
                    self.dimms[name] = (mc, index)
                    lines += [f"A: dimm{index}/dimm_label={name}", f"A: dimm{index}/dimm_location=channel {channel} slot {slot} ",
                              f"A: dimm{index}/size=32768", f"A: dimm{index}/dimm_mem_type=Registered-DDR4",
                              f"A: dimm{index}/dimm_edac_mode=S4ECD4ED", f"A: dimm{index}/dimm_dev_type=x4",
                              f"A: dimm{index}/dimm_ce_count=0", f"A: dimm{index}/dimm_ue_count=0"]
                    index += 1
            self.bed.add_from_string("\n".join(lines) + "\n")
        # Two packages of two cores with two threads each.
        for cpu in range(8):
            package, core = cpu // 4, (cpu % 4) // 2
            self.bed.add_from_string("\n".join([
                f"P: /devices/system/cpu/cpu{cpu}", "E: SUBSYSTEM=cpu",
                f"A: topology/physical_package_id={package}", f"A: topology/core_id={core}",
                "A: thermal_throttle/package_throttle_count=0", "A: thermal_throttle/package_throttle_total_time_ms=0",
                "A: thermal_throttle/core_throttle_count=0", "A: thermal_throttle/core_throttle_total_time_ms=0",
            ]) + "\n")

    @property
    def root(self):
        return self.bed.get_root_dir()

    def set_dimm(self, name, **counts):
        mc, index = self.dimms[name]
        for key, value in counts.items():
            self.bed.set_attribute(f"{EDAC}/mc{mc}", f"dimm{index}/dimm_{key}_count", f"{value}\n")

    def throttle(self, package, count, milliseconds):
        for cpu in range(package * 4, package * 4 + 4):
            self.bed.set_attribute(f"/sys/devices/system/cpu/cpu{cpu}", "thermal_throttle/package_throttle_count", f"{count}\n")
            self.bed.set_attribute(f"/sys/devices/system/cpu/cpu{cpu}", "thermal_throttle/package_throttle_total_time_ms",
                                   f"{milliseconds}\n")

    def set_controller(self, mc, **counts):
        for key, value in counts.items():
            self.bed.set_attribute(f"{EDAC}/mc{mc}", f"{key}_count", f"{value}\n")


class Agent:
    def __init__(self, bin_dir, testbed, workdir):
        self.bin_dir = bin_dir
        self.testbed = testbed
        self.workdir = workdir
        self.port = free_port()
        self.socket = os.path.join(workdir, "control.sock")
        self.state = os.path.join(workdir, "state")
        self.config = os.path.join(workdir, "hosthealth.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG)
        self.log_path = os.path.join(workdir, "agent.log")
        self.proc = None
        self.start()

    def start(self):
        env = dict(os.environ, UMOCKDEV_DIR=self.testbed.root, LD_PRELOAD="libumockdev-preload.so.0")
        env.pop("NOTIFY_SOCKET", None)
        kmsg = [] if os.access("/dev/kmsg", os.R_OK) else ["--no-collector.kmsg"]
        argv = [os.path.join(self.bin_dir, "hosthealthd"), f"--config.file={self.config}",
                f"--web.listen-address=127.0.0.1:{self.port}", f"--control.socket={self.socket}",
                f"--state.dir={self.state}", "--no-collector.links", "--no-collector.smart", "--no-collector.disks",
                "--no-collector.arrays", "--no-collector.sensors", *kmsg, "--log.level=debug"]
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env, start_new_session=True)

    def get(self, path, timeout=2.0):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def json(self, path):
        return json.loads(self.get(path)[1])

    def wait(self, probe, timeout, interval=0.002):
        start = time.monotonic()
        value = None
        while True:
            if self.proc.poll() is not None:
                raise Fail(f"hosthealthd exited {self.proc.returncode}: {self.tail()}")
            try:
                ok, value = probe()
            except (OSError, http.client.HTTPException, ValueError) as error:
                ok, value = False, error
            if ok:
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise Fail(f"not within {timeout}s; last: {value}")
            time.sleep(interval)

    def component(self, name, kind="memory"):
        return next((c for c in self.json("/status")["components"] if c["kind"] == kind and c["name"] == name), None)

    def wait_component(self, name, state, timeout=5, reason=None, interval=0.002, kind="memory"):
        def probe():
            component = self.component(name, kind)
            ok = component is not None and component["state"] == state and (reason is None or reason(component["reason"]))
            return ok, component
        return self.wait(probe, timeout, interval)

    def wait_health(self, code, state, timeout=5):
        def probe():
            status, body = self.get("/health")
            return status == code and json.loads(body)["state"] == state, (status, body[:300])
        return self.wait(probe, timeout)

    def hostctl(self, *args):
        result = subprocess.run([os.path.join(self.bin_dir, "hostctl"), *args, f"--socket={self.socket}"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=10,
                                env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")})
        return result.returncode, result.stdout + result.stderr

    def journal(self):
        path = os.path.join(self.state, "journal.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def tail(self, lines=12):
        try:
            with open(self.log_path, "rb") as f:
                return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def promtool_findings(body):
    result = subprocess.run([PROMTOOL, "check", "metrics"], input=body, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=30)
    return result.returncode, result.stdout.decode("utf-8", "replace").strip()


def metric_lines(agent):
    return agent.get("/metrics")[1].decode().splitlines()


def check_latency(samples):
    """The bar: nine in ten records attributed within 50 ms, the median well within. The
    slowest is reported, not judged: on a shared 2-core machine a debug build answering the
    test's own 1 ms polling has outliers that say nothing about the agent."""
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    check(statistics.median(ordered) < 0.050 and p90 < 0.050,
          f"attribution median {statistics.median(ordered) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms: over 50 ms")


def write_kmsg(line):
    with open("/dev/kmsg", "w") as kmsg:
        kmsg.write(line + "\n")


RISING = label(0, 1, 1, 0)   # mc1: its corrected count rises past the rate
BROKEN = label(1, 0, 0, 1)   # mc2: an uncorrectable error
LOGGED = label(1, 1, 0, 0)   # mc3: errors that arrive through the kernel log only
NOISY = label(0, 0, 1, 1)    # mc0: corrected errors through the log, for the latency trials


def scenario(agent, bed, trials):
    def started():
        agent.wait_health(200, "ok", timeout=10)
        components = [c for c in agent.json("/status")["components"] if c["kind"] == "memory"]
        dimms = sorted(c["name"] for c in components if not c["name"].startswith("mc"))
        controllers = sorted(c["name"] for c in components if c["name"].startswith("mc"))
        check(len(dimms) == 16 and dimms == sorted(bed.dimms), f"DIMM components: {dimms}")
        check(controllers == ["mc0", "mc1", "mc2", "mc3"], f"controller components: {controllers}")
        check(all(c["state"] == "ok" for c in components), f"not all ok: {components}")
        rising = agent.component(RISING)
        check(rising["id"] == f"memory:{RISING}", f"id {rising['id']}")
        check("mc1 dimm2, channel 1 slot 0, 32.0 GiB, Registered-DDR4, S4ECD4ED, x4" in rising.get("detail", ""),
              f"detail: {rising.get('detail')!r}")

    def corrected_errors_rise_past_the_rate():
        for count, state in ((2, "ok"), (4, "ok"), (7, "degraded")):
            bed.set_dimm(RISING, ce=count)
            bed.set_controller(1, ce=count)
            seconds = agent.wait_component(RISING, state, reason=lambda r, c=count: r.startswith(f"{c} corrected error"))
            log(f"  {RISING}: {count} corrected errors -> {state} after {seconds:.2f}s (poll: 1s)")
        component = agent.component(RISING)
        check(component["reason"] == f"7 corrected errors in {WINDOW}s (more than 5)", f"reason: {component['reason']!r}")
        agent.wait_health(503, "degraded")
        reasons = agent.json("/health").get("reasons", [])
        check(any(RISING in r and "degraded" in r for r in reasons), f"/health reasons: {reasons}")

    def an_uncorrectable_error_fails_its_dimm():
        bed.set_dimm(BROKEN, ue=1)
        bed.set_controller(2, ue=1)
        agent.wait_component(BROKEN, "failed", reason=lambda r: r.startswith("1 uncorrectable error since boot"))
        agent.wait_health(503, "failed")
        rc, text = agent.hostctl("status", "--no-color")
        check(rc == 2, f"hostctl status exit {rc}")
        rows = {line.split()[1]: line for line in text.splitlines() if line.startswith("memory ")}
        check("failed" in rows.get(BROKEN, "") and "uncorrectable error since boot" in rows.get(BROKEN, ""), f"hostctl rows: {rows}")
        check("degraded" in rows.get(RISING, "") and "more than 5" in rows.get(RISING, ""), f"hostctl rows: {rows}")
        journal = agent.journal()
        check(any(r.get("component") == f"memory:{BROKEN}" and r.get("to") == "failed" for r in journal), f"journal: {journal[-5:]}")
        check(any(r.get("component") == f"memory:{RISING}" and r.get("to") == "degraded" for r in journal), f"journal: {journal[-5:]}")
        events = agent.json("/events")["events"]
        check(any(e.get("component") == f"memory:{BROKEN}" and e.get("to") == "failed" for e in events), "no /events entry")

    def metrics_follow_and_pass_promtool():
        lines = metric_lines(agent)
        for line in (
            f'hosthealth_memory_errors_total{{dimm="{RISING}",type="corrected"}} 7',
            f'hosthealth_memory_errors_total{{dimm="{BROKEN}",type="uncorrected"}} 1',
            f'hosthealth_memory_errors_total{{dimm="{LOGGED}",type="corrected"}} 0',
            'hosthealth_memory_controller_errors_total{controller="mc2",type="uncorrected"} 1',
            'hosthealth_memory_controller_info{controller="mc3",model="Skylake Socket#1 IMC#1"} 1',
            f'hosthealth_memory_dimm_size_bytes{{dimm="{RISING}"}} 34359738368',
            f'hosthealth_component_state{{kind="memory",id="memory:{BROKEN}",state="failed"}} 1',
            'hosthealth_reader_available{reader="memory"} 1',
        ):
            check(line in lines, f"missing from /metrics: {line}")
        check(sum(1 for l in lines if l.startswith("hosthealth_memory_dimm_info{")) == 16, "not 16 dimm_info series")
        rc, findings = promtool_findings(agent.get("/metrics")[1])
        check(rc == 0 and findings == "", f"promtool: {findings}")

    def a_restart_forgives_nothing():
        windows = os.path.join(agent.state, "error-windows.json")
        agent.wait(lambda: (os.path.exists(windows) and f"memory:{RISING}/corrected" in open(windows).read(), None), 5)
        agent.stop()
        agent.start()
        seconds = agent.wait_health(503, "failed", timeout=30)
        log(f"  restarted and judging again after {seconds:.2f}s")
        rising = agent.component(RISING)
        check(rising["state"] == "degraded" and rising["reason"].startswith("7 corrected errors"),
              f"after the restart: {rising}")
        check("error windows restored" in agent.tail(200), "no 'error windows restored' log line")

    def the_window_passes_on_the_monotonic_clock():
        # 2, 2 and 3 errors came a poll apart: they leave the window one after the other.
        seconds = agent.wait_component(RISING, "ok", timeout=WINDOW + 10, interval=0.1,
                                       reason=lambda r: r == f"5 corrected errors in {WINDOW}s")
        log(f"  {RISING}: ok again {seconds:.1f}s later with 5 left in the window ({WINDOW}s)")
        agent.wait_component(RISING, "ok", timeout=5, interval=0.1, reason=lambda r: r == "")
        check(agent.component(BROKEN)["state"] == "failed", "an uncorrectable error is since boot, not a rate")

    def kernel_log_errors_are_attributed_at_once():
        if os.geteuid() != 0 or not os.access("/dev/kmsg", os.W_OK):
            log("  skipped: needs root and a writable /dev/kmsg")
            return
        # Corrected errors through the log alone: the DIMM's sysfs counter never moves here.
        mc = bed.dimms[LOGGED][0]
        started = time.monotonic()
        write_kmsg(f"<4>EDAC MC{mc}: 1 UE memory read error on {LOGGED} (channel:0 slot:0 page:0x5f4e1 offset:0x0 grain:32 - "
                   "area:DRAM err_code:0001:0090 socket:1 ha:1 channel_mask:1 rank:0)")
        agent.wait_component(LOGGED, "failed", reason=lambda r: "memory read error" in r)
        log(f"  kmsg UE on {LOGGED} -> failed after {(time.monotonic() - started) * 1000:.1f} ms")
        # Without a label, by location; without either, against the controller.
        write_kmsg("<4>EDAC MC0: 6 CE memory scrubbing error on unknown memory (page:0x0 offset:0x0 grain:32 syndrome:0x0)")
        agent.wait_component("mc0", "degraded", reason=lambda r: "could not attribute" in r)
        samples = []
        noisy_mc = bed.dimms[NOISY][0]
        for trial in range(1, trials + 1):
            started = time.monotonic()
            write_kmsg(f"<4>EDAC MC{noisy_mc}: 1 CE memory read error on {NOISY} (channel:1 slot:1 page:0x{trial:x} offset:0x0 "
                       "grain:32 syndrome:0x0 - area:DRAM err_code:0001:0090 socket:0 ha:0 channel_mask:2 rank:0)")
            agent.wait_component(NOISY, "degraded" if trial > 5 else "ok",
                                 reason=lambda r, t=trial: r.startswith(f"{t} corrected error"), interval=0.001)
            samples.append(time.monotonic() - started)
        samples.sort()
        median = statistics.median(samples) * 1000
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000
        log(f"  kmsg EDAC -> /status attributed over {len(samples)} records: median {median:.1f} ms, p99 {p99:.1f} ms, "
            f"max {samples[-1] * 1000:.1f} ms (bar: 50 ms)")
        print(f"LATENCY edac_kmsg_to_status median_ms={median:.1f} p99_ms={p99:.1f} max_ms={samples[-1] * 1000:.1f} n={len(samples)}")
        check_latency(samples)
        lines = metric_lines(agent)
        check(f'hosthealth_memory_errors_total{{dimm="{NOISY}",type="corrected"}} {trials}' in lines, "kmsg count not in /metrics")
        check('hosthealth_memory_controller_unattributed_errors_total{controller="mc0",type="corrected"} 6' in lines,
              "unattributed count not in /metrics")

    def cpu_packages_read_at_start():
        packages = sorted(c["name"] for c in agent.json("/status")["components"] if c["kind"] == "cpu")
        check(packages == ["package0", "package1"], f"cpu components: {packages}")
        check(agent.component("package1", "cpu")["state"] == "ok", "package1 not ok")
        check("4 CPUs, package throttled 0 times, cores throttled 0 times since boot" in agent.component("package1", "cpu").get("detail", ""),
              f"detail: {agent.component('package1', 'cpu')}")

    def throttling_that_keeps_rising_degrades_the_package():
        started = time.monotonic()
        count = 0
        state = "ok"
        while time.monotonic() - started < 8 and state != "degraded":
            count += 3
            bed.throttle(1, count, count * 40)
            time.sleep(0.5)
            state = agent.component("package1", "cpu")["state"]
        check(state == "degraded", f"package1 never degraded: {agent.component('package1', 'cpu')}")
        log(f"  package1 throttling -> degraded after {time.monotonic() - started:.1f}s (for: 3s)")
        check(agent.component("package1", "cpu")["reason"] == "thermal throttling for over 3s", f"{agent.component('package1', 'cpu')}")
        check(agent.component("package0", "cpu")["state"] == "ok", "package0 changed")
        # The last count set may be read at the next poll.
        agent.wait(lambda: (f'hosthealth_cpu_package_throttles_total{{package="package1"}} {count}' in metric_lines(agent),
                            [l for l in metric_lines(agent) if "throttles_total" in l]), 3)
        lines = metric_lines(agent)
        check(f'hosthealth_cpu_package_throttle_seconds_total{{package="package1"}} {count * 40 / 1000:g}' in lines,
              f"throttle time not in /metrics: {[l for l in lines if 'throttle_seconds' in l]}")
        rc, text = agent.hostctl("status", "--no-color")
        check(any(l.startswith("cpu ") and "package1" in l and "degraded" in l for l in text.splitlines()), f"hostctl: {text}")
        seconds = agent.wait_component("package1", "ok", timeout=10, interval=0.1, kind="cpu")
        log(f"  package1 stopped throttling -> ok {seconds:.1f}s later (gap: two polls and a second)")
        rc, findings = promtool_findings(agent.get("/metrics")[1])
        check(rc == 0 and findings == "", f"promtool: {findings}")

    def kernel_log_machine_checks_are_attributed_at_once():
        if os.geteuid() != 0 or not os.access("/dev/kmsg", os.W_OK):
            log("  skipped: needs root and a writable /dev/kmsg")
            return
        samples = []
        for trial in range(1, 4):
            started = time.monotonic()
            write_kmsg(f"<3>mce: [Hardware Error]: CPU 5: Machine Check: 0 Bank 7: 8c0000400001009{trial}")
            agent.wait_component("package1", "degraded" if trial > 2 else "ok", kind="cpu", interval=0.001,
                                 reason=lambda r, t=trial: r.startswith(f"{t} corrected machine check"))
            samples.append(time.monotonic() - started)
        write_kmsg("<6>mce: [Hardware Error]: TSC 0 ADDR 4658130c0 MISC 102285 ")
        write_kmsg("<6>mce: [Hardware Error]: PROCESSOR 0:50654 TIME 1795816440 SOCKET 1 APIC 10 microcode 2006906")
        started = time.monotonic()
        write_kmsg("<0>mce: [Hardware Error]: CPU 1: Machine Check Exception: 5 Bank 4: bd80000000100134")
        agent.wait_component("package0", "failed", kind="cpu", interval=0.001,
                             reason=lambda r: r.startswith("1 uncorrected machine check since boot"))
        samples.append(time.monotonic() - started)
        started = time.monotonic()
        write_kmsg("<3>[Hardware Error]: CPU:6 (17:1:1) MC15_STATUS[Over|CE|MiscV|AddrV|-|-|SyndV|CECC|-|-|-]: 0xdc2040000000011b")
        agent.wait_component("package1", "degraded", kind="cpu", interval=0.001, reason=lambda r: r.startswith("4 corrected"))
        samples.append(time.monotonic() - started)
        write_kmsg("<6>mce: [Hardware Error]: Machine check events logged")
        samples.sort()
        log(f"  kmsg machine checks -> /status over {len(samples)} records: median {statistics.median(samples) * 1000:.1f} ms, "
            f"max {samples[-1] * 1000:.1f} ms (bar: 50 ms)")
        print(f"LATENCY mce_kmsg_to_status median_ms={statistics.median(samples) * 1000:.1f} max_ms={samples[-1] * 1000:.1f} n={len(samples)}")
        check_latency(samples)
        agent.wait(lambda: ("hosthealth_cpu_machine_check_notices_total 1" in metric_lines(agent), None), 2)
        lines = metric_lines(agent)
        for line in ('hosthealth_cpu_machine_checks_total{package="package1",bank="7",type="corrected"} 3',
                     'hosthealth_cpu_machine_checks_total{package="package1",bank="15",type="corrected"} 1',
                     'hosthealth_cpu_machine_checks_total{package="package0",bank="4",type="uncorrected"} 1'):
            check(line in lines, f"missing from /metrics: {line}")
        journal = agent.journal()
        check(any(r.get("component") == "cpu:package0" and r.get("to") == "failed" for r in journal), "no journal record for package0")

    return [
        ("memory_16_dimms_read_at_start", started),
        ("cpu_packages_read_at_start", cpu_packages_read_at_start),
        ("memory_corrected_errors_rising_past_the_rate_degrade", corrected_errors_rise_past_the_rate),
        ("memory_uncorrectable_error_fails_its_dimm", an_uncorrectable_error_fails_its_dimm),
        ("memory_metrics_follow_and_pass_promtool", metrics_follow_and_pass_promtool),
        ("memory_restart_forgives_nothing", a_restart_forgives_nothing),
        ("memory_rate_window_passes_on_the_monotonic_clock", the_window_passes_on_the_monotonic_clock),
        ("memory_kernel_log_errors_attributed_within_50ms", kernel_log_errors_are_attributed_at_once),
        ("cpu_throttling_that_keeps_rising_degrades_the_package", throttling_that_keeps_rising_degrades_the_package),
        ("cpu_kernel_log_machine_checks_attributed_within_50ms", kernel_log_machine_checks_are_attributed_at_once),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin-dir", default=".build/debug")
    parser.add_argument("--trials", type=int, default=20, help="kernel-log records for the latency figure")
    args = parser.parse_args()
    bin_dir = os.path.abspath(args.bin_dir)
    workdir = tempfile.mkdtemp(prefix="hhras-")
    bed = Testbed()
    agent = Agent(bin_dir, bed, workdir)
    passed, failed = 0, 0
    try:
        for name, step in scenario(agent, bed, args.trials):
            try:
                step()
                print(f"PASS {name}")
                passed += 1
            except Fail as error:
                print(f"FAIL {name}: {error}")
                log(agent.tail())
                failed += 1
                break  # later steps build on this one
            sys.stdout.flush()
    finally:
        agent.stop()
        subprocess.run(["rm", "-rf", workdir])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
