#!/usr/bin/python3
"""End-to-end test of the fleet drain budget: 12 real agents, a real etcd, a real HAProxy.

Run from the repository root, as root, with the system Python (standard library only):

    /usr/bin/python3 Tests/EndToEnd/fleet_e2e.py --bin-dir .build/debug

A network namespace `hhfleet-<pid>` gets `lo` and 12 veth pairs `fl<N>a` <-> `fl<N>b`; agent N
requires `fl<N>a`, so taking `fl<N>b` down fails exactly that host. etcd (Debian's
etcd-server 3.4), the agents, HAProxy, Prometheus and Alertmanager (one backend of the 12, agent-check on each) listen on
127.0.0.1 inside it. The pool `web` allows `max_draining: 25%` with a 6 s lease.

The story, one PASS/FAIL line per step:
  1. all 12 register; idle, the agents send etcd lease keep-alives only (measured per minute);
  2. 8 hosts lose their link at once: exactly 3 drain (HAProxy DOWN), 5 keep serving at 50%
     with the budget's reason, and nothing flaps; a real Prometheus with the shipped rules
     sends one HostHealthCorrelated to a real Alertmanager, which inhibits the 8 host alerts;
  3. a drained host recovers: its slot goes to a waiting one;
  4. `kill -9` of a draining agent: its slot is free within the lease TTL;
  5. etcd stopped: every agent fails static, nothing flaps past the TTL;
  6. etcd back: the pool converges to its budget again.
Figures (event -> slot granted -> HAProxy DOWN, etcd requests per agent per minute idle, the
agents' memory with and without a fleet section) go to stderr and `FIGURE` lines on stdout.
"""

import argparse
import base64
import json
import os
import shutil
import ssl
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import (HAPROXY, PROMETHEUS, PYTHON, Agent, Context, Fail, check, agent_check_line,  # noqa: E402
                 haproxy_weights, haproxy_servers, log, remove_namespace, run, tail, wait_until,
                 write_haproxy_config)

ETCD = "/usr/bin/etcd"
ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOSTS = 12
FAILING = 8
LEASE_TTL = 6


def pair(n):
    return f"fl{n}a", f"fl{n}b"


def config(n, etcd_port):
    return f"""\
links:
  required: [fl{n}a]
  recover_after: 1s
  # The story takes links down and up over and over: that is not the flapping it is about.
  flapping: {{max_changes: 1000}}
fleet:
  etcd: [http://127.0.0.1:{etcd_port}]
  pool: web
  member: h{n}
  max_draining: 25%
  lease_ttl: {LEASE_TTL}s
  static_for: 2m
  zone: e2e-a
"""


class Etcd:
    """One etcd member on loopback with its data in the work directory."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.dir = ctx.tempdir("etcd")
        self.port = ctx.free_port()
        self.peer = ctx.free_port()
        self.proc = None
        self.tls = None   # a directory with ca.pem, server.pem/key, client.pem/key: TLS and client certs

    def start(self):
        scheme = "https" if self.tls else "http"
        url = f"{scheme}://127.0.0.1:{self.port}"
        peer = f"http://127.0.0.1:{self.peer}"
        tls = ["--cert-file", f"{self.tls}/server.pem", "--key-file", f"{self.tls}/server.key",
               "--client-cert-auth", "--trusted-ca-file", f"{self.tls}/ca.pem"] if self.tls else []
        self.proc = self.ctx.spawn([
            ETCD, "--name", "default", "--data-dir", os.path.join(self.dir, "data"),
            "--listen-client-urls", url, "--advertise-client-urls", url,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", f"default={peer}", "--log-level", "warn", *tls,
        ], os.path.join(self.dir, "etcd.log"), label="etcd")
        ok, value, _ = wait_until(lambda: (self.call("/v3/kv/range", {"key": b64("x")}) is not None, None), 20, 0.1)
        check(ok, f"etcd did not answer within 20s: {value} {tail(os.path.join(self.dir, 'etcd.log'), 5)}")
        return self

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)

    def context(self):
        if not self.tls:
            return None
        context = ssl.create_default_context(cafile=f"{self.tls}/ca.pem")
        context.load_cert_chain(f"{self.tls}/client.pem", f"{self.tls}/client.key")
        return context

    def call(self, path, body):
        scheme = "https" if self.tls else "http"
        request = urllib.request.Request(f"{scheme}://127.0.0.1:{self.port}{path}", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=2, context=self.context()) as response:
            return json.loads(response.read())

    def keys(self, prefix):
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        answer = self.call("/v3/kv/range", {"key": b64(prefix), "range_end": b64(end)})
        return {base64.b64decode(kv["key"]).decode(): base64.b64decode(kv.get("value", "")).decode()
                for kv in answer.get("kvs", [])}

    def requests(self):
        """grpc requests started, by method (the JSON gateway goes through them)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=2) as response:
            text = response.read().decode()
        counts = {}
        for line in text.splitlines():
            if line.startswith("grpc_server_started_total{"):
                method = line.split('grpc_method="', 1)[1].split('"', 1)[0]
                counts[method] = counts.get(method, 0) + float(line.rsplit(" ", 1)[1])
        return counts


