#!/usr/bin/python3
"""End-to-end tests for hosthealthd and hostctl.

Run from the repository root, as root, with the system Python (standard library only):

    /usr/bin/python3 Tests/EndToEnd/e2e.py --bin-dir .build/debug [-k NAME ...]

The script creates a network namespace `hhe2e-<pid>` with `lo` up and a veth pair
`e2ea` <-> `e2eb` (e2ea is the "required" link of most configs; taking its peer e2eb down
drops e2ea's carrier), then re-executes itself inside it (`ip netns exec NS ... --inside`).
Every server (hosthealthd, haproxy, prometheus) listens on 127.0.0.1 inside the namespace and
every client runs there too. The outer process forwards the test lines, prints the summary
`N passed, N failed`, and always cleans up: processes left in the namespace, the namespace and
the temporary directory.

Output: one `PASS name` / `FAIL name: why` line per test on stdout, then the summary line.
Diagnostics (timings, log tails of failed tests) go to stderr.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import metric_reference

PYTHON = "/usr/bin/python3"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMTOOL = "/usr/bin/promtool"
PROMETHEUS = "/usr/bin/prometheus"
HAPROXY = "/usr/sbin/haproxy"
REQUIRED = "e2ea"   # the link configs require
PEER = "e2eb"       # its veth peer: down here means no carrier on e2ea
STATES = ("ok", "converging", "degraded", "failed", "unknown")
# Exactly what Prometheus 2.42 sends when scraping.
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                     "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")

CONFIG_REQUIRED = """\
links:
  required: [e2ea]
  recover_after: 1s
"""

CONFIG_DEGRADED = """\
links:
  required: [{name: e2ea, min_speed: 100G}]
  recover_after: 1s
health:
  status_codes: {degraded: 429}
