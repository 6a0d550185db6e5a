#!/usr/bin/python3
"""End-to-end test of md arrays: the real hosthealthd under a umockdev testbed.

Run from the repository root with the system Python (it needs `gi` and umockdev):

    /usr/bin/python3 Tests/EndToEnd/md_e2e.py --bin-dir .build/debug [--trials 30]

The testbed holds two md arrays: md0 (raid1) goes through a disk failure, a recovery onto a
spare that progresses and finishes; md1 (raid5) stays clean all along. Each step changes sysfs
attributes and, where the kernel would, sends a `change` uevent; progress alone moves without
one, as on a real kernel. `/health`, `/status`, `/metrics` (checked by promtool), `/events`
and `hostctl status` must follow. Then the time from a uevent to `/health` showing it is
measured over several trials and printed as median and p99 (the bar is 100 ms).

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
    # The testbed's builder must run under the preload too, or its uevents go nowhere.
    os.execvp("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv)

import gi  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import HAPROXY, describe, haproxy_servers, haproxy_weights, stop_process, write_haproxy_config  # noqa: E402

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

PROMTOOL = "/usr/bin/promtool"
UUID0 = "4f1c7a2e-0000-4000-8000-00000000e2e0"
UUID1 = "4f1c7a2e-0000-4000-8000-00000000e2e1"
TOTAL = 2_000_000  # sectors: 1 GiB members
CONFIG = """\
arrays:
  recover_after: 0s
  stall_after: 10m
