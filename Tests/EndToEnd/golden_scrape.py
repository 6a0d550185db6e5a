#!/usr/bin/python3
"""Golden scrape: the real hosthealthd's whole /metrics body on a fixed host, compared with a
checked-in file, as node_exporter's end-to-end test does (issue 11 §5). Anyone who changes a
metric sees the change here as a diff, and accepts it with --update.

Run from the repository root, as root, with the system Python:

    /usr/bin/python3 Tests/EndToEnd/golden_scrape.py --bin-dir .build/debug
    /usr/bin/python3 Tests/EndToEnd/golden_scrape.py --bin-dir .build/debug --update   # rewrite it

`--update` rewrites Tests/EndToEnd/golden/metrics.prom from this run's scrape; read `git diff`
before committing it.

The fixed host (nothing of the machine's own hardware or links shows):
- links: a network namespace `hhgold-<pid>` with IPv6 off (no router solicitations or MLD
  reports to move the counters), `lo`, and two veth pairs of fixed names, MACs and MTUs:
  `uplink0` <-> `uplink0-peer` (MTU 9000, both up; required in the config) and
  `spare0` <-> `spare0-peer` (MTU 1500; the peer down, so spare0 has no carrier). Before the
  agent starts, uplink0-peer sends 5 frames of 60 bytes to uplink0 and uplink0 sends 3 of 128
  bytes back (ethertype 0x88b5, local experimental), so the traffic counters are fixed and the
  two directions differ. The agent listens on a Unix socket only: no scrape moves `lo`.
- a umockdev testbed: `golden/testbed.umockdev` (a PCIe root port and the NVMe drive under it,
  trained at 8 of 16 GT/s in a Gen3 slot; md0, a clean raid1 with a hot spare; md1, a
  raid5 recovering onto sdf1 at a fixed 37.5%; a coretemp chip and an NVMe drive's hwmon chip
  with limits) plus the disk reader's SATA HDD and NVMe testbeds. The testbed's
  /sys/class/net is linked to the namespace's real one: link speed and duplex come from sysfs.
- smartctl: `golden/smartctl/smartctl`, a stand-in that prints the reports recorded beside it.
- device names: `golden/pci.ids`, the two ids of the testbed's PCI functions in pci.ids' layout
  (not the system's file, whose version would change the names).
- libsensors' configuration: `golden/sensors3.conf` over /etc/sensors3.conf and an empty
  /etc/sensors.d, in the agent's mount namespace only.
- the kernel log cannot be fixed: `--no-collector.kmsg`.

The agent is ready when /status lists every expected component (links, arrays, disks, sensors)
and /metrics shows SMART data for both disks; no sleeps.

Series normalised: their value is replaced by NaN once it is checked to be plausible (a value
that fails its check is kept and shows in the diff), because it depends on when the run
happens or how long its steps take, not on the host:
- `*_timestamp_seconds` (host state since, reader last success, SMART last read, journal last
  transition): wall-clock times of this run; checked to lie within it.
- `hosthealth_reader_age_seconds`, `hosthealth_reader_duration_seconds`: how long ago, and how
  long, a read took; checked to be non-negative and shorter than the run.
- `hosthealth_reader_resyncs_total{reader="arrays"}`: md arrays are re-read every second while
  a sync runs (md1 recovers all along), so the count grows with the run; checked to be >= 1.
The config keeps the other counts fixed: links are re-read on a timer every hour, not every
minute (each re-read would also add to `hosthealth_reader_skipped_total`), and smartctl runs
once per disk (`smart.interval: 1h`).
Everything else, including the build version, is compared as served. Two values depend on the
kernel rather than on time, and a kernel upgrade may show in them: the veth speed (10 Gb/s)
and `hosthealth_reader_skipped_total{reader="links",reason="unknown_attribute"}` (the link
attributes newer than the agent knows: 8 per link on Linux 6.18).

Output: `PASS name` / `FAIL name: why` per check, then `N passed, N failed`; a mismatch prints
a unified diff (golden file first) on stdout. Diagnostics go to stderr.
"""

import argparse
import difflib
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from e2e import (  # noqa: E402
    PROMTOOL, Fail, check, log, parse_sample, remove_namespace, run, stop_process, tail, wait_until)

