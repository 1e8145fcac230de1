//! Which columns of a file hold the place, and which columns the answer adds.
//!
//! [`ColumnArgs`] is the one declaration of the batch parameters: the CLI flattens it into
//! `classify`'s flags, the HTTP handler reads its query parameters into it, and the OpenAPI
//! description and the handler's list of accepted names derive from it, so a column option
//! cannot exist in one door only.
//!
//! A row is placed from the first place it has, in a fixed order: coordinates (lat/lon, or x/y),
//! then postcode + huisnummer, then straat + huisnummer (+ woonplaats), then a free-text column.
//! Without options every kind is detected from the header; naming any place column turns
//! detection off, and only the named places are used (in the same order).

use crate::crs::{Crs, Rd};
use crate::query::{check_projected, check_wgs84, closest_name, name_form};
use crate::t;

/// The batch parameters: where the place is in each row, and which columns to add.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, utoipa::IntoParams)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ColumnArgs {
    /// The day to answer for, YYYY-MM-DD (default: today): which generation of the areas and
    /// which roster entries hold.
    #[cfg_attr(feature = "clap", arg(long = "as-of", value_name = "YYYY-MM-DD"))]
    pub as_of: Option<String>,
    /// The moment the role columns are for, RFC 3339 (default: now): assignments that hold
    /// only at certain hours count then (see the roster's `hours`).
    #[cfg_attr(feature = "clap", arg(long, value_name = "DATE-TIME"))]
    pub at: Option<String>,
    /// Column of WGS84 latitudes, with `lon` (detected: lat, latitude, breedtegraad, y_wgs84).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub lat: Option<String>,
    /// Column of WGS84 longitudes, with `lat` (detected: lon, lng, longitude, lengtegraad).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub lon: Option<String>,
    /// Column of x (easting), with `y` (detected: x, rd_x, x_rd, xcoord).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub x: Option<String>,
    /// Column of y (northing), with `x` (detected: y, rd_y, y_rd, ycoord).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub y: Option<String>,
    /// CRS of the x/y columns (or of GeoJSON coordinates): EPSG:28992 (RD New), EPSG:3857,
    /// EPSG:4326. Default: judged from the values (RD New, Web Mercator or degrees).
    #[cfg_attr(feature = "clap", arg(long))]
    pub crs: Option<String>,
    /// Column of postcodes, with `huisnummer` (detected: postcode, pc6, postal_code).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub postcode: Option<String>,
    /// Column of house numbers, for postcode or street (detected: huisnummer, huisnr, nummer).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub huisnummer: Option<String>,
    /// Column of BAG huisletters (detected: huisletter).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub huisletter: Option<String>,
    /// Column of BAG toevoegingen (detected: toevoeging, huisnummertoevoeging).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub toevoeging: Option<String>,
    /// Column of street names, with `huisnummer` (detected: straat, straatnaam, street).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub straat: Option<String>,
    /// Column of woonplaatsen, with `straat` (detected: woonplaats, plaats, city).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub woonplaats: Option<String>,
    /// Column of free text: an address or coordinates in any notation (detected: address,
    /// adres, locatie, location).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub address: Option<String>,
    /// The columns to add, comma-separated, in this order (default `all`; `codes` is the lean
    /// set: the area codes and the status). Names: each layer's id and `<id>_name` (the
    /// coverage layer first), position, the role columns of the municipality's profile (e.g.
    /// thor_senior, police_coordinator), status, quality, source, point_lat, point_lon,
    /// point_x, point_y, certainty, certainty_radius_m, also_possible, message.
    #[cfg_attr(feature = "clap", arg(long, value_name = "LIST"))]
    pub columns: Option<String>,
    /// How to write the added numbers: `comma` (176297,45, as Dutch spreadsheets read them) or
    /// `point` (176297.45). Default: as the file writes its own decimals; a `;` file without
    /// any is taken to be Dutch (comma).
    #[cfg_attr(feature = "clap", arg(long, value_name = "comma|point"))]
    pub decimal: Option<String>,
    /// The sheet of a workbook (.xlsx, .ods) to classify (default: the first).
    #[cfg_attr(feature = "clap", arg(long, value_name = "NAME"))]
    pub sheet: Option<String>,
    /// Whether a CSV answer in UTF-8 starts with a byte-order mark, which Excel needs to read
    /// it as UTF-8: `yes`, `no`, or by default when the answer can hold text beyond ASCII
    /// (names, people, messages) and the input had no encoding of its own to keep (pure ASCII,
    /// or a workbook).
    #[cfg_attr(feature = "clap", arg(long, value_name = "yes|no"))]
    pub bom: Option<String>,
    /// The line of the header, counting from 1 at the file's first line (a workbook's first
    /// row). Default: the first line with two fields or more, below any title and blank lines.
    #[cfg_attr(feature = "clap", arg(long, value_name = "N"))]
    pub header_row: Option<u64>,
    /// Answer only places inside the boundaries: a place within the tolerance of generalised
    /// boundaries just outside them (status `near`, answered with the nearest area, as a
    /// lookup is) becomes `outside`, as GeoPandas, shapely and DuckDB would place it.
    #[cfg_attr(feature = "clap", arg(long))]
    pub strict_inside: bool,
}