"""


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


def array_attributes(level, members, state="clean", degraded=0, raid_disks=2):
    """sysfs attributes of an idle array, `members` as (name, state, slot)."""
    attributes = {
        "md/level": level, "md/raid_disks": str(raid_disks), "md/degraded": str(degraded),
        "md/array_state": state, "md/sync_action": "idle", "md/sync_completed": "none",
        "md/sync_speed": "none", "md/mismatch_cnt": "0", "md/chunk_size": "524288",
        "md/metadata_version": "1.2", "md/component_size": str(TOTAL // 2),
        "md/reshape_position": "none", "md/resync_start": "none",
        "md/uuid": UUID0 if level == "raid1" else UUID1,
    }
    for name, member_state, slot in members:
        attributes[f"md/dev-{name}/state"] = member_state
        attributes[f"md/dev-{name}/slot"] = slot
        attributes[f"md/dev-{name}/errors"] = "0"
    return attributes


class Testbed:
    def __init__(self):
        self.bed = UMockdev.Testbed.new()
        self.md0 = self.add("md0", array_attributes("raid1", [("sdb1", "in_sync", "0"), ("sdc1", "in_sync", "1")]))
        self.md1 = self.add("md1", array_attributes(
            "raid5", [("sde1", "in_sync", "0"), ("sdf1", "in_sync", "1"), ("sdg1", "in_sync", "2")], raid_disks=3))

    def add(self, name, attributes):
        flat = []
        for key, value in attributes.items():
            flat += [key, value + "\n"]
        return self.bed.add_device("block", name, None, flat, ["DEVTYPE", "disk", "DEVNAME", name])

    @property
    def root(self):
        return self.bed.get_root_dir()

    def set(self, device, **attributes):
        for key, value in attributes.items():
            # dev_sdc1__state names md/dev-sdc1/state.
            path = key.replace("__", "/")
            if path.startswith("dev_"):
                path = "dev-" + path[4:]
            self.bed.set_attribute(device, "md/" + path, value + "\n")

    def change(self, device):
        self.bed.uevent(device, "change")

    # The md0 story, one kernel state per step.
    def fail_sdc1(self):
        self.set(self.md0, array_state="active", degraded="1", dev_sdc1__state="faulty", dev_sdc1__slot="none")

    def recover_onto_sdd1(self):
        # mdadm --add: a new member folder (set_attribute does not make folders).
        os.makedirs(os.path.join(self.root, "sys/devices/md0/md/dev-sdd1"), exist_ok=True)
        self.set(self.md0, dev_sdd1__state="", dev_sdd1__slot="1", dev_sdd1__errors="0",
                 sync_action="recover", sync_completed=f"0 / {TOTAL}", sync_speed="100000")

    def progress(self, ratio, speed_kib=100000):
        self.set(self.md0, sync_completed=f"{int(ratio * TOTAL)} / {TOTAL}", sync_speed=str(speed_kib))

    def finish_recovery(self):
        self.set(self.md0, sync_action="idle", sync_completed="none", sync_speed="none", degraded="0",
                 array_state="clean", dev_sdd1__state="in_sync")

    def check_scrub(self, ratio):
        self.set(self.md0, array_state="active", sync_action="check", sync_completed=f"{int(ratio * TOTAL)} / {TOTAL}",
                 sync_speed="200000")

    def finish_scrub(self, mismatches):
        self.set(self.md0, array_state="clean", sync_action="idle", sync_completed="none", sync_speed="none",
                 mismatch_cnt=str(mismatches), last_sync_action="check")

    def restore(self):
        """Back to two in-sync members without a rebuild (for the latency trials)."""
        self.set(self.md0, array_state="clean", degraded="0", dev_sdc1__state="in_sync", dev_sdc1__slot="1")


class Agent:
    def __init__(self, bin_dir, testbed, workdir, config_text=CONFIG, extra=()):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.check_port = free_port()
        self.socket = os.path.join(workdir, "control.sock")
        config = os.path.join(workdir, "hosthealth.yaml")
        with open(config, "w") as f:
            f.write(config_text)
        self.log_path = os.path.join(workdir, "agent.log")
        env = dict(os.environ, UMOCKDEV_DIR=testbed.root, LD_PRELOAD="libumockdev-preload.so.0")
        env.pop("NOTIFY_SOCKET", None)
        argv = [os.path.join(bin_dir, "hosthealthd"), f"--config.file={config}",
                f"--web.listen-address=127.0.0.1:{self.port}", f"--agent-check.listen-address=127.0.0.1:{self.check_port}",
                f"--control.socket={self.socket}", f"--state.dir={os.path.join(workdir, 'state')}",
                "--no-collector.links", "--log.level=debug", *extra]
        with open(self.log_path, "wb") as out:
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
        """Polls probe() until true; returns seconds waited, or raises with the last value."""
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

    def wait_array(self, name, state, timeout=5, **extra):
        def probe():
            status, body = self.get("/status")
            component = next((c for c in json.loads(body)["components"] if c["name"] == name), None)
            ok = component is not None and component["state"] == state and all(
                extra_check(component) for extra_check in extra.values())
            return ok, component
        return self.wait(probe, timeout)

    def wait_health(self, code, state, timeout=5):
        def probe():
            status, body = self.get("/health")
            return status == code and json.loads(body)["state"] == state, (status, body[:200])
        return self.wait(probe, timeout)

    def hostctl(self, *args):
        result = subprocess.run([os.path.join(self.bin_dir, "hostctl"), *args, f"--socket={self.socket}"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=10,
                                env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")})
        return result.returncode, result.stdout + result.stderr

    def tail(self, lines=8):
        try:
            with open(self.log_path, "rb") as f:
                return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class HAProxy:
    """A real HAProxy whose one server s1 takes its weight and state from the agent's agent-check."""

    def __init__(self, agent, workdir):
        self.stats = os.path.join(workdir, "haproxy.sock")
        config = os.path.join(workdir, "haproxy.cfg")
        write_haproxy_config(config, self.stats, [
            f"server s1 127.0.0.1:{agent.port} weight 100 check inter 500ms agent-check agent-port {agent.check_port} "
            "agent-inter 200ms"])
        self.log_path = os.path.join(workdir, "haproxy.log")
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")}
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen([HAPROXY, "-f", config, "-db"], stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env, start_new_session=True)

    def wait_server(self, status, weight, timeout=5):
        """Waits until s1 shows `status` (e.g. UP, DRAIN) and, unless None, this current weight."""
        start = time.monotonic()
        value = None
        while time.monotonic() - start < timeout:
            if self.proc.poll() is not None:
                raise Fail(f"haproxy exited {self.proc.returncode}")
            try:
                row = haproxy_servers(self.stats)["s1"]
                value = describe(row) + f" servers-state={haproxy_weights(self.stats).get('s1')}"
                shown = row.get("status", "")
                if (shown == status or shown.startswith(status + " (")) and (weight is None or row.get("weight") == str(weight)):
                    return time.monotonic() - start
            except (OSError, KeyError, IndexError) as error:
                value = error
            time.sleep(0.05)
        raise Fail(f"HAProxy's s1 not {status} with weight {weight} within {timeout}s; last: {value}")

    def stop(self):
        stop_process(self.proc)