GOLDEN_DIR = os.path.join(HERE, "golden")
GOLDEN = os.path.join(GOLDEN_DIR, "metrics.prom")
DISK_TESTBEDS = os.path.join(HERE, "..", "DiskReaderTests", "testbeds")
TESTBEDS = [
    os.path.join(GOLDEN_DIR, "testbed.umockdev"),
    os.path.join(DISK_TESTBEDS, "sata-hdd.umockdev"),
    os.path.join(DISK_TESTBEDS, "nvme.umockdev"),
]
SMARTCTL = os.path.join(GOLDEN_DIR, "smartctl", "smartctl")
SENSORS_CONF = os.path.join(GOLDEN_DIR, "sensors3.conf")
PCI_IDS = os.path.join(GOLDEN_DIR, "pci.ids")

# name, MAC, MTU; each pair as (link, peer).
LINKS = [
    (("uplink0", "02:00:00:00:0a:01", 9000), ("uplink0-peer", "02:00:00:00:0b:01", 9000)),
    (("spare0", "02:00:00:00:0a:02", 1500), ("spare0-peer", "02:00:00:00:0b:02", 1500)),
]
DOWN = {"spare0-peer"}   # administratively down: spare0 has no carrier
# The kernel sets operstate from carrier a moment later (linkwatch, up to a second): the agent
# starts only once every link shows this, so no link event reaches it.
SETTLED = {"lo": "unknown", "uplink0": "up", "uplink0-peer": "up", "spare0": "lowerlayerdown", "spare0-peer": "down"}
# (from, to, count, frame length): fixed traffic, a different amount each way.
FRAMES = [("uplink0-peer", "uplink0", 5, 60), ("uplink0", "uplink0-peer", 3, 128)]
ETHERTYPE = 0x88B5

CONFIG = """\
links:
  required: [uplink0]
  recover_after: 0s
  resync_interval: 1h
arrays:
  recover_after: 0s
  stall_after: 1h
disks:
  recover_after: 0s
smart:
  smartctl: {smartctl}
  interval: 1h
pcie:
  pci_ids: {pci_ids}
sensors:
  for: 0s
  recover_after: 0s
"""

# The component ids /status must list before the scrape is taken.
EXPECTED = {
    "link:lo", "link:uplink0", "link:uplink0-peer", "link:spare0", "link:spare0-peer",
    "md:4f1c7a2e-0000-4000-8000-0000000901d0", "md:4f1c7a2e-0000-4000-8000-0000000901d1",
    "disk:wwn-0x50014ee2b1234567", "disk:wwn-eui.002538b111b2c3d4",
    "sensor:coretemp-isa-0000/temp1", "sensor:coretemp-isa-0000/temp2", "sensor:coretemp-isa-0000/temp3",
    "sensor:nvme-pci-3d00/temp1", "sensor:nvme-pci-3d00/temp2",
    "pcie:0000:00:1d.0", "pcie:0000:3d:00.0",
}
SMART_DISKS = ("sda", "nvme0n1")

