"""hhbench — what bench/scrape-bench and bench/soak share.

Both run hosthealthd in a throw-away network namespace `hhbench-<pid>` with veth pairs
`hb<i>a`/`hb<i>b`, measure it from helper processes started inside the namespace with
`ip netns exec NS /usr/bin/python3 SCRIPT --worker ...` (they talk JSON lines over stdin/stdout),
and read the agent's /proc. This module holds that machinery: statistics, /proc readers, a
keep-alive HTTP client, a netlink link setter, the worker loop and `NamespaceBench`, the outer
process's namespace, helper and daemon handling with cleanup on every exit.

Standard library only; imported from the scripts' own directory.
"""

import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

SYSTEM_PYTHON = "/usr/bin/python3"
PROG = os.path.basename(sys.argv[0]) or "hhbench"  # the script's name, for log lines


class BenchError(Exception):
    """Could not run: printed as one clear message, exit status 2."""


class Interrupted(Exception):
    pass


def log(msg):
    print(f"[{PROG}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Small statistics helpers (shared by outer process and worker)
# ---------------------------------------------------------------------------------------------

def percentile(values, p):
    """Nearest-rank percentile; p in (0, 100]. With fewer than 100 values p99 is the maximum."""
    if not values:
        return None
    s = sorted(values)
    k = max(1, math.ceil(p / 100.0 * len(s)))
    return s[k - 1]


def median(values):
    if not values:
        return None
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


# ---------------------------------------------------------------------------------------------
# /proc readers (used by the worker; PIDs are the same in the namespace: only net/mnt change)
# ---------------------------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read().decode("ascii", "replace")
    rest = data[data.rindex(")") + 2:].split()
    # rest[0] is field 3 (state); utime is field 14, stime field 15
    return rest[0], int(rest[11]), int(rest[12])


def proc_cpu_seconds(pid):
    _, utime, stime = proc_stat(pid)
    return (utime + stime) / CLK_TCK


def proc_alive(pid):
    try:
        state, _, _ = proc_stat(pid)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return False
    return state not in ("Z", "X")


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


def proc_smaps_rollup(pid):
    """Pss and its parts from /proc/PID/smaps_rollup (kB values), or {} where unreadable."""
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, value = line.partition(":")
                if value.strip().endswith("kB"):
                    out[key] = value.strip()
    except OSError:
        pass
    return out


def proc_fd_count(pid):
    """Open file descriptors: the entries of /proc/PID/fd."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def kb_field_mib(status, key):
    value = status.get(key)
    if not value:
        return None
    return int(value.split()[0]) / 1024.0


# ---------------------------------------------------------------------------------------------
# Worker: runs inside the namespace (ip netns exec NS /usr/bin/python3 THIS --worker NS)
# ---------------------------------------------------------------------------------------------

class KeepAlive:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1:port; counts how often it had to (re)connect."""

    def __init__(self, port, timeout=10.0):
        self.port = port
        self.timeout = timeout
        self.conn = None
        self.connects = 0

    def _connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connects += 1

    def get(self, path):
        """Returns (status, body bytes, headers). Retries once if an idle connection was closed."""
        for attempt in (0, 1):
            if self.conn is None or self.conn.sock is None:
                self._connect()
            try:
                self.conn.request("GET", path, headers={"Accept": "text/plain"})
                resp = self.conn.getresponse()
                body = resp.read()
                headers = dict((k.lower(), v) for k, v in resp.getheaders())
                if resp.will_close:
                    self.close()
                return resp.status, body, headers
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.ResponseNotReady):
                self.close()
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.conn = None


def worker_wait_ready(cmd):
    """Poll GET path until 200. Returns the monotonic time of the first 200 (or an error)."""
    port, path, pid = cmd["port"], cmd["path"], cmd.get("pid")
    deadline = time.monotonic() + cmd.get("timeout", 15.0)
    last_err = None
    while time.monotonic() < deadline:
        if pid is not None and not proc_alive(pid):
            return {"ok": False, "error": f"process {pid} exited before {path} answered"}
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2.0)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            conn.close()
            if resp.status == 200:
                return {"ok": True, "t_ready": time.monotonic()}
            last_err = f"HTTP {resp.status}"
        except (OSError, http.client.HTTPException) as e:
            last_err = f"{type(e).__name__}: {e}"
        time.sleep(0.002)
    return {"ok": False, "error": f"GET {path} did not answer 200 within {cmd.get('timeout', 15.0)} s "
                                  f"(last: {last_err})"}



RTM_NEWLINK = 16
NLMSG_ERROR = 2
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
IFF_UP = 0x1


