//! Coordinate reference systems and the transformations between them.
//!
//! Everything inside wijkwijzer computes in RD New (EPSG:28992), the CRS of the Dutch sources
//! (CBS, BAG); WGS84 (EPSG:4326) and Web Mercator (EPSG:3857) exist only at the edges.
//!
//! RD <-> ETRS89 follows NSGI's published RDNAPTRANS™2018 procedure, horizontal variant 1:
//! a 3D similarity transformation between the GRS80 and Bessel 1841 ellipsoids, the `rdcorr2018`
//! correction grid, and the RD oblique stereographic double projection. The parameters below are
//! NSGI's published values. The result agrees with NSGI's 10,000 validation pairs to well under a
//! millimetre (see `tests/it/crs_validation.rs`). The implementation is our own; the trademark
//! RDNAPTRANS™ is reserved for certified implementations and we do not claim certification.
//!
//! WGS84 is treated as ETRS89. The two drift apart by about 2.5 cm a year (roughly 0.9 m in
//! 2026); that is far below what an area lookup can notice and is the convention of PDOK and of
//! EPSG's null transformation "ETRS89 to WGS 84 (1)". This module must never guess a CRS: the
//! caller says which one a coordinate is in.

use std::f64::consts::{FRAC_PI_2, PI};
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

/// A point in WGS84 / ETRS89 geographic coordinates, degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Wgs84 {
    pub lat: f64,
    pub lon: f64,
}

/// A point in RD New (EPSG:28992), metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rd {
    pub x: f64,
    pub y: f64,
}

/// A point in Web Mercator (EPSG:3857), metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WebMercator {
    pub x: f64,
    pub y: f64,
}

/// The coordinate reference systems wijkwijzer accepts and returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crs {
    Wgs84,
    RdNew,
    WebMercator,
}

/// A CRS name that wijkwijzer does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::t!("crs-unknown", name = .0))]
pub struct UnknownCrs(pub String);

impl Crs {
    pub const ALL: [Crs; 3] = [Crs::Wgs84, Crs::RdNew, Crs::WebMercator];

    /// The EPSG code.
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Wgs84 => 4326,
            Crs::RdNew => 28992,
            Crs::WebMercator => 3857,
        }
    }

    /// Parses the spellings people and software use: `EPSG:28992`, `epsg:28992`, `28992`,
    /// `urn:ogc:def:crs:EPSG::28992`, the OGC `CRS84` alias, and the names `rd`, `wgs84`,
    /// `webmercator`.
    ///
    /// ```
    /// use wijkwijzer_core::crs::Crs;
    /// assert_eq!(Crs::parse("EPSG:28992"), Ok(Crs::RdNew));
    /// assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::3857"), Ok(Crs::WebMercator));
    /// assert!(Crs::parse("EPSG:31370").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Crs, UnknownCrs> {
        let t = text.trim().to_ascii_lowercase();
        let code = t
            .strip_prefix("urn:ogc:def:crs:epsg::")
            .or_else(|| t.strip_prefix("urn:ogc:def:crs:epsg:6.18.3:"))
            .or_else(|| t.strip_prefix("epsg:"))
            .or_else(|| t.strip_prefix("http://www.opengis.net/def/crs/epsg/0/"))
            .unwrap_or(&t);
        match code {
            "4326" | "4258" | "wgs84" | "etrs89" | "urn:ogc:def:crs:ogc:1.3:crs84" | "crs84" => {
                Ok(Crs::Wgs84)
            }
            "28992" | "rd" | "rdnew" | "rd_new" => Ok(Crs::RdNew),
            "3857" | "900913" | "webmercator" | "web_mercator" => Ok(Crs::WebMercator),
            _ => Err(UnknownCrs(text.to_string())),
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EPSG:{}", self.epsg())
    }
}

// ---------------------------------------------------------------------------------------------
// RDNAPTRANS™2018 parameters (NSGI, "RDNAPTRANS™2018", variant 1, horizontal).