def run_steps(agent, steps, tail_lines=8):
    """Runs a scenario's steps in order and prints PASS/FAIL per step; stops at the first
    failure (later steps build on this one), with the agent's last log lines. Returns
    (passed, failed)."""
    passed = failed = 0
    for name, step in steps:
        try:
            step()
            print(f"PASS {name}")
            passed += 1
        except Fail as error:
            print(f"FAIL {name}: {error}")
            log(agent.tail(tail_lines))
            failed += 1
            break
        sys.stdout.flush()
    return passed, failed


def promtool_findings(body):
    result = subprocess.run([PROMTOOL, "check", "metrics"], input=body, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=30)
    return result.returncode, result.stdout.decode("utf-8", "replace").strip()


def scenario(agent, bed, trials, haproxy=None):
    """Yields (name, function) steps in order; each raises Fail when its check does not hold.
    With `haproxy`, the steps also follow the agent's verdict in a real HAProxy: UP at weight 100,
    DRAIN while degraded, weight 50 while the array rebuilds at capacity 0.5, back to 100."""
    def follows(status, weight, what):
        if haproxy is not None:
            seconds = haproxy.wait_server(status, weight)
            log(f"  HAProxy: s1 {status} weight {weight} {seconds:.2f}s after {what}")

    def started():
        agent.wait_health(200, "ok", timeout=10)
        agent.wait_array("md0", "ok")
        agent.wait_array("md1", "ok")
        document = agent.json("/status")
        ids = sorted(c["id"] for c in document["components"] if c["kind"] == "array")
        check(ids == [f"md:{UUID0}", f"md:{UUID1}"], f"array ids {ids}")
        follows("UP", 100, "the start")

    def degrade():
        bed.fail_sdc1()
        bed.change(bed.md0)
        seconds = agent.wait_health(503, "degraded")
        log(f"  degrade: uevent to /health degraded in {seconds * 1000:.1f} ms")
        agent.wait_array("md0", "degraded", reason=lambda c: c["reason"] == "1 of 2 disks missing, no spare to recover onto")
        agent.wait_array("md1", "ok")
        follows("DRAIN", None, "the disk failure")

    def recovery_starts():
        bed.recover_onto_sdd1()
        bed.change(bed.md0)
        agent.wait_health(200, "converging")
        agent.wait_array("md0", "converging", reason=lambda c: c["reason"].startswith("recovering onto sdd1, 0% done"))
        health = agent.json("/health")
        check(health["capacity"] == 0.5, f"capacity {health['capacity']}, want 0.5")
        follows("UP", 50, "the rebuild started (capacity 0.5)")

    etas = []

    def recovery_progresses():
        # No uevent: the kernel sends none for progress; the agent polls while a sync runs.
        for ratio in (0.25, 0.5, 0.75):
            bed.progress(ratio)
            seconds = agent.wait_array("md0", "converging", progress=lambda c, r=ratio: c.get("progress") == r)
            component = next(c for c in agent.json("/status")["components"] if c["name"] == "md0")
            etas.append(component.get("eta_seconds"))
            log(f"  progress {ratio:.0%} seen after {seconds:.2f}s, eta {component.get('eta_seconds')}s")
        check(all(e is not None for e in etas) and etas == sorted(etas, reverse=True) and etas[0] > etas[-1],
              f"ETA should fall: {etas}")

    def status_table_shows_progress():
        rc, text = agent.hostctl("status", "--no-color")
        line = next((l for l in text.splitlines() if " md0 " in f" {l} "), "")
        check("converging" in line and "recovering onto sdd1, 75% done, 102 MB/s" in line, f"md0 row: {line!r}")
        check("[###############-----] 75%" in line and "ETA " in line, f"no progress bar and ETA: {line!r}")
        check(rc != 0 or "converging" in text, f"hostctl status exit {rc}")

    def metrics_follow_and_pass_promtool():
        status, body = agent.get("/metrics")
        check(status == 200, f"/metrics {status}")
        text = body.decode()
        for line in (
            f'hosthealth_md_info{{array="md0",uuid="{UUID0}",level="raid1",metadata="1.2"}} 1',
            'hosthealth_md_sync_action{array="md0",action="recover"} 1',
            'hosthealth_md_sync_progress_ratio{array="md0"} 0.75',
            'hosthealth_md_sync_speed_bytes_per_second{array="md0"} 102400000',
            'hosthealth_md_disks{array="md0",state="recovering"} 1',
            'hosthealth_md_disks{array="md0",state="faulty"} 1',
            'hosthealth_md_degraded_disks{array="md0"} 1',
            'hosthealth_md_state{array="md1",state="clean"} 1',
        ):
            check(line in text.splitlines(), f"missing from /metrics: {line}")
        rc, findings = promtool_findings(body)
        check(rc == 0 and findings == "", f"promtool: {findings}")

    def recovery_finishes():
        bed.finish_recovery()
        bed.change(bed.md0)
        agent.wait_health(200, "ok")
        agent.wait_array("md0", "ok")
        events = [e.get("event") for e in agent.json("/events")["events"] if e.get("name") == "md0"]
        want = ["Fail", "DegradedArray", "RebuildStarted", "Rebuild20", "Rebuild40", "Rebuild60", "SpareActive", "RebuildFinished"]
        got = [e for e in events if e]
        check(got == want, f"md0 events {got}, want {want}")
        finished = [e for e in agent.json("/events")["events"] if e.get("event") == "RebuildFinished"]
        check(finished and finished[-1]["reason"] == "recovery completed", f"RebuildFinished: {finished}")
        follows("UP", 100, "the rebuild finished")

    def scrub_stays_ok_and_is_no_rebuild():
        bed.check_scrub(0.1)
        bed.change(bed.md0)
        agent.wait_array("md0", "ok", progress=lambda c: c.get("progress") == 0.1)
        bed.check_scrub(0.6)
        agent.wait_array("md0", "ok", progress=lambda c: c.get("progress") == 0.6,
                         reason=lambda c: c["reason"] == "check 60% done, 204 MB/s")
        check(agent.get("/health")[0] == 200, "host not 200 during a scrub")
        bed.finish_scrub(8)
        bed.change(bed.md0)
        agent.wait_array("md0", "ok", progress=lambda c: c.get("progress") is None)
        events = [e for e in agent.json("/events")["events"] if e.get("name") == "md0" and e.get("event")]
        tail = [e["event"] for e in events[-2:]]
        check(tail == ["CheckStarted", "CheckFinished"], f"last md0 events {tail}")
        check(events[-1]["reason"] == "check finished: 8 mismatched sectors", f"CheckFinished: {events[-1]['reason']}")
        rc, text = agent.hostctl("events")
        check("CheckFinished: check finished: 8 mismatched sectors" in text, f"hostctl events: {text[-400:]}")

    def uevent_to_health_latency():
        samples = []
        for _ in range(trials):
            bed.fail_sdc1()
            started = time.monotonic()
            bed.change(bed.md0)
            agent.wait_health(503, "degraded")
            samples.append(time.monotonic() - started)
            bed.restore()
            started = time.monotonic()
            bed.change(bed.md0)
            agent.wait_health(200, "ok")
            samples.append(time.monotonic() - started)
        samples.sort()
        median = statistics.median(samples) * 1000
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000
        log(f"  uevent -> /health over {len(samples)} changes: median {median:.1f} ms, p99 {p99:.1f} ms, "
            f"max {samples[-1] * 1000:.1f} ms (bar: 100 ms)")
        print(f"LATENCY uevent_to_health median_ms={median:.1f} p99_ms={p99:.1f} n={len(samples)}")

    return [
        ("md_arrays_read_at_start", started),
        ("md_disk_failure_degrades_on_uevent", degrade),
        ("md_recovery_start_converges", recovery_starts),
        ("md_recovery_progress_polled_with_falling_eta", recovery_progresses),
        ("md_hostctl_status_shows_bar_and_eta", status_table_shows_progress),
        ("md_metrics_follow_and_pass_promtool", metrics_follow_and_pass_promtool),
        ("md_recovery_finish_is_ok_with_mdadm_events", recovery_finishes),
        ("md_scrub_stays_ok_and_is_no_rebuild", scrub_stays_ok_and_is_no_rebuild),
        ("md_uevent_to_health_latency", uevent_to_health_latency),
    ]


