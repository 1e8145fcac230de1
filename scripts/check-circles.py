#!/usr/bin/env python3
"""Fails on a circle of imports between modules (issue 26, 3).

    python3 scripts/check-circles.py

Two levels are checked, from the `use crate::...` and `use super::...` lines (and
`crate::x::` / `super::x::` paths in code) of every file under src/ and crates/core/src/ (the
faces re-export the core's modules under their own names, so the two trees are one module tree):
  - between the top-level modules (`address`, `query`, `resolve`, ...);
  - between the files of one directory (`classify/chunk.rs`, `classify/csv.rs`, ...).
A module may use what lies below it; nothing below may use it back. Prints every circle found
and exits 1 when there is one.
"""
import pathlib
import re
import sys

top = pathlib.Path(__file__).resolve().parent.parent
roots = [top / "src", top / "crates" / "core" / "src"]


def module_of(root, path):
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "mod":
        parts = parts[:-1]
    if parts in (["lib"], ["main"]):
        return []
    return parts


files = {}
dir_modules = set()
for root, path in sorted((r, p) for r in roots for p in r.rglob("*.rs")):
    # A test module in its own file (`#[cfg(test)] mod tests;`) may reach anywhere too.
    if path.stem == "tests":
        continue
    text = path.read_text()
    # Tests may reach anywhere: only what the code itself needs counts.
    text = re.split(r"#\[cfg\(test\)\]\s*mod tests", text)[0]
    # Comments name modules without using them.
    text = re.sub(r"//[^\n]*", "", text)
    mod = tuple(module_of(root, path))
    files[mod] = text
    if path.name == "mod.rs":
        dir_modules.add(mod)

crate_path = re.compile(r"\bcrate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)")
super_path = re.compile(r"\bsuper::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)")
known = set(files)


def resolve(parts):
    """The longest prefix of `parts` that is a module (a file)."""
    for n in range(len(parts), 0, -1):
        if tuple(parts[:n]) in known:
            return tuple(parts[:n])
    return None


edges = {}
for mod, text in files.items():
    is_dir_module = mod in dir_modules if mod else True
    parent = list(mod) if is_dir_module else list(mod[:-1])
    targets = set()
    for m in crate_path.finditer(text):
        t = resolve(m.group(1).split("::"))
        if t:
            targets.add(t)
    for m in super_path.finditer(text):
        base = parent[:-1] if is_dir_module else parent
        t = resolve(base + m.group(1).split("::"))
        if t:
            targets.add(t)
    # `use {a, b}` groups inside crate:: paths.
    for m in re.finditer(r"\b(crate|super)::((?:[a-z_][a-z0-9_]*::)*)\{([^}]*)\}", text):
        if m.group(1) == "crate":
            base = []
        else:
            base = parent[:-1] if is_dir_module else parent
        prefix = base + [p for p in m.group(2).split("::") if p]
        for item in m.group(3).split(","):
            name = item.strip().split("::")[0].split(" ")[0]
            if re.fullmatch(r"[a-z_][a-z0-9_]*", name or ""):
                t = resolve(prefix + [name])
                if t:
                    targets.add(t)
    edges[mod] = {t for t in targets if t != mod}


def level_edges(key):
    """Edges between groups: `key(module)` names a module's group, None to leave it out."""
    out = {}
    for a, ts in edges.items():
        ka = key(a)
        if ka is None:
            continue
        for b in ts:
            kb = key(b)
            if kb is None or kb == ka:
                continue
            out.setdefault(ka, set()).add(kb)
    return out


def circles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


found = []
top = level_edges(lambda m: m[0] if m else None)
for c in circles(top):
    found.append("top-level modules: " + " <-> ".join(c))
dirs = {m[:-1] for m in files if len(m) >= 2}
for d in sorted(dirs):
    depth = len(d) + 1
    graph = level_edges(lambda m, d=d: m[:depth] if len(m) >= depth and m[: len(d)] == d else None)
    for c in circles(graph):
        found.append(f"files of {'/'.join(d) or '.'}: " + " <-> ".join("/".join(x) for x in c))
for f in found:
    print(f"check-circles: {f}")
print(f"check-circles: {len(found)} circle(s) among {len(files)} files")
sys.exit(1 if found else 0)