"""


def log(message):
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


class Fail(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Fail(message)


def run(cmd, check_rc=True, timeout=30, **kwargs):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            timeout=timeout, **kwargs)
    if check_rc and result.returncode != 0:
        raise Fail(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr.strip()}")
    return result


def wait_until(probe, timeout, interval=0.05):
    """Calls probe() until it returns (True, value) or timeout passes. A probe counts only if
    it started within the timeout. Returns (ok, last value, seconds from start to that probe)."""
    start = time.monotonic()
    value = None
    while True:
        began = time.monotonic() - start
        try:
            ok, value = probe()
        except Fail:
            raise
        except Exception as error:  # a probe failing is a "not yet"
            ok, value = False, f"{type(error).__name__}: {error}"
        if ok:
            return True, value, began
        if time.monotonic() - start >= timeout:
            return False, value, time.monotonic() - start
        time.sleep(interval)


# ----------------------------------------------------------------------------------------------
# Outer process: namespace set-up, re-exec inside it, clean-up, summary.
# ----------------------------------------------------------------------------------------------

def remove_namespace(namespace):
    """Kills whatever still runs in our private namespace (this run started it), then deletes it."""
    pids = subprocess.run(["ip", "netns", "pids", namespace], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
            log(f"# killed leftover process {pid} in {namespace}")
        except (ProcessLookupError, ValueError):
            pass
    subprocess.run(["ip", "netns", "del", namespace], stderr=subprocess.DEVNULL)


def outer(args):
    started = time.monotonic()
    passed = failed = 0
    if os.geteuid() != 0:
        print("FAIL setup: must run as root (creates a network namespace)")
        print("0 passed, 1 failed")
        return 1
    namespace = f"hhe2e-{os.getpid()}"
    workdir = tempfile.mkdtemp(prefix="hhe2e-")
    os.chmod(workdir, 0o755)
    bin_dir = os.path.abspath(args.bin_dir)
    inner_rc = None
    inner = None
    harness_error = None

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        for binary in ("hosthealthd", "hostctl"):
            path = os.path.join(bin_dir, binary)
            # A build in progress may have removed it for a moment.
            if not wait_until(lambda: (os.access(path, os.X_OK), None), 30, interval=1)[0]:
                raise Fail(f"{path} is missing or not executable")
        run(["ip", "netns", "add", namespace])
        run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        run(["ip", "-n", namespace, "link", "add", REQUIRED, "type", "veth", "peer", "name", PEER])
        run(["ip", "-n", namespace, "link", "set", REQUIRED, "up"])
        run(["ip", "-n", namespace, "link", "set", PEER, "up"])
        cmd = ["ip", "netns", "exec", namespace, PYTHON, os.path.abspath(__file__),
               "--inside", namespace, "--bin-dir", bin_dir, "--workdir", workdir]
        for name in args.k or []:
            cmd += ["-k", name]
        inner = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
        for line in inner.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if line.startswith("PASS "):
                passed += 1
            elif line.startswith("FAIL "):
                failed += 1
        inner_rc = inner.wait()
    except Fail as error:
        harness_error = str(error)
    except KeyboardInterrupt as error:
        harness_error = f"interrupted ({error})"
    finally:
        for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(number, signal.SIG_IGN)   # clean-up must not be cut short
        if inner is not None and inner.poll() is None:
            inner.send_signal(signal.SIGTERM)
            try:
                inner.wait(timeout=15)
            except subprocess.TimeoutExpired:
                inner.kill()
                inner.wait()
        remove_namespace(namespace)
        shutil.rmtree(workdir, ignore_errors=True)
    if harness_error is None and inner_rc not in (0, None) and failed == 0:
        harness_error = f"the test process exited {inner_rc} without reporting a failure"
    if harness_error is not None:
        print(f"FAIL harness: {harness_error}")
        failed += 1
    log(f"# total run time {time.monotonic() - started:.1f}s")
    print(f"{passed} passed, {failed} failed")
    sys.stdout.flush()
    return 0 if failed == 0 and passed > 0 else 1


# ----------------------------------------------------------------------------------------------
# Inner process (inside the namespace): helpers.
# ----------------------------------------------------------------------------------------------

class Context:
    def __init__(self, bin_dir, workdir, namespace):
        self.bin_dir = bin_dir
        self.workdir = workdir
        self.namespace = namespace
        self.procs = []        # every Popen started, for clean-up
        self.used_ports = set()
        self.logs = []         # (label, path) of logs worth showing when a test fails

    @property
    def hosthealthd(self):
        return os.path.join(self.bin_dir, "hosthealthd")

    @property
    def hostctl(self):
        return os.path.join(self.bin_dir, "hostctl")

    def tempdir(self, prefix):
        return tempfile.mkdtemp(prefix=prefix + "-", dir=self.workdir)

    def free_port(self):
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            if port not in self.used_ports:
                self.used_ports.add(port)
                return port

    def spawn(self, cmd, log_path, env=None, label=None):
        out = open(log_path, "wb")
        try:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True)
        finally:
            out.close()
        self.procs.append(proc)
        entry = (label or os.path.basename(cmd[0]), log_path)
        if entry not in self.logs:   # an agent restarted 100 times keeps one log
            self.logs.append(entry)
        return proc

    def stop_all(self):
        for proc in self.procs:
            stop_process(proc)
        self.procs = []
        self.logs = []


def stop_process(proc, timeout=5):
    """SIGTERM, then SIGKILL; only this process (started by us)."""
    if proc.poll() is not None:
        return proc.returncode
    try:
        proc.send_signal(signal.SIGTERM)
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def http_get(port, path, headers=None, timeout=2.0):
    """Returns (status, headers dict with lower-case names, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def read_to_end(s):
    """Everything the other side sends until it closes."""
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def agent_check_line(port, timeout=2.0):
    """Connects to the agent-check port and reads everything until the agent closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        return read_to_end(s)


def set_link(name, state):
    run(["ip", "link", "set", name, state])


def reset_links():
    """Puts the fixture links back: both ends of the veth pair administratively up."""
    for name in (REQUIRED, PEER):
        subprocess.run(["ip", "link", "set", name, "up"], stderr=subprocess.DEVNULL)


def tail(path, lines=15):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class Agent:
    """One hosthealthd with its own config file, ports, control socket and log."""

    def __init__(self, ctx, config_text, name="agent", env=None, extra_args=()):
        self.ctx = ctx
        self.extra_args = list(extra_args)
        self.dir = ctx.tempdir(name)
        self.config = os.path.join(self.dir, "hosthealth.yaml")
        self.write_config(config_text)
        self.web_port = ctx.free_port()
        self.check_port = ctx.free_port()
        self.socket = os.path.join(self.dir, "control.sock")
        self.log_path = os.path.join(self.dir, "agent.log")
        self.env = env
        self.proc = None
        self.spawned_at = None

    def write_config(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    @property
    def argv(self):
        return [self.ctx.hosthealthd,
                f"--config.file={self.config}",
                f"--web.listen-address=127.0.0.1:{self.web_port}",
                f"--agent-check.listen-address=127.0.0.1:{self.check_port}",
                f"--control.socket={self.socket}",
                # Never the system's /var/lib/hosthealth: each agent keeps its journal here.
                *([] if any(arg.startswith("--state.dir") for arg in self.extra_args)
                  else [f"--state.dir={os.path.join(self.dir, 'state')}"]),
                *self.extra_args]

    def start(self, wait=True):
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        env.pop("WATCHDOG_USEC", None)
        env.update(self.env or {})
        self.spawned_at = time.monotonic()
        self.proc = self.ctx.spawn(self.argv, self.log_path, env=env, label=f"hosthealthd {self.dir}")
        if wait:
            self.wait_livez()
        return self

    def start_refused(self, timeout, what):
        """Starts an agent that must refuse to start; returns (exit code, its log text)."""
        self.start(wait=False)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Fail(f"hosthealthd still runs {timeout}s after being given {what}")
        return code, self.log_text()

    def wait_livez(self, timeout=10):
        def probe():
            if self.proc.poll() is not None:
                raise Fail(f"hosthealthd exited {self.proc.returncode} before /livez answered: "
                           f"{tail(self.log_path, 5)}")
            status, _, _ = http_get(self.web_port, "/livez", timeout=1)
            return status == 200, status
        ok, value, _ = wait_until(probe, timeout)
        if self.proc.poll() is not None:
            raise Fail(f"hosthealthd exited {self.proc.returncode}: {tail(self.log_path, 5)}")
        check(ok, f"/livez did not answer 200 within {timeout}s (last: {value})")

    def get(self, path, headers=None, timeout=2.0):
        return http_get(self.web_port, path, headers, timeout)

    def health(self):
        status, _, body = self.get("/health")
        return status, json.loads(body)

    def wait_health(self, code, state, timeout):
        """Waits until /health answers `code` with JSON state `state`; returns seconds waited."""
        def probe():
            status, document = self.health()
            return (status == code and document.get("state") == state), (status, document.get("state"))
        ok, value, elapsed = wait_until(probe, timeout, interval=0.02)
        check(ok, f"/health did not answer {code} with state {state!r} within {timeout}s "
                  f"(last: status, state = {value})")
        return elapsed

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise Fail("no VmRSS line in /proc/PID/status")


def hostctl(ctx, *args, timeout=15):
    return run([ctx.hostctl, *args], check_rc=False, timeout=timeout)


LABEL_PAIR = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)')


def parse_sample(line):
    """Splits a text-format sample line into (name, sorted label pairs, value, rest tokens)."""
    match = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line)
    if not match:
        raise ValueError(f"no metric name in {line!r}")
    name = match.group(0)
    position = match.end()
    labels = []
    if position < len(line) and line[position] == "{":
        # Find the closing brace outside quoted label values.
        i = position + 1
        in_quotes = False
        while i < len(line):
            c = line[i]
            if in_quotes:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_quotes = False
            elif c == '"':
                in_quotes = True
            elif c == "}":
                break
            i += 1
        else:
            raise ValueError(f"unterminated label set in {line!r}")
        inner = line[position + 1:i]
        j = 0
        while j < len(inner):
            pair = LABEL_PAIR.match(inner, j)
            if not pair:
                raise ValueError(f"bad label set in {line!r}")
            labels.append((pair.group(1), pair.group(2)))
            j = pair.end()
        position = i + 1
    rest = line[position:].split()
    if not rest:
        raise ValueError(f"no value in {line!r}")
    return name, tuple(sorted(labels)), rest[0], rest[1:]


# ----------------------------------------------------------------------------------------------
# Tests
# ----------------------------------------------------------------------------------------------

ODD_LINK = 'q"\\a'      # a legal interface name with a quote and a backslash: label escaping
ODD_PEER = 'q"\\b'


def test_metrics_pass_promtool(ctx):
    run(["ip", "link", "add", ODD_LINK, "type", "veth", "peer", "name", ODD_PEER])
    try:
        run(["ip", "link", "set", ODD_LINK, "up"])
        agent = Agent(ctx, CONFIG_REQUIRED).start()
        check_scrape_with_promtool(agent)
    finally:
        subprocess.run(["ip", "link", "del", ODD_LINK], stderr=subprocess.DEVNULL)


def unescape_label(value):
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), value)


def check_scrape_with_promtool(agent):
    def listed():
        components = json.loads(agent.get("/status")[2])["components"]
        return any(c.get("name") == ODD_LINK for c in components), None
    ok, _, _ = wait_until(listed, 3)
    check(ok, f"the agent never listed the link {ODD_LINK!r} in /status")
    status, headers, body = agent.get("/metrics")
    check(status == 200, f"GET /metrics answered {status}")
    check(len(body) > 0, "GET /metrics returned an empty body")
    result = subprocess.run([PROMTOOL, "check", "metrics"], input=body, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=30)
    findings = (result.stdout + result.stderr).decode("utf-8", "replace").strip()
    check(result.returncode == 0 and not findings,
          f"promtool check metrics exited {result.returncode} with findings: {findings[:800]}")
    seen = {}
    duplicates, stamped = [], []
    for number, line in enumerate(body.decode("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            name, labels, _value, extra = parse_sample(line)
        except ValueError as error:
            raise Fail(f"line {number} is not a sample: {error}")
        key = (name, labels)
        if key in seen:
            duplicates.append(f"line {number} repeats line {seen[key]}: {line}")
        else:
            seen[key] = number
        if extra:
            stamped.append(f"line {number}: {line}")
    check(not duplicates, f"{len(duplicates)} duplicate series, e.g. {duplicates[:3]}")
    check(not stamped, f"{len(stamped)} samples carry a timestamp, e.g. {stamped[:3]}")
    check(seen, "no samples at all")
    links = {unescape_label(v) for (name, labels) in seen for k, v in labels if k == "link"}
    check(REQUIRED in links, f"no sample has link={REQUIRED!r}")
    check(ODD_LINK in links, f"no sample's link label unescapes to the link named {ODD_LINK!r}; "
                             f"link labels seen: {sorted(links)}")


def test_openmetrics_when_asked(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED).start()
    status, headers, body = agent.get("/metrics", {"Accept": "application/openmetrics-text; version=1.0.0"})
    check(status == 200, f"OpenMetrics scrape answered {status}")
    content_type = headers.get("content-type", "")
    check(content_type.startswith("application/openmetrics-text"),
          f"asked for OpenMetrics, got Content-Type {content_type!r}")
    check(body.endswith(b"# EOF\n"), f"OpenMetrics body does not end with '# EOF\\n': ends {body[-40:]!r}")
    check(body.count(b"# EOF") == 1, "OpenMetrics body has more than one '# EOF'")
    # OpenMetrics' counter rule: the family is named without `_total`, its samples with it.
    counters = re.findall(rb"^# TYPE (\S+) counter$", body, re.M)
    check(counters, "the OpenMetrics body declares no counter family")
    for family in counters:
        check(not family.endswith(b"_total"), f"OpenMetrics counter family {family.decode()} ends in _total")
        samples = re.findall(rb"^" + re.escape(family) + rb"(\S*?)[{ ]", body, re.M)
        check(all(suffix in (b"_total", b"_created") for suffix in samples),
              f"counter {family.decode()} has samples with suffixes {sorted(set(samples))}, want _total")
    status, headers, body = agent.get("/metrics")
    check(status == 200, f"plain scrape answered {status}")
    content_type = headers.get("content-type", "")
    check(content_type.startswith("text/plain; version=0.0.4"),
          f"without Accept, got Content-Type {content_type!r} (want text/plain; version=0.0.4...)")
    check(b"# EOF" not in body, "the text-format body contains '# EOF'")


def test_health_codes_follow_state(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED).start()
    agent.wait_health(200, "ok", 3)
    set_link(PEER, "down")
    took = agent.wait_health(503, "failed", 1.0)
    log(f"#   failed after peer down in {took:.3f}s")
    status, document = agent.health()
    missing = [k for k in ("state", "capacity", "since", "reasons", "components") if k not in document]
    check(not missing, f"/health body lacks {missing}: {document!r:.300}")
    check(any(REQUIRED in reason for reason in document["reasons"]),
          f"/health reasons do not name {REQUIRED}: {document['reasons']!r}")
    set_link(PEER, "up")
    took = agent.wait_health(200, "ok", 5.0)
    log(f"#   ok after peer up in {took:.3f}s (recover_after 1s)")
    check(took >= 0.9, f"/health was back to 200 after {took:.2f}s, before recover_after (1s) elapsed")


def read_speed(name):
    path = f"/sys/class/net/{name}/speed"
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError) as error:
        raise Fail(f"{path} is not readable inside the namespace ({error}); "
                   "the min_speed test needs the veth's reported speed")


def test_degraded_maps_to_configured_code(ctx):
    speed = read_speed(REQUIRED)
    check(speed < 100000, f"{REQUIRED} reports {speed} Mb/s, not below the 100G the config asks for")
    agent = Agent(ctx, CONFIG_DEGRADED).start()
    agent.wait_health(429, "degraded", 3)
    status, document = agent.health()
    check(status == 429 and document.get("state") == "degraded",
          f"/health answered {status} state {document.get('state')!r} (want 429 degraded)")


def test_livez_is_200_even_when_failed(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED).start()
    set_link(PEER, "down")
    agent.wait_health(503, "failed", 2)
    for _ in range(5):
        status, _, body = agent.get("/livez")
        check(status == 200, f"/livez answered {status} ({body[:80]!r}) while the host is failed")
        time.sleep(0.3)
    status, document = agent.health()
    check(status == 503 and document.get("state") == "failed",
          f"host left the failed state during the check: {status} {document.get('state')!r}")


ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_status_document_fields(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED).start()
    agent.wait_health(200, "ok", 3)
    status, headers, body = agent.get("/status")
    check(status == 200, f"/status answered {status}")
    check(headers.get("content-type", "").startswith("application/json"),
          f"/status Content-Type is {headers.get('content-type')!r}")
    document = json.loads(body)
    host = document.get("host")
    check(isinstance(host, dict), f"no host object: {document!r:.300}")
    check(host.get("state") == "ok", f"host.state is {host.get('state')!r}, want 'ok'")
    check(isinstance(host.get("capacity"), (int, float)) and 0 <= host["capacity"] <= 1,
          f"host.capacity is {host.get('capacity')!r}")
    check(isinstance(host.get("since"), str) and ISO_UTC.match(host["since"]),
          f"host.since is {host.get('since')!r}, want an RFC 3339 UTC time")
    check("maintenance" in host, "host.maintenance key is missing")
    check(host["maintenance"] is None, f"host.maintenance is {host['maintenance']!r}, want null")
    check(isinstance(host.get("reasons"), list), f"host.reasons is {host.get('reasons')!r}")
    components = document.get("components")
    check(isinstance(components, list) and components, f"components is {components!r:.200}")
    for component in components:
        for key, kind in (("kind", str), ("id", str), ("name", str), ("state", str), ("reason", str),
                          ("stale", bool)):
            check(isinstance(component.get(key), kind),
                  f"component {component!r:.200} lacks {key} of type {kind.__name__}")
        check(component["state"] in STATES, f"component state {component['state']!r} is not one of {STATES}")
        check(component["kind"] in ("array", "disk", "sensor", "link", "pcie"),
              f"component kind {component['kind']!r} is unknown")
    by_id = {c["id"]: c for c in components}
    link = by_id.get(f"link:{REQUIRED}")
    check(link is not None, f"no component with id 'link:{REQUIRED}'; ids: {sorted(by_id)}")
    check(link["kind"] == "link" and link["name"] == REQUIRED and link["state"] == "ok" and link["stale"] is False,
          f"link:{REQUIRED} component is {link!r}")
    for c in components:
        if c["kind"] == "link":
            check(c["id"] == f"link:{c['name']}", f"link component id {c['id']!r} is not 'link:<name>'")


# --- HAProxy ------------------------------------------------------------------------------------

def write_haproxy_config(path, stats, servers, frontend_port=None, pidfile=None):
    """A HAProxy config with an admin stats socket and one backend `be` of these server lines."""
    text = f"global\n    stats socket {stats} mode 600 level admin\n"
    if pidfile:
        text += f"    pidfile {pidfile}\n"
    text += ("\ndefaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n"
             "    timeout check 1s\n")
    if frontend_port:
        text += f"\nfrontend fe\n    bind 127.0.0.1:{frontend_port}\n    default_backend be\n"
    text += "\nbackend be\n    option httpchk GET /livez\n" + "".join(f"    {line}\n" for line in servers)
    with open(path, "w") as f:
        f.write(text)


def haproxy_command(sock_path, command, timeout=2.0):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(sock_path)
        s.sendall(command.encode() + b"\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data.decode("utf-8", "replace")
            data += chunk


def haproxy_servers(sock_path):
    """`show stat` rows of the servers, by name: dicts with the CSV columns."""
    text = haproxy_command(sock_path, "show stat")
    lines = [l for l in text.splitlines() if l.strip()]
    header = lines[0].lstrip("# ").split(",")
    servers = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(",")))
        if row.get("pxname") == "be" and row.get("svname") not in ("BACKEND", "FRONTEND"):
            servers[row["svname"]] = row
    return servers


def haproxy_weights(sock_path):
    """`show servers state`: server name -> (op_state, admin_state, uweight, iweight)."""
    text = haproxy_command(sock_path, "show servers state be")
    result = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 8 and not line.startswith("#") and fields[1] == "be":
            result[fields[3]] = (int(fields[5]), int(fields[6]), int(fields[7]), int(fields[8]))
    return result


def describe(row):
    return (f"status={row.get('status')!r} weight={row.get('weight')!r} "
            f"agent={row.get('agent_status')!r} last_agt={row.get('last_agt')!r} "
            f"check={row.get('check_status')!r}")


def test_agent_check_against_real_haproxy(ctx):
    if not os.access(HAPROXY, os.X_OK):
        raise Fail(f"{HAPROXY} is not installed (apt-get install haproxy)")
    agent = Agent(ctx, CONFIG_REQUIRED, name="agent-ok").start()
    drained = Agent(ctx, CONFIG_DEGRADED, name="agent-degraded").start()
    agent.wait_health(200, "ok", 3)

    # The protocol itself: one line, then the agent closes.
    line = agent_check_line(agent.check_port)
    check(line == b"up ready 100%\n", f"agent-check when ok sent {line!r}, want b'up ready 100%\\n'")
    read_speed(REQUIRED)
    drained.wait_health(429, "degraded", 3)
    line = agent_check_line(drained.check_port)
    check(line == b"up drain\n", f"agent-check when degraded sent {line!r}, want b'up drain\\n'")

    hdir = ctx.tempdir("haproxy")
    stats = os.path.join(hdir, "haproxy.sock")
    front = ctx.free_port()
    config = os.path.join(hdir, "haproxy.cfg")
    write_haproxy_config(config, stats, [
        f'server s1 127.0.0.1:{agent.web_port} weight 100 check inter 500ms agent-check agent-port {agent.check_port} '
        'agent-inter 300ms agent-send "hello from haproxy\\n"',
        f"server s2 127.0.0.1:{drained.web_port} weight 100 check inter 500ms agent-check agent-port {drained.check_port} "
        "agent-inter 300ms",
    ], frontend_port=front, pidfile=f"{hdir}/haproxy.pid")
    validation = run([HAPROXY, "-c", "-f", config], check_rc=False)
    check(validation.returncode == 0, f"haproxy -c rejected the config: {validation.stdout} {validation.stderr}")
    haproxy = ctx.spawn([HAPROXY, "-f", config, "-db"], os.path.join(hdir, "haproxy.log"), label="haproxy")

    def server_is(name, status, weight):
        def probe():
            if haproxy.poll() is not None:
                raise Fail(f"haproxy exited {haproxy.returncode}: {tail(os.path.join(hdir, 'haproxy.log'), 5)}")
            row = haproxy_servers(stats)[name]
            weights = haproxy_weights(stats).get(name)
            shown = row.get("status", "")
            ok = (shown == status or shown.startswith(status + " (")) and (weight is None or (weights and weights[2] == weight))
            return ok, describe(row) + f" servers-state={weights}"
        return probe

    ok, value, took = wait_until(server_is("s1", "UP", 100), 10, interval=0.1)
    check(ok, f"HAProxy never showed s1 UP with weight 100 while the host is ok: {value}")
    ok, value, took = wait_until(server_is("s2", "DRAIN", None), 5, interval=0.1)
    check(ok, f"HAProxy did not drain s2 (agent says 'up drain'): {value}")

    set_link(PEER, "down")
    ok, value, took = wait_until(server_is("s1", "DOWN", None), 3, interval=0.05)
    check(ok, f"s1 not DOWN within 3s of the required link's peer going down: {value}")
    log(f"#   HAProxy marked s1 DOWN {took:.2f}s after the link went down")
    line = agent_check_line(agent.check_port)
    check(line.startswith(b"down #") and line.endswith(b"\n") and line.count(b"\n") == 1 and len(line) > 7,
          f"agent-check when failed sent {line!r}, want one line 'down #<reason>\\n'")
    check(REQUIRED.encode() in line, f"agent-check down reason does not name {REQUIRED}: {line!r}")
    row = haproxy_servers(stats)["s1"]
    check("down" in row.get("last_agt", ""), f"HAProxy's last agent reply is {row.get('last_agt')!r}")

    set_link(PEER, "up")
    ok, value, took = wait_until(server_is("s1", "UP", 100), 10, interval=0.1)
    check(ok, f"s1 did not come back UP with weight 100 within 10s of the peer coming up: {value}")
    log(f"#   HAProxy marked s1 UP again {took:.2f}s after the link came up")
    line = agent_check_line(agent.check_port)
    check(line == b"up ready 100%\n", f"agent-check after recovery sent {line!r}")

    # An operator's drain: maint takes the server out; ending it brings it back at full weight.
    run([ctx.hostctl, "maintenance", "on", "--reason", "e2e drain", "--socket", agent.socket])
    ok, value, took = wait_until(server_is("s1", "MAINT", None), 5, interval=0.05)
    check(ok, f"s1 not in MAINT within 5s of hostctl maintenance on: {value}")
    log(f"#   HAProxy put s1 in MAINT {took:.2f}s after hostctl maintenance on")
    run([ctx.hostctl, "maintenance", "off", "--socket", agent.socket])
    ok, value, took = wait_until(server_is("s1", "UP", 100), 10, interval=0.1)
    check(ok, f"s1 did not come back UP with weight 100 within 10s of maintenance off: {value}")
    log(f"#   HAProxy marked s1 UP again {took:.2f}s after hostctl maintenance off")


def test_shipped_haproxy_fallback_serves_when_every_host_drains(ctx):
    """haproxy/hosthealth-fallback.cfg as shipped, with this run's addresses: every agent says
    down at once (their one required link is gone), and the frontend still answers, from the
    fallback backend; the hosts come back and `app` serves again."""
    agents = [Agent(ctx, CONFIG_REQUIRED, name=f"fallback-{n}").start() for n in range(3)]
    for agent in agents:
        agent.wait_health(200, "ok", 5)
    shipped = open(os.path.join(REPO, "haproxy", "hosthealth-fallback.cfg")).read()
    hdir = ctx.tempdir("haproxy-fallback")
    stats = os.path.join(hdir, "haproxy.sock")
    front = ctx.free_port()
    text = shipped.replace("global\n", f"global\n    stats socket {stats} mode 600 level admin\n", 1)
    text = text.replace("bind :80", f"bind 127.0.0.1:{front}").replace("inter 2s", "inter 200ms")
    for n, agent in enumerate(agents):
        shipped_address = f"10.0.0.{5 + n}:80"
        text = text.replace(f"{shipped_address} agent-port 9777", f"127.0.0.1:{agent.web_port} agent-port {agent.check_port}")
        text = text.replace(shipped_address, f"127.0.0.1:{agent.web_port}")
    check("10.0.0." not in text and "agent-port 9777" not in text, "the shipped example's addresses were not all replaced")
    config = os.path.join(hdir, "haproxy.cfg")
    with open(config, "w") as f:
        f.write(text)
    validation = run([HAPROXY, "-c", "-f", config], check_rc=False)
    check(validation.returncode == 0, f"haproxy -c rejected the shipped example: {validation.stdout} {validation.stderr}")
    ctx.spawn([HAPROXY, "-f", config, "-db"], os.path.join(hdir, "haproxy.log"), label="haproxy")

    def backend_sessions():
        text = haproxy_command(stats, "show stat")
        lines = [l for l in text.splitlines() if l.strip()]
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, l.split(","))) for l in lines[1:]]
        return {r["pxname"]: int(r["stot"] or 0) for r in rows if r.get("svname") == "BACKEND"}

    def app_status():
        text = haproxy_command(stats, "show stat")
        lines = [l for l in text.splitlines() if l.strip()]
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, l.split(","))) for l in lines[1:]]
        # "DOWN (agent)": the agent's verdict took it out.
        return sorted(r["status"].split(" ")[0] for r in rows if r.get("pxname") == "app" and r.get("svname") not in ("BACKEND", "FRONTEND"))

    def served_by(backend):
        before = backend_sessions()
        status, _, _ = http_get(front, "/", timeout=3)
        after = backend_sessions()
        return status == 200 and after[backend] == before[backend] + 1, (status, before, after)

    ok, value, _ = wait_until(lambda: (app_status() == ["UP"] * 3, app_status()), 10, 0.1)
    check(ok, f"app's servers never all UP: {value}")
    ok, value, _ = wait_until(lambda: served_by("app"), 5, 0.1)
    check(ok, f"with every host ok, `app` did not serve: {value}")

    set_link(PEER, "down")
    ok, value, took = wait_until(lambda: (app_status() == ["DOWN"] * 3, app_status()), 10, 0.05)
    check(ok, f"the agents' down did not take app's servers down: {value}")
    ok, value, _ = wait_until(lambda: served_by("app_fallback"), 5, 0.1)
    check(ok, f"every host down by its agent: the fallback did not serve (a 503 for everyone): {value}")
    log(f"#   every app server DOWN {took:.2f}s after the link went; the fallback served")

    set_link(PEER, "up")
    ok, value, _ = wait_until(lambda: (app_status() == ["UP"] * 3, app_status()), 15, 0.1)
    check(ok, f"app's servers did not come back: {value}")
    ok, value, _ = wait_until(lambda: served_by("app"), 5, 0.1)
    check(ok, f"recovered: `app` did not serve again: {value}")


# --- Prometheus ---------------------------------------------------------------------------------

def test_prometheus_scrapes_the_agent(ctx):
    if not os.access(PROMETHEUS, os.X_OK):
        raise Fail(f"{PROMETHEUS} is not installed")
    agent = Agent(ctx, CONFIG_REQUIRED).start()
    agent.wait_health(200, "ok", 3)
    # What Prometheus asks for must get OpenMetrics back.
    status, headers, body = agent.get("/metrics", {"Accept": PROMETHEUS_ACCEPT})
    check(status == 200 and headers.get("content-type", "").startswith("application/openmetrics-text"),
          f"Prometheus's Accept header got {status} {headers.get('content-type')!r}")
    pdir = ctx.tempdir("prometheus")
    port = ctx.free_port()
    config = os.path.join(pdir, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: hosthealth
    static_configs:
      - targets: ['127.0.0.1:{agent.web_port}']
""")
    plog = os.path.join(pdir, "prometheus.log")
    proc = ctx.spawn([PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={pdir}/data",
                      f"--web.listen-address=127.0.0.1:{port}"], plog, label="prometheus")
    deadline = time.monotonic() + 20

    def query(expr):
        from urllib.parse import quote
        status, _, body = http_get(port, "/api/v1/query?query=" + quote(expr), timeout=2)
        document = json.loads(body)
        if status != 200 or document.get("status") != "success":
            return None
        return [float(r["value"][1]) for r in document["data"]["result"]]

    def probe():
        if proc.poll() is not None:
            raise Fail(f"prometheus exited {proc.returncode}: {tail(plog, 5)}")
        up = query('up{job="hosthealth"}')
        state = query('hosthealth_host_state{job="hosthealth",state="ok"}')
        return up == [1.0] and state == [1.0], f"up={up} host_state{{state=ok}}={state}"

    ok, value, took = wait_until(probe, max(0.0, deadline - time.monotonic()), interval=0.25)
    check(ok, f"Prometheus did not see the agent up and ok within 20s: {value}")
    log(f"#   Prometheus saw up=1 and host ok {took:.1f}s after it started")
    status, _, body = http_get(port, "/api/v1/targets", timeout=2)
    targets = [t for t in json.loads(body)["data"]["activeTargets"] if t["labels"].get("job") == "hosthealth"]
    check(len(targets) == 1, f"expected one hosthealth target, got {targets!r:.300}")
    target = targets[0]
    check(target.get("health") == "up" and target.get("lastError") == "",
          f"target health {target.get('health')!r}, lastError {target.get('lastError')!r}")
    samples = query('scrape_samples_scraped{job="hosthealth"}')
    check(samples and samples[0] > 0, f"scrape_samples_scraped is {samples}")


