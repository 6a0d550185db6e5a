#!/usr/bin/python3
"""Runs `disk-probe --updates 3` under a umockdev testbed and hot-plugs a disk.

Usage: hotplug-under-umockdev.py PROBE
The testbed starts with disk `sdz` and its partition `sdz1`; after the probe's first update the
script adds disk `sdy` (umockdev sends its add), then removes it again (uevent remove). Prints the probe's
lines.
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
sdz = bed.add_device("block", "sdz", None, ["size", "1000\n", "stat", "1 0 8 0 0 0 0 0 0 0 0\n"],
                     ["DEVTYPE", "disk", "DEVNAME", "/dev/sdz", "ID_SERIAL_SHORT", "Z1"])
bed.add_device("block", "sdz1", sdz, ["size", "900\n", "partition", "1\n"], ["DEVTYPE", "partition", "DEVNAME", "/dev/sdz1"])
env = dict(os.environ, UMOCKDEV_DIR=bed.get_root_dir(), LD_PRELOAD="libumockdev-preload.so.0")
with subprocess.Popen([probe, "--updates", "3"], env=env, stdout=subprocess.PIPE, text=True) as child:
    out = [child.stdout.readline()]
    # umockdev sends the add uevent of a device it adds by itself.
    sdy = bed.add_device("block", "sdy", None, ["size", "2000\n"],
                         ["DEVTYPE", "disk", "DEVNAME", "/dev/sdy", "ID_SERIAL_SHORT", "Y1"])
    out.append(child.stdout.readline())
    bed.uevent(sdy, "remove")
    bed.remove_device(sdy)
    out.append(child.stdout.readline())
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        out.append("probe did not stop\n")
sys.stdout.write("".join(out))
