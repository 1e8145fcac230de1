#!/usr/bin/env python3
"""Writes N rows of `id,lat,lon,note` (WGS84 points around Maastricht, 1 % junk) to stdout."""
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
        buf.append(f"{i},{50.80 + rnd.random() * 0.10:.6f},{5.62 + rnd.random() * 0.16:.6f},x\n")
    if len(buf) >= 100_000:
        w("".join(buf)); buf.clear()
w("".join(buf))