# The normalised series: (family, the labels a series must have, check of the served value).
# A value that passes its check is replaced by NaN; one that does not is kept, and shows in
# the diff. Why each is here: see the docstring.
NORMALISED = [
    (re.compile(r"hosthealth_.*_timestamp_seconds"), {},
     lambda value, run: run[0] - 1 <= value <= run[1] + 1),
    (re.compile(r"hosthealth_reader_(age|duration)_seconds"), {},
     lambda value, run: 0 <= value < run[1] - run[0] + 1),
    (re.compile(r"hosthealth_reader_resyncs_total"), {"reader": "arrays"},
     lambda value, run: value >= 1),
]


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over the agent's Unix socket."""

    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def get(socket_path, path, timeout=2.0):
    connection = UnixHTTPConnection(socket_path, timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# ----------------------------------------------------------------------------------------------
# The fixed links
# ----------------------------------------------------------------------------------------------

def make_links(namespace):
    run(["ip", "netns", "add", namespace])
    for key in ("all", "default"):
        run(["ip", "netns", "exec", namespace, "sysctl", "-q", "-w", f"net.ipv6.conf.{key}.disable_ipv6=1"])
    run(["ip", "-n", namespace, "link", "set", "lo", "up"])
    for (name, mac, mtu), (peer, peer_mac, peer_mtu) in LINKS:
        run(["ip", "-n", namespace, "link", "add", name, "address", mac, "mtu", str(mtu), "type", "veth",
             "peer", "name", peer, "address", peer_mac, "mtu", str(peer_mtu)])
    for pair in LINKS:
        for name, _, _ in pair:
            if name not in DOWN:
                run(["ip", "-n", namespace, "link", "set", name, "up"])
    run(["ip", "netns", "exec", namespace, sys.executable, os.path.abspath(__file__), "--settle-links"])


def read_sysfs(name, attribute):
    with open(f"/sys/class/net/{name}/{attribute}") as f:
        return f.read().strip()


def settle_links():
    """Inside the namespace: waits for the links' operstates, sends the fixed traffic and
    waits until every counter shows it."""
    def settled():
        states = {name: read_sysfs(name, "operstate") for name in SETTLED}
        return states == SETTLED, states
    ok, states, _ = wait_until(settled, 5, interval=0.01)
    if not ok:
        sys.stderr.write(f"the links did not settle: {states}\n")
        return 1
    macs = {name: mac for pair in LINKS for name, mac, _ in pair}
    expected = {}
    for source, target, count, length in FRAMES:
        frame = bytes.fromhex(macs[target].replace(":", "")) + bytes.fromhex(macs[source].replace(":", "")) \
            + ETHERTYPE.to_bytes(2, "big")
        frame += bytes(length - len(frame))
        with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
            s.bind((source, 0))
            for _ in range(count):
                s.send(frame)
        expected[(source, "tx_packets")] = count
        expected[(target, "rx_packets")] = count
        # No protocol takes ethertype 0x88b5: the kernel counts each frame as dropped on receipt.
        expected[(target, "rx_dropped")] = count

    def counted():
        values = {key: int(read_sysfs(key[0], f"statistics/{key[1]}")) for key in expected}
        return values == expected, values
    ok, values, _ = wait_until(counted, 5, interval=0.01)
    if not ok:
        sys.stderr.write(f"the frames did not arrive: {values}\n")
        return 1
    return 0


# ----------------------------------------------------------------------------------------------
# The agent
# ----------------------------------------------------------------------------------------------

class Agent:
    def __init__(self, bin_dir, namespace, workdir):
        self.socket = os.path.join(workdir, "web.sock")
        self.log_path = os.path.join(workdir, "agent.log")
        config = os.path.join(workdir, "hosthealth.yaml")
        with open(config, "w") as f:
            f.write(CONFIG.format(smartctl=SMARTCTL, pci_ids=PCI_IDS))
        beds = [argument for bed in TESTBEDS for argument in ("-d", bed)]
        # `ip netns exec` gives the agent a mount namespace of its own: libsensors' files are
        # replaced there only. Under umockdev, the testbed is all of /sys: its class/net is
        # linked to the namespace's real one.
        fixed_sensors_conf = ('mount --bind "$1" /etc/sensors3.conf && shift && '
                              'if [ -d /etc/sensors.d ]; then mount -t tmpfs -o size=16k none /etc/sensors.d; fi && '
                              'exec "$@"')
        link_net = 'ln -s /sys/class/net "$UMOCKDEV_DIR/sys/class/net" && exec "$@"'
        argv = ["ip", "netns", "exec", namespace, "sh", "-c", fixed_sensors_conf, "sh", SENSORS_CONF,
                "umockdev-run", *beds, "--", "sh", "-c", link_net, "sh",
                os.path.join(bin_dir, "hosthealthd"), f"--config.file={config}",
                f"--web.listen-address={self.socket}", "--agent-check.listen-address=", "--control.socket=",
                f"--state.dir={os.path.join(workdir, 'state')}", "--no-collector.kmsg", "--log.level=debug"]
        env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env)

    def get(self, path):
        if self.proc.poll() is not None:
            raise Fail(f"hosthealthd exited {self.proc.returncode}: {tail(self.log_path, 5)}")
        return get(self.socket, path)

    def wait_ready(self, timeout=30):
        """Until /status lists every expected component and /metrics has both disks' SMART data."""
        def ready():
            status, body = self.get("/status")
            if status != 200:
                return False, f"/status {status}"
            listed = {c["id"] for c in json.loads(body)["components"]}
            missing = EXPECTED - listed
            if missing:
                return False, f"/status lacks {sorted(missing)}"
            status, body = self.get("/metrics")
            lines = body.decode().splitlines()
            unread = [d for d in SMART_DISKS if f'hosthealth_disk_smart_available{{disk="{d}"}} 1' not in lines]
            if unread:
                return False, f"no SMART data yet for {unread}"
            return True, None
        ok, why, seconds = wait_until(ready, timeout, interval=0.05)
        check(ok, f"not ready within {timeout}s: {why}")
        return seconds

    def stop(self):
        stop_process(self.proc)


# ----------------------------------------------------------------------------------------------
# Normalising and comparing
# ----------------------------------------------------------------------------------------------