# Drift: a raid1 on two SAS disks with by-path slots, judged against a baseline recorded from it.
WWN = {"sdb": "0x5000c500000000b1", "sdc": "0x5000c500000000c1", "sdd": "0x5000c500000000d1", "sde": "0x5000c500000000e1"}
SLOT = {n: f"pci-0000:3b:00.0-sas-phy{n}-lun-0" for n in range(1, 6)}
DRIFT_CONFIG = """\
arrays:
  recover_after: 0s
  stall_after: 5s
disks:
  recover_after: 0s
  refresh_interval: 1s
  stale_after: 5s
"""


class DriftTestbed(Testbed):
    """sdb in slot 1 and sdc in slot 2, md0 (raid1) on sdb1 and sdc1."""

    def __init__(self):
        self.bed = UMockdev.Testbed.new()
        self.disks = {}
        self.add_disk("sdb", 1)
        self.add_disk("sdc", 2)
        self.md0 = self.add("md0", array_attributes("raid1", [("sdb1", "in_sync", "0"), ("sdc1", "in_sync", "1")]))

    def add_disk(self, name, slot, wwn=None):
        device = self.bed.add_device(
            "block", name, None, ["size", "2000000\n", "removable", "0\n", "stat", "1 0 8 0 0 0 0 0 0 0 0\n"],
            ["DEVTYPE", "disk", "DEVNAME", f"/dev/{name}", "ID_BUS", "scsi", "ID_MODEL", "ST4000NM0023",
             "ID_SERIAL_SHORT", name.upper(), "ID_WWN", wwn or WWN[name], "ID_PATH", SLOT[slot]])
        self.disks[name] = device
        return device

    def remove_disk(self, name):
        device = self.disks.pop(name)
        self.bed.uevent(device, "remove")
        self.bed.remove_device(device)

    def replace_sdc_with_sdd_recovering(self, ratio):
        self.remove_disk("sdc")
        self.add_disk("sdd", 2)
        self.set(self.md0, array_state="active", degraded="1", dev_sdc1__state="faulty", dev_sdc1__slot="none")
        os.makedirs(os.path.join(self.root, "sys/devices/md0/md/dev-sdd1"), exist_ok=True)
        self.set(self.md0, dev_sdd1__state="", dev_sdd1__slot="1", dev_sdd1__errors="0",
                 sync_action="recover", sync_completed=f"{int(ratio * TOTAL)} / {TOTAL}", sync_speed="100000")
        self.change(self.md0)


