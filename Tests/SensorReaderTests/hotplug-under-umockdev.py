#!/usr/bin/python3
"""Runs hosthealthd under a umockdev testbed and plugs hwmon chips in and out with uevents.

Usage: hotplug-under-umockdev.py HOSTHEALTHD
The testbed starts with one coretemp chip. Once the agent's /metrics shows it, a Super-I/O chip
is added with an `add` uevent, then the coretemp chip is removed with a `remove` uevent (the
read interval is 60 s: only the uevents can show them). Then a second agent reads every second
and a fan's reading changes in sysfs. Prints one line per step: `step<TAB>seconds until /metrics
showed it` or `step<TAB>timeout`, then `promtool<TAB>ok` or `promtool<TAB>findings` for the
agent's scrape with both chips.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

if "umockdev" not in os.environ.get("LD_PRELOAD", ""):
    # Devices with parents can only be added by a builder that runs under the preload itself.
    os.execvp("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv)

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

agent = sys.argv[1]
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
bed = UMockdev.Testbed.new()
CORETEMP = """P: /devices/platform/coretemp.0/hwmon/hwmon1
E: SUBSYSTEM=hwmon
A: name=coretemp\\n
A: temp1_label=Package id 0\\n
A: temp1_input=45000\\n
A: temp1_max=80000\\n
A: temp1_crit=100000\\n
L: device=../../../coretemp.0

P: /devices/platform/coretemp.0
E: SUBSYSTEM=platform
"""
SUPER_IO = """P: /devices/platform/nct6775.656/hwmon/hwmon3
E: SUBSYSTEM=hwmon
A: name=nct6779\\n
A: in0_input=792\\n
A: fan2_input=1098\\n
A: fan2_min=300\\n
L: device=../../../nct6775.656

P: /devices/platform/nct6775.656
E: SUBSYSTEM=platform
"""
assert bed.add_from_string(CORETEMP)


def scrape():
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as response:
            return response.read().decode()
    except OSError:
        return ""


def wait_for(step, condition, limit=5.0):
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if condition(scrape()):
            print(f"{step}\t{time.monotonic() - start:.3f}", flush=True)
            return
        time.sleep(0.02)
    print(f"{step}\ttimeout", flush=True)


promtool = "not run"
with tempfile.TemporaryDirectory() as state:
    config = os.path.join(state, "hosthealth.yaml")
    with open(config, "w") as f:
        f.write("sensors:\n  interval: 60s\n")  # no read by interval during the test: only uevents
    env = dict(os.environ, UMOCKDEV_DIR=bed.get_root_dir(), LD_PRELOAD="libumockdev-preload.so.0")
    argv = [agent, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}", "--control.socket=",
            "--agent-check.listen-address=", "--no-collector.links", "--log.level=debug"]
    with open(os.path.join(state, "agent.log"), "w") as log:
        child = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for("start", lambda body: 'chip="coretemp-isa-0000"' in body)
            assert bed.add_from_string(SUPER_IO)
            # umockdev sends the add uevent of a device it adds itself.
            wait_for("add", lambda body: 'chip="nct6779-isa-0290"' in body)
            check = subprocess.run(["promtool", "check", "metrics"], input=scrape(), capture_output=True, text=True)
            findings = (check.stdout + check.stderr).strip().replace("\n", " | ")
            promtool = "ok" if check.returncode == 0 and not findings else findings
            bed.uevent("/sys/devices/platform/coretemp.0/hwmon/hwmon1", "remove")
            bed.remove_device("/sys/devices/platform/coretemp.0/hwmon/hwmon1")
            wait_for("remove", lambda body: 'hosthealth_sensor_info{sensor="sensor:coretemp' not in body and body != "")
        finally:
            child.terminate()
            child.wait(timeout=10)
    with open(config, "w") as f:
        f.write("sensors:\n  interval: 1s\n")
    with open(os.path.join(state, "agent.log"), "a") as log:
        child = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for("restart", lambda body: 'chip="nct6779-isa-0290"' in body)
            bed.set_attribute("/sys/devices/platform/nct6775.656/hwmon/hwmon3", "fan2_input", "1500\n")
            wait_for("interval", lambda body: 'feature="fan2",label="fan2"} 1500\n' in body)
        finally:
            child.terminate()
            child.wait(timeout=10)
    print(f"promtool\t{promtool}", flush=True)
    if os.environ.get("HOTPLUG_LOG"):
        sys.stderr.write(open(os.path.join(state, "agent.log")).read())