# --- hostctl ------------------------------------------------------------------------------------

def test_hostctl_status_exit_codes(ctx):
    # --direct, with no agent running at all.
    cfg_dir = ctx.tempdir("direct")
    cfg = os.path.join(cfg_dir, "hosthealth.yaml")
    with open(cfg, "w") as f:
        f.write(CONFIG_REQUIRED)
    result = hostctl(ctx, "status", "--direct", "--config.file", cfg)
    check(result.returncode == 0 and result.stdout.startswith("HOST  OK"),
          f"status --direct exited {result.returncode}: {result.stdout[:200]!r} {result.stderr[:200]!r}")

    agent = Agent(ctx, CONFIG_REQUIRED).start()
    agent.wait_health(200, "ok", 3)
    result = hostctl(ctx, "status", "--socket", agent.socket)
    check(result.returncode == 0, f"status when ok exited {result.returncode} (want 0): {result.stderr.strip()}")
    check(result.stdout.startswith("HOST  OK"), f"status table starts {result.stdout[:60]!r}, want 'HOST  OK'")
    check("\x1b" not in result.stdout, "piped status output contains ESC bytes")
    check(any(line.split()[:3] == ["link", REQUIRED, "ok"] for line in result.stdout.splitlines() if line.strip()),
          f"status table has no row 'link {REQUIRED} ok': {result.stdout!r:.300}")

    result = hostctl(ctx, "status", "--json", "--socket", agent.socket)
    check(result.returncode == 0, f"status --json exited {result.returncode}")
    try:
        document = json.loads(result.stdout)
    except ValueError as error:
        raise Fail(f"status --json is not JSON ({error}): {result.stdout[:200]!r}")
    check(document.get("host", {}).get("state") == "ok", f"status --json host is {document.get('host')!r}")
    check(any(c.get("id") == f"link:{REQUIRED}" for c in document.get("components", [])),
          "status --json lacks the link component")

    set_link(PEER, "down")
    agent.wait_health(503, "failed", 2)
    result = hostctl(ctx, "status", "--socket", agent.socket)
    check(result.returncode == 2, f"status when failed exited {result.returncode} (want 2)")
    check(result.stdout.startswith("HOST  FAILED"),
          f"status when failed printed {result.stdout[:120]!r}, want 'HOST  FAILED' first")
    check(any(line.split()[:3] == ["link", REQUIRED, "failed"] for line in result.stdout.splitlines() if line.strip()),
          f"status table has no row 'link {REQUIRED} failed': {result.stdout!r:.300}")
    check("\x1b" not in result.stdout, "piped status output contains ESC bytes")
    result = hostctl(ctx, "status", "--direct", "--config.file", cfg)
    check(result.returncode == 2, f"status --direct with the link down exited {result.returncode} (want 2)")
    set_link(PEER, "up")
    agent.wait_health(200, "ok", 5)

    degraded = Agent(ctx, CONFIG_DEGRADED, name="degraded").start()
    degraded.wait_health(429, "degraded", 3)
    result = hostctl(ctx, "status", "--socket", degraded.socket)
    check(result.returncode == 1, f"status when degraded exited {result.returncode} (want 1)")
    check(result.stdout.startswith("HOST  DEGRADED"), f"status when degraded printed {result.stdout[:80]!r}")

    result = hostctl(ctx, "status", "--socket", "/nonexistent")
    errors = result.stderr.splitlines()
    check(result.returncode == 3, f"status with no agent exited {result.returncode} (want 3)")
    check(len(errors) == 1, f"want one line on stderr, got {len(errors)}: {result.stderr!r}")
    check(re.search(r"reach", errors[0], re.I) and "agent" in errors[0].lower(),
          f"stderr does not say the agent is not reachable: {errors[0]!r}")
    check(result.stdout == "", f"status with no agent printed on stdout: {result.stdout!r}")