def b64(text):
    return base64.b64encode(text.encode()).decode()


def line_of(agent):
    return agent_check_line(agent.check_port).decode()


def fleet_of(agent):
    _, _, body = agent.get("/status")
    return json.loads(body)["host"].get("fleet") or {}


def rss_anon_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


class Story:
    def __init__(self, ctx):
        self.ctx = ctx
        self.etcd = None
        self.agents = []
        self.stats = None
        self.haproxy = None

    def lines(self):
        return [line_of(agent) if agent.alive() else "dead" for agent in self.agents]

    def weights(self):
        return haproxy_weights(self.stats)

    def haproxy_states(self):
        """Server name -> 'DOWN' or 'UP <weight>' as HAProxy serves it."""
        rows = haproxy_servers(self.stats)
        weights = self.weights()
        shown = {}
        for name, row in rows.items():
            status = row.get("status", "")
            shown[name] = "DOWN" if status.startswith("DOWN") else f"UP {weights.get(name, (0, 0, 0, 0))[2]}"
        return shown


def step_register(story):
    ctx = story.ctx
    story.etcd = Etcd(ctx).start()
    for n in range(HOSTS):
        agent = Agent(ctx, config(n, story.etcd.port), name=f"h{n}",
                      extra_args=["--no-collector.disks", "--no-collector.smart", "--no-collector.sensors",
                                  "--no-collector.arrays", "--no-collector.pcie", "--no-collector.kmsg",
                                  "--no-collector.memory", "--no-collector.cpu"])
        story.agents.append(agent.start(wait=False))
    for agent in story.agents:
        agent.wait_livez(timeout=30)
    ok, value, took = wait_until(lambda: (len(story.etcd.keys("/hosthealth/pools/web/members/")) == HOSTS,
                                          sorted(story.etcd.keys("/hosthealth/pools/web/members/"))), 30, 0.2)
    check(ok, f"not every agent registered in the pool: {value}")
    members = story.etcd.keys("/hosthealth/pools/web/members/")
    check(members.get("/hosthealth/pools/web/members/h0") == "zone=e2e-a", f"member key value: {members}")
    check(all(line == "up ready 100%\n" for line in story.lines()), f"healthy pool answers {story.lines()}")

    hdir = ctx.tempdir("haproxy")
    story.stats = os.path.join(hdir, "haproxy.sock")
    cfg = os.path.join(hdir, "haproxy.cfg")
    write_haproxy_config(cfg, story.stats, [
        f"server h{n} 127.0.0.1:{a.web_port} weight 100 check inter 1s agent-check agent-port {a.check_port} agent-inter 200ms"
        for n, a in enumerate(story.agents)], pidfile=f"{hdir}/haproxy.pid")
    validation = run([HAPROXY, "-c", "-f", cfg], check_rc=False)
    check(validation.returncode == 0, f"haproxy -c rejected the config: {validation.stdout} {validation.stderr}")
    story.haproxy = ctx.spawn([HAPROXY, "-f", cfg, "-db"], os.path.join(hdir, "haproxy.log"), label="haproxy")
    ok, value, _ = wait_until(lambda: (set(story.haproxy_states().values()) == {"UP 100"}, story.haproxy_states()), 15, 0.1)
    check(ok, f"HAProxy never showed all 12 UP at 100: {value}")

    # Idle: keep-alives only. Counted on etcd's side over 30 s.
    before, started = story.etcd.requests(), time.monotonic()
    time.sleep(30)   # a measurement window, not synchronisation
    after, seconds = story.etcd.requests(), time.monotonic() - started
    delta = {m: after.get(m, 0) - before.get(m, 0) for m in after if after.get(m, 0) != before.get(m, 0)}
    per_minute = sum(delta.values()) / HOSTS / (seconds / 60)
    expected = 60 / (LEASE_TTL / 3)
    print(f"FIGURE etcd requests per agent per minute idle: {per_minute:.1f} with lease_ttl {LEASE_TTL}s "
          f"({delta} over {seconds:.0f}s, {HOSTS} agents); at the default 30s that is {per_minute * LEASE_TTL / 30:.1f}")
    check(set(delta) <= {"LeaseKeepAlive"}, f"an idle pool sent more than keep-alives: {delta}")
    check(per_minute <= expected * 1.1, f"{per_minute:.1f} requests per agent per minute idle; keep-alives at a third "
          f"of a {LEASE_TTL}s TTL are {expected:.0f}")