def drift_scenario(agent, bed, workdir):
    """The drift story under the real agent: recorded → in sync; slot 2 replaced and recovering →
    converging with an ETA; stalled → changed, host degraded; finished → accepted-pending, then
    accepted → in sync; a disk moved → moved; a foreign disk → unexpected (warn)."""
    baseline = os.path.join(workdir, "baseline.yaml")

    def diff():
        rc, text = agent.hostctl("diff", "--json")
        try:
            return rc, json.loads(text)
        except ValueError:
            raise Fail(f"hostctl diff --json exit {rc}: {text[:300]}")

    def item(document, key):
        return next((i for i in document["items"] if f"{i['kind']}:{i['id']}" == key), None)

    def wait_diff(probe, timeout=8):
        def poll():
            rc, document = diff()
            return probe(rc, document), (rc, document)
        agent.wait(poll, timeout, interval=0.2)
        return diff()

    def reload():
        agent.proc.send_signal(signal.SIGHUP)

    old = f"disk:wwn-{WWN['sdc']}"
    md0 = f"array:{UUID0}"

    def recorded_in_sync():
        agent.wait_health(200, "ok", timeout=10)
        rc, text = agent.hostctl("baseline", "record", "--output", baseline)
        check(rc == 1 and "exists; use --force" in text, f"record over a file without --force: {rc} {text}")
        rc, text = agent.hostctl("baseline", "record", "--output", baseline, "--force")
        check(rc == 0, f"record: {rc} {text}")
        recorded = open(baseline).read()
        for want in (f"id: wwn-{WWN['sdb']}", f"slot: {SLOT[2]}", f"id: {UUID0}",
                     f"- {{role: 1, disk: wwn-{WWN['sdc']}, slot: {SLOT[2]}}}", "schema: 1"):
            check(want in recorded, f"recording lacks {want!r}:\n{recorded}")
        result = subprocess.run([os.path.join(agent.bin_dir, "hostctl"), "baseline", "validate", baseline],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check(result.returncode == 0, f"validate: {result.stdout}")
        reload()
        rc, document = wait_diff(lambda rc, d: d["summary"].get("in_sync") == 3)
        check(rc == 0 and document["items"] == [], f"diff exit {rc}: {document}")
        rc, text = agent.hostctl("diff", "--no-color")
        check(rc == 0 and text.startswith("in sync: 3 in_sync"), f"diff text: {rc} {text}")
        status, body = agent.get("/metrics")
        text = body.decode()
        for line in ('hosthealth_components_expected{kind="disk"} 2', 'hosthealth_components_present{kind="disk"} 2',
                     'hosthealth_drift_items{kind="array",status="in_sync"} 1'):
            check(line in text.splitlines(), f"missing from /metrics: {line}")
        check("hosthealth_baseline_info{sha256=" in text, "no hosthealth_baseline_info")
        rc, findings = promtool_findings(body)
        check(rc == 0 and findings == "", f"promtool: {findings}")

    nudges = [0]

    def nudge():
        # Keep the rebuild moving while the test looks (a slow machine must not see it stall
        # before it has seen it converge): one sector more per look, still 42%.
        nudges[0] += 1
        bed.set(bed.md0, sync_completed=f"{int(0.42 * TOTAL) + nudges[0]} / {TOTAL}")

    def advancing(rc, document):
        nudge()
        return (item(document, old) or {}).get("status") == "converging"

    def replaced_and_recovering_converges():
        bed.replace_sdc_with_sdd_recovering(0.42)
        rc, document = wait_diff(advancing)
        entry = item(document, old)
        check(rc == 0, f"diff exit {rc}, want 0 (converging is in sync): {document}")
        check(entry["changes"] == [{"path": "id", "from": f"wwn-{WWN['sdc']}", "to": f"wwn-{WWN['sdd']}"}], f"changes {entry}")
        check("replaced, rebuilding md0 42%" in entry["note"] and "within 72h" in entry["note"], f"note {entry['note']}")
        check(entry["deadline"] is not None and entry["eta_seconds"] is not None, f"no deadline or ETA: {entry}")
        nudge()
        agent.wait_health(200, "converging")
        nudge()
        rc, text = agent.hostctl("diff", "--no-color")
        check(f"~ disk wwn-{WWN['sdc']}: id wwn-{WWN['sdc']} → wwn-{WWN['sdd']} (replaced, rebuilding md0 42%" in text, text)
        components = agent.json("/status")["components"]
        drifted = [c for c in components if (c.get("drift") or {}).get("status") == "converging"]
        check(drifted, f"no component carries drift converging: {components}")

    def stalled_recovery_is_changed_and_degrades():
        # No progress for longer than stall_after (5 s).
        rc, document = wait_diff(lambda rc, d: (item(d, old) or {}).get("status") == "changed", timeout=15)
        check(rc == 2, f"diff exit {rc}, want 2: {document}")
        check("stalled" in item(document, old)["note"], f"note {item(document, old)}")
        agent.wait_health(503, "degraded")
        events = [e.get("event") for e in agent.json("/events")["events"]]
        check("DriftConverging" in events and "DriftChanged" in events, f"drift events in the journal: {events}")

    def finished_is_accepted_pending_then_accepted():
        bed.set(bed.md0, sync_action="idle", sync_completed="none", sync_speed="none", degraded="0",
                array_state="clean", dev_sdd1__state="in_sync")
        bed.change(bed.md0)
        rc, document = wait_diff(lambda rc, d: (item(d, old) or {}).get("accepted_pending") is True)
        check(rc == 0, f"diff exit {rc}, want 0 (accepted-pending is tolerated): {document}")
        agent.wait_health(200, "ok")
        rc, text = agent.hostctl("baseline", "accept", old, "--baseline", baseline, "--print")
        check(rc == 0 and f"-      - {{role: 1, disk: wwn-{WWN['sdc']}, slot: {SLOT[2]}}}" in text
              and f"+      - {{role: 1, disk: wwn-{WWN['sdd']}, slot: {SLOT[2]}}}" in text, f"accept --print: {text}")
        check(f"wwn-{WWN['sdd']}" not in open(baseline).read(), "--print wrote the file")
        rc, text = agent.hostctl("baseline", "accept", old, "--baseline", baseline)
        check(rc == 0, f"accept: {rc} {text}")
        check(f"wwn-{WWN['sdd']}" in open(baseline).read(), "the accepted baseline lacks the new disk")
        reload()
        rc, document = wait_diff(lambda rc, d: d["items"] == [])
        check(rc == 0, f"after accept: exit {rc}: {document}")

    def moved_disk_is_moved():
        # Re-plugged in another bay, it comes back under another kernel name: identity is the WWN.
        bed.remove_disk("sdb")
        bed.add_disk("sdf", 3, wwn=WWN["sdb"])
        key = f"disk:wwn-{WWN['sdb']}"
        rc, document = wait_diff(lambda rc, d: (item(d, key) or {}).get("status") == "moved")
        entry = item(document, key)
        check(entry["changes"][0] == {"path": "slot", "from": SLOT[1], "to": SLOT[3]}, f"moved: {entry}")
        check(entry["effect"] == "warn" and rc == 2, f"moved warns, diff exit 2: {rc} {entry}")
        check(agent.get("/health")[0] == 200, "a warn changed /health")

    def foreign_disk_is_unexpected():
        bed.add_disk("sde", 5)
        key = f"disk:wwn-{WWN['sde']}"
        rc, document = wait_diff(lambda rc, d: (item(d, key) or {}).get("status") == "unexpected")
        check(item(document, key)["effect"] == "warn", f"unexpected: {item(document, key)}")
        check(agent.get("/health")[0] == 200, "a warn changed /health")
        status, body = agent.get("/metrics")
        check(f'hosthealth_drift_item{{kind="disk",id="wwn-{WWN["sde"]}",status="unexpected",effect="warn"}} 1'
              in body.decode().splitlines(), "no per-item series for the unexpected disk")

    return [
        ("drift_recorded_baseline_is_in_sync", recorded_in_sync),
        ("drift_replacement_recovering_is_converging_with_eta", replaced_and_recovering_converges),
        ("drift_stalled_recovery_is_changed_and_degrades", stalled_recovery_is_changed_and_degrades),
        ("drift_finished_is_accepted_pending_then_accepted", finished_is_accepted_pending_then_accepted),
        ("drift_moved_disk_is_moved", moved_disk_is_moved),
        ("drift_foreign_disk_is_unexpected_and_warns", foreign_disk_is_unexpected),
    ]


def drift_reader_off_is_unknown(bin_dir, bed, workdir, baseline):
    """The disk reader gone: its items are unknown, never missing, and diff adds 4."""
    agent = Agent(bin_dir, bed, workdir, DRIFT_CONFIG, extra=(f"--baseline.file={baseline}", "--no-collector.disks",
                                                              "--no-collector.smart", "--no-collector.kmsg"))
    try:
        def poll():
            rc, text = agent.hostctl("diff", "--json")
            return rc == 4, (rc, text[:400])
        agent.wait(poll, 10, interval=0.2)
        document = json.loads(agent.hostctl("diff", "--json")[1])
        statuses = {i["status"] for i in document["items"] if i["kind"] == "disk"}
        check(statuses == {"unknown"} and "missing" not in document["summary"], f"disk statuses {statuses}: {document}")
        check("disk" in document["incomplete"], f"incomplete {document['incomplete']}")
    finally:
        agent.stop()


def run_drift(bin_dir):
    workdir = tempfile.mkdtemp(prefix="hhdrift-")
    bed = DriftTestbed()
    baseline = os.path.join(workdir, "baseline.yaml")
    with open(baseline, "w") as f:
        f.write("schema: 1\n")
    agent = Agent(bin_dir, bed, workdir, DRIFT_CONFIG, extra=(f"--baseline.file={baseline}", "--no-collector.smart",
                                                              "--no-collector.kmsg"))
    passed = failed = 0
    try:
        passed, failed = run_steps(agent, drift_scenario(agent, bed, workdir), tail_lines=20)
        agent.stop()
        if not failed:
            try:
                drift_reader_off_is_unknown(bin_dir, bed, workdir, baseline)
                print("PASS drift_disk_reader_off_is_unknown_never_missing")
                passed += 1
            except Fail as error:
                print(f"FAIL drift_disk_reader_off_is_unknown_never_missing: {error}")
                failed += 1
    finally:
        agent.stop()
        subprocess.run(["rm", "-rf", workdir])
    return passed, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin-dir", default=".build/debug")
    parser.add_argument("--trials", type=int, default=20, help="degrade/restore cycles for the latency figure")
    parser.add_argument("--drift-only", action="store_true", help="run only the drift story")
    args = parser.parse_args()
    bin_dir = os.path.abspath(args.bin_dir)
    if args.drift_only:
        passed, failed = run_drift(bin_dir)
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0
    workdir = tempfile.mkdtemp(prefix="hhmd-")
    bed = Testbed()
    agent = Agent(bin_dir, bed, workdir)
    haproxy = HAProxy(agent, workdir) if os.access(HAPROXY, os.X_OK) else None
    if haproxy is None:
        print(f"FAIL haproxy: {HAPROXY} is not installed (apt-get install haproxy)")
    passed, failed = 0, int(haproxy is None)
    try:
        passed, failed = run_steps(agent, scenario(agent, bed, args.trials, haproxy))
        failed += int(haproxy is None)
    finally:
        if haproxy is not None:
            haproxy.stop()
        agent.stop()
        subprocess.run(["rm", "-rf", workdir])
    more_passed, more_failed = run_drift(bin_dir)
    passed += more_passed
    failed += more_failed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
