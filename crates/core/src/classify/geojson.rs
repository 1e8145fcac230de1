//! GeoJSON input for batch classification: a FeatureCollection (RFC 7946) or newline-delimited
//! features (one Feature per line, as GDAL's GeoJSONSeq and most "ndjson" exports write them).
//!
//! Every feature comes out once, in order, with the same members in the same order and their
//! values byte for byte as given (each member is kept as raw JSON, never re-encoded);
//! `properties` gains the chosen classification members after its own (the point's
//! coordinates as numbers) (a name already in use
//! gets the prefix `wijkwijzer_`, so nothing is overwritten). A line of newline-delimited input
//! that is not a Feature passes through unchanged and is counted as `bad_feature`.
//! Newline-delimited input streams in chunks like CSV; a FeatureCollection is one JSON
//! document and is read whole, its features classified in parallel.

use std::io::{Read, Write};

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::cell::Encoding;
use super::chunk::{Chunker, Counts, Newline, pipeline, records};
use super::columns::Places;
use super::row::{Cell, Classifier, Located, Refusal, Status, bad_coordinate, missing};
use super::{ClassifyError, Options, Summary, finish, output_columns};
use crate::crs::Crs;
use crate::resolve::{On, Resolver};
use crate::t;

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
    let on = super::on_day(resolver, opts)?;
    let mut output = std::io::BufWriter::with_capacity(1 << 20, output);
    let mut reader = Chunker {
        cancel: opts.cancel.clone(),
        // JSON's own whitespace may hold a `\r`; records of newline-delimited GeoJSON end in `\n`.
        newline: Some(Newline::Lf),
        ..Chunker::default()
    };
    let Some(chunk) = reader.next_chunk(&mut input)? else {
        return Err(ClassifyError::Empty);
    };
    let first_line = records(chunk.records(), false, chunk.newline)
        .map(|(raw, _)| raw)
        .find(|raw| !raw.trim_ascii().is_empty())
        .unwrap_or_default();
    let newline_delimited = serde_json::from_slice::<Members>(trim_json(first_line))
        .ok()
        .is_some_and(|m| m.get("type").map(|t| t.get()) == Some("\"Feature\""));
    let mut summary = Summary {
        delimiter: String::new(),
        encoding: "UTF-8".into(),
        decimal: "point".into(),
        ..Summary::default()
    };
    if newline_delimited {
        let crs = opts
            .columns
            .crs()
            .map_err(ClassifyError::Columns)?
            .unwrap_or(Crs::Wgs84);
        let c = geometry_classifier(on, opts)?;
        summary.columns = t!("columns-geojson-seq", crs = crs.to_string());
        let counts = pipeline(
            &mut reader,
            chunk,
            &mut input,
            &mut output,
            c.coverage_areas(),
            &mut progress,
            |piece, bytes, counts| {
                let mut buffer = vec![None; c.layers];
                for (raw, ending) in
                    records(piece, false, Newline::Lf).take_while(|_| !opts.cancel.is_set())
                {
                    if raw.trim_ascii().is_empty() {
                        bytes.extend_from_slice(raw);
                    } else if !c.feature(trim_json(raw), crs, bytes, &mut buffer, counts) {
                        bytes.extend_from_slice(raw);
                        counts.count(Status::BadFeature, None, None);
                    }
                    bytes.extend_from_slice(ending);
                }
            },
        )?;
        finish(&c, &mut summary, counts);
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
        return Err(not_geojson(t!("classify-not-a-feature-collection")));
    }
    let features: Vec<Box<RawValue>> = match doc.get("features") {
        Some(f) => {
            serde_json::from_str(f.get()).map_err(|e| not_geojson(format!("features: {e}")))?
        }
        None => Vec::new(),
    };
    let crs = opts
        .columns
        .crs()
        .map_err(ClassifyError::Columns)?
        .or_else(|| named_crs(&doc))
        .unwrap_or(Crs::Wgs84);
    let c = geometry_classifier(on, opts)?;
    summary.columns = t!("columns-geojson", crs = crs.to_string());
    let lang = crate::text::current();
    let parts: Vec<(Vec<u8>, Counts)> = features
        .par_iter()
        .with_min_len(256)
        .map(|f| {
            crate::text::sync_scope(lang, || {
                let mut bytes = Vec::with_capacity(f.get().len() + 400);
                let mut counts = Counts::new(c.coverage_areas());
                let mut buffer = vec![None; c.layers];
                if !c.feature(
                    f.get().as_bytes(),
                    crs,
                    &mut bytes,
                    &mut buffer,
                    &mut counts,
                ) {
                    bytes.clear();
                    bytes.extend_from_slice(f.get().as_bytes());
                    counts.count(Status::BadFeature, None, None);
                }
                (bytes, counts)
            })
        })
        .collect();
    opts.cancel.check()?;
    let mut list = Vec::with_capacity(parts.iter().map(|(b, _)| b.len() + 2).sum::<usize>() + 4);
    list.extend_from_slice(b"[\n");
    let mut counts = Counts::new(c.coverage_areas());
    for (i, (bytes, part)) in parts.iter().enumerate() {
        if i > 0 {
            list.extend_from_slice(b",\n");
        }
        list.extend_from_slice(bytes);
        counts.add(part);
    }
    list.extend_from_slice(b"\n]");
    let mut document = Vec::with_capacity(list.len() + 1024);
    write_members(&mut document, &doc.0, ("features", &list));
    document.push(b'\n');
    output.write_all(&document).map_err(ClassifyError::Write)?;
    output.flush().map_err(ClassifyError::Write)?;
    progress(all.len() as u64, counts.rows);
    finish(&c, &mut summary, counts);
    Ok(summary)
}

