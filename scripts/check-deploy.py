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
volumes = set(re.findall(r'^VOLUME \["([^"]+)"\]', docker, re.M))
env_keys = re.search(r"WIJKWIJZER_KEYS=(\S+)", docker).group(1)
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
for kind in ("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Secret", "Service"):
    if kind not in kinds:
        problems.append(f"kubernetes/: no {kind}")
for p in problems:
    print(f"check-deploy: {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"check-deploy: {len(docs)} YAML files parse; image, port, probes and paths agree with the Dockerfile")
