//! GeoJSON input for batch classification: a FeatureCollection (RFC 7946) or newline-delimited
//! features (one Feature per line, as GDAL's GeoJSONSeq and most "ndjson" exports write them).
//!
//! Every feature comes out once, in order, with the same members in the same order and their
//! values byte for byte as given (each member is kept as raw JSON, never re-encoded);
//! `properties` gains the nine classification members after its own (a name already in use
//! gets the prefix `wijkwijzer_`, so nothing is overwritten). A line of newline-delimited input
//! that is not a Feature passes through unchanged and is counted as `bad_feature`.
//! Newline-delimited input streams in chunks like CSV; a FeatureCollection is one JSON
//! document and is read whole, its features classified in parallel.

use std::io::{Read, Write};

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{
    ADDED_COLUMNS, Chunker, Classifier, ClassifyError, Counts, Encoding, Options, Out, Source,
    Summary, pipeline, records,
};
use crate::crs::{Crs, Rd};
use crate::query::{check_projected, check_wgs84};
use crate::resolve::Resolver;

/// A JSON object's members in document order, each value as its raw text.
struct Members(Vec<(String, Box<RawValue>)>);

impl Members {
    fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Members, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

fn push_json_string(out: &mut Vec<u8>, s: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Writes an object with the members in order; `replace` swaps (or adds) one member's value.
fn write_members(out: &mut Vec<u8>, members: &[(String, Box<RawValue>)], replace: (&str, &[u8])) {
    out.push(b'{');
    let mut replaced = false;
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json_string(out, k);
        out.push(b':');
        if k == replace.0 {
            out.extend_from_slice(replace.1);
            replaced = true;
        } else {
            out.extend_from_slice(v.get().as_bytes());
        }
    }
    if !replaced {
        if !members.is_empty() {
            out.push(b',');
        }
        push_json_string(out, replace.0);
        out.push(b':');
        out.extend_from_slice(replace.1);
    }
    out.push(b'}');
}

/// The CRS a FeatureCollection's (pre-RFC 7946) `crs` member names, if any.
fn named_crs(doc: &Members) -> Option<Crs> {
    let crs: serde_json::Value = serde_json::from_str(doc.get("crs")?.get()).ok()?;
    let name = crs.pointer("/properties/name")?.as_str()?;
    let code = name.rsplit(':').next()?;
    Crs::parse(&format!("EPSG:{code}")).ok()
}

/// Classifies GeoJSON: a FeatureCollection or newline-delimited Features.
pub fn classify_geojson<R: Read, W: Write>(
    resolver: &Resolver,
    mut input: R,
    output: W,
    opts: &Options,
    mut progress: impl FnMut(u64, u64),
) -> Result<Summary, ClassifyError> {
    let mut output = std::io::BufWriter::with_capacity(1 << 20, output);
    let mut reader = Chunker::default();
    let Some(chunk) = reader.next_chunk(&mut input)? else {
        return Err(ClassifyError::Empty);
    };
    let first_line = records(chunk.records(), false)
        .map(|(raw, _)| raw)
        .find(|raw| !raw.trim_ascii().is_empty())
        .unwrap_or_default();
    let newline_delimited = serde_json::from_slice::<Members>(trim_json(first_line))
        .ok()
        .is_some_and(|m| m.get("type").map(|t| t.get()) == Some("\"Feature\""));
    let mut summary = Summary {
        delimiter: String::new(),
        encoding: "UTF-8".into(),
        ..Summary::default()
    };
    if newline_delimited {
        let crs = opts.crs.unwrap_or(Crs::Wgs84);
        let c = Classifier::new(
            resolver,
            Source::Geometry(crs),
            b',',
            Encoding::Utf8,
            opts.audience,
        );
        summary.columns = format!("newline-delimited GeoJSON, Point geometry ({crs})");
        let counts = pipeline(
            &mut reader,
            chunk,
            &mut input,
            &mut output,
            c.areas.len(),
            &mut progress,
            |piece, bytes, counts| {
                for (raw, ending) in records(piece, false) {
                    if raw.trim_ascii().is_empty() {
                        bytes.extend_from_slice(raw);
                    } else {
                        let out = c.feature(trim_json(raw), crs, bytes).unwrap_or_else(|| {
                            bytes.extend_from_slice(raw);
                            Out {
                                status: "bad_feature",
                                area: None,
                            }
                        });
                        counts.count(&out);
                    }
                    bytes.extend_from_slice(ending);
                }
            },
        )?;
        c.finish(&mut summary, counts);
        return Ok(summary);
    }

    // One document: read it whole.
    let mut all = chunk.bytes;
    all.append(&mut reader.carry);
    input.read_to_end(&mut all).map_err(ClassifyError::Read)?;
    let not_geojson = ClassifyError::NotGeoJson;
    let doc: Members =
        serde_json::from_slice(trim_json(&all)).map_err(|e| not_geojson(e.to_string()))?;
    if doc.get("type").map(|t| t.get()) != Some("\"FeatureCollection\"") {
        return Err(not_geojson("its type is not \"FeatureCollection\"".into()));
    }
    let features: Vec<Box<RawValue>> = match doc.get("features") {
        Some(f) => {
            serde_json::from_str(f.get()).map_err(|e| not_geojson(format!("features: {e}")))?
        }
        None => Vec::new(),
    };
    let crs = opts.crs.or_else(|| named_crs(&doc)).unwrap_or(Crs::Wgs84);
    let c = Classifier::new(
        resolver,
        Source::Geometry(crs),
        b',',
        Encoding::Utf8,
        opts.audience,
    );
    summary.columns = format!("GeoJSON FeatureCollection, Point geometry ({crs})");
    let parts: Vec<(Vec<u8>, Out)> = features
        .par_iter()
        .with_min_len(256)
        .map(|f| {
            let mut bytes = Vec::with_capacity(f.get().len() + 400);
            let out = c
                .feature(f.get().as_bytes(), crs, &mut bytes)
                .unwrap_or_else(|| {
                    bytes.clear();
                    bytes.extend_from_slice(f.get().as_bytes());
                    Out {
                        status: "bad_feature",
                        area: None,
                    }
                });
            (bytes, out)
        })
        .collect();
    let mut list = Vec::with_capacity(parts.iter().map(|(b, _)| b.len() + 2).sum::<usize>() + 4);
    list.extend_from_slice(b"[\n");
    let mut counts = Counts::new(c.areas.len());
    for (i, (bytes, out)) in parts.iter().enumerate() {
        if i > 0 {
            list.extend_from_slice(b",\n");
        }
        list.extend_from_slice(bytes);
        counts.count(out);
    }
    list.extend_from_slice(b"\n]");
    let mut document = Vec::with_capacity(list.len() + 1024);
    write_members(&mut document, &doc.0, ("features", &list));
    document.push(b'\n');
    output.write_all(&document).map_err(ClassifyError::Write)?;
    output.flush().map_err(ClassifyError::Write)?;
    progress(all.len() as u64, counts.rows);
    c.finish(&mut summary, counts);
    Ok(summary)
}

/// Without a byte-order mark or the record separator of RFC 8142 sequences.
fn trim_json(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    raw.strip_prefix(b"\x1e").unwrap_or(raw).trim_ascii()
}

impl Classifier<'_> {
    /// Writes one feature with the classification added to its properties; `None` when the
    /// text is not a GeoJSON Feature (nothing is written then).
    fn feature(&self, raw: &[u8], crs: Crs, out: &mut Vec<u8>) -> Option<Out> {
        let members: Members = serde_json::from_slice(raw).ok()?;
        if members.get("type").map(|t| t.get()) != Some("\"Feature\"") {
            return None;
        }
        let props = match members.get("properties").map(|p| p.get()) {
            None | Some("null") => Members(Vec::new()),
            Some(p) => serde_json::from_str::<Members>(p).ok()?,
        };
        let place = self.geometry_place(members.get("geometry"), crs);
        let mut values: [Option<&str>; 9] = [None; 9];
        let message;
        let result = match place {
            Ok(p) => match self.verdict(p) {
                Some((area, cols, boundary)) => {
                    for (slot, v) in values.iter_mut().zip(&cols.values[..4]) {
                        *slot = Some(v);
                    }
                    values[4] = Some(if boundary { "boundary" } else { "inside" });
                    values[5] = Some(&cols.values[4]);
                    values[6] = Some(&cols.values[5]);
                    Out {
                        status: "ok",
                        area: Some(area),
                    }
                }
                None => {
                    values[4] = Some("outside");
                    message = format!("outside the covered area ({})", self.coverage_name());
                    values[8] = Some(&message);
                    Out {
                        status: "outside",
                        area: None,
                    }
                }
            },
            Err((status, m)) => {
                message = m;
                values[8] = Some(&message);
                Out { status, area: None }
            }
        };
        values[7] = Some(result.status);
        let mut new_props = Vec::with_capacity(256);
        new_props.push(b'{');
        for (i, (k, v)) in props.0.iter().enumerate() {
            if i > 0 {
                new_props.push(b',');
            }
            push_json_string(&mut new_props, k);
            new_props.push(b':');
            new_props.extend_from_slice(v.get().as_bytes());
        }
        for (i, (name, value)) in ADDED_COLUMNS.iter().zip(values).enumerate() {
            if i > 0 || !props.0.is_empty() {
                new_props.push(b',');
            }
            if props.get(name).is_some() {
                push_json_string(&mut new_props, &format!("wijkwijzer_{name}"));
            } else {
                push_json_string(&mut new_props, name);
            }
            new_props.push(b':');
            match value.filter(|v| !v.is_empty()) {
                Some(v) => push_json_string(&mut new_props, v),
                None => new_props.extend_from_slice(b"null"),
            }
        }
        new_props.push(b'}');
        write_members(out, &members.0, ("properties", &new_props));
        Some(result)
    }

