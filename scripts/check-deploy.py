#!/usr/bin/env python3
"""Checks deploy/ without a container engine: every YAML file parses, and the compose file and
the Kubernetes manifests name only the image, port, probe paths and file paths that the
Dockerfile and the service actually have. Run by .ci/run; needs PyYAML (python3-yaml)."""
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
for kind in ("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"):
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
for p in problems:
    print(f"check-deploy: {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"check-deploy: {len(docs)} YAML files parse; image, port, probes and paths agree with the Dockerfile")