# --- configuration ------------------------------------------------------------------------------

def test_bad_config_refused_with_file_and_line(ctx):
    agent = Agent(ctx, "links:\n  required: [e2ea]\n  bogus_key: 1\n", name="badconfig")
    agent.start(wait=False)
    try:
        rc = agent.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        raise Fail("hosthealthd still runs 5s after being given an unknown key")
    log(f"#   exited {rc} {time.monotonic() - agent.spawned_at:.2f}s after spawn")
    text = agent.log_text()
    check(rc == 78, f"hosthealthd exited {rc}, want 78 (EX_CONFIG); output: {text.strip()[:300]}")
    check(agent.config in text, f"the error does not name the file {agent.config}: {text.strip()[:300]}")
    check(":3:" in text, f"the error does not name line 3 (':3:'): {text.strip()[:300]}")
    check("bogus_key" in text, f"the error does not name the key bogus_key: {text.strip()[:300]}")


def test_sighup_keeps_old_config_when_new_is_bad(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED).start()
    agent.wait_health(200, "ok", 3)
    set_link(PEER, "down")
    agent.wait_health(503, "failed", 2)

    agent.write_config("links:\n  required: [e2ea\n  recover_after: 1s\n")   # unclosed flow sequence
    agent.proc.send_signal(signal.SIGHUP)
    ok, _, _ = wait_until(lambda: ("not reloaded" in agent.log_text(), None), 3)
    check(agent.alive(), f"hosthealthd exited {agent.proc.returncode} after SIGHUP with a bad config")
    check(ok, f"the log does not mention 'not reloaded': {tail(agent.log_path, 5)}")
    line = [l for l in agent.log_text().splitlines() if "not reloaded" in l][0]
    check(agent.config in line, f"the 'not reloaded' log line does not name the file: {line}")
    time.sleep(0.5)
    status, document = agent.health()
    check(status == 503 and document.get("state") == "failed",
          f"after a bad reload /health is {status} {document.get('state')!r}; the old config "
          "(required e2ea, which is down) should still say 503 failed")

    agent.write_config("links:\n  required: []\n  recover_after: 1s\n")
    agent.proc.send_signal(signal.SIGHUP)
    took = agent.wait_health(200, "ok", 5)
    log(f"#   ok {took:.2f}s after the good reload")
    check(agent.alive(), "hosthealthd exited after the good reload")
    check("configuration reloaded" in agent.log_text() or "reloaded" in agent.log_text(),
          "the log does not mention the reload")


def test_sighup_right_after_start_is_a_reload(ctx):
    # systemd may deliver `systemctl reload` as soon as the unit exists, and a script as soon as
    # /livez answers, before READY: the agent must be trapping SIGHUP by then, not die of it.
    for attempt in range(5):
        agent = Agent(ctx, CONFIG_REQUIRED, name=f"early-hup-{attempt}").start(wait=False)

        def probe():
            if agent.proc.poll() is not None:
                raise Fail(f"hosthealthd exited {agent.proc.returncode} before /livez answered")
            status, _, _ = http_get(agent.web_port, "/livez", timeout=1)
            return status == 200, status
        ok, _, _ = wait_until(probe, 10, interval=0.002)
        check(ok, "/livez did not answer within 10s")
        agent.proc.send_signal(signal.SIGHUP)
        reloaded, _, _ = wait_until(lambda: ("configuration reloaded" in agent.log_text(), None), 5)
        check(agent.alive(), f"attempt {attempt}: hosthealthd exited {agent.proc.returncode} after a SIGHUP "
              f"as soon as /livez answered: {tail(agent.log_path, 5)}")
        check(reloaded, f"attempt {attempt}: the early SIGHUP was not handled as a reload: {tail(agent.log_path, 5)}")
        agent.proc.terminate()
        agent.proc.wait(timeout=10)


# --- systemd notify -----------------------------------------------------------------------------

def test_sd_notify_ready_and_watchdog(ctx):
    ndir = ctx.tempdir("notify")
    path = os.path.join(ndir, "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        listener.bind(path)
        agent = Agent(ctx, CONFIG_REQUIRED, env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
        agent.start(wait=False)
        spawned = agent.spawned_at
        received = []

        def wait_for(word, timeout):
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                listener.settimeout(remaining)
                try:
                    data = listener.recv(4096).decode("utf-8", "replace")
                except socket.timeout:
                    return None
                now = time.monotonic()
                received.append(data)
                if word in data.split("\n"):
                    return now

        ready_at = wait_for("READY=1", 2)
        check(ready_at is not None,
              f"no READY=1 within 2s of spawn (got {received}); log: {tail(agent.log_path, 5)}")
        log(f"#   READY=1 {1000 * (ready_at - spawned):.0f} ms after spawn")
        agent.wait_livez(2)   # ready means serving
        watchdog_at = wait_for("WATCHDOG=1", 3)
        check(watchdog_at is not None, f"no WATCHDOG=1 within 3s after READY (got {received})")
        log(f"#   first WATCHDOG=1 {watchdog_at - ready_at:.2f}s after READY")

        term_at = time.monotonic()
        agent.proc.send_signal(signal.SIGTERM)
        stopping_at = wait_for("STOPPING=1", 5)
        try:
            rc = agent.proc.wait(timeout=max(0.1, 5 - (time.monotonic() - term_at)))
        except subprocess.TimeoutExpired:
            raise Fail(f"hosthealthd still runs 5s after SIGTERM (messages: {received})")
        check(stopping_at is not None, f"no STOPPING=1 after SIGTERM (got {received})")
        check(rc == 0, f"hosthealthd exited {rc} after SIGTERM, want 0")
        log(f"#   exited 0 {time.monotonic() - term_at:.2f}s after SIGTERM")
    finally:
        listener.close()


# --- load ---------------------------------------------------------------------------------------

def test_scrapes_answer_during_link_flood(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED).start()
    agent.wait_health(200, "ok", 3)
    fdir = ctx.tempdir("flood")
    add, delete = os.path.join(fdir, "add.batch"), os.path.join(fdir, "del.batch")
    with open(add, "w") as f:
        f.writelines(f"link add hf{i}a type veth peer name hf{i}b\n" for i in range(200))
    with open(delete, "w") as f:
        f.writelines(f"link del hf{i}a\n" for i in range(200))
    stop = threading.Event()
    rounds = [0]
    errors = []

    def flood():
        try:
            while not stop.is_set() or rounds[0] < 3:
                for batch in (add, delete):
                    result = subprocess.run(["ip", "-force", "-batch", batch], stdout=subprocess.DEVNULL,
                                            stderr=subprocess.PIPE, text=True, timeout=60)
                    if result.returncode != 0:
                        errors.append(result.stderr.strip()[:200])
                rounds[0] += 1
                if rounds[0] >= 10:
                    break
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    slow, bad, durations = [], [], []
    saw_flood = 0
    try:
        for number in range(50):
            start = time.monotonic()
            try:
                status, _, body = agent.get("/metrics", timeout=2.0)
            except (OSError, http.client.HTTPException) as error:
                bad.append(f"scrape {number}: {type(error).__name__}: {error}")
                continue
            took = time.monotonic() - start
            durations.append(took)
            if status != 200:
                bad.append(f"scrape {number}: status {status}")
            if took > 2.0:
                slow.append(f"scrape {number}: {took:.2f}s")
            if b'link="hf' in body:
                saw_flood += 1
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=120)
        subprocess.run(["ip", "-force", "-batch", delete], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log(f"#   {len(durations)} scrapes ({saw_flood} saw flood links) during {rounds[0]} flood rounds, slowest "
        f"{max(durations) if durations else 0:.3f}s, mean {sum(durations) / max(1, len(durations)):.3f}s")
    check(not errors, f"the link flood itself failed: {errors[:2]}")
    check(rounds[0] >= 3, f"only {rounds[0]} flood rounds ran")
    check(agent.alive(), f"hosthealthd died during the link flood (rc {agent.proc.returncode})")
    check(not bad, f"{len(bad)} of 50 scrapes failed: {bad[:3]}")
    check(not slow, f"{len(slow)} of 50 scrapes took over 2s: {slow[:3]}")
    check(saw_flood > 0, "no scrape showed any of the flood's links: the scrapes did not overlap the flood")
    agent.wait_health(200, "ok", 5)
    rss = agent.rss_kib()
    log(f"#   VmRSS after the flood: {rss / 1024:.1f} MiB")
    check(rss < 60 * 1024, f"VmRSS is {rss / 1024:.1f} MiB after the flood, want below 60 MB")


def https_get(port, path, auth=None, timeout=5.0):
    """GET over TLS without verifying the self-signed certificate; returns (status, body)."""
    import base64
    import http.client
    import ssl
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
    headers = {}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_web_config_tls_and_basic_auth(ctx):
    import crypt
    directory = ctx.tempdir("webconfig")
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", "/CN=localhost"])
    # htpasswd -B writes $2y$; libxcrypt writes $2b$: the same algorithm under two names.
    hashed = crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 6)).replace("$2b$", "$2y$", 1)
    web_config = os.path.join(directory, "web.yml")
    with open(web_config, "w") as f:
        f.write(f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\nbasic_auth_users:\n  prometheus: '{hashed}'\n")
    agent = Agent(ctx, CONFIG_REQUIRED, name="tls", extra_args=[f"--web.config.file={web_config}"]).start(wait=False)

    def probe():
        if agent.proc.poll() is not None:
            raise Fail(f"hosthealthd exited {agent.proc.returncode}: {tail(agent.log_path, 5)}")
        try:
            return https_get(agent.web_port, "/livez", auth=("prometheus", "s3cret"))[0] == 200, None
        except OSError as error:
            return False, error
    ok, value, _ = wait_until(probe, 10)
    check(ok, f"/livez over TLS with the right password did not answer 200 (last: {value})")
    status, _ = https_get(agent.web_port, "/health")
    check(status == 401, f"/health without credentials answered {status}, want 401")
    status, _ = https_get(agent.web_port, "/metrics", auth=("prometheus", "wrong"))
    check(status == 401, f"/metrics with a wrong password answered {status}, want 401")
    status, body = https_get(agent.web_port, "/metrics", auth=("prometheus", "s3cret"))
    check(status == 200 and b"hosthealth_host_state" in body, f"/metrics with the password answered {status}")
    plain_failed = False
    try:
        plain, _, _ = agent.get("/health")
        plain_failed = plain is None or plain >= 400
    except Exception:
        plain_failed = True
    check(plain_failed, "plain HTTP on the TLS port was answered")
    # The control socket is local and permission-checked: no TLS, no password.
    result = hostctl(ctx, "status", "--socket", agent.socket)
    check(result.returncode == 0, f"hostctl over the control socket exited {result.returncode}: {result.stderr.strip()}")


def test_web_config_refused_with_file_and_reason(ctx):
    directory = ctx.tempdir("badweb")
    web_config = os.path.join(directory, "web.yml")
    with open(web_config, "w") as f:
        f.write("tls_server_config:\n  cert_file: /nonexistent/cert.pem\n")
    agent = Agent(ctx, CONFIG_REQUIRED, name="badweb", extra_args=[f"--web.config.file={web_config}"])
    rc, text = agent.start_refused(5, "a web config without key_file")
    check(rc == 78, f"hosthealthd exited {rc}, want 78; output: {text.strip()[:300]}")
    check(web_config in text and "key_file" in text, f"the error does not name the file and key_file: {text.strip()[:300]}")


def test_journal_survives_kill_and_restart(ctx):
    state = ctx.tempdir("state")
    agent = Agent(ctx, CONFIG_REQUIRED, name="journal", extra_args=[f"--state.dir={state}"]).start()
    set_link(PEER, "down")
    agent.wait_health(503, "failed", 3)
    journal = os.path.join(state, "journal.jsonl")
    ok, _, _ = wait_until(lambda: (os.path.exists(journal) and "failed" in open(journal).read(), None), 3)
    check(ok, f"no 'failed' transition reached {journal}")
    agent.proc.kill()
    agent.proc.wait(timeout=5)
    # What a crash in the middle of a write leaves: half a record.
    with open(journal, "a") as f:
        f.write('{"at":1795816440.5,"component":"link:e2ea","event":null,"from":"ok","key":"e2ea","kind":"link","name":"e2e')
    set_link(PEER, "up")
    agent.start()
    text = agent.log_text()
    check("skipped unreadable records" in text, "the torn record was not reported at start")
    result = hostctl(ctx, "events", "--socket", agent.socket, "--json")
    check(result.returncode == 0, f"hostctl events exited {result.returncode}: {result.stderr.strip()}")
    events = json.loads(result.stdout)["events"]
    failed = [e for e in events if e["component"] == f"link:{REQUIRED}" and e["to"] == "failed"]
    check(failed, f"the transition to failed recorded before kill -9 is missing: {events}")
    check(all("e2e" != e.get("name") for e in events), "the torn record was read as an event")
    status, _, body = agent.get("/events?since=1h")
    check(status == 200 and json.loads(body)["events"], f"/events?since=1h answered {status}")
    status, _, _ = agent.get("/events?since=someday")
    check(status == 400, f"/events?since=someday answered {status}, want 400")
    table = hostctl(ctx, "events", "--socket", agent.socket)
    check("COMPONENT" in table.stdout and f"link:{REQUIRED}" in table.stdout, f"hostctl events table: {table.stdout[:300]}")


def as_user(uid, gid, groups, *cmd):
    """The command run with another uid, gid and exactly these supplementary groups."""
    group_arg = ["--groups=" + ",".join(str(g) for g in groups)] if groups else ["--clear-groups"]
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}", *group_arg, *cmd]