const GRS80_A: f64 = 6_378_137.0;
const GRS80_F: f64 = 1.0 / 298.257_222_101;
const BESSEL_A: f64 = 6_377_397.155;
const BESSEL_F: f64 = 1.0 / 299.152_812_8;
/// RD is two-dimensional; the procedure fixes the ETRS89 ellipsoidal height of every point at
/// 43 m (a typical value for the Netherlands) so that the 3D similarity gives a 2D answer.
const ETRS89_FIXED_HEIGHT: f64 = 43.0;

/// A 3D similarity (Helmert) transformation; rotations in arc seconds, scale as a difference
/// from one.
struct Helmert {
    t: [f64; 3],
    r_arcsec: [f64; 3],
    scale_diff: f64,
}

const ETRS89_TO_RD_BESSEL: Helmert = Helmert {
    t: [-565.7346, -50.4058, -465.2895],
    r_arcsec: [-0.395_023, 0.330_776, -1.876_073],
    scale_diff: -4.072_42e-6,
};

const RD_BESSEL_TO_ETRS89: Helmert = Helmert {
    t: [565.7381, 50.4018, 465.2904],
    r_arcsec: [0.395_026, -0.330_772, 1.876_074],
    scale_diff: 4.072_42e-6,
};

/// The RD projection: origin Amersfoort, scale factor, false easting and northing.
const RD_PHI0_DEG: f64 = 52.156_160_556;
const RD_LAMBDA0_DEG: f64 = 5.387_638_889;
const RD_K: f64 = 0.999_907_9;
const RD_X0: f64 = 155_000.0;
const RD_Y0: f64 = 463_000.0;

/// A [`Helmert`] with its rotation matrix computed once.
#[derive(Debug, Clone, Copy)]
struct HelmertMatrix {
    r: [[f64; 3]; 3],
    t: [f64; 3],
}

impl HelmertMatrix {
    #[inline]
    fn apply(&self, p: [f64; 3]) -> [f64; 3] {
        let mut out = [0.0; 3];
        for (i, row) in self.r.iter().enumerate() {
            out[i] = row[0] * p[0] + row[1] * p[1] + row[2] * p[2] + self.t[i];
        }
        out
    }
}

impl Helmert {
    fn matrix(&self) -> HelmertMatrix {
        let to_rad = |arcsec: f64| (arcsec / 3600.0).to_radians();
        let (rx, ry, rz) = (
            to_rad(self.r_arcsec[0]),
            to_rad(self.r_arcsec[1]),
            to_rad(self.r_arcsec[2]),
        );
        let (sx, cx) = rx.sin_cos();
        let (sy, cy) = ry.sin_cos();
        let (sz, cz) = rz.sin_cos();
        // The full rotation matrix of the procedure, not the small-angle approximation:
        // the difference is a few tenths of a millimetre, which the validation would notice.
        let r = [
            [cz * cy, cz * sy * sx + sz * cx, -cz * sy * cx + sz * sx],
            [-sz * cy, -sz * sy * sx + cz * cx, sz * sy * cx + cz * sx],
            [sy, -cy * sx, cy * cx],
        ];
        let s = 1.0 + self.scale_diff;
        HelmertMatrix {
            r: r.map(|row| row.map(|v| s * v)),
            t: self.t,
        }
    }
}

fn geodetic_to_geocentric(phi: f64, lambda: f64, h: f64, a: f64, f: f64) -> [f64; 3] {
    let e2 = f * (2.0 - f);
    let n = a / (1.0 - e2 * phi.sin().powi(2)).sqrt();
    [
        (n + h) * phi.cos() * lambda.cos(),
        (n + h) * phi.cos() * lambda.sin(),
        (n * (1.0 - e2) + h) * phi.sin(),
    ]
}

