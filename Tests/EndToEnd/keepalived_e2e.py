#!/usr/bin/python3
"""End-to-end test of the shipped keepalived example: two hosts, a VIP, hosthealth's verdict.

Run from the repository root, as root, with the system Python (standard library only):

    /usr/bin/python3 Tests/EndToEnd/keepalived_e2e.py --bin-dir .build/debug

Two network namespaces `hhka-a-<pid>` and `hhka-b-<pid>` are the two hosts: a veth pair between
them (`kaa` 192.168.77.1/24 <-> `kab` .2/24) carries VRRP, and each has a required link of its
own (`reqa`/`reqb`, a veth pair inside it whose peer this test takes down to fail that host).
Each host runs a real hosthealthd and a real keepalived (Debian's 2.2) with
keepalived/hosthealth.conf as shipped, only its interface, priority, address and paths
replaced: priority 100 on A, 90 on B, `weight -20` on `hostctl check --format npd`.

Story: the VIP is on A; both hosts fail at once → it stays on A (no bounce, no empty pool);
B recovers → the VIP moves to B (the one healthy host); A recovers → it comes back to A.
Output: `PASS`/`FAIL` lines, then `N passed, N failed`.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import PYTHON, REPO, Fail, check, log, remove_namespace, run, tail, wait_until  # noqa: E402

KEEPALIVED = "/usr/sbin/keepalived"
VIP = "192.168.77.100"
HOSTS = {"a": ("192.168.77.1", 100), "b": ("192.168.77.2", 90)}


class Host:
    def __init__(self, name, namespace, workdir, bin_dir):
        self.name = name
        self.namespace = namespace
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.bin_dir = bin_dir
        self.socket = os.path.join(self.dir, "control.sock")
        self.procs = []

    def spawn(self, cmd, log_name):
        out = open(os.path.join(self.dir, log_name), "wb")
        try:
            proc = subprocess.Popen(["ip", "netns", "exec", self.namespace, *cmd], stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            out.close()
        self.procs.append(proc)
        return proc

    def start_agent(self):
        config = os.path.join(self.dir, "hosthealth.yaml")
        with open(config, "w") as f:
            f.write(f"links:\n  required: [req{self.name}]\n  recover_after: 1s\n")
        self.spawn([os.path.join(self.bin_dir, "hosthealthd"), f"--config.file={config}",
                    "--web.listen-address=127.0.0.1:9041", "--agent-check.listen-address=", f"--control.socket={self.socket}",
                    f"--state.dir={self.dir}/state", "--no-collector.disks", "--no-collector.smart",
                    "--no-collector.sensors", "--no-collector.arrays", "--no-collector.pcie", "--no-collector.kmsg",
                    "--no-collector.memory", "--no-collector.cpu"], "agent.log")
        ok, value, _ = wait_until(lambda: (self.check() == 0, self.check()), 15, 0.1)
        check(ok, f"host {self.name}: hostctl check never said ok: {value} {tail(os.path.join(self.dir, 'agent.log'), 5)}")

    def check(self):
        return subprocess.run([os.path.join(self.bin_dir, "hostctl"), "check", "--format", "npd", "--socket", self.socket],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10).returncode

    def start_keepalived(self, shipped):
        address, priority = HOSTS[self.name]
        text = shipped.replace("/usr/bin/hostctl", os.path.join(self.bin_dir, "hostctl"))
        text = text.replace("/run/hosthealth/control.sock", self.socket)
        text = text.replace("interface eth0", f"interface ka{self.name}")
        text = text.replace("priority 100", f"priority {priority}")
        text = text.replace("192.0.2.10/24", f"{VIP}/24")
        # A test host checks every second: the story waits for VRRP, not for the interval.
        text = text.replace("interval 2", "interval 1").replace("fall 2", "fall 1").replace("rise 2", "rise 1")
        check(f"priority {priority}" in text and f"ka{self.name}" in text and VIP in text,
              "the shipped keepalived example no longer has the lines this test replaces")
        config = os.path.join(self.dir, "keepalived.conf")
        with open(config, "w") as f:
            f.write(text)
        self.keepalived = self.spawn([KEEPALIVED, "--dont-fork", "--log-console", "--vrrp", "-f", config,
                                      "-p", f"{self.dir}/keepalived.pid", "-r", f"{self.dir}/vrrp.pid"], "keepalived.log")

    def holds_vip(self):
        out = subprocess.run(["ip", "-n", self.namespace, "-o", "addr", "show", "dev", f"ka{self.name}"],
                             stdout=subprocess.PIPE, text=True).stdout
        return f"inet {VIP}/" in out

    def fail(self, failed):
        run(["ip", "-n", self.namespace, "link", "set", f"req{self.name}peer", "down" if failed else "up"])

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def where(hosts):
    return [name for name, host in hosts.items() if host.holds_vip()]


def story(hosts):
    a, b = hosts["a"], hosts["b"]
    shipped = open(os.path.join(REPO, "keepalived", "hosthealth.conf")).read()
    for host in hosts.values():
        host.start_agent()
    for host in hosts.values():
        host.start_keepalived(shipped)
    steps = []

    ok, value, took = wait_until(lambda: (where(hosts) == ["a"], where(hosts)), 20, 0.2)
    check(ok, f"the VIP is not on A (priority 100) with both hosts ok: on {value}")
    log(f"#   VIP on A {took:.1f}s after keepalived started")
    steps.append("keepalived_vip_on_the_higher_priority_healthy_host")

    a.fail(True)
    b.fail(True)
    ok, value, _ = wait_until(lambda: (a.check() == 1 and b.check() == 1, (a.check(), b.check())), 10, 0.1)
    check(ok, f"both hosts failed, but hostctl check says {value}")
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        check(where(hosts) == ["a"], f"both hosts unwell: the VIP moved or vanished: on {where(hosts)}")
        time.sleep(0.2)   # sampling a steady state
    steps.append("keepalived_vip_stays_when_both_hosts_are_unwell")

    b.fail(False)
    ok, value, took = wait_until(lambda: (where(hosts) == ["b"], where(hosts)), 20, 0.1)
    check(ok, f"only B is healthy, but the VIP is on {value}")
    log(f"#   VIP moved to B {took:.1f}s after B recovered")
    print(f"FIGURE keepalived: VIP to the one healthy host {took:.1f}s after it recovered (check interval 1s)")
    steps.append("keepalived_vip_moves_to_the_one_healthy_host")

    a.fail(False)
    ok, value, took = wait_until(lambda: (where(hosts) == ["a"], where(hosts)), 20, 0.1)
    check(ok, f"both healthy again, but the VIP is on {value}")
    steps.append("keepalived_vip_returns_when_both_recover")
    return steps


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=".build/debug", help="directory with hosthealthd and hostctl")
    args = parser.parse_args()
    if os.geteuid() != 0 or not os.access(KEEPALIVED, os.X_OK):
        print(f"FAIL setup: needs root and {KEEPALIVED} (scripts/install-deps --test installs it)")
        print("0 passed, 1 failed")
        return 1
    bin_dir = os.path.abspath(args.bin_dir)
    workdir = tempfile.mkdtemp(prefix="hhka-")
    namespaces = {name: f"hhka-{name}-{os.getpid()}" for name in HOSTS}
    hosts = {}
    passed = failed = 0
    try:
        for name, namespace in namespaces.items():
            run(["ip", "netns", "add", namespace])
            run(["ip", "-n", namespace, "link", "set", "lo", "up"])
            run(["ip", "-n", namespace, "link", "add", f"req{name}", "type", "veth", "peer", "name", f"req{name}peer"])
            run(["ip", "-n", namespace, "link", "set", f"req{name}", "up"])
            run(["ip", "-n", namespace, "link", "set", f"req{name}peer", "up"])
        run(["ip", "-n", namespaces["a"], "link", "add", "kaa", "type", "veth", "peer", "name", "kab", "netns", namespaces["b"]])
        for name, (address, _) in HOSTS.items():
            run(["ip", "-n", namespaces[name], "addr", "add", f"{address}/24", "dev", f"ka{name}"])
            run(["ip", "-n", namespaces[name], "link", "set", f"ka{name}", "up"])
            hosts[name] = Host(name, namespaces[name], workdir, bin_dir)
        try:
            for step in story(hosts):
                print(f"PASS {step}")
                passed += 1
        except Fail as error:
            print(f"FAIL keepalived_story: {error}")
            failed += 1
            for host in hosts.values():
                for name in ("agent.log", "keepalived.log"):
                    log(f"#   --- {host.name} {name} ---\n{tail(os.path.join(host.dir, name), 10)}")
    finally:
        for host in hosts.values():
            host.stop()
        for namespace in namespaces.values():
            remove_namespace(namespace)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed == 4 else 1


if __name__ == "__main__":
    sys.exit(main())