def step_one_host_fails_repeatedly(story):
    """One host fails and recovers 10 times with the budget free: link down -> the agent
    answers down (its slot granted by etcd first) -> HAProxy takes it DOWN."""
    n = HOSTS - 1
    agent, peer = story.agents[n], pair(n)[1]
    to_agent, to_haproxy = [], []
    for _ in range(10):
        run(["ip", "link", "set", peer, "down"])
        lost = time.monotonic()
        ok, value, took = wait_until(lambda: (line_of(agent).startswith("down #"), line_of(agent)), 10, 0.005)
        check(ok, f"h{n} did not answer down after its link went: {value}")
        to_agent.append(took)
        ok, value, _ = wait_until(lambda: (story.haproxy_states()[f"h{n}"] == "DOWN", story.haproxy_states()[f"h{n}"]), 10, 0.01)
        check(ok, f"HAProxy did not take h{n} down: {value}")
        to_haproxy.append(time.monotonic() - lost)
        check(fleet_of(agent).get("budget") == "granted", f"h{n} drained without a granted slot: {fleet_of(agent)}")
        run(["ip", "link", "set", peer, "up"])
        ok, value, _ = wait_until(lambda: (story.haproxy_states()[f"h{n}"] == "UP 100", story.haproxy_states()[f"h{n}"]), 15, 0.05)
        check(ok, f"h{n} did not come back UP at 100: {value}")
        ok, value, _ = wait_until(lambda: (story.etcd.keys("/hosthealth/pools/web/slots/") == {}, story.etcd.keys("/hosthealth/pools/web/slots/")), 10, 0.05)
        check(ok, f"h{n} kept its slot after recovering: {value}")

    def summary(values):
        ordered = sorted(values)
        return f"median {statistics.median(ordered) * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
    print(f"FIGURE one host, 10 trials: link down -> agent-check down (slot granted first): {summary(to_agent)}; "
          f"-> HAProxy DOWN: {summary(to_haproxy)} (agent-inter 200ms; with 10 trials p99 is the max)")


def step_eight_fail_three_drain(story):
    for n in range(FAILING):
        run(["ip", "link", "set", pair(n)[1], "down"])

    # (The latency of one host is measured by the trials step; here, what the pool does.)
    def probe():
        states = story.haproxy_states()
        down = sorted(name for name, state in states.items() if state == "DOWN")
        floor = sorted(name for name, state in states.items() if state == "UP 50")
        return len(down) == 3 and len(floor) == 5, (down, floor, states)
    ok, value, took = wait_until(probe, 20, 0.05)
    check(ok, f"want 3 DOWN and 5 at 50% in HAProxy: {value}")
    lines = story.lines()
    downs = [n for n in range(FAILING) if lines[n].startswith("down #")]
    held = [n for n in range(FAILING) if lines[n] == "up ready 50%\n"]
    check(len(downs) == 3 and len(held) == 5, f"agent-check lines {lines}")
    check(all(lines[n] == "up ready 100%\n" for n in range(FAILING, HOSTS)), f"healthy hosts: {lines}")
    for n in held:
        fleet = fleet_of(story.agents[n])
        check(fleet.get("budget") == "denied", f"h{n} fleet {fleet}")
        check("drain budget of pool web exhausted (3/3 draining of 12)" in (fleet.get("held_back") or ""), f"h{n} reason {fleet}")
        status, body = story.agents[n].health()
        check(status == 200 and body["state"] == "failed", f"h{n} /health {status} {body.get('state')}")
        check("exhausted" in body.get("held_back", ""), f"h{n} /health held_back {body}")
    _, _, metrics = story.agents[held[0]].get("/metrics")
    check(b'hosthealth_fleet_budget{pool="web",state="denied"} 1' in metrics, "denied metric")
    slots = story.etcd.keys("/hosthealth/pools/web/slots/")
    check(sorted(slots.values()) == sorted(f"h{n}" for n in downs), f"slot keys {slots} vs drained {downs}")
    # Nothing flaps: the same three stay drained for a while (longer than the retry backoff).
    first = story.haproxy_states()
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        check(story.haproxy_states() == first, f"the pool moved: {first} -> {story.haproxy_states()}")
        time.sleep(0.2)   # sampling a steady state, not waiting for an event
    story.drained = downs
    story.held = held


