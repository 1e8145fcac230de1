#!/usr/bin/env python3
"""Writes N rows of `id,lat,lon,note` to stdout: WGS84 points uniform over Maastricht's
bounding box (lat 50.806-50.910, lon 5.642-5.763; about 70 % fall inside the municipality),
every hundredth row junk. Deterministic (seed 42)."""
import random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rnd = random.Random(42)
w = sys.stdout.write
w("id,lat,lon,note\n")
junk = ["", "abc", "91", "NaN"]
buf = []
for i in range(n):
    if i % 100 == 99:
        buf.append(f"{i},{junk[i % 4]},5.69,junk\n")
    else:
        buf.append(f"{i},{50.806 + rnd.random() * 0.104:.6f},{5.642 + rnd.random() * 0.121:.6f},x\n")
    if len(buf) >= 100_000:
        w("".join(buf)); buf.clear()
w("".join(buf))
