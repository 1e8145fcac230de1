//! OGC API – Features (Part 1 Core with GeoJSON, Part 2 CRS by reference) under `/ogc`, so
//! that QGIS, ArcGIS, GDAL/OGR and web-map plugins read the areas as they read PDOK's layers:
//! one collection per layer, paged items with `bbox`, in CRS84 (the default) or RD New.
//!
//! Features are the areas with the properties `/v1/areas` gives them (codes, names, parents,
//! the contacts the caller may see). Links are absolute, made from the request's `Host` (and
//! `X-Forwarded-Proto`/`X-Forwarded-Host` from a trusted proxy), as clients follow them as given.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock};

use axum::extract::{ConnectInfo, Path, RawQuery};

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router, routing::get};
use geo::{BoundingRect, Intersects};
use serde_json::{Value, json};

use super::area_json::area_feature;
use super::params::{as_of, params};
use super::problem::{ApiError, Kind};
use super::schema::{OgcItemParams, OgcItemsParams, OgcParams, Problem, query_names};
use super::state::{AppState, Served};
use crate::auth::Caller;
use crate::crs::{Rd, Wgs84, transformer};
use crate::geodata::{Area, Layer};
use crate::resolve::On;
use crate::t;

/// The CRS of GeoJSON without a `crs` parameter: WGS84 longitude, latitude.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// RD New, the CRS the areas are stored in.
pub const RD_NEW: &str = "http://www.opengis.net/def/crs/EPSG/0/28992";

const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 1000;

/// The routes under `/ogc`.
pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/collections", get(collections))
        .route("/ogc/collections/{collectionId}", get(collection))
        .route("/ogc/collections/{collectionId}/items", get(items))
        .route(
            "/ogc/collections/{collectionId}/items/{featureId}",
            get(item),
        )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OutCrs {
    Crs84,
    Rd,
}

impl OutCrs {
    fn uri(self) -> &'static str {
        match self {
            OutCrs::Crs84 => CRS84,
            OutCrs::Rd => RD_NEW,
        }
    }

    /// A CRS as OGC clients name it: the URI, its `[EPSG:28992]`-style safe CURIE, or the
    /// short names people type.
    fn parse(param: &str, value: &str) -> Result<OutCrs, ApiError> {
        let v = value.trim().trim_start_matches('[').trim_end_matches(']');
        let v = v.replace("https://", "http://");
        match v.to_ascii_uppercase().as_str() {
            "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84" | "OGC:CRS84" | "CRS84" => {
                Ok(OutCrs::Crs84)
            }
            "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/28992" | "EPSG:28992" => Ok(OutCrs::Rd),
            _ => Err(ApiError::new(
                Kind::BadParameter,
                t!(
                    "ogc-unknown-crs",
                    param = param,
                    value = value,
                    crs84 = CRS84,
                    rd = RD_NEW
                ),
            )),
        }
    }
}

/// The service's own address as the client reached it.
///
/// A configured `public-url` is the answer whenever it is set: otherwise a `Host` header, which
/// any client writes, decides the links of the answer (and of any cache in front of us).
fn base_url(app: &AppState, peer: Option<IpAddr>, headers: &HeaderMap) -> String {
    if let Some(public) = &app.config.public_url {
        return format!("{public}/ogc");
    }
    let header_str = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let trusted = peer.is_some_and(|ip| {
        let ip = ip.to_canonical();
        app.config.trusted_proxies.iter().any(|n| n.contains(&ip))
    });
    let forwarded = |name: &str| {
        trusted
            .then(|| header_str(name))
            .flatten()
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let scheme = forwarded("x-forwarded-proto").unwrap_or("http");
    let host = forwarded("x-forwarded-host")
        .or_else(|| header_str("host"))
        .unwrap_or("localhost");
    format!("{scheme}://{host}/ogc")
}

fn json_response(body: Value, content_type: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body.to_string(),
    )
        .into_response()
}

fn no_params(raw: Option<String>) -> Result<(), ApiError> {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<OgcParams>);
    let p = params(raw, &NAMES)?;
    json_only(p.get("f"))
}

/// `f=json` is how some clients ask for JSON; it is the only encoding here.
fn json_only(f: Option<&String>) -> Result<(), ApiError> {
    match f.map(String::as_str) {
        None | Some("json") | Some("application/json") => Ok(()),
        Some(other) => Err(ApiError::new(
            Kind::BadParameter,
            t!("ogc-unknown-encoding", value = other),
        )),
    }
}

/// The service's `/ogc` address as the client reached it, for the links.
pub(super) struct Base(String);

impl axum::extract::FromRequestParts<Arc<AppState>> for Base {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &Arc<AppState>,
    ) -> Result<Base, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Base(base_url(app, peer, &parts.headers)))
    }
}

