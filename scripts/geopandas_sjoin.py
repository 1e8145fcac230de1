#!/usr/bin/env python3
"""The same classification as `wijkwijzer classify`, done the GeoPandas way, for comparison.

    python3 scripts/geopandas_sjoin.py points.csv geodata/buurt.geojson out.csv

Reads a CSV of lat/lon rows (pandas), makes WGS84 points, transforms them to RD New (pyproj,
EPSG:4326 -> EPSG:28992), joins them to the buurt polygons with `sjoin` (within, left join,
STRtree), adds the LWA area from each buurt's parent link and writes every row back. Prints
the time of each step and rows/s. Rows whose lat/lon are not numbers get empty columns.
"""
import sys
import time

import geopandas as gpd
import pandas as pd


def main():
    points_csv, buurten_path, out_csv = sys.argv[1:4]
    t0 = time.perf_counter()
    df = pd.read_csv(points_csv, dtype=str, keep_default_na=False)
    t_read = time.perf_counter()
    lat = pd.to_numeric(df["lat"], errors="coerce")
    lon = pd.to_numeric(df["lon"], errors="coerce")
    points = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    points = points.to_crs("EPSG:28992")
    t_transform = time.perf_counter()
    buurten = gpd.read_file(buurten_path)
    buurten = buurten.set_crs("EPSG:28992", allow_override=True)
    buurten["lwa"] = buurten["parents"].map(
        lambda p: (p if isinstance(p, dict) else __import__("json").loads(p)).get("lwa")
    )
    buurten = buurten[["code", "name", "lwa", "geometry"]]
    joined = gpd.sjoin(points, buurten, how="left", predicate="within")
    # A point on a shared edge may match two buurten: keep one row per input row, as wijkwijzer does.
    joined = joined[~joined.index.duplicated(keep="first")]
    t_join = time.perf_counter()
    joined.drop(columns=["geometry", "index_right"]).to_csv(out_csv, index=False)
    t_write = time.perf_counter()
    n = len(df)
    print(
        f"geopandas: {n} rows: read {t_read - t0:.1f} s, points+to_crs {t_transform - t_read:.1f} s, "
        f"sjoin {t_join - t_transform:.1f} s, write {t_write - t_join:.1f} s; "
        f"total {t_write - t0:.1f} s = {n / (t_write - t0):,.0f} rows/s; "
        f"{joined['code'].notna().sum()} inside"
    )


if __name__ == "__main__":
    main()