def agent_with_open_control_socket(ctx, name):
    """An agent whose control socket any local user can connect to: the file mode is not what
    the callers test, the agent's own judgement of the peer is."""
    public = ctx.tempdir(name + "-public")
    os.chmod(public, 0o755)
    agent = Agent(ctx, CONFIG_REQUIRED, name=name)
    agent.socket = os.path.join(public, "control.sock")
    agent.start()
    agent.wait_health(200, "ok", 3)
    os.chmod(agent.socket, 0o666)
    return agent


def test_maintenance_only_for_root_and_the_group(ctx):
    """The control socket judges the peer's kernel credentials: a user outside the hosthealth
    group is refused even when the socket's file mode lets it connect; a member is not."""
    agent = agent_with_open_control_socket(ctx, "maint-access")
    nobody = 65534
    refused = run(as_user(nobody, nobody, [], ctx.hostctl, "maintenance", "on", "--reason", "not mine",
                          "--socket", agent.socket), check_rc=False)
    check(refused.returncode == 4, f"hostctl maintenance on as nobody exited {refused.returncode}, want 4 "
                                   f"(refused): {refused.stdout} {refused.stderr}")
    check("hosthealth" in refused.stderr, f"the refusal does not say which group may: {refused.stderr!r}")
    status, document = agent.health()
    check(status == 200 and document.get("maintenance") is None, f"a refused request changed /health: {status} {document}")
    # Reading stays open to whoever can connect.
    shown = run(as_user(nobody, nobody, [], ctx.hostctl, "maintenance", "--socket", agent.socket), check_rc=False)
    check(shown.returncode == 0 and "maintenance off" in shown.stdout, f"hostctl maintenance (show) as nobody: {shown.stdout} {shown.stderr}")

    created = False
    if subprocess.run(["getent", "group", "hosthealth"], stdout=subprocess.DEVNULL).returncode != 0:
        run(["groupadd", "--system", "hosthealth"])
        created = True
    try:
        gid = int(run(["getent", "group", "hosthealth"]).stdout.split(":")[2])
        member = run(as_user(nobody, nobody, [gid], ctx.hostctl, "maintenance", "on", "--reason", "member drain",
                             "--socket", agent.socket), check_rc=False)
        check(member.returncode == 0, f"a hosthealth group member was refused: {member.returncode} {member.stderr}")
        agent.wait_health(503, "ok", 3)
        status, document = agent.health()
        check(document.get("maintenance") == "member drain", f"/health maintenance is {document.get('maintenance')!r}")
    finally:
        if created:
            subprocess.run(["groupdel", "hosthealth"], stderr=subprocess.DEVNULL)


HOLD_CONNECTIONS = """
import socket, sys, time
held = []
for _ in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(sys.argv[1])
    except OSError:
        break
    held.append(s)
print(len(held), flush=True)
time.sleep(60)
"""