/// Returns (phi, lambda) in radians; height is not needed by a 2D transformation.
fn geocentric_to_geodetic(p: [f64; 3], a: f64, f: f64) -> (f64, f64) {
    let e2 = f * (2.0 - f);
    let horizontal = p[0].hypot(p[1]);
    let mut phi = p[2].atan2(horizontal * (1.0 - e2));
    for _ in 0..30 {
        let n = a / (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let next = (p[2] + e2 * n * phi.sin()).atan2(horizontal);
        let done = (next - phi).abs() < 1e-12;
        phi = next;
        if done {
            break;
        }
    }
    (phi, p[1].atan2(p[0]))
}

/// Derived constants of the RD double projection (Gauss conformal onto a sphere, then oblique
/// stereographic), computed once.
struct RdProjection {
    e: f64,
    phi0: f64,
    lambda0: f64,
    big_phi0: f64,
    r_sphere: f64,
    n: f64,
    m: f64,
}

impl RdProjection {
    fn new() -> Self {
        let (a, f) = (BESSEL_A, BESSEL_F);
        let e = (f * (2.0 - f)).sqrt();
        let phi0 = RD_PHI0_DEG.to_radians();
        let lambda0 = RD_LAMBDA0_DEG.to_radians();
        let sin0 = phi0.sin();
        let rn = a / (1.0 - e * e * sin0 * sin0).sqrt();
        let rm = rn * (1.0 - e * e) / (1.0 - e * e * sin0 * sin0);
        let r_sphere = (rm * rn).sqrt();
        let big_phi0 = ((rm / rn).sqrt() * phi0.tan()).atan();
        let q0 = Self::isometric(phi0, e);
        let w0 = ((big_phi0 + FRAC_PI_2) / 2.0).tan().ln();
        let n = (1.0 + e * e * phi0.cos().powi(4) / (1.0 - e * e)).sqrt();
        Self {
            e,
            phi0,
            lambda0,
            big_phi0,
            r_sphere,
            n,
            m: w0 - n * q0,
        }
    }

    fn isometric(phi: f64, e: f64) -> f64 {
        ((phi + FRAC_PI_2) / 2.0).tan().ln()
            - e / 2.0 * ((1.0 + e * phi.sin()) / (1.0 - e * phi.sin())).ln()
    }

    /// Bessel geographic (radians) to RD x/y.
    fn forward(&self, phi: f64, lambda: f64) -> Rd {
        let w = self.n * Self::isometric(phi, self.e) + self.m;
        let big_phi = 2.0 * w.exp().atan() - FRAC_PI_2;
        let d_lambda = self.n * (lambda - self.lambda0);
        if big_phi == self.big_phi0 && d_lambda == 0.0 {
            return Rd { x: RD_X0, y: RD_Y0 };
        }
        let sin_half_psi = (((big_phi - self.big_phi0) / 2.0).sin().powi(2)
            + (d_lambda / 2.0).sin().powi(2) * big_phi.cos() * self.big_phi0.cos())
        .sqrt();
        let cos_half_psi = (1.0 - sin_half_psi * sin_half_psi).sqrt();
        let two_sc = 2.0 * sin_half_psi * cos_half_psi;
        let sin_alpha = d_lambda.sin() * big_phi.cos() / two_sc;
        let cos_alpha = (big_phi.sin() - self.big_phi0.sin()
            + 2.0 * self.big_phi0.sin() * sin_half_psi * sin_half_psi)
            / (self.big_phi0.cos() * two_sc);
        let r = 2.0 * RD_K * self.r_sphere * sin_half_psi / cos_half_psi;
        Rd {
            x: RD_X0 + r * sin_alpha,
            y: RD_Y0 + r * cos_alpha,
        }
    }

    /// RD x/y to Bessel geographic (radians).
    fn inverse(&self, p: Rd) -> (f64, f64) {
        let (dx, dy) = (p.x - RD_X0, p.y - RD_Y0);
        let r = dx.hypot(dy);
        if r == 0.0 {
            return (self.phi0, self.lambda0);
        }
        let (sin_alpha, cos_alpha) = (dx / r, dy / r);
        let psi = 2.0 * (r / (2.0 * RD_K * self.r_sphere)).atan();
        let (sp, cp) = psi.sin_cos();
        let (s0, c0) = self.big_phi0.sin_cos();
        let xn = c0 * cp - cos_alpha * s0 * sp;
        let yn = sin_alpha * sp;
        let zn = cos_alpha * c0 * sp + s0 * cp;
        let big_phi = zn.clamp(-1.0, 1.0).asin();
        let d_big_lambda = yn.atan2(xn);
        let w = ((big_phi + FRAC_PI_2) / 2.0).tan().ln();
        let q = (w - self.m) / self.n;
        let mut phi = big_phi;
        for _ in 0..30 {
            let next = 2.0
                * (q + self.e / 2.0
                    * ((1.0 + self.e * phi.sin()) / (1.0 - self.e * phi.sin())).ln())
                .exp()
                .atan()
                - FRAC_PI_2;
            let done = (next - phi).abs() < 1e-13;
            phi = next;
            if done {
                break;
            }
        }
        let mut lambda = d_big_lambda / self.n + self.lambda0;
        lambda -= 2.0 * PI * ((lambda + PI) / (2.0 * PI)).floor();
        (phi, lambda)
    }
}

// ---------------------------------------------------------------------------------------------
// The rdcorr2018 grid.

/// The `rdcorr2018` horizontal correction grid, stored as integer nanodegrees (the source file
/// has nine decimals, so this is lossless) in the compact binary form `wijkwijzer import` writes.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionGrid {
    lat_min: f64,
    lon_min: f64,
    lat_step: f64,
    lon_step: f64,
    n_lat: usize,
    n_lon: usize,
    /// Row-major from the south-west corner: (lat correction, lon correction), nanodegrees.
    values: Vec<[i16; 2]>,
    /// Integer form of the header, kept so that encoding reproduces the input bytes.
    header_ndeg: [i64; 4],
}