class NetlinkLinkSetter:
    """Sets a link up/down with one RTM_NEWLINK on a raw rtnetlink socket, waiting for the ACK.
    The kernel applies the change inside sendmsg(), so this adds only a syscall pair."""

    method = "netlink"

    def __init__(self, ns):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.sock.bind((0, 0))
        self.seq = int(time.time()) & 0xFFFF
        self.index = {}

    def set(self, ifname, up):
        idx = self.index.get(ifname)
        if idx is None:
            idx = self.index[ifname] = socket.if_nametoindex(ifname)
        self.seq += 1
        ifi = struct.pack("=BBHiII", socket.AF_UNSPEC, 0, 0, idx, IFF_UP if up else 0, IFF_UP)
        hdr = struct.pack("=IHHII", 16 + len(ifi), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
        self.sock.send(hdr + ifi)
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                length, typ, _flags, seq, _pid = struct.unpack_from("=IHHII", data, off)
                if typ == NLMSG_ERROR and seq == self.seq:
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    if err:
                        raise OSError(-err, f"RTM_NEWLINK {ifname}: {os.strerror(-err)}")
                    return
                off += (length + 3) & ~3 if length else len(data)

    def forget(self, ifname):
        """Drops the cached ifindex: a link deleted and added again has a new one."""
        self.index.pop(ifname, None)

    def close(self):
        self.sock.close()


def serve(handlers, ns):
    """The worker's loop: one JSON command per stdin line, one JSON result per stdout line, until
    stdin closes. `cmd["cmd"]` names the handler; a handler's exception becomes an error result."""
    # Ctrl-C is handled by the outer process; the worker ends when its stdin closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    handlers = dict(handlers, ping=lambda c: {"ok": True, "t": time.monotonic()})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        if cmd.get("ns") is None:
            cmd["ns"] = ns
        try:
            result = handlers[cmd["cmd"]](cmd)
        except Exception as e:  # report, don't die: the outer process prints it
            result = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    return 0



# ---------------------------------------------------------------------------------------------
# Outer process: namespace, helpers inside it, daemons, cleanup
# ---------------------------------------------------------------------------------------------

class NamespaceBench:
    """The outer process's side: a namespace `hhbench-<pid>` with veth pairs, measuring helpers
    (`SCRIPT --worker NS ...` inside it, by name), daemons inside it, and `cleanup`, which stops
    them all and removes the namespace and the temp dir. Subclasses set `self.tmpdir` before
    `create_namespace` and call `cleanup` on every exit (see `run_main`)."""

    def __init__(self, args, script):
        self.args = args
        self.script = os.path.realpath(script)
        self.ns = f"hhbench-{os.getpid()}"
        self.ns_created = False
        self.tmpdir = None
        self.daemons = {}  # name -> (Popen, logfile)
        self.workers = {}  # name -> Popen
        self.cleaned = False

    # -- helpers ---------------------------------------------------------------------------

    def run(self, argv, check=True, **kw):
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
        if check and p.returncode != 0:
            raise BenchError(f"`{' '.join(argv)}` failed (exit {p.returncode}): {p.stderr.strip()}")
        return p

    def ask(self, cmd, worker="helper"):
        proc = self.workers[worker]
        proc.stdin.write(json.dumps(cmd) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise BenchError(f"the measuring {worker} inside the namespace exited unexpectedly")
        return json.loads(line)

    def warn_stale_namespaces(self):
        """Stale namespaces from killed runs (SIGKILL cannot be trapped): tell, don't touch."""
        p = self.run(["ip", "netns", "list"], check=False)
        stale = []
        for line in p.stdout.splitlines():
            name = line.split()[0] if line.split() else ""
            m = re.fullmatch(r"hhbench-(\d+)", name)
            if m and not os.path.exists(f"/proc/{m.group(1)}"):
                stale.append(name)
        for name in stale:
            log(f"warning: stale namespace {name} from an earlier killed run; remove with: "
                f"ip netns pids {name} | xargs -r kill; ip netns del {name}")

    # -- namespace -------------------------------------------------------------------------

    def create_namespace(self, pairs):
        t0 = time.monotonic()
        if os.path.exists(f"/run/netns/{self.ns}"):
            raise BenchError(f"namespace {self.ns} already exists")
        self.run(["ip", "netns", "add", self.ns])
        self.ns_created = True
        batch = os.path.join(self.tmpdir, "links.batch")
        with open(batch, "w") as f:
            f.write("link set lo up\n")
            # `up` on the add saves one RTM_NEWLINK per pair (the peer takes no `up` there):
            # 5,000 pairs came up in 15 s instead of 23 s (one rtnl-bound `ip -batch`; running
            # four in parallel was no faster).
            for i in range(pairs):
                f.write(f"link add hb{i}a up type veth peer name hb{i}b\n")
            for i in range(pairs):
                f.write(f"link set hb{i}b up\n")
        self.run(["ip", "-n", self.ns, "-batch", batch])
        took = time.monotonic() - t0
        # verify: every link present and up
        p = self.run(["ip", "-n", self.ns, "-o", "link", "show", "up"])
        up = sum(1 for l in p.stdout.splitlines() if re.search(r": hb\d+[ab]@", l))
        if up != 2 * pairs:
            raise BenchError(f"expected {2 * pairs} veth links up in {self.ns}, found {up}")
        self.links_total = 2 * pairs + 1
        self.setup_seconds = took
        log(f"namespace {self.ns}: lo + {pairs} veth pairs ({2 * pairs} links) up in {took:.2f} s")

    def start_worker(self, name="helper", args=(), wrapper=()):
        """`wrapper` goes before the interpreter, e.g. `umockdev-wrapper` for a helper that
        builds a testbed."""
        self.workers[name] = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, *wrapper, SYSTEM_PYTHON, "-u", self.script, "--worker", self.ns,
             *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
        r = self.ask({"cmd": "ping"}, worker=name)
        if not r.get("ok"):
            raise BenchError(f"measuring {name} failed to start: {r}")


    def start_daemon(self, name, argv, port, ready_path, timeout, worker="helper"):
        logfile = os.path.join(self.tmpdir, f"{name}.log")
        lf = open(logfile, "wb")
        t_spawn = time.monotonic()
        proc = subprocess.Popen(["ip", "netns", "exec", self.ns, *argv], stdin=subprocess.DEVNULL,
                                stdout=lf, stderr=subprocess.STDOUT, start_new_session=True)
        lf.close()
        self.daemons[name] = (proc, logfile)
        r = self.ask({"cmd": "wait_ready", "port": port, "path": ready_path, "pid": proc.pid,
                      "timeout": timeout}, worker=worker)
        if not r.get("ok"):
            rc = proc.poll()
            raise BenchError(f"{name} did not become ready: {r.get('error')}"
                             + (f" (exit status {rc})" if rc is not None else "")
                             + f"\n--- last lines of {name} output ---\n{self.tail(logfile)}")
        # `ip netns exec` execs the daemon, so the PID is the daemon's own
        try:
            exe = os.readlink(f"/proc/{proc.pid}/exe")
        except OSError:
            exe = "?"
        ready_ms = (r["t_ready"] - t_spawn) * 1000.0
        log(f"{name} ready (pid {proc.pid}, {exe}) {ready_ms:.0f} ms after spawn")
        return proc, ready_ms

    def stop_daemon(self, name, grace=5.0):
        entry = self.daemons.pop(name, None)
        if not entry:
            return None
        proc, _ = entry
        if proc.poll() is not None:
            return {"exited_before_stop": True, "status": proc.returncode}
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
            return {"status": proc.returncode, "stop_ms": (time.monotonic() - t0) * 1000.0}
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return {"status": "killed", "note": f"did not exit within {grace:.0f} s of SIGTERM"}

    @staticmethod
    def loadavg():
        try:
            with open("/proc/loadavg") as f:
                return " ".join(f.read().split()[:3])
        except OSError:
            return "?"

    @staticmethod
    def tail(path, n=25):
        try:
            with open(path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:]) or "(no output)"
        except OSError:
            return "(no log)"

    # -- cleanup ---------------------------------------------------------------------------

    def cleanup(self):
        if self.cleaned:
            return
        self.cleaned = True
        for name in list(self.daemons):
            try:
                self.stop_daemon(name, grace=3.0)
            except Exception as e:
                log(f"warning: stopping {name}: {e}")
        for worker in self.workers.values():
            try:
                worker.stdin.close()
                worker.wait(timeout=5)
            except Exception:
                worker.kill()
                worker.wait()
        if self.ns_created:
            p = subprocess.run(["ip", "netns", "del", self.ns], stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                log(f"warning: could not remove namespace {self.ns}: {p.stderr.strip()}")
            else:
                self.ns_created = False
        if self.tmpdir and not self.args.keep:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        elif self.tmpdir:
            log(f"kept {self.tmpdir}")


def run_main(bench):
    """Runs `bench.main()` with the exit statuses both scripts promise (0 ran, 2 could not run,
    130 interrupted) and `bench.cleanup()` on every way out, Ctrl-C, SIGTERM and SIGHUP included."""

    def on_signal(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    # installed explicitly: a shell starting us in the background would otherwise leave SIGINT ignored
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        return bench.main()
    except BenchError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Interrupted) as e:
        print(f"{PROG}: interrupted ({e or 'SIGINT'}); cleaning up", file=sys.stderr)
        return 130
    finally:
        # ignore further Ctrl-C while tearing down, so the namespace always goes
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        bench.cleanup()