def test_control_socket_flood_by_one_user_leaves_room_for_root(ctx):
    """A user who may connect to the control socket opens 600 connections and holds them:
    it is capped per uid, and root's hostctl maintenance on still works."""
    agent = agent_with_open_control_socket(ctx, "ctlflood")
    nobody = 65534
    holder = subprocess.Popen(as_user(nobody, nobody, [], PYTHON, "-c", HOLD_CONNECTIONS, agent.socket, "600"),
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    ctx.procs.append(holder)
    held = int(holder.stdout.readline() or 0)
    check(held > 0, "the flooding user could not connect at all")
    began = time.monotonic()
    on = hostctl(ctx, "maintenance", "on", "--reason", "break glass", "--socket", agent.socket)
    check(on.returncode == 0, f"root's maintenance on failed while nobody held {held} connections: {on.returncode} {on.stderr}")
    log(f"# control flood: nobody connected {held} times; root's maintenance on took {time.monotonic() - began:.2f} s")
    holder.kill()
    holder.wait()


def test_maintenance_drains_and_survives_restart(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED, name="maint").start()
    agent.wait_health(200, "ok", 3)
    on = hostctl(ctx, "maintenance", "on", "--reason", "replacing sdb", "--socket", agent.socket)
    check(on.returncode == 0, f"hostctl maintenance on exited {on.returncode}: {on.stderr}")
    agent.wait_health(503, "ok", 3)
    line = agent_check_line(agent.check_port)
    check(line == b"maint #replacing sdb\n", f"agent-check in maintenance sent {line!r}")
    _, _, body = agent.get("/metrics")
    text = body.decode()
    check("hosthealth_maintenance 1\n" in text, "hosthealth_maintenance is not 1 during maintenance")
    check('hosthealth_maintenance_reason_info{reason="replacing sdb"} 1' in text, "no maintenance reason in the metrics")
    status = json.loads(hostctl(ctx, "status", "--json", "--socket", agent.socket).stdout)
    check(status["host"]["maintenance"] == "replacing sdb", f"status document maintenance is {status['host']['maintenance']!r}")
    events = json.loads(hostctl(ctx, "events", "--json", "--socket", agent.socket).stdout)["events"]
    check(any(e.get("event") == "MaintenanceOn" and "replacing sdb" in e["reason"] for e in events),
          f"no MaintenanceOn transition in the journal: {events[-3:]}")
    # The web port never changes state.
    connection = http.client.HTTPConnection("127.0.0.1", agent.web_port, timeout=2)
    connection.request("POST", "/maintenance", body="state=off", headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    connection.close()
    check(response.status in (404, 405), f"POST /maintenance on the web port answered {response.status}")

    stop_process(agent.proc)
    agent.start()
    agent.wait_health(503, "ok", 5)
    line = agent_check_line(agent.check_port)
    check(line == b"maint #replacing sdb\n", f"after a restart agent-check sent {line!r}, want maint")
    off = hostctl(ctx, "maintenance", "off", "--socket", agent.socket)
    check(off.returncode == 0, f"hostctl maintenance off exited {off.returncode}: {off.stderr}")
    agent.wait_health(200, "ok", 3)
    check(agent_check_line(agent.check_port) == b"up ready 100%\n", "agent-check did not return to up ready 100%")


def test_state_disk_with_hung_fsync_never_blocks_maintenance_or_health(ctx):
    """The state directory on a FUSE file system whose fsync never returns (a failing disk):
    the journal's first fdatasync hangs, yet /health, /metrics and the verdict go on, and
    `hostctl maintenance on` takes effect at once and says it is not yet persisted."""
    base = ctx.tempdir("hungfs")
    backing = os.path.join(base, "backing")
    mountpoint = os.path.join(base, "mnt")
    os.mkdir(backing)
    os.mkdir(mountpoint)
    held = os.path.join(base, "syncs-held")
    fs = ctx.spawn([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "hung_fsync_fs.py"), backing, mountpoint],
                   os.path.join(base, "fs.log"), label="hung_fsync_fs")

    def mounted():
        with open("/proc/self/mountinfo") as mounts:
            return any(f" {mountpoint} " in line for line in mounts), None
    agent = None
    try:
        ok, _, _ = wait_until(mounted, 10)
        check(ok, f"the FUSE file system did not mount: {tail(os.path.join(base, 'fs.log'), 5)}")
        agent = Agent(ctx, CONFIG_REQUIRED, name="hungfsync",
                      extra_args=[f"--state.dir={os.path.join(mountpoint, 'state')}"]).start()
        agent.wait_health(200, "ok", 5)
        ok, _, _ = wait_until(lambda: (os.path.getsize(held) > 0, None), 5)
        check(ok, "the journal never reached an fsync on the state directory")
        latencies = []
        for _ in range(20):
            began = time.monotonic()
            status, _, _ = agent.get("/health", timeout=1)
            latencies.append(time.monotonic() - began)
            check(status == 200, f"/health answered {status} while the state disk hangs")
        set_link(PEER, "down")
        agent.wait_health(503, "failed", 3)
        status, _, body = agent.get("/metrics", timeout=2)
        check(status == 200 and b"hosthealth_host_state" in body, f"/metrics answered {status} while the state disk hangs")
        # The transition waits for the disk, yet /events shows it at once.
        status, _, body = agent.get("/events", timeout=2)
        events = json.loads(body)["events"] if status == 200 else []
        check(any(e.get("component") == f"link:{REQUIRED}" and e.get("to") == "failed" for e in events),
              f"/events does not show the transition made while the state disk hangs: {status} {body[:300]!r}")
        began = time.monotonic()
        on = hostctl(ctx, "maintenance", "on", "--reason", "hung disk", "--socket", agent.socket, timeout=15)
        took = time.monotonic() - began
        check(on.returncode == 0, f"hostctl maintenance on exited {on.returncode}: {on.stdout} {on.stderr}")
        check("not yet persisted" in on.stdout + on.stderr, f"maintenance on did not say it is not persisted: {on.stdout!r}")
        check(agent_check_line(agent.check_port) == b"maint #hung disk\n", "the maintenance did not reach agent-check")
        off = hostctl(ctx, "maintenance", "off", "--socket", agent.socket, timeout=15)
        check(off.returncode == 0, f"hostctl maintenance off exited {off.returncode}: {off.stderr}")
        latencies.sort()
        # A stop while the disk still hangs: the agent gives up on the journal after 5 s
        # (JournalService.defaultStopWithin) and ends. Its threads stuck in fdatasync hold the
        # process in the kernel until the disk answers (as any process in D state); the agent
        # itself never waits for the unit's TimeoutStopSec.
        agent.proc.send_signal(signal.SIGTERM)
        ok, _, stopped = wait_until(lambda: ("msg=stopped" in tail(agent.log_path, 5), None), 10, interval=0.05)
        check(ok, f"hosthealthd did not stop within 10 s of SIGTERM with the state disk hung: {tail(agent.log_path, 5)}")
        check("did not answer within the stop's limit" in tail(agent.log_path, 20),
              f"the stop did not say the disk did not answer: {tail(agent.log_path, 5)}")
        log(f"# hung fsync: /health p50 {latencies[10] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms; "
            f"maintenance on answered in {took:.2f} s; SIGTERM to stopped in {stopped:.2f} s")
        # The disk "fails": the hung syncs return ENOTCONN, and the process can be reaped.
        fs.kill()
        fs.wait()
        began = time.monotonic()
        code = agent.proc.wait(timeout=10)
        check(code == 0, f"hosthealthd exited {code} after a stop with the state disk hung: {tail(agent.log_path, 5)}")
        log(f"# hung fsync: reaped {time.monotonic() - began:.2f} s after the disk failed")
    finally:
        fs.kill()
        fs.wait()
        subprocess.run(["umount", "-l", mountpoint], stderr=subprocess.DEVNULL)
        if agent:
            stop_process(agent.proc)


def test_state_dir_others_can_write_is_refused_and_links_are_not_followed(ctx):
    """A state directory another user could write (mode 0777) is refused at start with exit 78
    and what to do; in a safe one, a link planted as journal.jsonl is not written through."""
    state = ctx.tempdir("unsafestate")
    os.chmod(state, 0o777)
    agent = Agent(ctx, CONFIG_REQUIRED, name="unsafestate", extra_args=[f"--state.dir={state}"])
    code, text = agent.start_refused(10, "a state directory anyone can write")
    check(code == 78, f"an unsafe state directory exited {code}, want 78: {tail(agent.log_path, 3)}")
    check("refusing to start: unsafe state directory" in text and "mode 0777" in text and "chmod 0750" in text,
          f"the refusal does not say why and what to do: {tail(agent.log_path, 3)}")

    os.chmod(state, 0o700)
    target = os.path.join(ctx.tempdir("linktarget"), "precious")
    with open(target, "w") as f:
        f.write("keep me\n")
    os.symlink(target, os.path.join(state, "journal.jsonl"))
    agent.start()
    agent.wait_health(200, "ok", 3)
    set_link(PEER, "down")
    agent.wait_health(503, "failed", 3)
    ok, _, _ = wait_until(lambda: ((metric_value(agent, "hosthealth_journal_write_errors_total") or 0) > 0, None), 3)
    check(ok, "writing the journal through a planted link was not refused")
    with open(target) as f:
        check(f.read() == "keep me\n", "the journal was written through a link")
    check(os.path.islink(os.path.join(state, "journal.jsonl")), "the planted link was replaced")


def half_closed_exchange(family, address, request, timeout=3.0):
    """Sends `request`, shuts down the sending side at once (as `nc -N` does), and reads the
    reply until the agent closes."""
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(address)
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        return read_to_end(s)


def test_request_then_fin_is_answered(ctx):
    """A client that half-closes right after its request (nc -N, many check scripts) gets the
    whole answer on every listener, every time."""
    agent = Agent(ctx, CONFIG_REQUIRED, name="halfclose").start()
    agent.wait_health(200, "ok", 3)
    cases = [
        ("HTTP/1.0 /health", socket.AF_INET, ("127.0.0.1", agent.web_port), b"GET /health HTTP/1.0\r\n\r\n", b'"state":"ok"'),
        ("HTTP/1.1 /health", socket.AF_INET, ("127.0.0.1", agent.web_port),
         b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", b'"state":"ok"'),
        ("agent-check", socket.AF_INET, ("127.0.0.1", agent.check_port), b"hello\n", b"up ready 100%\n"),
        ("control socket /status", socket.AF_UNIX, agent.socket, b"GET /status HTTP/1.0\r\n\r\n", b'"host"'),
    ]
    for name, family, address, request, expected in cases:
        for attempt in range(20):
            reply = half_closed_exchange(family, address, request)
            check(expected in reply, f"{name}: attempt {attempt + 1} of 20 got {reply[:80]!r}")


SLOWLORIS = """
import select, socket, sys, time
port, sources, per_source = int(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
def opened(source):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(1)
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /health HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: ")
    return s
held = {}
for source in sources:
    for _ in range(per_source):
        try:
            held[opened(source)] = source
        except OSError:
            pass
print(len(held), flush=True)
while True:
    # Once a round, as slowloris tools do: what the agent closed (evicted or timed out) is
    # opened again, so the limit stays full, and every connection gets one more byte.
    round_end = time.monotonic() + 0.5
    readable, _, _ = select.select(list(held), [], [], 0)
    for s in readable:
        source = held.pop(s)
        s.close()
        try:
            held[opened(source)] = source
        except OSError:
            pass
    for s in list(held):
        try:
            s.send(b"a")
        except OSError:
            pass
    time.sleep(max(0, round_end - time.monotonic()))
"""


def test_slowloris_never_locks_out_a_well_behaved_client(ctx):
    """Clients that trickle a head a byte at a time and reconnect whenever they are closed: 40
    from 127.0.0.1 (over the 32 per address), then 31 from each of 17 addresses (over the 512
    in all). A well-behaved 127.0.0.1 client's /health is answered every time, at once: the
    oldest half-sent connection makes room for it."""
    agent = Agent(ctx, CONFIG_REQUIRED, name="slowloris").start()
    agent.wait_health(200, "ok", 3)
    attacks = [("40 from 127.0.0.1", "127.0.0.1", 40),
               ("527 from 17 addresses", ",".join(f"127.0.0.{n}" for n in range(2, 19)), 31)]
    for name, sources, per_source in attacks:
        attacker = subprocess.Popen([PYTHON, "-c", SLOWLORIS, str(agent.web_port), sources, str(per_source)],
                                    stdout=subprocess.PIPE, text=True, start_new_session=True)
        ctx.procs.append(attacker)
        try:
            opened = int(attacker.stdout.readline() or 0)
            check(opened > 0, f"{name}: the attacker could not connect at all")
            latencies = []
            for attempt in range(15):
                began = time.monotonic()
                try:
                    status, _, body = http_get(agent.web_port, "/health", timeout=2)
                except OSError as error:
                    raise Fail(f"{name}: /health attempt {attempt + 1} of 15 failed: {error!r}")
                latencies.append(time.monotonic() - began)
                check(status == 200 and b'"state":"ok"' in body, f"{name}: /health answered {status} {body[:80]!r}")
            latencies.sort()
            median = latencies[len(latencies) // 2]
            log(f"#   slowloris {name} ({opened} opened): /health 15/15, p50 {median * 1000:.1f} ms, "
                f"max {latencies[-1] * 1000:.1f} ms")
            check(median < 0.1, f"{name}: /health took {median * 1000:.0f} ms at the median, want under 100 ms")
            check(agent.alive(), f"hosthealthd died under {name}")
        finally:
            attacker.kill()
            attacker.wait()


def test_oversized_body_is_refused_at_the_head(ctx):
    """A request announcing 100 MB is answered 413 before a byte of its body is sent, and the
    agent closes after reading a little more of it: it never reads the upload to its end."""
    agent = Agent(ctx, CONFIG_REQUIRED, name="bigbody").start()
    with socket.create_connection(("127.0.0.1", agent.web_port), timeout=5) as s:
        s.sendall(b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            check(chunk, f"the agent closed without answering: {head!r}")
            head += chunk
        check(head.startswith(b"HTTP/1.1 413 "), f"a 100 MB body was answered {head[:40]!r}")
        check(b"connection: close" in head.lower(), f"the 413 does not close the connection: {head!r}")
        # The agent's FIN came with the 413; once it has dropped its share and closed, what
        # more is sent is reset (more than the socket buffers hold: 32 MB).
        sent, closed = 0, False
        block = b"x" * 65536
        try:
            while sent < 32 * 1024 * 1024:
                s.sendall(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        check(closed, f"the agent still reads after {sent} bytes of a refused body")
        log(f"# refused body: the agent closed; the client had sent {sent // 1024} KiB")
    # The upload can be refused before the first verdict (every reader's first read) is out:
    # wait for it rather than race it.
    agent.wait_health(200, "ok", 5)


def test_hostctl_check_nagios_and_npd(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED, name="check").start()
    agent.wait_health(200, "ok", 3)
    nagios = hostctl(ctx, "check", "--format", "nagios", "--socket", agent.socket)
    check(nagios.returncode == 0 and nagios.stdout.startswith("OK: host ok") and "| capacity=1;;;0;1" in nagios.stdout
          and nagios.stdout.count("\n") == 1, f"nagios when ok: rc={nagios.returncode} {nagios.stdout!r}")
    npd = hostctl(ctx, "check", "--format", "npd", "--socket", agent.socket)
    check(npd.returncode == 0, f"npd when ok: rc={npd.returncode} {npd.stdout!r}")
    set_link(PEER, "down")
    agent.wait_health(503, "failed", 3)
    nagios = hostctl(ctx, "check", "--format", "nagios", "--socket", agent.socket)
    check(nagios.returncode == 2 and nagios.stdout.startswith("CRITICAL: host failed") and REQUIRED in nagios.stdout,
          f"nagios when failed: rc={nagios.returncode} {nagios.stdout!r}")
    npd = hostctl(ctx, "check", "--format", "npd", "--socket", agent.socket)
    check(npd.returncode == 1 and len(npd.stdout.rstrip("\n").encode()) <= 80, f"npd when failed: rc={npd.returncode} {npd.stdout!r}")
    direct = hostctl(ctx, "check", "--direct", f"--config.file={agent.config}")
    check(direct.returncode == 2 and direct.stdout.startswith("CRITICAL:"), f"check --direct when failed: rc={direct.returncode} {direct.stdout!r}")
    gone = hostctl(ctx, "check", "--format", "npd", "--socket", os.path.join(agent.dir, "missing.sock"))
    check(gone.returncode == 2, f"npd with no agent exited {gone.returncode}, want 2 (unknown)")
    gone = hostctl(ctx, "check", "--socket", os.path.join(agent.dir, "missing.sock"))
    check(gone.returncode == 3 and gone.stdout.startswith("UNKNOWN:"), f"nagios with no agent: rc={gone.returncode} {gone.stdout!r}")


def read_journal(state):
    """The records of journal.jsonl.1 then journal.jsonl, and whether the last line was torn.
    Fails on any complete line that does not read: only the last record may be damaged."""
    records, torn = [], False
    for name in ("journal.jsonl.1", "journal.jsonl"):
        path = os.path.join(state, name)
        if not os.path.exists(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        elif lines:
            lines.pop()          # no newline: torn by the kill
            torn = True
        for number, line in enumerate(lines, 1):
            try:
                records.append(json.loads(line))
            except ValueError:
                raise Fail(f"{name} line {number} does not read: {line[:120]!r}")
    return records, torn


def synced_sequence(agent):
    _, _, body = agent.get("/metrics")
    for line in body.decode().splitlines():
        if line.startswith("hosthealth_journal_synced_sequence "):
            return int(float(line.split()[1]))
    return None


def test_journal_survives_kill_9_while_writing_100_times(ctx):
    """A veth flaps as fast as `ip` can flip it while the agent is killed with SIGKILL at a random
    moment, 100 times. Each time the journal must read back (only a torn last line allowed, cut
    off at the next start) and every acknowledged record (seq at or below what
    hosthealth_journal_synced_sequence showed before the kill, i.e. fdatasync returned) is there."""
    import random
    state = ctx.tempdir("killstate")
    config = "links:\n  required: [e2ea]\n  recover_after: 0s\n  flapping: {max_changes: 1000000}\n"
    agent = Agent(ctx, config, name="kill9", extra_args=[f"--state.dir={state}"])
    stop = threading.Event()

    def flap():
        up = False
        while not stop.is_set():
            subprocess.run(["ip", "link", "set", PEER, "up" if up else "down"], stderr=subprocess.DEVNULL)
            up = not up
    flapper = threading.Thread(target=flap, daemon=True)
    flapper.start()
    rng = random.Random(6)
    acknowledged_total = torn_total = 0
    try:
        for round_number in range(100):
            agent.start()
            time.sleep(rng.uniform(0.02, 0.25))
            synced = synced_sequence(agent)
            agent.proc.kill()
            agent.proc.wait(timeout=5)
            records, torn = read_journal(state)
            torn_total += torn
            sequences = [r["seq"] for r in records]
            check(sequences == sorted(sequences) and len(set(sequences)) == len(sequences),
                  f"round {round_number}: journal sequence out of order or repeated")
            check(sequences == list(range(sequences[0], sequences[0] + len(sequences))),
                  f"round {round_number}: a gap in the journal's sequence")
            if synced is not None:
                acknowledged_total += 1
                check(sequences and sequences[-1] >= synced,
                      f"round {round_number}: acknowledged record {synced} lost; the journal ends at {sequences[-1:]}")
    finally:
        stop.set()
        flapper.join(timeout=5)
    reset_links()
    agent.start()
    # The disk copy first: a record enters memory before it is written, so whatever is on disk
    # now is in `hostctl events` asked after (read the other way round, a transition made
    # between the two reads was on disk but not yet in the answer).
    records, _ = read_journal(state)
    result = hostctl(ctx, "events", "--json", "--socket", agent.socket)
    if result.returncode != 0:
        _, _, body = agent.get("/events")
        try:
            json.loads(body)
            why = "but GET /events is valid JSON"
        except ValueError as error:
            why = f"and GET /events does not read either: {error}; near: {body[max(0, error.pos - 200):error.pos + 100]!r}"
        raise Fail(f"hostctl events after 100 kills exited {result.returncode}: {result.stderr.strip()[:300]} {why}")
    events = json.loads(result.stdout)["events"]
    check(events and events[-1]["seq"] >= records[-1]["seq"],
          f"hostctl events ends at {events[-1:]} but the journal on disk at seq {records[-1]['seq']}")
    log(f"#   100 kills: {len(records)} records on disk, {acknowledged_total} rounds with an acknowledged seq, "
        f"{torn_total} torn last lines")
    check(acknowledged_total >= 90, f"only {acknowledged_total} rounds had acknowledged records before the kill")


def agent_with_hook(ctx, name, body, timeout):
    """An agent whose on_transition hook is the shell script `body`."""
    hook = os.path.join(ctx.tempdir(name), "hook.sh")
    with open(hook, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(hook, 0o755)
    return Agent(ctx, CONFIG_REQUIRED + f"hooks:\n  on_transition: {hook}\n  timeout: {timeout}\n", name=name).start()


def test_hook_runs_per_transition(ctx):
    out = os.path.join(ctx.tempdir("hookout"), "calls")
    agent = agent_with_hook(ctx, "hook", f'echo "$HOSTHEALTH_COMPONENT $HOSTHEALTH_FROM $HOSTHEALTH_TO $HOSTHEALTH_HOST_STATE" >> {out}\n', "5s")
    agent.wait_health(200, "ok", 3)
    set_link(PEER, "down")
    agent.wait_health(503, "failed", 3)

    def called():
        text = open(out).read() if os.path.exists(out) else ""
        return f"link:{REQUIRED} ok failed failed" in text and "host ok failed failed" in text, text
    ok, text, took = wait_until(called, 5)
    check(ok, f"the hook did not record both transitions to failed: {text!r}")
    log(f"#   hook ran {took:.2f}s after /health showed failed")
    _, _, body = agent.get("/metrics")
    check('hosthealth_hook_runs_total{result="ok"}' in body.decode(), "no hook_runs_total{result=\"ok\"} in the scrape")
    run([ctx.hostctl, "maintenance", "on", "--reason", 'a "quoted" reason', "--socket", agent.socket])
    _, _, body = agent.get("/metrics")
    result = subprocess.run([PROMTOOL, "check", "metrics"], input=body, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=30)
    findings = (result.stdout + result.stderr).decode("utf-8", "replace").strip()
    check(result.returncode == 0 and not findings,
          f"promtool on the scrape with hook, journal and maintenance metrics: {findings[:600]}")


def running_process(pid):
    """Whether `pid` runs: a zombie (dead, its parent not yet told) does not."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_hook_children_that_setsid_die_at_the_timeout_and_at_stop(ctx):
    """A hook whose child leaves its process group (setsid) escaped the kill at the timeout and
    outlived the agent. Now the child is reparented to the agent (a subreaper), killed at the
    hook's timeout, and a hook still running at SIGTERM dies with the agent, escaped child too."""
    pids = os.path.join(ctx.tempdir("hookpids"), "pids")
    # The first run outlives its 1 s timeout; the next ones are still running at stop.
    agent = agent_with_hook(ctx, "hooksetsid", f'setsid sleep 300 </dev/null >/dev/null 2>&1 &\necho "$! $$" >> {pids}\nsleep 300\n', "1s")

    def recorded(count):
        lines = open(pids).read().split("\n") if os.path.exists(pids) else []
        found = [tuple(int(p) for p in line.split()) for line in lines if line.strip()]
        return len(found) >= count, found
    ok, first, _ = wait_until(lambda: recorded(1), 5)
    check(ok, "the hook never ran")
    escaped, shell = first[0]
    gone, _, took = wait_until(lambda: (not running_process(escaped) and not running_process(shell), None), 5)
    check(gone, f"the setsid child {escaped} of the timed-out hook is still running: " + run(["ps", "-o", "pid,ppid,pgid,sid,stat,cmd", "-p", f"{escaped},{shell},{agent.proc.pid}"], check_rc=False).stdout)
    log(f"#   setsid child of a timed-out hook gone {took:.2f}s after it was recorded")
    set_link(PEER, "down")
    ok, running, _ = wait_until(lambda: recorded(2), 5)
    check(ok, "the hook did not run for the link going down")
    check(stop_process(agent.proc) == 0, f"hosthealthd did not stop cleanly: {tail(agent.log_path, 5)}")
    left = [pid for pair in running[1:] for pid in pair if running_process(pid)]
    check(not left, f"hook processes {left} outlived the agent")


def test_large_response_to_a_slow_reader_is_whole(ctx):
    """A response bigger than the socket buffers, with Connection: close, to a client that reads
    late: every byte arrives (closing at once used to drop what the kernel had not taken)."""
    state = ctx.tempdir("bigjournal")
    with open(os.path.join(state, "journal.jsonl"), "w") as f:
        for i in range(2000):
            f.write(json.dumps({"at": 1795816440 + i, "component": f"link:x{i}", "event": None, "from": "ok",
                                "key": f"x{i}", "kind": "link", "name": f"x{i}", "reason": "r" * 300,
                                "seq": i + 1, "time": "2026-11-27T21:54:00Z", "to": "failed", "v": 1}) + "\n")
    agent = Agent(ctx, CONFIG_REQUIRED, name="bigbody", extra_args=[f"--state.dir={state}"]).start()
    for where in ("socket", "tcp"):
        if where == "socket":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(agent.socket)
        else:
            s = socket.create_connection(("127.0.0.1", agent.web_port))
        with s:
            s.settimeout(5)
            s.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            time.sleep(0.5)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lengths = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
        check(lengths and lengths[0] == len(body) and len(body) > 500_000,
              f"over the {where}: Content-Length {lengths} but {len(body)} bytes arrived")
        check(len(json.loads(body)["events"]) >= 2000, f"over the {where}: the events document does not read")


def metric_value(agent, name):
    _, _, body = agent.get("/metrics")
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def test_journal_on_a_full_disk_is_reported_and_the_agent_goes_on(ctx):
    """The state directory on a tiny tmpfs that fills up: the write errors are counted and
    logged, transitions still show in /events and the verdict keeps moving; once space is
    freed the journal writes again."""
    state = ctx.tempdir("fullstate")
    run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", state])
    try:
        config = "links:\n  required: [e2ea]\n  recover_after: 0s\n  flapping: {max_changes: 1000000}\n"
        agent = Agent(ctx, config, name="fulldisk", extra_args=[f"--state.dir={state}"]).start()
        agent.wait_health(200, "ok", 3)
        check(metric_value(agent, "hosthealth_journal_persistent") == 1, "the journal is not persistent at start")
        filler = os.path.join(state, "filler")
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=4k", "count=64"], stderr=subprocess.DEVNULL)
        # The journal's last page still has room: flap until a record needs a page there is none for.
        errors = 0
        for _ in range(60):
            set_link(PEER, "down")
            agent.wait_health(503, "failed", 3)
            set_link(PEER, "up")
            agent.wait_health(200, "ok", 3)
            errors = metric_value(agent, "hosthealth_journal_write_errors_total") or 0
            if errors > 0:
                break
        check(errors > 0, "no journal write error counted on a full disk after 60 flaps")
        set_link(PEER, "down")
        agent.wait_health(503, "failed", 3)
        check(metric_value(agent, "hosthealth_journal_persistent") == 0, "hosthealth_journal_persistent is not 0 on a full disk")
        check("cannot persist transitions" in agent.log_text(), "the full disk was not logged")
        events = json.loads(agent.get("/events")[2])["events"]
        check(events[-1]["to"] == "failed" and events[-1]["seq"] > metric_value(agent, "hosthealth_journal_synced_sequence"),
              f"the transition made on a full disk is missing from /events: {events[-1:]}")
        set_link(PEER, "up")
        agent.wait_health(200, "ok", 5)
        check(agent.alive(), "hosthealthd died on a full disk")
        os.remove(filler)
        set_link(PEER, "down")
        agent.wait_health(503, "failed", 3)
        ok, _, _ = wait_until(lambda: (metric_value(agent, "hosthealth_journal_persistent") == 1, None), 3)
        check(ok, "the journal did not write again after space was freed")
        check("journal: writing again" in agent.log_text(), "recovery of the journal was not logged")
        records, _ = read_journal(state)
        check(records and records[-1]["to"] == "failed", f"the newest record on disk is not the last transition: {records[-1:]}")
        stop_process(agent.proc)
    finally:
        subprocess.run(["umount", "-l", state], stderr=subprocess.DEVNULL)


def test_connection_flood_is_refused_without_harm(ctx):
    agent = Agent(ctx, CONFIG_REQUIRED, name="flood").start()
    sockets = []
    try:
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", agent.web_port), timeout=2)
            sockets.append(s)
        time.sleep(0.3)
        check(agent.alive(), f"hosthealthd died under 300 idle connections: {tail(agent.log_path, 5)}")
        refused = 0
        for s in sockets:
            s.settimeout(0.05)
            try:
                if s.recv(1) == b"":
                    refused += 1
            except (socket.timeout, BlockingIOError):
                pass
            except OSError:
                refused += 1
        check(refused >= 300 - 32, f"only {refused} of 300 connections from one address were refused (limit 32)")
    finally:
        for s in sockets:
            s.close()
    time.sleep(0.2)
    status, _, _ = agent.get("/health")
    check(status == 200, f"/health answered {status} after the flood, want 200")


def test_metric_reference_matches_exposition(ctx):
    """docs/metrics.md names every family the agent serves, and nothing the code lacks."""
    agent = Agent(ctx, CONFIG_REQUIRED).start()
    for accept in (None, "application/openmetrics-text; version=1.0.0"):
        status, _headers, body = agent.get("/metrics", headers={"Accept": accept} if accept else None)
        check(status == 200, f"GET /metrics answered {status}")
        text = body.decode("utf-8")
        check(metric_reference.served_families(text), "the scrape has no # TYPE lines")
        with open(metric_reference.DOC, encoding="utf-8") as handle:
            doc = handle.read()
        message = metric_reference.report(metric_reference.problems(
            text, doc, metric_reference.source_texts(metric_reference.SOURCES)))
        check(not message, message)


def test_disks_with_hung_smartctl_and_kernel_errors(ctx):
    """A smartctl that hangs is killed at its timeout while scrapes stay fast; disk errors
    written to /dev/kmsg are counted for their disk and a burst degrades it."""
    if not os.path.exists("/sys/block/vda") or not os.access("/dev/kmsg", os.W_OK):
        print("# skipped: needs /sys/block/vda and a writable /dev/kmsg")
        return
    directory = ctx.tempdir("smartctl")
    smartctl = os.path.join(directory, "smartctl")
    with open(smartctl, "w") as f:
        f.write("#!/bin/sh\nsleep 60\n")
    os.chmod(smartctl, 0o755)
    agent = Agent(ctx, f"smart: {{ smartctl: {smartctl}, interval: 1h, timeout: 1s }}\n"
                       "kmsg: { burst: { max_errors: 2, window: 1m } }\n").start()

    def disk(name):
        components = json.loads(agent.get("/status")[2])["components"]
        return next((c for c in components if c["kind"] == "disk" and c["name"] == name), None)

    slowest = 0.0
    def timed_out():
        nonlocal slowest
        began = time.monotonic()
        status, _, _ = agent.get("/metrics")
        slowest = max(slowest, time.monotonic() - began)
        vda = disk("vda")
        return status == 200 and vda is not None and "timed out after 1s" in vda["reason"], vda
    ok, vda, elapsed = wait_until(timed_out, 15, interval=0.1)
    check(ok, f"vda never showed the smartctl timeout: {vda!r}")
    print(f"#   smartctl timeout shown after {elapsed:.1f}s; slowest scrape meanwhile {slowest * 1000:.0f} ms")
    check(slowest < 0.5, f"a scrape took {slowest:.2f}s while smartctl hung")
    check(vda["state"] == "ok", f"a hung smartctl changed vda's state: {vda!r}")
    check("virtio" in vda.get("detail", ""), f"vda has no identity detail: {vda!r}")
    lingering = run(["pgrep", "-f", f"^/bin/sh {smartctl}"], check_rc=False).stdout.split()
    check(not lingering, f"the hung smartctl was not killed: pids {lingering}")

    with open("/dev/kmsg", "w") as kmsg:
        for sector in (8, 16, 24):
            kmsg.write(f"<3>I/O error, dev vda, sector {sector} op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0\n")
            kmsg.flush()
    def counted():
        body = agent.get("/metrics")[2].decode()
        line = next((l for l in body.splitlines()
                     if l.startswith('hosthealth_disk_kernel_errors_total{disk="vda",kind="io_error"}')), "")
        vda = disk("vda")
        return line.endswith(" 3") and vda["state"] == "degraded", (line, vda)
    ok, value, elapsed = wait_until(counted, 5)
    check(ok, f"the kernel errors were not counted and judged: {value!r}")
    print(f"#   kmsg records counted and vda degraded after {elapsed * 1000:.0f} ms")
    result = hostctl(ctx, "status", "--socket", agent.socket)
    rows = [line for line in result.stdout.splitlines() if line.split()[:3] == ["disk", "vda", "degraded"]]
    check(rows and "kernel-reported errors" in rows[0], f"hostctl status has no degraded vda row: {result.stdout!r:.400}")


def test_host_without_smartctl_says_smart_is_unavailable(ctx):
    """A host without smartmontools (the package only recommends it): disks are judged without
    SMART and say why, the smart reader reports itself unavailable, and no error is counted, so
    no `reader_errors` alert ticks forever."""
    if not os.path.exists("/sys/block/vda"):
        print("# skipped: needs /sys/block/vda")
        return
    missing = os.path.join(ctx.tempdir("nosmartctl"), "smartctl")
    agent = Agent(ctx, f"smart: {{ smartctl: {missing}, interval: 1h }}\n").start()

    def seen():
        body = agent.get("/metrics")[2].decode()
        components = json.loads(agent.get("/status")[2])["components"]
        vda = next((c for c in components if c["kind"] == "disk" and c["name"] == "vda"), None)
        return ('hosthealth_reader_available{reader="smart"} 0' in body and vda is not None
                and "SMART unavailable" in vda["reason"]), (body, vda)
    ok, (body, vda), _ = wait_until(seen, 15, interval=0.1)
    check(ok, f"SMART never shown unavailable: {vda!r}")
    check(vda["state"] == "ok", f"a missing smartctl changed vda's state: {vda!r}")
    check("install smartmontools" in vda["reason"], f"the reason does not say what to do: {vda!r}")
    check('hosthealth_reader_errors_total{reader="smart"} 0' in body,
          "a missing smartctl counted as a reader error")
    result = hostctl(ctx, "status", "--socket", agent.socket)
    check("SMART unavailable" in result.stdout, f"hostctl status does not say it: {result.stdout!r:.400}")


def test_link_drift_mtu_warns_and_a_deleted_link_is_missing(ctx):
    """Declared links on real veth pairs: an MTU changed is drift that only warns; a declared
    link deleted is missing and degrades the host; a bad baseline on SIGHUP is refused with its
    file, line and key, and the old one kept."""
    for name in ("drf0", "drf1"):
        run(["ip", "link", "add", f"{name}a", "type", "veth", "peer", "name", f"{name}b"])
    try:
        agent = Agent(ctx, "links:\n  recover_after: 1s\n", name="drift")
        baseline = os.path.join(agent.dir, "baseline.yaml")
        with open(baseline, "w") as f:
            f.write("schema: 1\nlinks:\n  - id: drf0a\n    mtu: 1500\n  - id: drf1a\n")
        agent.extra_args.append(f"--baseline.file={baseline}")
        agent.start()
        agent.wait_health(200, "ok", 5)

        def diff():
            result = hostctl(ctx, "diff", "--json", f"--socket={agent.socket}")
            return result.returncode, json.loads(result.stdout)

        def item(document, key):
            return next((i for i in document["items"] if f"{i['kind']}:{i['id']}" == key), None)

        code, document = diff()
        check(code == 0 and document["summary"] == {"in_sync": 2}, f"declared links: exit {code}, {document}")
        run(["ip", "link", "set", "drf0a", "mtu", "9000"])
        def mtu_drift():
            code, document = diff()
            return (item(document, "link:drf0a") or {}).get("status") == "changed", (code, document)
        ok, value, _ = wait_until(mtu_drift, 5, 0.1)
        check(ok, f"MTU change not seen as drift: {value}")
        code, document = diff()
        entry = item(document, "link:drf0a")
        check(code == 2 and entry["effect"] == "warn" and entry["changes"] == [{"path": "mtu", "from": "1500", "to": "9000"}],
              f"MTU drift: exit {code}, {entry}")
        status, health = agent.health()
        check(status == 200 and health["state"] == "ok", f"a warn changed /health: {status} {health}")
        status, _, body = agent.get("/metrics")
        check('hosthealth_drift_item{kind="link",id="drf0a",status="changed",effect="warn"} 1' in body.decode().splitlines(),
              "no per-item drift series for drf0a")

        run(["ip", "link", "del", "drf1a"])
        agent.wait_health(503, "degraded", 5)
        code, document = diff()
        check(code == 2 and item(document, "link:drf1a")["status"] == "missing", f"deleted link: exit {code}, {document}")
        events = [e.get("event") for e in json.loads(agent.get("/events")[2])["events"]]
        check("DriftChanged" in events and "DriftMissing" in events, f"drift in the journal: {events}")

        with open(baseline, "w") as f:
            f.write("schema: 1\nlinks:\n  - id: drf0a\n    mtu: jumbo\n")
        agent.proc.send_signal(signal.SIGHUP)
        ok, _, _ = wait_until(lambda: ("not reloaded" in agent.log_text(), None), 3)
        line = next((l for l in agent.log_text().splitlines() if "not reloaded" in l), "")
        check(ok and f"{baseline}:4:10: links[0].mtu: expected a whole number" in line, f"bad baseline refusal: {line}")
        code, document = diff()
        check(item(document, "link:drf1a")["status"] == "missing", "the old baseline was not kept")
    finally:
        run(["ip", "link", "del", "drf0a"], check_rc=False)
        run(["ip", "link", "del", "drf1a"], check_rc=False)


TESTS = [
    ("metrics_pass_promtool", test_metrics_pass_promtool),
    ("shipped_haproxy_fallback_serves_when_every_host_drains", test_shipped_haproxy_fallback_serves_when_every_host_drains),
    ("openmetrics_when_asked", test_openmetrics_when_asked),
    ("health_codes_follow_state", test_health_codes_follow_state),
    ("degraded_maps_to_configured_code", test_degraded_maps_to_configured_code),
    ("livez_is_200_even_when_failed", test_livez_is_200_even_when_failed),
    ("status_document_fields", test_status_document_fields),
    ("agent_check_against_real_haproxy", test_agent_check_against_real_haproxy),
    ("prometheus_scrapes_the_agent", test_prometheus_scrapes_the_agent),
    ("hostctl_status_exit_codes", test_hostctl_status_exit_codes),
    ("bad_config_refused_with_file_and_line", test_bad_config_refused_with_file_and_line),
    ("sighup_keeps_old_config_when_new_is_bad", test_sighup_keeps_old_config_when_new_is_bad),
    ("sighup_right_after_start_is_a_reload", test_sighup_right_after_start_is_a_reload),
    ("sd_notify_ready_and_watchdog", test_sd_notify_ready_and_watchdog),
    ("scrapes_answer_during_link_flood", test_scrapes_answer_during_link_flood),
    ("web_config_tls_and_basic_auth", test_web_config_tls_and_basic_auth),
    ("web_config_refused_with_file_and_reason", test_web_config_refused_with_file_and_reason),
    ("journal_survives_kill_and_restart", test_journal_survives_kill_and_restart),
    ("connection_flood_is_refused_without_harm", test_connection_flood_is_refused_without_harm),
    ("metric_reference_matches_exposition", test_metric_reference_matches_exposition),
    ("disks_with_hung_smartctl_and_kernel_errors", test_disks_with_hung_smartctl_and_kernel_errors),
    ("host_without_smartctl_says_smart_is_unavailable", test_host_without_smartctl_says_smart_is_unavailable),
    ("journal_survives_kill_9_while_writing_100_times", test_journal_survives_kill_9_while_writing_100_times),
    ("journal_on_a_full_disk_is_reported_and_the_agent_goes_on", test_journal_on_a_full_disk_is_reported_and_the_agent_goes_on),
    ("hook_runs_per_transition", test_hook_runs_per_transition),
    ("large_response_to_a_slow_reader_is_whole", test_large_response_to_a_slow_reader_is_whole),
    ("hostctl_check_nagios_and_npd", test_hostctl_check_nagios_and_npd),
    ("maintenance_only_for_root_and_the_group", test_maintenance_only_for_root_and_the_group),
    ("maintenance_drains_and_survives_restart", test_maintenance_drains_and_survives_restart),
    ("control_socket_flood_by_one_user_leaves_room_for_root", test_control_socket_flood_by_one_user_leaves_room_for_root),
    ("request_then_fin_is_answered", test_request_then_fin_is_answered),
    ("slowloris_never_locks_out_a_well_behaved_client", test_slowloris_never_locks_out_a_well_behaved_client),
    ("hook_children_that_setsid_die_at_the_timeout_and_at_stop", test_hook_children_that_setsid_die_at_the_timeout_and_at_stop),
    ("oversized_body_is_refused_at_the_head", test_oversized_body_is_refused_at_the_head),
    ("state_dir_others_can_write_is_refused_and_links_are_not_followed",
     test_state_dir_others_can_write_is_refused_and_links_are_not_followed),
    ("state_disk_with_hung_fsync_never_blocks_maintenance_or_health",
     test_state_disk_with_hung_fsync_never_blocks_maintenance_or_health),
    ("link_drift_mtu_warns_and_a_deleted_link_is_missing", test_link_drift_mtu_warns_and_a_deleted_link_is_missing),
]


def inner(args):
    ctx = Context(args.bin_dir, args.workdir, args.inside)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    selected = [(n, f) for n, f in TESTS if not args.k or any(k in n for k in args.k)]
    failed = 0
    try:
        for name, function in selected:
            reset_links()
            started = time.monotonic()
            ok = False
            try:
                function(ctx)
                ok = True
                print(f"PASS {name}")
            except Fail as error:
                print(f"FAIL {name}: {error}")
            except Exception as error:  # noqa: BLE001 - a crash in a test is a failure of that test
                print(f"FAIL {name}: {type(error).__name__}: {error}")
            sys.stdout.flush()
            log(f"# {name}: {time.monotonic() - started:.1f}s")
            if not ok:
                failed += 1
                # The logs of the processes this test started, to judge the failure.
                for label, path in ctx.logs:
                    log(f"#   --- {label} (last lines) ---\n{tail(path, 8)}")
            ctx.stop_all()
    except KeyboardInterrupt as error:
        log(f"# interrupted ({error}); stopping everything started")
        return 130
    finally:
        ctx.stop_all()
        reset_links()
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=".build/debug", help="directory with hosthealthd and hostctl")
    parser.add_argument("-k", action="append", help="run only tests whose name contains this (repeatable)")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        return inner(args)
    return outer(args)


if __name__ == "__main__":
    sys.exit(main())
