//! Query parameters: each known one at most once, unknown ones refused with a hint.

use std::collections::BTreeMap;

use super::problem::ApiError;
use super::problem::Kind;
use crate::crs::{Crs, transformer};
use crate::query::{self, QueryError};
use crate::resolve::{AsOfError, On, Resolver};
use crate::t;

/// The day asked for with `as_of` (removed from `p`), as the resolver's answers for that day.
pub fn as_of<'a>(
    p: &mut BTreeMap<&'static str, String>,
    resolver: &'a Resolver,
) -> Result<On<'a>, ApiError> {
    resolver
        .as_of(p.remove("as_of").as_deref())
        .map_err(|e| as_of_error(&e, resolver))
}

/// `as_of` refused: unreadable (400 bad-parameter) or before the data (400 date-not-covered),
/// with the periods the data covers.
pub fn as_of_error(e: &AsOfError, resolver: &Resolver) -> ApiError {
    let kind = match e {
        AsOfError::Malformed(_) => Kind::BadParameter,
        AsOfError::NotCovered(_) => Kind::DateNotCovered,
    };
    ApiError::new(kind, format!("as_of: {e}"))
        .with("covered", serde_json::json!(resolver.periods()))
}

/// Query parameters, each at most once, only the known ones.
pub fn params(
    raw: Option<String>,
    allowed: &[&'static str],
) -> Result<BTreeMap<&'static str, String>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| {
            ApiError::new(
                Kind::MalformedQuery,
                t!("http-malformed-query", error = e.to_string()),
            )
        })?;
    let mut out = BTreeMap::new();
    for (k, v) in pairs {
        let Some(name) = allowed.iter().find(|a| **a == k) else {
            let hint = match k.to_ascii_lowercase().as_str() {
                "lng" | "long" | "longitude" => Some("lon"),
                "latitude" => Some("lat"),
                "srs" | "epsg" | "srid" | "srsname" => Some("crs"),
                _ => None,
            };
            // Otherwise the closest known name, if it is a typo away.
            let hint = hint
                .filter(|h| allowed.contains(h))
                .or_else(|| query::closest_name(&k, allowed.iter().copied()));
            return Err(QueryError::UnknownParameter {
                name: k,
                hint,
                known: allowed.to_vec(),
            }
            .into());
        };
        if out.insert(*name, v).is_some() {
            return Err(ApiError::new(
                Kind::RepeatedParameter,
                t!("http-repeated-parameter", name = *name),
            ));
        }
    }
    Ok(out)
}

fn required<'a>(
    p: &'a BTreeMap<&str, String>,
    name: &'static str,
    hint: &str,
) -> Result<&'a str, QueryError> {
    p.get(name).map(String::as_str).ok_or(QueryError::Missing {
        param: name,
        hint: hint.to_string(),
    })
}

/// Reads the point of a lookup from `lat`/`lon` or `x`/`y`/`crs` and returns it in RD.
pub fn point_from(p: &BTreeMap<&str, String>) -> Result<crate::crs::Rd, QueryError> {
    let geographic = p.contains_key("lat") || p.contains_key("lon");
    let projected = p.contains_key("x") || p.contains_key("y");
    match (geographic, projected) {
        (true, true) => Err(QueryError::Conflicting),
        (false, false) => Err(QueryError::Missing {
            param: "lat",
            hint: t!("http-point-missing"),
        }),
        (true, false) => {
            if p.contains_key("crs") {
                let crs =
                    Crs::parse(&p["crs"]).map_err(|e| QueryError::UnknownCrs { value: e.0 })?;
                if crs != Crs::Wgs84 {
                    return Err(QueryError::UnknownCrs {
                        value: format!(
                            "{} ({})",
                            p["crs"],
                            t!("http-lat-lon-always-wgs84", crs = crs.to_string())
                        ),
                    });
                }
            }
            let together = t!("http-lat-lon-together");
            let lat = query::parse_number("lat", required(p, "lat", &together)?)?;
            let lon = query::parse_number("lon", required(p, "lon", &together)?)?;
            Ok(transformer().wgs84_to_rd(query::check_wgs84(lat, lon)?))
        }
        (false, true) => {
            let crs = match p.get("crs") {
                Some(c) => Crs::parse(c).map_err(|e| QueryError::UnknownCrs { value: e.0 })?,
                None => Crs::RdNew,
            };
            let together = t!("http-x-y-together");
            let x = query::parse_number("x", required(p, "x", &together)?)?;
            let y = query::parse_number("y", required(p, "y", &together)?)?;
            query::check_projected(x, y, crs)
        }
    }
}