#[utoipa::path(get, path = "/ogc", tag = "ogc", summary = "OGC API Features: landing page",
    params(OgcParams),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub(super) async fn landing(
    Base(base): Base,
    Extension(s): Extension<Arc<Served>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params(raw)?;
    let root = base.trim_end_matches("/ogc");
    let data = s.resolver.data();
    let name = &data.municipality.name;
    let layers: Vec<&str> = data.layers.iter().map(|l| l.info.title.as_str()).collect();
    Ok(json_response(
        json!({
            "title": format!("wijkwijzer: gebieden van {name}"),
            "description": format!(
                "The areas of {name} ({}) with who is responsible in each, as OGC API – Features",
                layers.join("; ")
            ),
            "links": [
                {"rel": "self", "type": "application/json", "title": "This document", "href": base},
                {"rel": "service-desc", "type": "application/vnd.oai.openapi+json;version=3.0", "title": "The API definition", "href": format!("{root}/openapi.json")},
                {"rel": "conformance", "type": "application/json", "title": "Conformance classes", "href": format!("{base}/conformance")},
                {"rel": "data", "type": "application/json", "title": "Collections", "href": format!("{base}/collections")},
            ]
        }),
        "application/json",
    ))
}

#[utoipa::path(get, path = "/ogc/conformance", tag = "ogc", summary = "OGC API Features: conformance classes",
    params(OgcParams),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub(super) async fn conformance(RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    no_params(raw)?;
    Ok(json_response(
        json!({"conformsTo": [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        ]}),
        "application/json",
    ))
}

fn layer<'a>(d: &'a crate::geodata::Geodata, id: &str) -> Result<(usize, &'a Layer), ApiError> {
    d.layers
        .iter()
        .enumerate()
        .find(|(_, l)| l.info.id == id)
        .ok_or_else(|| {
            let known: Vec<&str> = d.layers.iter().map(|l| l.info.id.as_str()).collect();
            ApiError::new(
                Kind::UnknownCollection,
                t!("ogc-unknown-collection", id = id, known = known.join(", ")),
            )
        })
}

fn collection_json(s: &Served, layer: &Layer, base: &str) -> Value {
    let id = &layer.info.id;
    let t = transformer();
    let bbox = layer
        .areas
        .iter()
        .filter_map(|a| a.geometry.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                geo::coord! {x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y)},
                geo::coord! {x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y)},
            )
        });
    let extent = bbox.map(|r| {
        // The corners of the RD box are not the extremes in longitude and latitude; all four
        // are taken, which is close enough for an extent (the lines bend by centimetres).
        let corners = [
            (r.min().x, r.min().y),
            (r.min().x, r.max().y),
            (r.max().x, r.min().y),
            (r.max().x, r.max().y),
        ]
        .map(|(x, y)| t.rd_to_wgs84(Rd { x, y }));
        let lons = corners.iter().map(|w| w.lon);
        let lats = corners.iter().map(|w| w.lat);
        let r7 = |v: f64| (v * 1e7).round() / 1e7;
        json!({"spatial": {
            "bbox": [[
                r7(lons.clone().fold(f64::INFINITY, f64::min)),
                r7(lats.clone().fold(f64::INFINITY, f64::min)),
                r7(lons.fold(f64::NEG_INFINITY, f64::max)),
                r7(lats.fold(f64::NEG_INFINITY, f64::max)),
            ]],
            "crs": CRS84,
        }})
    });
    let meta = s.resolver.today().meta();
    json!({
        "id": id,
        "title": layer.info.title,
        "description": format!("{} ({} areas); {}", layer.info.title, layer.areas.len(), meta.attribution),
        "itemType": "feature",
        "crs": [CRS84, RD_NEW],
        "storageCrs": RD_NEW,
        "extent": extent,
        "links": [
            {"rel": "self", "type": "application/json", "href": format!("{base}/collections/{id}")},
            {"rel": "items", "type": "application/geo+json", "title": "The areas", "href": format!("{base}/collections/{id}/items")},
            {"rel": "license", "type": "text/html", "title": meta.licence, "href": "https://creativecommons.org/licenses/by/4.0/"},
        ]
    })
}

#[utoipa::path(get, path = "/ogc/collections", tag = "ogc", summary = "OGC API Features: one collection per layer",
    params(OgcParams),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub(super) async fn collections(
    Base(base): Base,
    Extension(s): Extension<Arc<Served>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params(raw)?;
    let list: Vec<Value> = s
        .resolver
        .today()
        .data()
        .layers
        .iter()
        .map(|l| collection_json(&s, l, &base))
        .collect();
    Ok(json_response(
        json!({
            "links": [{"rel": "self", "type": "application/json", "href": format!("{base}/collections")}],
            "crs": [CRS84, RD_NEW],
            "collections": list,
        }),
        "application/json",
    ))
}