def step_alerts_see_one_cause(story):
    """A real Prometheus scrapes the 12 agents with the shipped rules and sends to a real
    Alertmanager with the shipped configuration: one HostHealthCorrelated for pool web, and
    the per-host HostHealthFailed alerts of that pool inhibited behind it."""
    ctx = story.ctx
    adir = ctx.tempdir("alertmanager")
    am_port, am_cluster = ctx.free_port(), ctx.free_port()
    am = ctx.spawn([ALERTMANAGER, f"--config.file={REPO}/alertmanager/hosthealth.yml",
                    f"--storage.path={adir}/data", f"--web.listen-address=127.0.0.1:{am_port}",
                    f"--cluster.listen-address=127.0.0.1:{am_cluster}"],
                   os.path.join(adir, "alertmanager.log"), label="alertmanager")
    pdir = ctx.tempdir("prometheus")
    prom_port = ctx.free_port()
    config = os.path.join(pdir, "prometheus.yml")
    targets = ", ".join(f"'127.0.0.1:{a.web_port}'" for a in story.agents)
    with open(config, "w") as f:
        f.write(f"""\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: ['{REPO}/prometheus/hosthealth.rules.yml']
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:{am_port}']
scrape_configs:
  - job_name: hosthealth
    static_configs:
      - targets: [{targets}]
""")
    prom = ctx.spawn([PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={pdir}/data",
                      f"--web.listen-address=127.0.0.1:{prom_port}"], os.path.join(pdir, "prometheus.log"), label="prometheus")
    started = time.monotonic()

    def alerts():
        for proc, name in ((am, "alertmanager"), (prom, "prometheus")):
            if proc.poll() is not None:
                raise Fail(f"{name} exited {proc.returncode}")
        with urllib.request.urlopen(f"http://127.0.0.1:{am_port}/api/v2/alerts", timeout=2) as response:
            return json.loads(response.read())

    def probe():
        current = alerts()
        correlated = [a for a in current if a["labels"].get("alertname") == "HostHealthCorrelated"]
        failed = [a for a in current if a["labels"].get("alertname") == "HostHealthFailed"]
        inhibited = [a for a in failed if a["status"]["state"] == "suppressed" and a["status"].get("inhibitedBy")]
        return (len(correlated) == 1 and len(failed) == FAILING and len(inhibited) == FAILING), \
            (len(correlated), len(failed), len(inhibited), [a["labels"].get("alertname") for a in current])
    # Both alerts hold for 1m before they fire.
    ok, value, took = wait_until(probe, 150, 0.5)
    check(ok, f"want 1 HostHealthCorrelated and {FAILING} HostHealthFailed, all inhibited: (correlated, failed, inhibited, names) = {value}")
    current = alerts()
    correlated = next(a for a in current if a["labels"].get("alertname") == "HostHealthCorrelated")
    check(correlated["labels"].get("pool") == "web" and correlated["status"]["state"] == "active", f"correlated alert {correlated}")
    check(correlated["annotations"].get("summary") == f"pool web: {FAILING} hosts unwell at once", f"summary {correlated['annotations']}")
    held = [a for a in current if a["labels"].get("alertname") == "HostHealthFleetBudgetHeld"]
    check(all(a["status"]["state"] != "active" for a in held), f"held-back alerts not inhibited: {held}")
    log(f"#   Alertmanager had the correlated alert and {FAILING} inhibited host alerts {took:.0f}s after Prometheus started")
    print(f"FIGURE Prometheus + Alertmanager: one correlated page, {FAILING} host alerts inhibited, "
          f"{time.monotonic() - started:.0f}s after start (rules hold 1m)")
    for proc in (prom, am):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def step_recovery_hands_the_slot_on(story):
    recovered = story.drained[0]
    run(["ip", "link", "set", pair(recovered)[1], "up"])

    def probe():
        states = story.haproxy_states()
        down = sorted(name for name, state in states.items() if state == "DOWN")
        return (states[f"h{recovered}"] == "UP 100" and len(down) == 3
                and any(f"h{n}" in down for n in story.held)), states
    ok, value, took = wait_until(probe, 30, 0.1)
    check(ok, f"the recovered host's slot did not go to a waiting one: {value}")
    log(f"#   slot handed on {took:.1f}s after h{recovered} recovered")
    print(f"FIGURE recovered -> waiting host drained: {took:.1f}s (retry backoff 1-10s, jittered)")
    story.drained = [n for n in range(FAILING) if story.haproxy_states()[f"h{n}"] == "DOWN"]
    story.held = [n for n in range(FAILING) if n != recovered and n not in story.drained]


