#!/usr/bin/env python3
"""Edit to effect across nodes: an edit through node A's admin API, then node B's dispatch
listener asked until it answers with the edit. Prints a Markdown table (ms) on stdout.

Usage: cluster_edit.py ADMIN_A_PORT DISPATCH_B_PORT TOKEN [KV_EDITS] [SCRIPT_EDITS]
"""
import http.client
import json
import sys
import time
import uuid

admin_port, b_port, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
kv_edits = int(sys.argv[4]) if len(sys.argv) > 4 else 200
script_edits = int(sys.argv[5]) if len(sys.argv) > 5 else 100
base = "/client/v4/accounts/local"
admin = http.client.HTTPConnection("127.0.0.1", admin_port)
node_b = http.client.HTTPConnection("127.0.0.1", b_port)
auth = {"Authorization": "Bearer " + token}


def call(method, path, body=None, headers=None):
    admin.request(method, base + path, body=body, headers={**auth, **(headers or {})})
    response = admin.getresponse()
    data = response.read()
    if response.status != 200:
        sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data) if data[:1] == b"{" else data


def upload(path, code, metadata):
    boundary = "----bench" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
            f"Content-Type: application/json\r\n\r\n{json.dumps(metadata)}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"index.js\"; "
            f"filename=\"index.js\"\r\nContent-Type: application/javascript+module\r\n\r\n"
            f"{code}\r\n--{boundary}--\r\n").encode()
    call("PUT", path, body, {"Content-Type": "multipart/form-data; boundary=" + boundary})


def ask_b(host):
    node_b.request("GET", "/", headers={"Host": host})
    response = node_b.getresponse()
    return response.read().decode()


def wait_for(host, expected):
    """ms from now until B answers `expected`; B is asked back to back."""
    start = time.perf_counter()
    while True:
        if ask_b(host) == expected:
            return (time.perf_counter() - start) * 1000
        if time.perf_counter() - start > 30:
            sys.exit(f"node B never answered {expected!r}")


ns = call("POST", "/storage/kv/namespaces", json.dumps({"title": "bench-routes-" + uuid.uuid4().hex[:8]}),
          {"Content-Type": "application/json"})["result"]["id"]
dispatcher = """export default {
  async fetch(request, env) {
    const host = new URL(request.url).hostname;
    if (host.startsWith('kv.')) return new Response((await env.ROUTES.get('route')) ?? 'none');
    return env.DISPATCHER.get('site').fetch(request);
  }
};"""
call("POST", "/workers/dispatch/namespaces", json.dumps({"name": "bench"}),
     {"Content-Type": "application/json"})
upload("/workers/dispatch/namespaces/bench/scripts/site", "export default { fetch() { return new Response('site 0'); } };",
       {"main_module": "index.js"})
upload("/workers/scripts/bench-dispatcher?kind=dispatcher&active_dispatcher=true", dispatcher,
       {"main_module": "index.js", "bindings": [
           {"type": "kv_namespace", "name": "ROUTES", "namespace_id": ns},
           {"type": "dispatch_namespace", "name": "DISPATCHER", "namespace": "bench"}]})
wait_for("site.example.com", "site 0")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


rows = []
for label, count, edit, host in (
        ("KV write on A → first request on B that reads it", kv_edits,
         lambda i: call("PUT", f"/storage/kv/namespaces/{ns}/values/route", f"route {i}",
                        {"Content-Type": "text/plain"}) and f"route {i}", "kv.example.com"),
        ("user Worker upload on A → first request on B that runs it", script_edits,
         lambda i: upload("/workers/dispatch/namespaces/bench/scripts/site",
                          f"export default {{ fetch() {{ return new Response('site {i + 1}'); }} }};",
                          {"main_module": "index.js"}) or f"site {i + 1}", "site.example.com")):
    edits, effects, totals = [], [], []
    for i in range(count):
        start = time.perf_counter()
        expected = edit(i)
        acknowledged = time.perf_counter()
        effects.append(wait_for(host, expected))
        edits.append((acknowledged - start) * 1000)
        totals.append((time.perf_counter() - start) * 1000)
    for name, values in ((label + " (edit sent → effect on B)", totals),
                         ("… of which the edit on A (commit, NOTIFY)", edits),
                         ("… of which A's answer → B's first answer with it", effects)):
        rows.append((name, len(values), min(values), percentile(values, 50), percentile(values, 90),
                     percentile(values, 99), max(values)))

print("| measure | n | min | p50 | p90 | p99 | max |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, n, *values in rows:
    print(f"| {name} | {n} | " + " | ".join(f"{v:.2f}" for v in values) + " |")