    /// A feature's Point in RD, or why it has none.
    fn geometry_place(
        &self,
        geometry: Option<&RawValue>,
        crs: Crs,
    ) -> Result<Rd, (&'static str, String)> {
        let Some(g) = geometry.filter(|g| g.get() != "null") else {
            return Err(("missing_place", "the feature has no geometry".into()));
        };
        let g: serde_json::Value = serde_json::from_str(g.get()).map_err(|e| {
            (
                "bad_coordinate",
                format!("the geometry is not valid JSON: {e}"),
            )
        })?;
        match g.get("type").and_then(|t| t.as_str()) {
            Some("Point") => {}
            Some(t) => {
                return Err((
                    "bad_coordinate",
                    format!("the geometry is a {t}; only Point features are placed"),
                ));
            }
            None => return Err(("bad_coordinate", "the geometry has no type".into())),
        }
        let xy: Vec<f64> = g
            .get("coordinates")
            .and_then(|c| c.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default();
        let [x, y, ..] = xy[..] else {
            return Err((
                "bad_coordinate",
                "the Point has fewer than two numbers".into(),
            ));
        };
        let bad = |e: crate::query::QueryError| ("bad_coordinate", e.to_string());
        match crs {
            // RFC 7946: longitude, latitude.
            Crs::Wgs84 => Ok(self.local.to_rd(check_wgs84(y, x).map_err(bad)?)),
            other => check_projected(x, y, other).map_err(bad),
        }
    }

    fn coverage_name(&self) -> &str {
        &self.resolver.data().manifest.coverage_name
    }
}