def normalise(body, window):
    """The scrape with the values of the NORMALISED series replaced by NaN."""
    lines = []
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, labels, value, _ = parse_sample(line)
            labels = dict(labels)
            if name == "hosthealth_host_info":
                # The machine's kernel, not the agent's output.
                line = re.sub(r'kernel="[^"]*"', 'kernel="KERNEL"', line)
            rule = next((r for r in NORMALISED if r[0].fullmatch(name) and r[1].items() <= labels.items()), None)
            number = float(value)
            if rule is not None and math.isfinite(number) and rule[2](number, window):
                line = f"{line.rsplit(' ', 1)[0]} NaN"
        lines.append(line)
    return "\n".join(lines) + "\n"


def promtool(text):
    result = subprocess.run([PROMTOOL, "check", "metrics"], input=text.encode(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=30)
    return result.returncode, result.stdout.decode("utf-8", "replace").strip()


def golden_diff(served):
    try:
        with open(GOLDEN, encoding="utf-8") as f:
            golden = f.read()
    except FileNotFoundError:
        golden = ""
    return list(difflib.unified_diff(golden.splitlines(keepends=True), served.splitlines(keepends=True),
                                     fromfile="Tests/EndToEnd/golden/metrics.prom", tofile="served (normalised)"))


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------

def scrape(bin_dir, namespace, workdir):
    """Sets up the fixed host, runs the agent and returns its normalised scrape."""
    for path in [os.path.join(bin_dir, "hosthealthd"), SMARTCTL]:
        check(os.access(path, os.X_OK), f"{path} is missing or not executable")
    check(os.path.isfile("/etc/sensors3.conf"), "/etc/sensors3.conf is missing (apt-get install libsensors-config): "
                                                "the golden file's is mounted over it")
    make_links(namespace)
    started = time.time()
    agent = Agent(bin_dir, namespace, workdir)
    try:
        seconds = agent.wait_ready()
        log(f"# ready after {seconds:.2f}s")
        status, body = agent.get("/metrics")
        check(status == 200, f"/metrics answered {status}")
        text = body.decode("utf-8")
        rc, findings = promtool(text)
        check(rc == 0 and not findings, f"the served scrape fails promtool check metrics: {findings[:800]}")
        return normalise(text, (started, time.time()))
    except Fail:
        log(f"# --- hosthealthd (last lines) ---\n{tail(agent.log_path, 15)}")
        raise
    finally:
        agent.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin-dir", default=".build/debug", help="directory with hosthealthd")
    parser.add_argument("--update", action="store_true", help="rewrite the golden file from this run's scrape")
    parser.add_argument("--settle-links", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.settle_links:
        return settle_links()
    started = time.monotonic()
    results = []
    if os.geteuid() != 0:
        print("FAIL setup: must run as root (creates a network namespace)")
        print("0 passed, 1 failed")
        return 1
    namespace = f"hhgold-{os.getpid()}"
    workdir = tempfile.mkdtemp(prefix="hhgold-")

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(number, on_signal)

    details = []   # printed after the step's verdict line (the diff)

    def step(name, function):
        try:
            function()
            print(f"PASS {name}")
            results.append(True)
        except Fail as error:
            print(f"FAIL {name}: {error}")
            results.append(False)
        sys.stdout.writelines(details)
        details.clear()
        sys.stdout.flush()

    served = None

    def served_scrape_is_read():
        nonlocal served
        served = scrape(os.path.abspath(args.bin_dir), namespace, workdir)

    def scrape_matches_golden():
        check(served is not None, "no scrape to compare")
        if args.update:
            with open(GOLDEN, "w", encoding="utf-8") as f:
                f.write(served)
            log(f"# wrote {GOLDEN}")
        diff = golden_diff(served)
        details.extend(diff)
        removed = sum(1 for line in diff[2:] if line.startswith("-"))
        added = sum(1 for line in diff[2:] if line.startswith("+"))
        check(not diff, f"the scrape differs from the golden file: {removed} lines gone, {added} new (diff below; "
                        "accept a deliberate change with --update)")

    def golden_passes_promtool():
        with open(GOLDEN, encoding="utf-8") as f:
            rc, findings = promtool(f.read())
        check(rc == 0 and not findings, f"promtool check metrics on {GOLDEN}: {findings[:800]}")

    try:
        step("golden_scrape_served_and_passes_promtool", served_scrape_is_read)
        step("golden_scrape_matches_golden_file", scrape_matches_golden)
        step("golden_file_passes_promtool", golden_passes_promtool)
    except KeyboardInterrupt as error:
        print(f"FAIL harness: interrupted ({error})")
        results.append(False)
    finally:
        for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(number, signal.SIG_IGN)   # clean-up must not be cut short
        remove_namespace(namespace)
        shutil.rmtree(workdir, ignore_errors=True)
    log(f"# total run time {time.monotonic() - started:.1f}s")
    passed, failed = results.count(True), results.count(False)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