def step_kill_frees_the_slot(story):
    victim = story.drained[0]
    story.agents[victim].proc.kill()
    story.agents[victim].proc.wait()
    killed = time.monotonic()
    ok, value, took = wait_until(lambda: (f"h{victim}" not in story.etcd.keys("/hosthealth/pools/web/slots/").values(),
                                          story.etcd.keys("/hosthealth/pools/web/slots/")), LEASE_TTL + 3, 0.1)
    check(ok, f"h{victim}'s slot still held {LEASE_TTL + 3}s after kill -9: {value}")
    check(took <= LEASE_TTL + 1, f"slot freed after {took:.1f}s, lease TTL {LEASE_TTL}s")
    members = story.etcd.keys("/hosthealth/pools/web/members/")
    check(f"/hosthealth/pools/web/members/h{victim}" not in members, f"the dead host is still a member: {sorted(members)}")
    print(f"FIGURE kill -9 -> slot free: {took:.1f}s (lease TTL {LEASE_TTL}s)")
    # 11 live members at 25%: 2 slots, both held by the survivors that drained.
    ok, value, _ = wait_until(lambda: (sum(1 for s in story.haproxy_states().values() if s == "DOWN") == 3,
                                       story.haproxy_states()), 5, 0.1)
    check(ok, f"want the killed host DOWN and 2 drained: {value}")
    # 2 slots, both held: the freed one is not handed on (sampled past the longest retry).
    deadline = time.monotonic() + 16
    while time.monotonic() < deadline:
        down = [name for name, state in story.haproxy_states().items() if state == "DOWN"]
        check(len(down) == 3, f"with 11 members at 25% only 2 may drain, but HAProxy has {down} down (h{victim} is dead)")
        time.sleep(0.2)   # sampling a steady state
    story.drained = [n for n in story.drained if n != victim]


def step_etcd_down_fails_static(story):
    before = story.haproxy_states()
    story.etcd.stop()
    stopped = time.monotonic()
    ok, value, _ = wait_until(lambda: (all(fleet_of(a).get("budget") == "unavailable"
                                           for a in story.agents if a.alive()), [fleet_of(a).get("budget") for a in story.agents if a.alive()]),
                              LEASE_TTL * 2 + 5, 0.2)
    check(ok, f"not every agent says the budget is unavailable: {value}")
    # Past the lease TTL, nothing moves: granted hosts stay drained, denied ones keep serving.
    while time.monotonic() - stopped < LEASE_TTL * 2:
        check(story.haproxy_states() == before, f"the pool moved with etcd down: {before} -> {story.haproxy_states()}")
        time.sleep(0.2)   # sampling a steady state
    for n in story.held:
        fleet = fleet_of(story.agents[n])
        check("etcd unreachable" in (fleet.get("held_back") or ""), f"h{n} reason with etcd down: {fleet}")
    _, _, metrics = story.agents[story.held[0]].get("/metrics")
    check(b'hosthealth_fleet_budget{pool="web",state="unavailable"} 1' in metrics, "unavailable metric")


def step_etcd_back_converges(story):
    story.etcd.start()

    def probe():
        budgets = [fleet_of(a).get("budget") for a in story.agents if a.alive()]
        states = story.haproxy_states()
        slots = story.etcd.keys("/hosthealth/pools/web/slots/")
        down_alive = [n for n in range(HOSTS) if story.agents[n].alive() and states[f"h{n}"] == "DOWN"]
        return ("unavailable" not in budgets and len(slots) == len(down_alive) == 2), (budgets, slots, states)
    ok, value, took = wait_until(probe, 40, 0.2)
    check(ok, f"the pool did not converge after etcd came back: {value}")
    log(f"#   converged {took:.1f}s after etcd came back")


