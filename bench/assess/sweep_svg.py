#!/usr/bin/env python3
"""Plots the epsilon sweep's assessments (sweep-E.json in a folder) as one SVG: target accuracy and LiRA online
TPR at 0.1% FPR (all rows and canaries) against epsilon, on a log axis, with inf at the right.

Usage: sweep_svg.py FOLDER OUT.svg
"""
import json
import math
import os
import sys

EPS = ["0.5", "1", "2", "4", "8", "inf"]


def metric(doc, name, slice_, attack=None, at=None):
    for m in doc["metrics"]:
        if m["name"] == name and m.get("slice") == slice_ and (attack is None or m.get("attack") == attack) \
                and (at is None or (m.get("at") is not None and abs(m["at"] - at) < 1e-12)):
            return m["value"]
    return None


def main(folder, out):
    points = []
    for e in EPS:
        path = os.path.join(folder, f"sweep-{e}.json")
        if os.path.exists(path):
            doc = json.load(open(path))
            points.append((e, metric(doc, "target_accuracy", "non_members"),
                           metric(doc, "tpr", "all", "lira_online", 0.001),
                           metric(doc, "tpr", "canaries", "lira_online", 0.001)))
    if not points:
        sys.exit("no sweep-E.json in " + folder)
    w, h, left, top, right, bottom = 560, 320, 60, 20, 150, 40

    def x(e):
        v = 16.0 if e == "inf" else float(e)
        return left + (math.log2(v) + 1) / 5 * (w - left - right)

    def y(v):
        return top + (1 - v) * (h - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
             f'<line x1="{left}" y1="{y(0)}" x2="{w - right}" y2="{y(0)}" stroke="black"/>',
             f'<line x1="{left}" y1="{y(0)}" x2="{left}" y2="{y(1)}" stroke="black"/>']
    for v in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4}" text-anchor="end">{v:g}</text>')
    for e in EPS:
        parts.append(f'<text x="{x(e)}" y="{h - bottom + 16}" text-anchor="middle">{e}</text>')
    parts.append(f'<text x="{(left + w - right) / 2}" y="{h - 4}" text-anchor="middle">epsilon (log scale)</text>')
    series = [(1, "target accuracy", "#1f77b4"), (2, "LiRA TPR@0.1% FPR, all rows", "#d62728"),
              (3, "LiRA TPR@0.1% FPR, canaries", "#ff7f0e")]
    for k, (col, label, colour) in enumerate(series):
        pts = [(x(p[0]), y(p[col])) for p in points if p[col] is not None]
        parts.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                     % (colour, " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)))
        for a, b in pts:
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colour}"/>')
        parts.append(f'<text x="{w - right + 8}" y="{top + 14 + 16 * k}" fill="{colour}">{label}</text>')
    parts.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
