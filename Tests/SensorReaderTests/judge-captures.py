#!/usr/bin/python3
"""judge-captures — the sensor policy against `sensors` captures of real machines (issue 16 §1).

A capture from another project or a bug report is the output of `sensors -j`: per chip its
subfeatures, already scaled (°C, V, A, W, RPM) and with the feature's label as its key; or of
plain `sensors`, the form most reports paste, read into the same shape (its limit names mapped
back to subfeatures as lm-sensors prints them, ALARM to the alarm flag, `sensor = thermistor`
to the type, N/A to a read the kernel refused; channel numbers follow the order). This
turns each capture into a umockdev hwmon testbed (attribute files in the kernel's units, a
`tempN_label` where the key is not the default name, a parent device for the chip's bus), runs
`sensor-probe` inside it — libsensors and the real `HealthPolicy` with the default config, or
`--agent-config` — and prints per capture what the agent would say: every sensor that is not
`ok`, whether it counts towards the host, and the host's verdict from the counted ones.

Manual, not in CI: the captures are other projects' data and stay out of the repository; what a
sweep finds becomes a fixture of our own in SensorPolicy/SensorReader tests.

  Tests/SensorReaderTests/judge-captures.py [--agent-config YAML] [--all] CAPTURE.json...

Needs umockdev-run and the probe (`swift build --build-tests` builds `.build/debug/sensor-probe`).
Exit status: 0 when no capture would fail its host, 1 when one would, 2 on a usage error.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SCALE = {"temp": 1000, "in": 1000, "curr": 1000, "power": 1_000_000, "energy": 1_000_000,
         "humidity": 1000, "fan": 1, "pwm": 1, "intrusion": 1, "cpu": 1, "beep": 1}
SUBFEATURE = re.compile(r"^(temp|in|curr|power|energy|humidity|fan|pwm|intrusion|cpu)(\d+)(?:_(\w+))?$")
FLAGS = ("alarm", "beep", "fault", "enable", "type")
# Drivers that name their own channels (a `_label` file) per kind; on other chips (it87, the
# Winbond and Fintek Super I/Os, nct6775's voltages and fans) a name in a capture came from
# the machine's sensors.conf, and is written there.
DRIVER_LABELS = {"coretemp": {"temp"}, "k10temp": {"temp", "in", "curr"}, "zenpower": {"temp", "in", "curr", "power"},
                 "nvme": {"temp"}, "amdgpu": {"temp", "in", "power", "fan"}, "nouveau": {"temp", "in", "power"},
                 "nct6775": {"temp"}, "nct6776": {"temp"}, "nct6779": {"temp"}, "nct6791": {"temp"},
                 "nct6792": {"temp"}, "nct6793": {"temp"}, "nct6795": {"temp"}, "nct6796": {"temp"},
                 "nct6797": {"temp"}, "nct6798": {"temp"}, "nct6799": {"temp"}, "dell_smm": {"temp", "fan"},
                 "thinkpad": {"fan", "temp"}, "asus_wmi_sensors": {"temp", "in", "fan", "curr"},
                 "asusec": {"temp", "in", "fan", "curr"}, "pmbus": {"temp", "in", "curr", "power", "fan"}}
UNREADABLE = "unreadable"


def attribute_value(kind, suffix, value):
    """The text the kernel writes for a subfeature `sensors -j` printed scaled."""
    if suffix and (suffix.endswith(FLAGS) or suffix in FLAGS):
        return str(int(round(value)))
    return str(int(round(value * SCALE[kind])))


def chip_entries(index, chip, features, conf):
    """umockdev text for one chip: its parent device and the hwmon device with attributes;
    labels the driver would not give go into `conf` (sensors.conf lines)."""
    prefix, _, rest = chip.partition("-")
    bus, _, address = rest.partition("-")
    attributes = {}
    labels = {}
    for key, subfeatures in features.items():
        if not isinstance(subfeatures, dict):
            continue  # "Adapter"
        default = None
        for name, value in subfeatures.items():
            match = SUBFEATURE.match(name)
            if not match:
                continue
            kind, number, suffix = match.groups()
            default = f"{kind}{number}"
            if value == UNREADABLE:  # the kernel refused the read: a value libsensors cannot parse
                attributes[name] = "\\xff"
            elif isinstance(value, (int, float)):
                attributes[name if suffix or kind == "pwm" else f"{name}_input"] = attribute_value(kind, suffix, value)
        kind = default.rstrip("0123456789") if default else None
        if default and key != default and kind not in ("pwm", "intrusion"):
            if kind in DRIVER_LABELS.get(prefix, set()):
                attributes[f"{default}_label"] = key
            else:
                labels[default] = key
    if labels:
        conf.append(f'chip "{chip}"\n' + "".join(f'    label {name} "{text}"\n' for name, text in sorted(labels.items())))
    text, device = "", None
    if bus == "isa":
        parent = f"/devices/platform/{prefix}.{int(address, 16)}"
        text += f"P: {parent}\nE: SUBSYSTEM=platform\n\n"
        device = f"../../../{prefix}.{int(address, 16)}"
        path = f"{parent}/hwmon/hwmon{index}"
    elif bus == "pci":
        number = int(address, 16)
        function = f"0000:{number >> 8:02x}:{(number & 0xff) >> 3:02x}.{number & 7}"
        parent = f"/devices/pci0000:00/{function}"
        text += f"P: {parent}\nE: SUBSYSTEM=pci\n\n"
        device = f"../../../{function}"
        path = f"{parent}/hwmon/hwmon{index}"
    elif bus == "acpi":
        zone = f"/devices/LNXSYSTM:00/LNXTHERM:{index:02d}"
        text += f"P: {zone}\nE: SUBSYSTEM=acpi\n\n"
        thermal = f"/devices/virtual/thermal/thermal_zone{index}"
        text += f"P: {thermal}\nE: SUBSYSTEM=thermal\nL: device=../../../LNXSYSTM:00/LNXTHERM:{index:02d}\n\n"
        device = f"../../thermal_zone{index}"
        path = f"{thermal}/hwmon{index}"
    else:  # virtual, i2c and the rest: a chip libsensors finds without a parent
        path = f"/devices/virtual/hwmon/hwmon{index}"
    text += f"P: {path}\nE: SUBSYSTEM=hwmon\nA: name={prefix}\\n\n"
    for name, value in sorted(attributes.items()):
        text += f"A: {name}={value}\\n\n"
    if device:
        text += f"L: device={device}\n"
    return text + "\n"


def testbed(capture):
    """The umockdev text and the sensors.conf for a capture."""
    text = "P: /devices/LNXSYSTM:00\nE: SUBSYSTEM=acpi\n\n"
    conf = []
    for index, (chip, features) in enumerate(capture.items()):
        if isinstance(features, dict):
            text += chip_entries(index, chip, features, conf)
    return text, "\n".join(conf)


# How plain `sensors` names a limit, per kind, and the subfeature it printed.
LIMIT_NAMES = {
    "temp": {"high": "max", "low": "min", "crit": "crit", "hyst": "max_hyst", "crit hyst": "crit_hyst",
             "emerg": "emergency", "emergency": "emergency", "low crit": "lcrit", "crit low": "lcrit",
             "max": "max", "min": "min"},
    "in": {"min": "min", "max": "max", "crit min": "lcrit", "crit max": "crit", "average": "average",
           "lowest": "lowest", "highest": "highest"},
    "fan": {"min": "min", "max": "max"},
    "power": {"max": "max", "crit": "crit", "cap": "cap"},
    "curr": {"min": "min", "max": "max", "crit min": "lcrit", "crit max": "crit"},
}
UNITS = {"°C": "temp", "C": "temp", "V": "in", "mV": "in", "RPM": "fan", "W": "power", "mW": "power",
         "kW": "power", "MW": "power", "A": "curr", "mA": "curr"}
UNIT_SCALE = {"mV": 0.001, "mW": 0.001, "kW": 1000, "MW": 1_000_000, "mA": 0.001}
TYPES = {"CPU diode": 1, "transistor": 2, "thermal diode": 3, "thermistor": 4, "AMD AMDSI": 5, "Intel PECI": 6}
READING = re.compile(r"^([^:]+):\s+(N/A|[+-]?[\d.]+)\s*(°C|C|mV|V|RPM|mW|kW|MW|W|mA|A)?\s*(.*)$")
LIMIT = re.compile(r"([a-z][a-z ]*?)\s*=\s*([+-]?[\d.]+)\s*(°C|C|mV|V|RPM|mW|kW|MW|W|mA|A)?")


def parse_plain(text):
    """Plain `sensors` output as the dictionary `sensors -j` would have printed."""
    capture, chip, features, last = {}, None, None, None
    counters = {}
    for line in text.splitlines():
        if not line.strip():
            chip = None
            continue
        if chip is None:
            chip = line.strip()
            features = capture.setdefault(chip, {})
            counters = {}
            continue
        if line.startswith("Adapter:"):
            features["Adapter"] = line.split(":", 1)[1].strip()
            continue
        if line.startswith(" ") and last and line.strip().startswith("("):
            kind, number, values = last
            for name, value, unit in LIMIT.findall(line):
                if name in LIMIT_NAMES.get(kind, {}):
                    values[f"{kind}{number}_{LIMIT_NAMES[kind][name]}"] = float(value) * UNIT_SCALE.get(unit, 1)
            continue
        match = READING.match(line)
        if not match:
            last = None
            continue
        label, value, unit, rest = match.groups()
        kind = UNITS.get(unit or "", None)
        if kind is None:
            last = None
            continue
        default = re.fullmatch(rf"{kind}(\d+)", label.strip())
        # hwmon numbers voltages from in0, everything else from 1.
        number = int(default.group(1)) if default else counters.get(kind, -1 if kind == "in" else 0) + 1
        while any(k.startswith(f"{kind}{number}_") for f in features.values() if isinstance(f, dict) for k in f):
            number += 1
        counters[kind] = number
        values = {f"{kind}{number}_input": UNREADABLE if value == "N/A" else float(value) * UNIT_SCALE.get(unit, 1)}
        for name, bound, bound_unit in LIMIT.findall(rest):
            if name in LIMIT_NAMES.get(kind, {}):
                values[f"{kind}{number}_{LIMIT_NAMES[kind][name]}"] = float(bound) * UNIT_SCALE.get(bound_unit, 1)
        if "ALARM" in rest:
            values[f"{kind}{number}_alarm"] = 1
        sensor = re.search(r"sensor = ([A-Za-z0-9 ]+?)\s*$", rest)
        if kind == "temp" and sensor and sensor.group(1) in TYPES:
            values[f"{kind}{number}_type"] = TYPES[sensor.group(1)]
        features[label.strip()] = values
        last = (kind, number, values)
    return capture


def load(path):
    """A capture as `sensors -j` or plain `sensors` printed it. Subfeatures it could not read print
    `ERROR: Can't get value of subfeature in0_input: Can't read` inside the JSON; they become
    unreadable values, and the commas around them are mended."""
    with open(path) as f:
        text = f.read()
    if not text.lstrip().startswith("{"):
        return parse_plain(text)
    text = re.sub(r"ERROR: Can't get value of subfeature (\w+):[^\n]*", lambda m: f'"{m.group(1)}": "{UNREADABLE}",', text)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    return json.loads(text)


def judge(path, probe, agent_config):
    text, conf = testbed(load(path))
    with tempfile.TemporaryDirectory(prefix="judge-captures-") as directory:
        bed = os.path.join(directory, "bed.umockdev")
        with open(bed, "w") as f:
            f.write(text)
        configuration = os.path.join(directory, "sensors3.conf")
        with open(configuration, "w") as f:
            f.write(conf)
        command = ["umockdev-run", "-d", bed, "--", probe, "--config", configuration]
        if agent_config:
            command += ["--agent-config", agent_config]
        run = subprocess.run(command, input="judge 1000\n", capture_output=True, text=True, timeout=60)
    if run.returncode != 0 or "error\t" in run.stdout:
        raise RuntimeError(f"{path}: sensor-probe failed: {run.stdout.strip()} {run.stderr.strip()}")
    rows = [line.split("\t")[1:] for line in run.stdout.splitlines() if line.startswith("state\t")]
    return [(component, state, reason, counted == "counted") for component, state, reason, counted in rows]


RANK = {"ok": 0, "converging": 1, "degraded": 2, "unknown": 3, "failed": 4}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("captures", nargs="+", metavar="CAPTURE.json")
    parser.add_argument("--agent-config", metavar="YAML", help="a hosthealth.yaml text for the policy (default: built-in)")
    parser.add_argument("--all", action="store_true", help="print every sensor, not only those that are not ok")
    parser.add_argument("--probe", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../.build/debug/sensor-probe"))
    args = parser.parse_args()
    probe = os.path.normpath(args.probe)
    if not os.access(probe, os.X_OK):
        print(f"judge-captures: {probe} is missing: run `swift build --build-tests` first", file=sys.stderr)
        return 2
    failing = 0
    for path in args.captures:
        rows = judge(path, probe, args.agent_config)
        counted = [row for row in rows if row[3]]
        host = max((row[1] for row in counted), key=RANK.get, default="ok")
        print(f"{os.path.basename(path)}: host {host} ({len(rows)} sensors, {len(counted)} counted)")
        for component, state, reason, is_counted in rows:
            if args.all or state != "ok":
                print(f"  {'counted' if is_counted else 'ignored':8} {state:10} {component}: {reason}")
        failing += host == "failed"
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