/// Why a correction grid could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GridError {
    #[error("line {line}: {reason}")]
    Text { line: usize, reason: String },
    #[error("binary grid: {0}")]
    Binary(String),
}

const GRID_MAGIC: &[u8; 8] = b"WWRDCOR1";

fn parse_ndeg(text: &str, line: usize) -> Result<i64, GridError> {
    let bad = || GridError::Text {
        line,
        reason: format!("'{text}' is not a decimal number of degrees with at most 9 decimals"),
    };
    let t = text.trim();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || frac.len() > 9
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let int: i64 = int.parse().map_err(|_| bad())?;
    let frac_val: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().map_err(|_| bad())? * 10_i64.pow(9 - frac.len() as u32)
    };
    let v = int
        .checked_mul(1_000_000_000)
        .and_then(|v| v.checked_add(frac_val))
        .ok_or_else(bad)?;
    Ok(if neg { -v } else { v })
}

impl CorrectionGrid {
    /// Reads NSGI's text grid (`rdcorr2018.txt`: a header line, then `lat lon dlat dlon` rows,
    /// degrees), checking that the nodes form one regular grid.
    pub fn from_nsgi_text(text: &str) -> Result<Self, GridError> {
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            if i == 0 || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() != 4 {
                return Err(GridError::Text {
                    line: line_no,
                    reason: format!("expected 4 columns, found {}", cols.len()),
                });
            }
            let mut v = [0i64; 4];
            for (slot, col) in v.iter_mut().zip(&cols) {
                *slot = parse_ndeg(col, line_no)?;
            }
            rows.push((line_no, v));
        }
        let (first_line, first) = *rows.first().ok_or(GridError::Text {
            line: 1,
            reason: "the grid has no rows".into(),
        })?;
        let _ = first_line;
        let lon_min = first[1];
        let n_lon = rows.iter().take_while(|(_, r)| r[0] == first[0]).count();
        if n_lon < 2 || rows.len() % n_lon != 0 {
            return Err(GridError::Text {
                line: 2,
                reason: "rows do not form a rectangular grid".into(),
            });
        }
        let n_lat = rows.len() / n_lon;
        let lon_step = rows[1].1[1] - lon_min;
        let lat_step = rows[n_lon].1[0] - first[0];
        let mut values = Vec::with_capacity(rows.len());
        for (k, (line, r)) in rows.iter().enumerate() {
            let (i, j) = ((k / n_lon) as i64, (k % n_lon) as i64);
            if r[0] != first[0] + i * lat_step || r[1] != lon_min + j * lon_step {
                return Err(GridError::Text {
                    line: *line,
                    reason: "node is not where a regular grid puts it".into(),
                });
            }
            let corr = |v: i64| {
                i16::try_from(v).map_err(|_| GridError::Text {
                    line: *line,
                    reason: format!("correction {v} nanodegrees is implausibly large"),
                })
            };
            values.push([corr(r[2])?, corr(r[3])?]);
        }
        Ok(Self::from_parts(
            [first[0], lon_min, lat_step, lon_step],
            n_lat,
            n_lon,
            values,
        ))
    }

    fn from_parts(
        header_ndeg: [i64; 4],
        n_lat: usize,
        n_lon: usize,
        values: Vec<[i16; 2]>,
    ) -> Self {
        let d = |v: i64| v as f64 * 1e-9;
        Self {
            lat_min: d(header_ndeg[0]),
            lon_min: d(header_ndeg[1]),
            lat_step: d(header_ndeg[2]),
            lon_step: d(header_ndeg[3]),
            n_lat,
            n_lon,
            values,
            header_ndeg,
        }
    }

    /// The compact binary form: magic, four i64 header values in nanodegrees, two u32 sizes,
    /// then i16 pairs, all little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(48 + self.values.len() * 4);
        out.extend_from_slice(GRID_MAGIC);
        for v in self.header_ndeg {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&(self.n_lat as u32).to_le_bytes());
        out.extend_from_slice(&(self.n_lon as u32).to_le_bytes());
        for [a, b] in &self.values {
            out.extend_from_slice(&a.to_le_bytes());
            out.extend_from_slice(&b.to_le_bytes());
        }
        out
    }

    /// Reads the binary form written by [`CorrectionGrid::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, GridError> {
        let err = |m: &str| GridError::Binary(m.to_string());
        let rest = bytes
            .strip_prefix(GRID_MAGIC)
            .ok_or_else(|| err("wrong magic"))?;
        if rest.len() < 40 {
            return Err(err("truncated header"));
        }
        let mut header = [0i64; 4];
        for (i, h) in header.iter_mut().enumerate() {
            *h = i64::from_le_bytes(rest[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        }
        let n_lat = u32::from_le_bytes(rest[32..36].try_into().expect("4 bytes")) as usize;
        let n_lon = u32::from_le_bytes(rest[36..40].try_into().expect("4 bytes")) as usize;
        let body = &rest[40..];
        if n_lat < 2 || n_lon < 2 || body.len() != n_lat * n_lon * 4 {
            return Err(err("size does not match header"));
        }
        if header[2] <= 0 || header[3] <= 0 {
            return Err(err("grid steps must be positive"));
        }
        let values = body
            .chunks_exact(4)
            .map(|c| {
                [
                    i16::from_le_bytes([c[0], c[1]]),
                    i16::from_le_bytes([c[2], c[3]]),
                ]
            })
            .collect();
        Ok(Self::from_parts(header, n_lat, n_lon, values))
    }

    /// Bilinear interpolation of the correction (degrees) at a Bessel position (degrees);
    /// zero outside the grid, as the procedure prescribes.
    fn correction(&self, lat: f64, lon: f64) -> (f64, f64) {
        let fi = (lat - self.lat_min) / self.lat_step;
        let fj = (lon - self.lon_min) / self.lon_step;
        let (max_i, max_j) = ((self.n_lat - 1) as f64, (self.n_lon - 1) as f64);
        if !(0.0..=max_i).contains(&fi) || !(0.0..=max_j).contains(&fj) {
            return (0.0, 0.0);
        }
        let i = (fi.floor() as usize).min(self.n_lat - 2);
        let j = (fj.floor() as usize).min(self.n_lon - 2);
        let (ti, tj) = (fi - i as f64, fj - j as f64);
        let at = |i: usize, j: usize| self.values[i * self.n_lon + j];
        let (sw, se, nw, ne) = (at(i, j), at(i, j + 1), at(i + 1, j), at(i + 1, j + 1));
        let lerp = |k: usize| {
            let south = f64::from(sw[k]) * (1.0 - tj) + f64::from(se[k]) * tj;
            let north = f64::from(nw[k]) * (1.0 - tj) + f64::from(ne[k]) * tj;
            (south * (1.0 - ti) + north * ti) * 1e-9
        };
        (lerp(0), lerp(1))
    }
}

