//! Query parameters: each known one at most once, unknown ones refused with a hint.

use std::collections::BTreeMap;

use super::problem::ApiError;
use super::problem::Kind;
use super::schema::LookupParams;
use crate::crs::{Crs, transformer};
use crate::query::{self, AddressQuery, Place, QueryError};
use crate::resolve::{AsOfError, On, Resolver};
use crate::t;

/// The day asked for with `as_of` (removed from `p`), as the resolver's answers for that day.
pub fn as_of<'a>(
    p: &mut BTreeMap<&'static str, String>,
    resolver: &'a Resolver,
) -> Result<On<'a>, ApiError> {
    let asked = day(p.remove("as_of").as_deref(), resolver)?;
    resolver.as_of(asked).map_err(|e| as_of_error(&e, resolver))
}

/// An `as_of` value as the day it names; unreadable, a 400 saying what the data covers.
pub fn day(text: Option<&str>, resolver: &Resolver) -> Result<Option<jiff::civil::Date>, ApiError> {
    text.map(crate::resolve::parse_as_of)
        .transpose()
        .map_err(|e| as_of_error(&e, resolver))
}

/// `as_of` refused: unreadable (400 bad-parameter), before the data (400 date-not-covered) or
/// another day than `at`'s (400 conflicting-parameters), with the periods the data covers.
pub fn as_of_error(e: &AsOfError, resolver: &Resolver) -> ApiError {
    let kind = match e {
        AsOfError::Malformed(_) => Kind::BadParameter,
        AsOfError::NotCovered(_) => Kind::DateNotCovered,
        AsOfError::TwoDays { .. } => Kind::ConflictingParameters,
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
    one_day(&out)?;
    Ok(out)
}

/// `as_of` and `at` together must name one day (`at`'s in Europe/Amsterdam): refused here,
/// where every endpoint's parameters pass, since `at` alone moves the answer to its own day
/// ([`On::at`]). Unreadable values are left to their own parsers.
fn one_day(p: &BTreeMap<&'static str, String>) -> Result<(), ApiError> {
    let (Some(as_of), Some(at)) = (p.get("as_of"), p.get("at")) else {
        return Ok(());
    };
    let as_of = crate::resolve::parse_day(as_of.trim());
    let at = at
        .trim()
        .parse::<jiff::Timestamp>()
        .ok()
        .map(crate::resolve::day_of);
    match (as_of, at) {
        (Some(as_of), Some(at)) if as_of != at => Err(ApiError::new(
            Kind::ConflictingParameters,
            AsOfError::TwoDays { as_of, at }.to_string(),
        )),
        _ => Ok(()),
    }
}

/// `at=`: an RFC 3339 date-time with its offset; its day (in Europe/Amsterdam) is the answer's
/// day too (see [`On::at`]).
pub fn parse_at(text: &str) -> Result<jiff::Timestamp, ApiError> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .map_err(|_| ApiError::new(Kind::BadParameter, t!("http-at-unreadable", value = text)))
}

/// The checked parameters (see [`params`]) as the struct that declares them.
pub fn typed<T: serde::de::DeserializeOwned>(
    p: &BTreeMap<&'static str, String>,
) -> Result<T, ApiError> {
    let map: serde_json::Map<String, serde_json::Value> = p
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
        ApiError::new(
            Kind::MalformedQuery,
            t!("http-malformed-query", error = e.to_string()),
        )
    })
}

impl LookupParams {
    /// The place asked for, decided once: an address (`address=`, or `postcode=` and
    /// `huisnummer=`), text in any notation (`q=`), or a point (`lat`/`lon`, `x`/`y`/`crs`).
    /// Two ways of giving it at once are refused.
    pub fn place(&self, near: &query::Locality) -> Result<Place, ApiError> {
        let parts = [
            &self.postcode,
            &self.huisnummer,
            &self.huisletter,
            &self.toevoeging,
        ];
        let has_parts = parts.iter().any(|v| v.is_some());
        let point = [&self.lat, &self.lon, &self.x, &self.y, &self.crs];
        let has_point = point.iter().any(|v| v.is_some());
        if has_parts || self.address.is_some() {
            if (has_parts && self.address.is_some()) || has_point || self.q.is_some() {
                return Err(ApiError::new(
                    Kind::ConflictingParameters,
                    t!("http-address-conflicting"),
                ));
            }
            if let Some(text) = &self.address {
                return Ok(Place::Address(AddressQuery::Text(text.clone())));
            }
            let missing = |name: &'static str, hint: String| -> ApiError {
                QueryError::Missing { param: name, hint }.into()
            };
            return Ok(Place::Address(AddressQuery::Parts {
                postcode: self
                    .postcode
                    .clone()
                    .ok_or_else(|| missing("postcode", t!("http-postcode-missing")))?,
                huisnummer: self
                    .huisnummer
                    .clone()
                    .ok_or_else(|| missing("huisnummer", t!("http-huisnummer-missing")))?,
                huisletter: self.huisletter.clone(),
                toevoeging: self.toevoeging.clone(),
            }));
        }
        match &self.q {
            Some(_) if has_point => Err(QueryError::Conflicting.into()),
            Some(q) => Ok(Place::from_text(q, near)?),
            None => Ok(Place::Point(self.point().map_err(|e| e.near(near))?)),
        }
    }

    /// The point from `lat`/`lon` or `x`/`y`/`crs`, in RD.
    fn point(&self) -> Result<crate::crs::Rd, QueryError> {
        let required = |v: &Option<String>, name: &'static str, hint: &str| {
            v.clone().ok_or(QueryError::Missing {
                param: name,
                hint: hint.to_string(),
            })
        };
        let parse_crs = |c: &str| Crs::parse(c).map_err(|e| QueryError::UnknownCrs { value: e.0 });
        let geographic = self.lat.is_some() || self.lon.is_some();
        let projected = self.x.is_some() || self.y.is_some();
        match (geographic, projected) {
            (true, true) => Err(QueryError::Conflicting),
            (false, false) => Err(QueryError::Missing {
                param: "lat",
                hint: t!("http-point-missing"),
            }),
            (true, false) => {
                if let Some(c) = &self.crs {
                    let crs = parse_crs(c)?;
                    if crs != Crs::Wgs84 {
                        return Err(QueryError::UnknownCrs {
                            value: format!(
                                "{c} ({})",
                                t!("http-lat-lon-always-wgs84", crs = crs.to_string())
                            ),
                        });
                    }
                }
                let together = t!("http-lat-lon-together");
                let lat = query::parse_number("lat", &required(&self.lat, "lat", &together)?)?;
                let lon = query::parse_number("lon", &required(&self.lon, "lon", &together)?)?;
                Ok(transformer().wgs84_to_rd(query::check_wgs84(lat, lon)?))
            }
            (false, true) => {
                let crs = match &self.crs {
                    Some(c) => parse_crs(c)?,
                    None => Crs::RdNew,
                };
                let together = t!("http-x-y-together");
                let x = query::parse_number("x", &required(&self.x, "x", &together)?)?;
                let y = query::parse_number("y", &required(&self.y, "y", &together)?)?;
                query::check_projected(x, y, crs)
            }
        }
    }
}