#[utoipa::path(get, path = "/ogc/collections/{collectionId}", tag = "ogc", summary = "OGC API Features: one collection",
    params(("collectionId" = String, Path, description = "A layer id, as /ogc/collections lists them: e.g. wijk, buurt"), OgcParams),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub(super) async fn collection(
    Base(base): Base,
    Extension(s): Extension<Arc<Served>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params(raw)?;
    let (_, l) = layer(s.resolver.today().data(), &id)?;
    Ok(json_response(
        collection_json(&s, l, &base),
        "application/json",
    ))
}

/// An area's geometry in RD New, to the millimetre.
fn rd_geometry(area: &Area) -> Value {
    use geo::orient::{Direction, Orient};
    let r3 = |v: f64| (v * 1e3).round() / 1e3;
    let polys: Vec<Value> = area
        .geometry
        .orient(Direction::Default)
        .0
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|ring| {
                    ring.0
                        .iter()
                        .map(|c| json!([r3(c.x), r3(c.y)]))
                        .collect::<Value>()
                })
                .collect()
        })
        .collect();
    json!({"type": "MultiPolygon", "coordinates": polys})
}

fn feature(
    s: &Served,
    on: On<'_>,
    layer: usize,
    index: usize,
    crs: OutCrs,
    caller: &Caller,
) -> Value {
    let area = &on.data().layers[layer].areas[index];
    let geometry = match crs {
        OutCrs::Crs84 => s.wgs84_geometry(on, layer, index).into_owned(),
        OutCrs::Rd => rd_geometry(area),
    };
    area_feature(on, area, &geometry, caller.audience)
}

fn geojson(body: Value, crs: OutCrs) -> Response {
    let mut res = json_response(body, "application/geo+json");
    if let Ok(v) = HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        res.headers_mut().insert("content-crs", v);
    }
    res
}

/// The `bbox` as a polygon in RD New: a box in longitude/latitude is not a box in RD, so its
/// edges are followed with a point every tenth of the side.
fn bbox_polygon(value: &str, crs: OutCrs) -> Result<geo::Polygon<f64>, ApiError> {
    let numbers: Result<Vec<f64>, _> = value.split(',').map(|v| v.trim().parse::<f64>()).collect();
    let bad = |why: String| {
        ApiError::new(
            Kind::BadParameter,
            t!("ogc-bad-bbox", value = value, why = why),
        )
    };
    let n = numbers.map_err(|_| bad(t!("ogc-bbox-not-numbers")))?;
    let [x0, y0, x1, y1] = n[..] else {
        return Err(bad(t!("ogc-bbox-count", count = n.len())));
    };
    if !(x0 <= x1 && y0 <= y1) || n.iter().any(|v| !v.is_finite()) {
        return Err(bad(t!("ogc-bbox-inverted")));
    }
    if crs == OutCrs::Crs84 && (x0 < -180.0 || x1 > 180.0 || y0 < -90.0 || y1 > 90.0) {
        return Err(bad(t!("ogc-bbox-outside-the-world")));
    }
    // RD New is defined over the Netherlands only: a box in degrees is cut to a generous
    // envelope of the country first, so that `-180,-90,180,90` holds every area instead of
    // folding into nonsense far outside RD's domain. A box that misses it holds none.
    let (x0, y0, x1, y1) = if crs == OutCrs::Crs84 {
        let (lon, lat) = ((2.0, 8.0), (49.5, 54.0));
        let cut = (x0.max(lon.0), y0.max(lat.0), x1.min(lon.1), y1.min(lat.1));
        if cut.0 > cut.2 || cut.1 > cut.3 {
            return Ok(geo::Polygon::new(geo::LineString::new(Vec::new()), vec![]));
        }
        cut
    } else {
        (x0, y0, x1, y1)
    };
    let mut ring = Vec::new();
    let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    for w in corners.windows(2) {
        for k in 0..10 {
            let f = k as f64 / 10.0;
            let (x, y) = (
                w[0].0 + (w[1].0 - w[0].0) * f,
                w[0].1 + (w[1].1 - w[0].1) * f,
            );
            let rd = match crs {
                OutCrs::Rd => Rd { x, y },
                OutCrs::Crs84 => transformer().wgs84_to_rd(Wgs84 { lat: y, lon: x }),
            };
            ring.push(geo::coord! {x: rd.x, y: rd.y});
        }
    }
    Ok(geo::Polygon::new(geo::LineString::new(ring), vec![]))
}