/// A classifier that places features by their geometry (no place columns).
fn geometry_classifier<'a>(on: On<'a>, opts: &Options) -> Result<Classifier<'a>, ClassifyError> {
    let places = Places {
        list: Vec::new(),
        names: Vec::new(),
        notes: Vec::new(),
    };
    let mut c = Classifier::new(
        on,
        places,
        b',',
        Encoding::Utf8,
        opts.audience,
        output_columns(on.resolver(), opts)?,
    );
    c.strict_inside = opts.columns.strict_inside;
    Ok(c)
}

/// Without a byte-order mark or the record separator of RFC 8142 sequences.
fn trim_json(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    raw.strip_prefix(b"\x1e").unwrap_or(raw).trim_ascii()
}

impl Classifier<'_> {
    /// Writes one feature with the classification added to its properties and counts it;
    /// `false` when the text is not a GeoJSON Feature (nothing is written then).
    fn feature(
        &self,
        raw: &[u8],
        crs: Crs,
        out: &mut Vec<u8>,
        buffer: &mut [Option<crate::index::Hit>],
        counts: &mut Counts,
    ) -> bool {
        let Ok(members) = serde_json::from_slice::<Members>(raw) else {
            return false;
        };
        if members.get("type").map(|t| t.get()) != Some("\"Feature\"") {
            return false;
        }
        let props = match members.get("properties").map(|p| p.get()) {
            None | Some("null") => Members(Vec::new()),
            Some(p) => match serde_json::from_str::<Members>(p) {
                Ok(m) => m,
                Err(_) => return false,
            },
        };
        let answer = self.answer(self.geometry_place(members.get("geometry"), crs), buffer);
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
        let mut names = self.output.columns.iter().map(|(_, n)| n);
        let mut first = props.0.is_empty();
        self.cells(&answer, |cell| {
            let name = names.next().map(String::as_str).unwrap_or_default();
            if !first {
                new_props.push(b',');
            }
            first = false;
            if props.get(name).is_some() {
                push_json_string(&mut new_props, &format!("wijkwijzer_{name}"));
            } else {
                push_json_string(&mut new_props, name);
            }
            new_props.push(b':');
            match cell {
                Cell::Empty | Cell::Word("") => new_props.extend_from_slice(b"null"),
                Cell::Word(w) => push_json_string(&mut new_props, w),
                Cell::Cached(_, "") => new_props.extend_from_slice(b"null"),
                Cell::Cached(_, t) => push_json_string(&mut new_props, t),
                Cell::Text(t) if t.is_empty() => new_props.extend_from_slice(b"null"),
                Cell::Text(t) => push_json_string(&mut new_props, &t),
                Cell::Number(v) => {
                    // Writing into a Vec cannot fail; v is finite (a checked coordinate).
                    let _ = serde_json::to_writer(&mut new_props, &v);
                }
            }
        });
        new_props.push(b'}');
        write_members(out, &members.0, ("properties", &new_props));
        counts.count(
            answer.status,
            answer.located.as_ref().map(|l| l.source),
            answer.area(),
        );
        true
    }

    /// A feature's Point, or why it has none.
    fn geometry_place(&self, geometry: Option<&RawValue>, crs: Crs) -> Result<Located, Refusal> {
        let Some(g) = geometry.filter(|g| g.get() != "null") else {
            return Err(missing(t!("row-no-geometry")));
        };
        let g: serde_json::Value = serde_json::from_str(g.get())
            .map_err(|e| bad_coordinate(t!("row-geometry-not-json", error = e.to_string())))?;
        match g.get("type").and_then(|t| t.as_str()) {
            Some("Point") => {}
            Some(t) => {
                return Err(bad_coordinate(t!("row-not-a-point", kind = t)));
            }
            None => return Err(bad_coordinate(t!("row-geometry-without-type"))),
        }
        let xy: Vec<f64> = g
            .get("coordinates")
            .and_then(|c| c.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default();
        let [x, y, ..] = xy[..] else {
            return Err(bad_coordinate(t!("row-point-too-short")));
        };
        self.point(x, y, crs)
    }
}