/// Transforms between WGS84/ETRS89, RD New and Web Mercator.
pub struct Transformer {
    grid: CorrectionGrid,
    projection: RdProjection,
    to_rd: HelmertMatrix,
    to_etrs: HelmertMatrix,
}

impl fmt::Debug for Transformer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transformer")
            .field("grid_nodes", &self.grid.values.len())
            .finish()
    }
}

/// The `rdcorr2018` grid built into the binary (the bytes of `geodata/rdcorr2018.bin`).
pub static EMBEDDED_GRID: &[u8] = include_bytes!("../../../geodata/rdcorr2018.bin");

/// The transformer with the grid embedded in the binary.
pub fn transformer() -> &'static Transformer {
    static T: OnceLock<Transformer> = OnceLock::new();
    T.get_or_init(|| {
        let grid = CorrectionGrid::from_bytes(EMBEDDED_GRID)
            .expect("the embedded rdcorr2018 grid is checked by the test suite");
        Transformer::new(grid)
    })
}

const WEB_MERCATOR_R: f64 = 6_378_137.0;
/// Web Mercator's latitude limit (where the square world map ends).
pub const WEB_MERCATOR_MAX_LAT: f64 = 85.051_128_779_806_59;

impl Transformer {
    pub fn new(grid: CorrectionGrid) -> Self {
        Self {
            grid,
            projection: RdProjection::new(),
            to_rd: ETRS89_TO_RD_BESSEL.matrix(),
            to_etrs: RD_BESSEL_TO_ETRS89.matrix(),
        }
    }