impl ColumnArgs {
    /// `decimal`: `Some(true)` for a comma, `Some(false)` for a point, `None` to judge.
    pub fn decimal(&self) -> Result<Option<bool>, ColumnProblem> {
        match self
            .decimal
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None => Ok(None),
            Some("comma" | "komma" | ",") => Ok(Some(true)),
            Some("point" | "punt" | "dot" | ".") => Ok(Some(false)),
            Some(other) => Err(ColumnProblem::BadValue {
                option: "decimal",
                reason: t!("classify-decimal", value = other),
            }),
        }
    }

    /// `bom`: `Some(true)` always, `Some(false)` never, `None` to judge.
    pub fn bom(&self) -> Result<Option<bool>, ColumnProblem> {
        match self.bom.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("auto") => Ok(None),
            Some("yes" | "ja" | "true" | "1") => Ok(Some(true)),
            Some("no" | "nee" | "false" | "0") => Ok(Some(false)),
            Some(other) => Err(ColumnProblem::BadValue {
                option: "bom",
                reason: t!("classify-bom", value = other),
            }),
        }
    }

    /// The CRS named by `crs`, if any (read by the CSV and the GeoJSON reader alike).
    pub fn crs(&self) -> Result<Option<Crs>, ColumnProblem> {
        self.crs
            .as_deref()
            .map(Crs::parse)
            .transpose()
            .map_err(|e| ColumnProblem::BadValue {
                option: "crs",
                reason: e.to_string(),
            })
    }

    fn names_place(&self) -> bool {
        [
            &self.lat,
            &self.lon,
            &self.x,
            &self.y,
            &self.postcode,
            &self.huisnummer,
            &self.straat,
            &self.address,
        ]
        .iter()
        .any(|o| o.is_some())
    }
}

/// Which door a message is for: the CLI names flags (`--lat`), HTTP names query parameters
/// (`lat=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Cli,
    Http,
}

impl Door {
    /// How this door spells the option `name`.
    pub fn option(self, name: &str) -> String {
        match self {
            // Query parameters are snake_case, flags kebab-case (`header_row=`, `--header-row`).
            Door::Cli => format!("--{}", name.replace('_', "-")),
            Door::Http => format!("{name}="),
        }
    }
}