def make_certificates(directory):
    """A CA, a server certificate for 127.0.0.1 (IP SAN) and for the name etcd.e2e.test, a
    client certificate, and a CA that signed none of them."""
    def openssl(*args):
        run(["openssl", *args], timeout=30)
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", f"/CN=hosthealth e2e {ca}", "-keyout", f"{directory}/{ca}.key", "-out", f"{directory}/{ca}.pem")
    # etcd 3.4's JSON gateway dials etcd itself with the server certificate: with
    # --client-cert-auth that certificate must allow clientAuth too, or the gateway answers 503.
    for name, extension in (("server", "subjectAltName=IP:127.0.0.1,DNS:etcd.e2e.test\nextendedKeyUsage=serverAuth,clientAuth"),
                            ("client", "extendedKeyUsage=clientAuth")):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", f"/CN={name}",
                "-keyout", f"{directory}/{name}.key", "-out", f"{directory}/{name}.csr")
        with open(f"{directory}/{name}.ext", "w") as f:
            f.write(extension + "\n")
        openssl("x509", "-req", "-in", f"{directory}/{name}.csr", "-CA", f"{directory}/ca.pem", "-CAkey", f"{directory}/ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", f"{directory}/{name}.ext", "-out", f"{directory}/{name}.pem")


def step_tls_with_client_certificates(story):
    """etcd with --client-cert-auth: an agent with the CA and a client certificate registers;
    one that trusts another CA does not, and says the budget is unavailable and why."""
    ctx = story.ctx
    certs = ctx.tempdir("certs")
    make_certificates(certs)
    etcd = Etcd(ctx)
    etcd.tls = certs
    etcd.start()
    good = Agent(ctx, f"""\
fleet:
  etcd: [https://127.0.0.1:{etcd.port}]
  pool: tls
  member: good
  tls_config:
    ca_file: {certs}/ca.pem
    cert_file: {certs}/client.pem
    key_file: {certs}/client.key
    server_name: etcd.e2e.test
""", name="tls-good", extra_args=story.agents[0].extra_args).start()
    bad = Agent(ctx, f"""\
fleet:
  etcd: [https://127.0.0.1:{etcd.port}]
  pool: tls
  member: bad
  tls_config:
    ca_file: {certs}/other-ca.pem
    cert_file: {certs}/client.pem
    key_file: {certs}/client.key
""", name="tls-bad", extra_args=story.agents[0].extra_args).start()
    ok, value, _ = wait_until(lambda: (sorted(etcd.keys("/hosthealth/pools/tls/members/")) == ["/hosthealth/pools/tls/members/good"],
                                       sorted(etcd.keys("/hosthealth/pools/tls/members/"))), 15, 0.2)
    check(ok, f"over TLS with a client certificate, want only 'good' registered: {value}")
    ok, value, _ = wait_until(lambda: (fleet_of(bad).get("budget") == "unavailable", fleet_of(bad)), 10, 0.2)
    check(ok, f"an agent that trusts another CA must say the budget is unavailable: {value}")
    check("certificate" in (fleet_of(bad).get("error") or "").lower() or "handshake" in (fleet_of(bad).get("error") or "").lower(),
          f"the error should name the TLS failure: {fleet_of(bad).get('error')}")
    check(fleet_of(good).get("budget") == "idle", f"the good agent: {fleet_of(good)}")


def step_memory_figure(story):
    """Two agents started together, alike but for a fleet section (etcd answering): the etcd
    client's memory is the difference of their RssAnon once both have settled."""
    ctx = story.ctx
    args = story.agents[0].extra_args
    fleet = Agent(ctx, f"links:\n  required: [fl11a]\nfleet:\n  etcd: [http://127.0.0.1:{story.etcd.port}]\n  pool: memory\n  lease_ttl: {LEASE_TTL}s\n",
                  name="mem-fleet", extra_args=args).start()
    plain = Agent(ctx, "links:\n  required: [fl11a]\n", name="mem-plain", extra_args=args).start()
    ok, value, _ = wait_until(lambda: (fleet_of(fleet).get("budget") == "idle", fleet_of(fleet)), 10, 0.1)
    check(ok, f"the fleet agent never joined: {value}")
    # Past a few keep-alives, so the client's buffers have been used; a reading, not a wait.
    time.sleep(LEASE_TTL)
    with_fleet, without = rss_anon_kib(fleet.proc.pid), rss_anon_kib(plain.proc.pid)
    print(f"FIGURE RssAnon, two agents started together: with a fleet section {with_fleet} KiB, "
          f"without {without} KiB, difference {with_fleet - without} KiB (debug build)")


