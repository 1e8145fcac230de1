#!/usr/bin/env python3
"""The classification `wijkwijzer classify --columns codes` does, done the way a user would with a
general spatial tool, for `scripts/peers-bench.sh` to time and compare.

    python3 scripts/peers.py ENGINE points.csv geodata/buurt.geojson out.csv

ENGINE is one of:
  shapely   pandas reads the CSV, pyproj transforms EPSG:4326 -> EPSG:28992, a shapely 2 STRtree
            answers `within` for all points at once (the core of GeoPandas' sjoin, without the
            frame bookkeeping);
  duckdb    DuckDB's spatial extension: read_csv, ST_Transform, a spatial join (ST_Within) that
            its planner turns into an R-tree join, COPY to CSV;
  sedonadb  Apache SedonaDB (Rust, DataFusion): the same SQL on its engine.

Each writes `id,buurt,lwa` for every input row in input order (empty where the row has no valid
lat/lon or lies outside every buurt) and prints one line: rows, inside, seconds in the process.
The buurt polygons and their LWA parents are the ones the service answers with.
"""
import json
import sys
import time


def buurten(path):
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    rows = []
    for feat in fc["features"]:
        p = feat["properties"]
        parents = p.get("parents") or {}
        if isinstance(parents, str):
            parents = json.loads(parents)
        rows.append((p["code"], parents.get("lwa") or "", feat["geometry"]))
    return rows


def shapely_engine(points_csv, buurt_path, out_csv):
    import numpy as np
    import pandas as pd
    import pyproj
    import shapely
    import shapely.geometry

    df = pd.read_csv(points_csv, dtype=str, keep_default_na=False)
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy()
    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy()
    t = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    x, y = t.transform(lon, lat)
    pts = shapely.points(x, y)
    rows = buurten(buurt_path)
    polys = np.array([shapely.geometry.shape(g) for _, _, g in rows])
    tree = shapely.STRtree(polys)
    p_idx, b_idx = tree.query(pts, predicate="within")
    code = np.full(len(df), "", dtype=object)
    lwa = np.full(len(df), "", dtype=object)
    # A point on a shared edge may match two buurten: the first wins, as in the service.
    first = np.unique(p_idx, return_index=True)[1]
    codes = np.array([c for c, _, _ in rows], dtype=object)
    lwas = np.array([l for _, l, _ in rows], dtype=object)
    code[p_idx[first]] = codes[b_idx[first]]
    lwa[p_idx[first]] = lwas[b_idx[first]]
    pd.DataFrame({"id": df["id"], "buurt": code, "lwa": lwa}).to_csv(out_csv, index=False)
    return len(df), int((code != "").sum())


SQL = """
WITH p AS (
  SELECT {number} AS n, id,
         TRY_CAST(lat AS DOUBLE) AS lat, TRY_CAST(lon AS DOUBLE) AS lon
  FROM points
), g AS (
  SELECT n, id, {transform} AS pt FROM p WHERE lat IS NOT NULL AND lon IS NOT NULL
), j AS (
  SELECT g.n, b.code, b.lwa FROM g JOIN buurten b ON ST_Within(g.pt, b.geom)
)
SELECT p.id, j.code AS buurt, j.lwa FROM p LEFT JOIN j ON p.n = j.n ORDER BY p.n
"""


def spatial_extension():
    """The spatial extension as the PyPI package `duckdb-ext-spatial` ships it (no network)."""
    import glob
    import os
    import duckdb

    site = os.path.dirname(os.path.dirname(duckdb.__file__))
    found = glob.glob(os.path.join(site, "duckdb_ext", "extensions", "*", "*", "spatial.duckdb_extension"))
    if not found:
        sys.exit("pip install duckdb-ext-spatial (DuckDB's spatial extension) first")
    return found[0]


def duckdb_engine(points_csv, buurt_path, out_csv):
    import duckdb

    con = duckdb.connect()
    con.execute(f"LOAD '{spatial_extension()}'")
    con.execute(
        f"CREATE VIEW points AS SELECT * FROM read_csv('{points_csv}', all_varchar = true)"
    )
    con.execute("CREATE TABLE buurten (code VARCHAR, lwa VARCHAR, geom GEOMETRY)")
    con.executemany(
        "INSERT INTO buurten VALUES (?, ?, ST_GeomFromGeoJSON(?))",
        [(c, l, json.dumps(g)) for c, l, g in buurten(buurt_path)],
    )
    transform = "ST_Transform(ST_Point(lon, lat), 'EPSG:4326', 'EPSG:28992', always_xy := true)"
    # DuckDB keeps a CSV scan's order, so the row number is the input line.
    sql = SQL.format(transform=transform, number="row_number() OVER ()")
    con.execute(f"COPY ({sql}) TO '{out_csv}' (HEADER, DELIMITER ',')")
    n, inside = con.execute(
        f"SELECT count(*), count(buurt) FROM read_csv('{out_csv}', all_varchar = true)"
    ).fetchone()
    return n, inside


def sedonadb_engine(points_csv, buurt_path, out_csv):
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import sedonadb
    import shapely.geometry

    sd = sedonadb.connect()
    schema = {"id": pa.string(), "lat": pa.string(), "lon": pa.string()}
    table = pacsv.read_csv(
        points_csv,
        convert_options=pacsv.ConvertOptions(column_types=schema, include_columns=list(schema)),
    )
    # DataFusion scans in parallel partitions: the input order is numbered before it enters.
    table = table.append_column("n", pa.array(range(table.num_rows), pa.int64()))
    sd.create_data_frame(table).to_view("points")
    rows = buurten(buurt_path)
    b = pa.table(
        {
            "code": [r[0] for r in rows],
            "lwa": [r[1] for r in rows],
            "wkt": [shapely.geometry.shape(r[2]).wkt for r in rows],
        }
    )
    sd.create_data_frame(b).to_view("buurten_raw")
    sd.sql(
        "SELECT code, lwa, ST_SetSRID(ST_GeomFromText(wkt), 28992) AS geom FROM buurten_raw"
    ).to_view("buurten")
    transform = "ST_Transform(ST_SetSRID(ST_Point(lon, lat), 4326), 'EPSG:28992')"
    out = sd.sql(SQL.format(transform=transform, number="n")).to_arrow_table()
    pacsv.write_csv(out, out_csv, pacsv.WriteOptions(quoting_style="none"))
    return out.num_rows, out.num_rows - out.column("buurt").null_count


def main():
    engine, points_csv, buurt_path, out_csv = sys.argv[1:5]
    t0 = time.perf_counter()
    n, inside = {
        "shapely": shapely_engine,
        "duckdb": duckdb_engine,
        "sedonadb": sedonadb_engine,
    }[engine](points_csv, buurt_path, out_csv)
    print(f"{engine}: {n} rows, {inside} inside, {time.perf_counter() - t0:.2f} s in process")


if __name__ == "__main__":
    main()
