#!/usr/bin/python3
"""Runs udev-probe under a umockdev testbed and drives it with synthesised uevents.

Usage: watch-under-umockdev.py PROBE
Prints the probe's output lines. The testbed has one block disk `sdz` with a udev property;
after the probe has enumerated, the script sends a `change` uevent for it, then adds a second
disk `sdy` (umockdev sends the `add` uevent of a device it adds by itself).
"""
import os
import subprocess
import sys

if "umockdev" not in os.environ.get("LD_PRELOAD", ""):
    # The testbed's builder must run under the preload too, or uevents for its devices fail.
    os.execvp("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv)

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

probe = sys.argv[1]
bed = UMockdev.Testbed.new()
sdz = bed.add_device("block", "sdz", None, ["size", "1000\n"], ["DEVTYPE", "disk", "DEVNAME", "sdz", "HOSTHEALTH_TEST", "first"])
env = dict(os.environ, UMOCKDEV_DIR=bed.get_root_dir(), LD_PRELOAD="libumockdev-preload.so.0")
with subprocess.Popen([probe, "block:disk", "--wakeups", "3"], env=env, stdout=subprocess.PIPE, text=True) as child:
    out = [child.stdout.readline()]
    bed.set_property(sdz, "HOSTHEALTH_TEST", "changed")
    bed.uevent(sdz, "change")
    out.append(child.stdout.readline())
    bed.add_device("block", "sdy", None, ["size", "2000\n"], ["DEVTYPE", "disk", "DEVNAME", "sdy", "HOSTHEALTH_TEST", "second"])
    out.append(child.stdout.readline())
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        out.append("probe did not stop\n")
sys.stdout.write("".join(out))