/// One kind of place a row can have, with its column indices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Place {
    LatLon {
        lat: usize,
        lon: usize,
    },
    Xy {
        x: usize,
        y: usize,
        crs: Crs,
    },
    Postcode {
        postcode: usize,
        number: usize,
        letter: Option<usize>,
        toevoeging: Option<usize>,
    },
    Street {
        street: usize,
        number: usize,
        /// Whether the number column is one of house numbers by its name (or by `huisnummer`);
        /// `nummer` or `nr` may as well count reports: then a street cell's own number wins.
        number_named: bool,
        letter: Option<usize>,
        toevoeging: Option<usize>,
        woonplaats: Option<usize>,
    },
    Text(usize),
}

/// What the `source` column says for each kind of place.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumCount, strum::EnumIter, strum::IntoStaticStr,
)]
pub enum SourceKind {
    #[strum(serialize = "lat/lon")]
    LatLon,
    #[strum(serialize = "x/y")]
    Xy,
    #[strum(serialize = "postcode")]
    Postcode,
    #[strum(serialize = "street")]
    Street,
    #[strum(serialize = "text")]
    Text,
    #[strum(serialize = "geometry")]
    Geometry,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl Place {
    pub(crate) fn kind(&self) -> SourceKind {
        match self {
            Place::LatLon { .. } => SourceKind::LatLon,
            Place::Xy { .. } => SourceKind::Xy,
            Place::Postcode { .. } => SourceKind::Postcode,
            Place::Street { .. } => SourceKind::Street,
            Place::Text(_) => SourceKind::Text,
        }
    }

    /// The columns that must all be filled for this place to be used (no allocation: this is
    /// asked for every row).
    pub(crate) fn required(&self) -> impl Iterator<Item = usize> + Clone + use<> {
        let (cols, n) = match self {
            Place::LatLon { lat, lon } => ([*lat, *lon], 2),
            Place::Xy { x, y, .. } => ([*x, *y], 2),
            Place::Postcode {
                postcode, number, ..
            } => ([*postcode, *number], 2),
            Place::Street { street, number, .. } => ([*street, *number], 2),
            Place::Text(t) => ([*t, *t], 1),
        };
        cols.into_iter().take(n)
    }

    /// E.g. `x/y (EPSG:28992) from 'x', 'y'`.
    fn describe(&self, names: &[String]) -> String {
        let cols = self
            .required()
            .map(|i| format!("'{}'", names.get(i).map(String::as_str).unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            Place::Xy { crs, .. } => t!(
                "columns-from",
                kind = format!("x/y ({crs})"),
                columns = cols
            ),
            Place::Street {
                woonplaats: Some(w),
                ..
            } => t!(
                "columns-street-from",
                columns = cols,
                woonplaats = names.get(*w).map(String::as_str).unwrap_or("?")
            ),
            other => t!("columns-from", kind = other.kind().as_str(), columns = cols),
        }
    }
}

/// The places of a file in the order rows are placed from them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Places {
    pub list: Vec<Place>,
    /// The header's names, lower-cased and trimmed: messages name columns by them.
    pub names: Vec<String>,
    /// What was judged from the values (swapped columns, the CRS), for the summary.
    pub notes: Vec<String>,
}

impl Places {
    pub fn describe(&self) -> String {
        self.list
            .iter()
            .map(|p| p.describe(&self.names))
            .collect::<Vec<_>>()
            .join("; then ")
    }

    /// The highest column index any place reads.
    pub fn last_column(&self) -> usize {
        self.list
            .iter()
            .flat_map(|p| {
                match p {
                    Place::Postcode {
                        letter, toevoeging, ..
                    } => [*letter, *toevoeging, None],
                    Place::Street {
                        letter,
                        toevoeging,
                        woonplaats,
                        ..
                    } => [*letter, *toevoeging, *woonplaats],
                    _ => [None; 3],
                }
                .into_iter()
                .flatten()
                .chain(p.required())
            })
            .max()
            .unwrap_or(0)
    }