STEPS = [
    ("fleet_twelve_agents_register_and_idle_with_keepalives_only", step_register),
    ("fleet_one_host_fails_and_recovers_ten_times", step_one_host_fails_repeatedly),
    ("fleet_eight_fail_at_once_exactly_three_drain", step_eight_fail_three_drain),
    ("fleet_prometheus_and_alertmanager_page_once_for_the_pool", step_alerts_see_one_cause),
    ("fleet_recovered_host_hands_its_slot_to_a_waiting_one", step_recovery_hands_the_slot_on),
    ("fleet_kill_9_frees_the_slot_within_the_lease_ttl", step_kill_frees_the_slot),
    ("fleet_etcd_stopped_every_agent_fails_static", step_etcd_down_fails_static),
    ("fleet_etcd_back_the_pool_converges", step_etcd_back_converges),
    ("fleet_etcd_over_tls_with_client_certificates", step_tls_with_client_certificates),
    ("fleet_memory_figure", step_memory_figure),
]


def inner(args):
    ctx = Context(args.bin_dir, args.workdir, args.inside)
    story = Story(ctx)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    failed = 0
    try:
        for name, step in STEPS:
            started = time.monotonic()
            try:
                step(story)
                print(f"PASS {name}")
            except Exception as error:  # noqa: BLE001 - later steps build on this one: stop here
                print(f"FAIL {name}: {type(error).__name__ if not isinstance(error, Fail) else ''}{': ' if not isinstance(error, Fail) else ''}{error}")
                failed += 1
                for label, path in ctx.logs[-6:]:
                    log(f"#   --- {label} (last lines) ---\n{tail(path, 8)}")
                break
            finally:
                sys.stdout.flush()
                log(f"# {name}: {time.monotonic() - started:.1f}s")
    except KeyboardInterrupt as error:
        log(f"# interrupted ({error})")
        return 130
    finally:
        ctx.stop_all()
    return 1 if failed else 0


def outer(args):
    if os.geteuid() != 0:
        print("FAIL setup: must run as root (creates a network namespace)")
        print("0 passed, 1 failed")
        return 1
    for tool in (ETCD, HAPROXY, PROMETHEUS, ALERTMANAGER):
        if not os.access(tool, os.X_OK):
            print(f"FAIL setup: {tool} is not installed (scripts/install-deps --test installs it)")
            print("0 passed, 1 failed")
            return 1
    namespace = f"hhfleet-{os.getpid()}"
    workdir = tempfile.mkdtemp(prefix="hhfleet-")
    os.chmod(workdir, 0o755)
    passed = failed = 0
    inner_rc = None
    try:
        run(["ip", "netns", "add", namespace])
        run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        for n in range(HOSTS):
            a, b = pair(n)
            run(["ip", "-n", namespace, "link", "add", a, "type", "veth", "peer", "name", b])
            run(["ip", "-n", namespace, "link", "set", a, "up"])
            run(["ip", "-n", namespace, "link", "set", b, "up"])
        cmd = ["ip", "netns", "exec", namespace, PYTHON, os.path.abspath(__file__),
               "--inside", namespace, "--bin-dir", os.path.abspath(args.bin_dir), "--workdir", workdir]
        inner_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
        for line in inner_proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            passed += line.startswith("PASS ")
            failed += line.startswith("FAIL ")
        inner_rc = inner_proc.wait()
    except KeyboardInterrupt:
        failed += 1
    finally:
        remove_namespace(namespace)
        shutil.rmtree(workdir, ignore_errors=True)
    if inner_rc not in (0, None) and failed == 0:
        print(f"FAIL harness: the test process exited {inner_rc} without reporting a failure")
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed == len(STEPS) else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=".build/debug", help="directory with hosthealthd and hostctl")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return inner(args) if args.inside else outer(args)


if __name__ == "__main__":
    sys.exit(main())
