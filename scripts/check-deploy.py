#!/usr/bin/env python3
"""Checks deploy/ without a container engine: every YAML file parses, and the compose file and
the Kubernetes manifests name only the image, port, probe paths and file paths that the
Dockerfile and the service actually have; every way in from outside is TLS (the nginx example,
the Ingress), and the proxy's logs leave out query strings. Run by .ci/run; needs PyYAML
(python3-yaml)."""
import pathlib
import re
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent / "deploy"
problems = []
docker = (root / "Dockerfile").read_text()
image = "wijkwijzer:latest"
exposed = set(re.findall(r"^EXPOSE (\d+)", docker, re.M))
installed = set(re.findall(r"/out(/\S+)", docker))
# Every image has /tmp; the service spools large classification answers there ($TMPDIR).
installed.add("/tmp")
volumes = set(re.findall(r'^VOLUME \["([^"]+)"\]', docker, re.M))
if re.search(r"^ENV\s+WIJKWIJZER_", docker, re.M):
    problems.append("Dockerfile: WIJKWIJZER_* in the image's environment would beat every mounted config")
container = (root / "container.toml").read_text()
env_keys = re.search(r'^keys = "([^"]+)"', container, re.M).group(1)
docs = {}
for path in sorted(root.rglob("*.yaml")):
    try:
        docs[path.relative_to(root).as_posix()] = list(yaml.safe_load_all(path.read_text()))
    except yaml.YAMLError as e:
        problems.append(f"{path}: not YAML: {e}")

compose = docs["compose.yaml"][0]
svc = compose["services"]["wijkwijzer"]
if svc["image"] != image:
    problems.append(f"compose.yaml: image {svc['image']} is not the one the Dockerfile is tagged as ({image})")
if svc["build"]["dockerfile"] != "deploy/Dockerfile":
    problems.append("compose.yaml: builds another Dockerfile")
for v in svc["volumes"]:
    target = v.split(":")[1]
    if target not in volumes and not env_keys.startswith(target):
        problems.append(f"compose.yaml: mounts {target}, which the image neither declares as a volume nor reads")

deployment = docs["kubernetes/deployment.yaml"][0]
container = deployment["spec"]["template"]["spec"]["containers"][0]
if container["image"] != image:
    problems.append(f"deployment.yaml: image {container['image']} is not {image}")
ports = {str(p["containerPort"]) for p in container["ports"]}
if ports != exposed:
    problems.append(f"deployment.yaml: ports {ports} but the image exposes {exposed}")
for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
    path = container[probe]["httpGet"]["path"]
    if path not in ("/livez", "/readyz"):
        problems.append(f"deployment.yaml: {probe} on {path}, which is not a probe endpoint")
for m in container["volumeMounts"]:
    mp = m["mountPath"]
    if mp not in installed and not env_keys.startswith(mp):
        problems.append(f"deployment.yaml: mounts {mp}, which the image does not have or read")
config = docs["kubernetes/configmap.yaml"][0]["data"]["wijkwijzer.toml"]
if f'keys = "{env_keys}"' not in config:
    problems.append("configmap.yaml: the key file path differs from the image's")