    pub fn name(&self, column: usize) -> &str {
        self.names
            .get(column)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Why the columns cannot be used; [`ColumnProblem::detail`] says how to fix it in a door's
/// terms.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnProblem {
    /// No kind of place among the header's columns.
    NoPlace { columns: Vec<String> },
    /// An option names a column the header does not have.
    NoSuchColumn {
        option: &'static str,
        given: String,
        columns: Vec<String>,
    },
    /// One column of a pair named or found without the other.
    Half {
        have: &'static str,
        need: &'static str,
    },
    /// An option's value is not one the option takes.
    BadValue {
        option: &'static str,
        reason: String,
    },
}

impl ColumnProblem {
    pub fn detail(&self, door: Door) -> String {
        match self {
            ColumnProblem::NoPlace { columns } => t!(
                "columns-no-place",
                columns = columns.join(", "),
                options = [
                    "lat",
                    "lon",
                    "x",
                    "y",
                    "postcode",
                    "huisnummer",
                    "straat",
                    "address"
                ]
                .iter()
                .map(|n| door.option(n))
                .collect::<Vec<_>>()
                .join(", ")
            ),
            ColumnProblem::NoSuchColumn {
                option,
                given,
                columns,
            } => {
                let near = closest_name(given, columns.iter().map(String::as_str));
                let near = near
                    .map(|c| format!("; {}", t!("did-you-mean", name = c)))
                    .unwrap_or_default();
                t!(
                    "columns-no-such-column",
                    option = door.option(option),
                    given = given,
                    near = near,
                    columns = columns.join(", ")
                )
            }
            ColumnProblem::Half { have, need } => t!(
                "columns-half",
                have = door.option(have),
                need = door.option(need)
            ),
            ColumnProblem::BadValue { option, reason } => {
                format!("{}: {reason}", door.option(option))
            }
        }
    }
}

/// Finds each kind of place among `names` (lower-cased header names), as `args` says.
pub(crate) fn choose(names: &[String], args: &ColumnArgs) -> Result<Places, ColumnProblem> {
    let keys: Vec<String> = names.iter().map(|n| name_form(n)).collect();
    let explicit = args.names_place();
    let find = |option: &'static str,
                given: &Option<String>,
                usual: &[&str]|
     -> Result<Option<usize>, ColumnProblem> {
        match given {
            Some(g) => {
                let g = g.trim().to_ascii_lowercase();
                names
                    .iter()
                    .position(|n| *n == g)
                    .or_else(|| keys.iter().position(|k| *k == name_form(&g)))
                    .map(Some)
                    .ok_or_else(|| ColumnProblem::NoSuchColumn {
                        option,
                        given: g.clone(),
                        columns: names.to_vec(),
                    })
            }
            None if explicit => Ok(None),
            None => Ok(usual.iter().find_map(|u| keys.iter().position(|k| k == u))),
        }
    };
    let lat = find(
        "lat",
        &args.lat,
        &["lat", "latitude", "breedtegraad", "ywgs84", "wgs84lat"],
    )?;
    let lon = find(
        "lon",
        &args.lon,
        &[
            "lon",
            "lng",
            "long",
            "longitude",
            "lengtegraad",
            "xwgs84",
            "wgs84lon",
        ],
    )?;
    let x = find(
        "x",
        &args.x,
        &["x", "rdx", "xrd", "xcoord", "xcoordinaat", "easting"],
    )?;
    let y = find(
        "y",
        &args.y,
        &["y", "rdy", "yrd", "ycoord", "ycoordinaat", "northing"],
    )?;
    let postcode = find(
        "postcode",
        &args.postcode,
        &["postcode", "pc6", "postalcode"],
    )?;
    // The number, letter and toevoeging columns serve both postcode and street: detected even
    // when only the postcode or street column is named.
    let detect_parts = |option, given: &Option<String>, usual: &[&str]| match given {
        Some(_) => find(option, given, usual),
        None => Ok(usual.iter().find_map(|u| keys.iter().position(|k| k == u))),
    };
    // `nummer` and `nr` are as often a report's own serial number as a house number (see
    // `Place::Street`'s `number_named`).
    const HOUSE_NUMBER: [&str; 5] = ["huisnummer", "huisnr", "housenumber", "huisnum", "hnr"];
    let number = detect_parts(
        "huisnummer",
        &args.huisnummer,
        &[
            "huisnummer",
            "huisnr",
            "housenumber",
            "huisnum",
            "hnr",
            "nummer",
            "nr",
        ],
    )?;
    let number_named = args.huisnummer.is_some()
        || number.is_some_and(|i| HOUSE_NUMBER.contains(&keys[i].as_str()));
    let letter = detect_parts("huisletter", &args.huisletter, &["huisletter"])?;
    let toevoeging = detect_parts(
        "toevoeging",
        &args.toevoeging,
        &["toevoeging", "huisnummertoevoeging", "huisnrtoev"],
    )?;
    let street = find(
        "straat",
        &args.straat,
        &[
            "straat",
            "straatnaam",
            "street",
            "openbareruimte",
            "openbareruimtenaam",
        ],
    )?;
    let woonplaats = detect_parts(
        "woonplaats",
        &args.woonplaats,
        &["woonplaats", "woonplaatsnaam", "plaats", "city", "town"],
    )?;
    let text = find(
        "address",
        &args.address,
        &[
            "address",
            "adres",
            "locatie",
            "location",
            "plek",
            "coordinaten",
            "coordinates",
            "positie",
        ],
    )?;
    let crs = args.crs()?;

    let mut list = Vec::new();
    let pair = |a: Option<usize>,
                b: Option<usize>,
                (na, nb): (&'static str, &'static str)|
     -> Result<Option<(usize, usize)>, ColumnProblem> {
        match (a, b) {
            (Some(a), Some(b)) => Ok(Some((a, b))),
            (Some(_), None) if explicit => Err(ColumnProblem::Half { have: na, need: nb }),
            (None, Some(_)) if explicit => Err(ColumnProblem::Half { have: nb, need: na }),
            _ => Ok(None),
        }
    };
    if let Some((lat, lon)) = pair(lat, lon, ("lat", "lon"))? {
        list.push(Place::LatLon { lat, lon });
    }
    if let Some((x, y)) = pair(x, y, ("x", "y"))? {
        list.push(Place::Xy {
            x,
            y,
            crs: crs.unwrap_or(Crs::RdNew),
        });
    }
    if let Some(postcode) = postcode {
        let number = number.ok_or(ColumnProblem::Half {
            have: "postcode",
            need: "huisnummer",
        });
        match number {
            Ok(number) => list.push(Place::Postcode {
                postcode,
                number,
                letter,
                toevoeging,
            }),
            Err(e) if explicit => return Err(e),
            Err(_) => {}
        }
    }
    if let Some(street) = street {
        match number {
            Some(number) => list.push(Place::Street {
                street,
                number,
                number_named,
                letter,
                toevoeging,
                woonplaats,
            }),
            None if explicit => {
                return Err(ColumnProblem::Half {
                    have: "straat",
                    need: "huisnummer",
                });
            }
            None => {}
        }
    }
    if let Some(t) = text {
        list.push(Place::Text(t));
    }
    if list.is_empty() {
        return Err(ColumnProblem::NoPlace {
            columns: names.to_vec(),
        });
    }
    Ok(Places {
        list,
        names: names.to_vec(),
        notes: Vec::new(),
    })
}

/// Coordinate columns read as their header says, or swapped, or (x/y without a CRS) in the CRS
/// their values fit: judged once per file from a sample of rows, by how many land near the
/// covered area (`near`), so a file is never read half one way and half the other.
pub(crate) fn judge_coordinates(
    places: &mut Places,
    sample: &[Vec<String>],
    crs_given: bool,
    near: impl Fn(Rd) -> bool,
) {
    let number = |row: &Vec<String>, i: usize| {
        row.get(i)
            .and_then(|v| crate::query::parse_number("", v).ok())
    };
    let names = places.names.clone();
    let mut notes = Vec::new();
    for place in &mut places.list {
        match place {
            Place::LatLon { lat, lon } => {
                let fits = |swap: bool| {
                    sample
                        .iter()
                        .filter_map(|r| Some((number(r, *lat)?, number(r, *lon)?)))
                        .filter(|&(a, b)| {
                            let (la, lo) = if swap { (b, a) } else { (a, b) };
                            check_wgs84(la, lo)
                                .ok()
                                .is_some_and(|w| near(crate::crs::transformer().wgs84_to_rd(w)))
                        })
                        .count()
                };
                if fits(true) > fits(false) {
                    notes.push(t!(
                        "columns-lat-lon-swapped",
                        lat = &names[*lat],
                        lon = &names[*lon]
                    ));
                    std::mem::swap(lat, lon);
                }
            }
            Place::Xy { x, y, crs } => {
                let crss: &[Crs] = if crs_given {
                    &[*crs]
                } else {
                    &[Crs::RdNew, Crs::WebMercator, Crs::Wgs84]
                };
                let mut best = (0, *crs, false);
                for &c in crss {
                    for swap in [false, true] {
                        let n = sample
                            .iter()
                            .filter_map(|r| Some((number(r, *x)?, number(r, *y)?)))
                            .filter(|&(a, b)| {
                                let (px, py) = if swap { (b, a) } else { (a, b) };
                                check_projected(px, py, c).ok().is_some_and(&near)
                            })
                            .count();
                        if n > best.0 {
                            best = (n, c, swap);
                        }
                    }
                }
                let (_, c, swap) = best;
                if c != *crs {
                    notes.push(t!(
                        "columns-other-crs",
                        x = &names[*x],
                        y = &names[*y],
                        crs = c.to_string()
                    ));
                    *crs = c;
                }
                if swap {
                    notes.push(t!("columns-x-y-swapped", x = &names[*x], y = &names[*y]));
                    std::mem::swap(x, y);
                }
            }
            _ => {}
        }
    }
    places.notes.extend(notes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(h: &str) -> Vec<String> {
        h.split(';').map(str::to_string).collect()
    }

    #[test]
    fn every_place_of_an_excel_export_is_found_in_order() {
        let p = choose(
            &names("datum;omschrijving;straat;huisnummer;postcode;x;y"),
            &ColumnArgs::default(),
        )
        .unwrap();
        let kinds: Vec<_> = p.list.iter().map(Place::kind).collect();
        assert_eq!(
            kinds,
            [SourceKind::Xy, SourceKind::Postcode, SourceKind::Street]
        );
        assert_eq!(
            p.describe(),
            "x/y (EPSG:28992) from 'x', 'y'; then postcode from 'postcode', 'huisnummer'; then street from 'straat', 'huisnummer'"
        );
    }

    #[test]
    fn a_named_column_turns_detection_off_and_names_are_checked() {
        let h = names("lat;lon;adres");
        let only = ColumnArgs {
            address: Some("Adres".into()),
            ..ColumnArgs::default()
        };
        assert_eq!(choose(&h, &only).unwrap().list, [Place::Text(2)]);
        let wrong = ColumnArgs {
            address: Some("adress".into()),
            ..ColumnArgs::default()
        };
        let e = choose(&h, &wrong).unwrap_err();
        assert!(
            e.detail(Door::Cli)
                .contains("--address names column 'adress'")
                && e.detail(Door::Cli).contains("did you mean 'adres'?"),
            "{}",
            e.detail(Door::Cli)
        );
        assert!(e.detail(Door::Http).starts_with("address= names"));
        let half = ColumnArgs {
            x: Some("lat".into()),
            ..ColumnArgs::default()
        };
        assert_eq!(
            choose(&h, &half).unwrap_err().detail(Door::Http),
            "x= is given without y=: name both columns"
        );
    }
}