    /// WGS84/ETRS89 to RD New.
    ///
    /// ```
    /// use wijkwijzer_core::crs::{transformer, Wgs84};
    /// // NSGI validation point 30012145 near Maastricht.
    /// let rd = transformer().wgs84_to_rd(Wgs84 { lat: 50.882027737, lon: 5.681625221 });
    /// assert!((rd.x - 175721.2127).abs() < 0.001 && (rd.y - 321400.8054).abs() < 0.001);
    /// ```
    pub fn wgs84_to_rd(&self, p: Wgs84) -> Rd {
        let xyz = geodetic_to_geocentric(
            p.lat.to_radians(),
            p.lon.to_radians(),
            ETRS89_FIXED_HEIGHT,
            GRS80_A,
            GRS80_F,
        );
        let (phi, lambda) = geocentric_to_geodetic(self.to_rd.apply(xyz), BESSEL_A, BESSEL_F);
        let (pseudo_lat, pseudo_lon) = (phi.to_degrees(), lambda.to_degrees());
        // The grid is indexed by real Bessel coordinates, which are what we are solving for:
        // a fixed-point iteration converges in a few steps because corrections are < 1 m.
        let (mut lat, mut lon) = (pseudo_lat, pseudo_lon);
        for _ in 0..10 {
            let (dlat, dlon) = self.grid.correction(lat, lon);
            let (nlat, nlon) = (pseudo_lat - dlat, pseudo_lon - dlon);
            let done = (nlat - lat).abs() < 1e-11 && (nlon - lon).abs() < 1e-11;
            lat = nlat;
            lon = nlon;
            if done {
                break;
            }
        }
        self.projection.forward(lat.to_radians(), lon.to_radians())
    }

    /// RD New to WGS84/ETRS89.
    ///
    /// ```
    /// use wijkwijzer_core::crs::{transformer, Rd};
    /// let p = transformer().rd_to_wgs84(Rd { x: 175721.2127, y: 321400.8054 });
    /// assert!((p.lat - 50.882027737).abs() < 1e-8 && (p.lon - 5.681625221).abs() < 1e-8);
    /// ```
    pub fn rd_to_wgs84(&self, p: Rd) -> Wgs84 {
        let (phi, lambda) = self.projection.inverse(p);
        let (lat, lon) = (phi.to_degrees(), lambda.to_degrees());
        let (dlat, dlon) = self.grid.correction(lat, lon);
        let xyz = geodetic_to_geocentric(
            (lat + dlat).to_radians(),
            (lon + dlon).to_radians(),
            0.0,
            BESSEL_A,
            BESSEL_F,
        );
        let (phi, lambda) = geocentric_to_geodetic(self.to_etrs.apply(xyz), GRS80_A, GRS80_F);
        Wgs84 {
            lat: phi.to_degrees(),
            lon: lambda.to_degrees(),
        }
    }