kinds = sorted(d["kind"] for docs_ in docs.values() for d in docs_ if isinstance(d, dict) and "kind" in d)
for kind in ("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "Ingress"):
    if kind not in kinds:
        problems.append(f"kubernetes/: no {kind}")
# `kubectl apply -f deploy/kubernetes/` must never replace the real key Secret with an example.
for name, docs_ in docs.items():
    if name.startswith("kubernetes/") and any(isinstance(d, dict) and d.get("kind") == "Secret" for d in docs_):
        problems.append(f"{name}: a Secret in the applied directory would overwrite the real keys")
secret = docs["keys/secret.example.yaml"][0]
mounted = {v["secret"]["secretName"] for v in deployment["spec"]["template"]["spec"]["volumes"] if "secret" in v}
if secret["metadata"]["name"] not in mounted:
    problems.append("keys/secret.example.yaml: names a Secret the Deployment does not mount")

# TLS in Kubernetes: the Ingress is the way in, over TLS, to the Service and port that exist.
service = docs["kubernetes/service.yaml"][0]
service_ports = {p.get("name") for p in service["spec"]["ports"]} | {p["port"] for p in service["spec"]["ports"]}
if service["spec"].get("type", "ClusterIP") != "ClusterIP":
    problems.append(f"service.yaml: type {service['spec']['type']} would serve plain HTTP from outside the cluster")
ingresses = [d for name, docs_ in docs.items() if name.startswith("kubernetes/") for d in docs_
             if isinstance(d, dict) and d.get("kind") == "Ingress"]
for ing in ingresses:
    name = ing["metadata"]["name"]
    tls = ing["spec"].get("tls") or []
    tls_hosts = {h for t in tls for h in t.get("hosts", [])}
    if not tls or not all(t.get("secretName") for t in tls):
        problems.append(f"Ingress {name}: no tls with a secretName: keys would cross the network in clear")
    for rule in ing["spec"].get("rules", []):
        if rule.get("host") not in tls_hosts:
            problems.append(f"Ingress {name}: host {rule.get('host')} is not among its tls hosts")
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            port = backend["port"].get("name", backend["port"].get("number"))
            if backend["name"] != service["metadata"]["name"]:
                problems.append(f"Ingress {name}: backend {backend['name']} is not the Service {service['metadata']['name']}")
            if port not in service_ports:
                problems.append(f"Ingress {name}: backend port {port} is not one of the Service's ({sorted(map(str, service_ports))})")
    # The controller's access log would otherwise have every query string.
    if ing["metadata"].get("annotations", {}).get("nginx.ingress.kubernetes.io/enable-access-log") != "false":
        problems.append(f"Ingress {name}: the controller's access log (full request line, query included) is on")


def nginx_blocks(text):
    """The `server { ... }` blocks of an nginx config, comments removed, and what is outside them."""
    text = re.sub(r"#[^\n]*", "", text)
    servers, outside, depth, start, last = [], [], 0, None, 0
    for m in re.finditer(r"\bserver\s*\{|\{|\}", text):
        if m.group().startswith("server") and depth == 0:
            outside.append(text[last:m.start()])
            start = m.end()
            depth = 1
        elif m.group().endswith("{"):
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                servers.append(text[start:m.start()])
                last = m.end()
    outside.append(text[last:])
    return servers, "".join(outside)


# The nginx example: TLS on 443, port 80 only redirects, and nothing in its logs has a query.
nginx = (root / "nginx.conf").read_text()
servers, top = nginx_blocks(nginx)
formats = dict(re.findall(r"log_format\s+(\S+)((?:\s+'[^']*')+)\s*;", top))
query_vars = re.compile(r"\$(request|request_uri|args|query_string|is_args|arg_\w+|http_referer)\b")
for fmt, body in formats.items():
    if query_vars.search(body):
        problems.append(f"nginx.conf: log_format {fmt} logs {query_vars.search(body).group()}, which holds the query string")
cert_dirs = set()
tls_servers = [s for s in servers if re.search(r"^\s*listen\s+(\S+:)?443\s+ssl\b", s, re.M)]
plain_servers = [s for s in servers if re.search(r"^\s*listen\s+(\S+:)?80\s*;", s, re.M)]
if len(tls_servers) != 1:
    problems.append(f"nginx.conf: {len(tls_servers)} servers listen on 443 with ssl; expected one")
for s_ in tls_servers:
    protocols = set(re.search(r"ssl_protocols\s+([^;]*);", s_).group(1).split()) if "ssl_protocols" in s_ else set()
    if not protocols or protocols - {"TLSv1.2", "TLSv1.3"}:
        problems.append(f"nginx.conf: ssl_protocols {sorted(protocols)}; only TLSv1.2 and TLSv1.3")
    cert_dirs |= {pathlib.PurePosixPath(p).parent.as_posix() for p in re.findall(r"ssl_certificate(?:_key)?\s+(\S+);", s_)}
    upstream = re.search(r"proxy_pass\s+http://([^:/;]+):(\d+)", s_)
    if upstream is None or upstream.group(1) not in compose["services"] or upstream.group(2) not in exposed:
        problems.append(f"nginx.conf: proxy_pass {upstream and upstream.group()} is not a compose service on a port the image exposes")
for s_ in plain_servers:
    if "proxy_pass" in s_ or not re.search(r"return\s+30[18]\s+https://", s_):
        problems.append("nginx.conf: the server on port 80 must only redirect to https://")
for s_ in servers:
    if s_ not in tls_servers and s_ not in plain_servers:
        problems.append("nginx.conf: a server that listens neither on 443 with ssl nor on 80")
    for log in re.findall(r"access_log\s+([^;]*);", s_):
        words = log.split()
        if words != ["off"] and (len(words) < 2 or words[1] not in formats):
            problems.append(f"nginx.conf: access_log {log} uses a format not defined here (nginx's default has the query)")
    if not re.search(r"access_log\s", s_):
        problems.append("nginx.conf: a server without its own access_log inherits a format with the query")
    level = re.search(r"error_log\s+\S+\s+(\w+)\s*;", s_)
    if not level or level.group(1) not in ("crit", "alert", "emerg"):
        problems.append("nginx.conf: a server's error_log below crit writes request lines, query included")

# compose: only the proxy is published, with TLS, and it mounts what nginx.conf reads.
for name, service_ in compose["services"].items():
    for port in service_.get("ports", []):
        if isinstance(port, dict):
            spec = f"{port.get('host_ip', '')}:{port.get('published', '')}:{port.get('target')}"
        else:
            spec = str(port)
        # [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]; no host address is every interface.
        parts = spec.rsplit(":", 2)
        target, host_ip = parts[-1].split("/")[0], parts[0] if len(parts) == 3 else ""
        if name == "proxy" and target in ("443", "80"):
            continue
        if host_ip not in ("127.0.0.1", "::1", "[::1]"):
            problems.append(f"compose.yaml: {name} publishes {spec} on every interface, without TLS")
proxy = compose["services"].get("proxy", {})
proxy_ports = {str(p).split(":")[-1] for p in proxy.get("ports", [])}
if "443" not in proxy_ports:
    problems.append("compose.yaml: the proxy does not publish 443")
mounts = {v.split(":")[1]: v.split(":")[0] for v in proxy.get("volumes", [])}
if mounts.get("/etc/nginx/conf.d/default.conf") != "./nginx.conf":
    problems.append("compose.yaml: the proxy does not run deploy/nginx.conf")
for d in sorted(cert_dirs):
    if d not in mounts:
        problems.append(f"compose.yaml: the proxy does not mount {d}, where nginx.conf reads the certificate")

for p in problems:
    print(f"check-deploy: {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"check-deploy: {len(docs)} YAML files parse; image, port, probes and paths agree with the Dockerfile; "
      "the Ingress and nginx.conf serve TLS and log no query strings")