#[utoipa::path(get, path = "/ogc/collections/{collectionId}/items", tag = "ogc",
    summary = "OGC API Features: the areas of a layer, paged, in CRS84 or RD New",
    params(("collectionId" = String, Path, description = "A layer id, as /ogc/collections lists them: e.g. wijk, buurt"), OgcItemsParams),
    responses((status = 200, description = "A GeoJSON FeatureCollection with paging links", body = Object, content_type = "application/geo+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub(super) async fn items(
    Base(base): Base,
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<OgcItemsParams>);
    let mut p = params(raw, &NAMES)?;
    json_only(p.get("f"))?;
    let day = p.get("as_of").cloned();
    let on = as_of(&mut p, &s.resolver)?;
    let (li, l) = layer(on.data(), &id)?;
    let number = |name: &str, default: usize, min: usize| -> Result<usize, ApiError> {
        match p.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= min)
                .ok_or_else(|| {
                    ApiError::new(
                        Kind::BadParameter,
                        t!("ogc-bad-number", name = name, value = v, min = min),
                    )
                }),
        }
    };
    // A limit above the maximum is served as the maximum, as the standard allows.
    let limit = number("limit", DEFAULT_LIMIT, 1)?.min(MAX_LIMIT);
    let offset = number("offset", 0, 0)?;
    let crs = p
        .get("crs")
        .map(|c| OutCrs::parse("crs", c))
        .transpose()?
        .unwrap_or(OutCrs::Crs84);
    let bbox_crs = p
        .get("bbox-crs")
        .map(|c| OutCrs::parse("bbox-crs", c))
        .transpose()?;
    if bbox_crs.is_some() && !p.contains_key("bbox") {
        return Err(ApiError::new(
            Kind::BadParameter,
            t!("ogc-bbox-crs-without-bbox"),
        ));
    }
    let bbox = p
        .get("bbox")
        .map(|b| bbox_polygon(b, bbox_crs.unwrap_or(OutCrs::Crs84)))
        .transpose()?;
    let matched: Vec<usize> = l
        .areas
        .iter()
        .enumerate()
        .filter(|(_, a)| bbox.as_ref().is_none_or(|b| a.geometry.intersects(b)))
        .map(|(i, _)| i)
        .collect();
    let features: Vec<Value> = matched
        .iter()
        .skip(offset)
        .take(limit)
        .map(|&i| feature(&s, on, li, i, crs, &caller))
        .collect();
    let page = |offset: usize| {
        let mut q = vec![("limit", limit.to_string()), ("offset", offset.to_string())];
        for name in ["bbox", "bbox-crs", "crs"] {
            if let Some(v) = p.get(name) {
                q.push((name, v.clone()));
            }
        }
        if let Some(day) = &day {
            q.push(("as_of", day.clone()));
        }
        let query = serde_urlencoded::to_string(&q).unwrap_or_default();
        format!("{base}/collections/{id}/items?{query}")
    };
    let mut links = vec![
        json!({"rel": "self", "type": "application/geo+json", "href": page(offset)}),
        json!({"rel": "collection", "type": "application/json", "href": format!("{base}/collections/{id}")}),
    ];
    // An offset near the largest number must not wrap round to a `next` link back to the start.
    if offset.saturating_add(limit) < matched.len() {
        links.push(
            json!({"rel": "next", "type": "application/geo+json", "href": page(offset.saturating_add(limit))}),
        );
    }
    if offset > 0 {
        links.push(json!({"rel": "prev", "type": "application/geo+json", "href": page(offset.saturating_sub(limit))}));
    }
    let stamp = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .ok()
        .map(|t| t.to_string());
    Ok(geojson(
        json!({
            "type": "FeatureCollection",
            "timeStamp": stamp,
            "numberMatched": matched.len(),
            "numberReturned": features.len(),
            "features": features,
            "links": links,
        }),
        crs,
    ))
}

#[utoipa::path(get, path = "/ogc/collections/{collectionId}/items/{featureId}", tag = "ogc",
    summary = "OGC API Features: one area",
    params(("collectionId" = String, Path, description = "A layer id, as /ogc/collections lists them: e.g. wijk, buurt"),
        ("featureId" = String, Path, description = "An area id, as the collection's items give it: e.g. a CBS buurtcode"), OgcItemParams),
    responses((status = 200, description = "A GeoJSON Feature", body = Object, content_type = "application/geo+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub(super) async fn item(
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    Path((id, fid)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<OgcItemParams>);
    let mut p = params(raw, &NAMES)?;
    json_only(p.get("f"))?;
    let on = as_of(&mut p, &s.resolver)?;
    let crs = p
        .get("crs")
        .map(|c| OutCrs::parse("crs", c))
        .transpose()?
        .unwrap_or(OutCrs::Crs84);
    let (li, l) = layer(on.data(), &id)?;
    let Some(i) = l.areas.iter().position(|a| a.id == fid) else {
        return Err(ApiError::new(
            Kind::UnknownArea,
            t!("ogc-unknown-feature", id = id, feature = fid),
        ));
    };
    Ok(geojson(feature(&s, on, li, i, crs, &caller), crs))
}