    /// WGS84 to Web Mercator (spherical formulas, exact by definition of EPSG:3857).
    pub fn wgs84_to_web_mercator(&self, p: Wgs84) -> WebMercator {
        WebMercator {
            x: WEB_MERCATOR_R * p.lon.to_radians(),
            y: WEB_MERCATOR_R * (PI / 4.0 + p.lat.to_radians() / 2.0).tan().ln(),
        }
    }

    /// Web Mercator to WGS84.
    pub fn web_mercator_to_wgs84(&self, p: WebMercator) -> Wgs84 {
        Wgs84 {
            lat: (2.0 * (p.y / WEB_MERCATOR_R).exp().atan() - FRAC_PI_2).to_degrees(),
            lon: (p.x / WEB_MERCATOR_R).to_degrees(),
        }
    }

    /// Converts a coordinate pair given in `crs` (x = easting/longitude, y = northing/latitude)
    /// to RD New.
    pub fn to_rd(&self, crs: Crs, x: f64, y: f64) -> Rd {
        match crs {
            Crs::RdNew => Rd { x, y },
            Crs::Wgs84 => self.wgs84_to_rd(Wgs84 { lat: y, lon: x }),
            Crs::WebMercator => self.wgs84_to_rd(self.web_mercator_to_wgs84(WebMercator { x, y })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_crs_spellings() {
        for s in [
            "EPSG:4326",
            "epsg:4326",
            "4326",
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            " WGS84 ",
        ] {
            assert_eq!(Crs::parse(s), Ok(Crs::Wgs84), "{s}");
        }
        for s in ["EPSG:28992", "urn:ogc:def:crs:EPSG::28992", "rd"] {
            assert_eq!(Crs::parse(s), Ok(Crs::RdNew), "{s}");
        }
        assert_eq!(Crs::parse("EPSG:3857"), Ok(Crs::WebMercator));
        let err = Crs::parse("EPSG:2154").unwrap_err();
        assert!(err.to_string().contains("EPSG:28992"), "{err}");
    }

    #[test]
    fn parses_nanodegrees_exactly() {
        assert_eq!(parse_ndeg("+0.000002177", 1).unwrap(), 2177);
        assert_eq!(parse_ndeg("-0.000000001", 1).unwrap(), -1);
        assert_eq!(parse_ndeg("50.0125", 1).unwrap(), 50_012_500_000);
        assert!(parse_ndeg("1e-3", 1).is_err());
        assert!(parse_ndeg("0.0000000001", 1).is_err());
    }

    #[test]
    fn grid_text_and_binary_round_trip() {
        let text = "RD_lat RD_lon dlat dlon\n50.0 2.0 +0.000000001 -0.000000002\n50.0 2.02 0 0\n\
                    50.0125 2.0 +0.000000003 +0.000000004\n50.0125 2.02 0 0\n";
        let g = CorrectionGrid::from_nsgi_text(text).unwrap();
        assert_eq!((g.n_lat, g.n_lon), (2, 2));
        let back = CorrectionGrid::from_bytes(&g.to_bytes()).unwrap();
        assert_eq!(back, g);
        let (dlat, dlon) = g.correction(50.0, 2.0);
        assert!((dlat - 1e-9).abs() < 1e-18 && (dlon + 2e-9).abs() < 1e-18);
        assert_eq!(g.correction(49.9, 2.0), (0.0, 0.0));
        let mut truncated = g.to_bytes();
        truncated.pop();
        assert!(CorrectionGrid::from_bytes(&truncated).is_err());
    }

    #[test]
    fn rejects_irregular_text_grid() {
        let text = "h\n50.0 2.0 0 0\n50.0 2.02 0 0\n50.0125 2.0 0 0\n50.0125 2.03 0 0\n";
        let err = CorrectionGrid::from_nsgi_text(text).unwrap_err();
        assert!(err.to_string().contains("line 5"), "{err}");
    }

    #[test]
    fn projection_origin_is_amersfoort() {
        let p = RdProjection::new();
        let rd = p.forward(RD_PHI0_DEG.to_radians(), RD_LAMBDA0_DEG.to_radians());
        assert!((rd.x - RD_X0).abs() < 1e-6 && (rd.y - RD_Y0).abs() < 1e-6);
        let (phi, lambda) = p.inverse(Rd { x: RD_X0, y: RD_Y0 });
        assert!((phi.to_degrees() - RD_PHI0_DEG).abs() < 1e-12);
        assert!((lambda.to_degrees() - RD_LAMBDA0_DEG).abs() < 1e-12);
    }

    #[test]
    fn web_mercator_round_trips() {
        let t = transformer();
        let p = Wgs84 {
            lat: 50.8514,
            lon: 5.6910,
        };
        let m = t.wgs84_to_web_mercator(p);
        assert!((m.x - 633_523.0).abs() < 10.0, "{m:?}");
        let back = t.web_mercator_to_wgs84(m);
        assert!((back.lat - p.lat).abs() < 1e-12 && (back.lon - p.lon).abs() < 1e-12);
    }
}

/// WGS84 → RD for bulk work around one city: the exact transformation sampled on a fine
/// lattice and interpolated bilinearly, about 20 times faster than [`Transformer::wgs84_to_rd`].
///
/// The transformation is smooth at the lattice's scale (about 70 by 110 m): the interpolation
/// error is far below a millimetre (`tests/it/crs_validation.rs` checks the maximum over
/// random points). Points outside the lattice take the exact path.
#[derive(Debug)]
pub struct LocalWgs84ToRd {
    lat0: f64,
    lon0: f64,
    step: f64,
    rows: usize,
    cols: usize,
    /// x, y per node, row-major from the south-west.
    nodes: Vec<(f64, f64)>,
}

impl LocalWgs84ToRd {
    /// A lattice over `lat`/`lon` ranges (degrees) with `step` degrees between nodes.
    pub fn new(lat: (f64, f64), lon: (f64, f64), step: f64) -> LocalWgs84ToRd {
        let t = transformer();
        let rows = ((lat.1 - lat.0) / step).ceil() as usize + 1;
        let cols = ((lon.1 - lon.0) / step).ceil() as usize + 1;
        let mut nodes = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                let p = t.wgs84_to_rd(Wgs84 {
                    lat: lat.0 + i as f64 * step,
                    lon: lon.0 + j as f64 * step,
                });
                nodes.push((p.x, p.y));
            }
        }
        LocalWgs84ToRd {
            lat0: lat.0,
            lon0: lon.0,
            step,
            rows,
            cols,
            nodes,
        }
    }

    pub fn to_rd(&self, p: Wgs84) -> Rd {
        let fi = (p.lat - self.lat0) / self.step;
        let fj = (p.lon - self.lon0) / self.step;
        if !(fi >= 0.0 && fj >= 0.0) {
            return transformer().wgs84_to_rd(p);
        }
        let (i, j) = (fi as usize, fj as usize);
        if i + 1 >= self.rows || j + 1 >= self.cols {
            return transformer().wgs84_to_rd(p);
        }
        let (ti, tj) = (fi - i as f64, fj - j as f64);
        let at = |i: usize, j: usize| self.nodes[i * self.cols + j];
        let (sw, se, nw, ne) = (at(i, j), at(i, j + 1), at(i + 1, j), at(i + 1, j + 1));
        let lerp = |a: f64, b: f64, c: f64, d: f64| {
            (a * (1.0 - tj) + b * tj) * (1.0 - ti) + (c * (1.0 - tj) + d * tj) * ti
        };
        Rd {
            x: lerp(sw.0, se.0, nw.0, ne.0),
            y: lerp(sw.1, se.1, nw.1, ne.1),
        }
    }
}
