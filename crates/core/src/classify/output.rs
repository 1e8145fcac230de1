//! The columns a classification adds: which exist for the loaded layers, which `--columns`
//! picks, and what they are called in the output.

use super::columns::ColumnProblem;
use crate::query::closest_name;
use crate::t;

/// A column the answer adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Added {
    /// The area's code (CBS code, else id) in a layer.
    Code(usize),
    Name(usize),
    Position,
    /// The names of the overlays a place lies in (only when the data has overlays).
    Overlays,
    /// The first contact of the municipality's `columns[i]` role (see its profile).
    Role(usize),
    Status,
    Quality,
    Source,
    Lat,
    Lon,
    X,
    Y,
    Certainty,
    CertaintyRadius,
    AlsoPossible,
    Message,
}

/// The added columns in output order, with their names.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    pub columns: Vec<(Added, String)>,
    /// Whether any point column is asked for: decided once, so that rows without one skip
    /// the inverse transformation.
    pub point: bool,
    /// What the asked columns need beyond the areas, decided once: a lean run (`codes`) pays
    /// for no certainty disc, no overlay search and no words for places outside.
    pub needs: Needs,
}

/// The parts of an answer that only some columns read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Needs {
    /// `certainty`, `certainty_radius_m`, `also_possible`.
    pub certainty: bool,
    /// `overlays` and the role columns (an overlay's people stand in for the area's).
    pub overlays: bool,
    /// `message` (an outside row's message names the nearest place).
    pub message: bool,
}

impl Output {
    /// Every column: the coverage layer's code and name first, then the other layers', then
    /// the rest.
    fn all(
        layers: &[&str],
        coverage: usize,
        roles: &[&str],
        overlays: bool,
    ) -> Vec<(Added, String)> {
        let mut order: Vec<usize> = vec![coverage];
        order.extend((0..layers.len()).filter(|l| *l != coverage));
        let mut out = Vec::new();
        for l in order {
            out.push((Added::Code(l), layers[l].to_string()));
            out.push((Added::Name(l), format!("{}_name", layers[l])));
        }
        out.push((Added::Position, "position".to_string()));
        if overlays {
            out.push((Added::Overlays, "overlays".to_string()));
        }
        for (i, r) in roles.iter().enumerate() {
            out.push((Added::Role(i), r.to_string()));
        }
        for (a, n) in [
            (Added::Status, "status"),
            (Added::Quality, "quality"),
            (Added::Source, "source"),
            (Added::Lat, "point_lat"),
            (Added::Lon, "point_lon"),
            (Added::X, "point_x"),
            (Added::Y, "point_y"),
            (Added::Certainty, "certainty"),
            (Added::CertaintyRadius, "certainty_radius_m"),
            (Added::AlsoPossible, "also_possible"),
            (Added::Message, "message"),
        ] {
            out.push((a, n.to_string()));
        }
        out
    }

    /// The columns `spec` asks for (`None`: all), for the given layer ids, role columns and
    /// whether the data has overlays (then `overlays` is a column).
    pub fn parse(
        spec: Option<&str>,
        layers: &[&str],
        coverage: usize,
        roles: &[&str],
        overlays: bool,
    ) -> Result<Output, ColumnProblem> {
        let all = Output::all(layers, coverage, roles, overlays);
        let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty() && *s != "all") else {
            return Ok(Output::new(all));
        };
        let mut columns: Vec<(Added, String)> = Vec::new();
        for word in spec.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let picked: Vec<(Added, String)> = if word == "codes" {
                all.iter()
                    .filter(|(a, _)| matches!(a, Added::Code(_) | Added::Status))
                    .cloned()
                    .collect()
            } else {
                match all.iter().find(|(_, n)| n.eq_ignore_ascii_case(word)) {
                    Some(c) => vec![c.clone()],
                    None => {
                        let near = closest_name(word, all.iter().map(|(_, n)| n.as_str()))
                            .map(|n| format!("{} ", t!("did-you-mean", name = n)))
                            .unwrap_or_default();
                        return Err(ColumnProblem::BadValue {
                            option: "columns",
                            reason: t!(
                                "classify-no-such-output-column",
                                word = word,
                                near = near,
                                columns = all
                                    .iter()
                                    .map(|(_, n)| n.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        });
                    }
                }
            };
            for c in picked {
                if !columns.iter().any(|(a, _)| *a == c.0) {
                    columns.push(c);
                }
            }
        }
        Ok(Output::new(columns))
    }

    fn new(columns: Vec<(Added, String)>) -> Output {
        let any = |f: fn(&Added) -> bool| columns.iter().any(|(c, _)| f(c));
        let point = any(|c| matches!(c, Added::Lat | Added::Lon | Added::X | Added::Y));
        let needs = Needs {
            certainty: any(|c| {
                matches!(
                    c,
                    Added::Certainty | Added::CertaintyRadius | Added::AlsoPossible
                )
            }),
            overlays: any(|c| matches!(c, Added::Overlays | Added::Role(_))),
            message: any(|c| matches!(c, Added::Message)),
        };
        Output {
            columns,
            point,
            needs,
        }
    }

    /// Whether an added column can hold text beyond ASCII (names, people, messages); codes,
    /// words and numbers cannot.
    pub fn has_text(&self) -> bool {
        self.columns.iter().any(|(c, _)| {
            matches!(
                c,
                Added::Name(_)
                    | Added::Role(_)
                    | Added::Overlays
                    | Added::AlsoPossible
                    | Added::Message
            )
        })
    }

    /// The names as written into the file: one the input already has gets the prefix
    /// `wijkwijzer_`, so that no column name appears twice.
    pub fn header_names(&self, input: &[String]) -> Vec<String> {
        self.columns
            .iter()
            .map(|(_, n)| {
                if input.iter().any(|i| i.eq_ignore_ascii_case(n)) {
                    format!("wijkwijzer_{n}")
                } else {
                    n.clone()
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Door;

    #[test]
    fn columns_are_picked_by_name_or_preset() {
        let layers = ["lwa", "wijk", "buurt", "stadsdeel"];
        let roles = ["thor_senior", "police_coordinator"];
        let all = Output::parse(None, &layers, 0, &roles, false).unwrap();
        let names: Vec<&str> = all.columns.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(&names[..4], ["lwa", "lwa_name", "wijk", "wijk_name"]);
        assert_eq!(names.len(), 8 + 14);
        let codes = Output::parse(Some("codes"), &layers, 0, &roles, false).unwrap();
        let names: Vec<&str> = codes.columns.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["lwa", "wijk", "buurt", "stadsdeel", "status"]);
        let e = Output::parse(Some("lwa,staus"), &layers, 0, &roles, false).unwrap_err();
        assert!(
            e.detail(Door::Cli).contains("did you mean 'status'?"),
            "{e:?}"
        );
        assert_eq!(
            all.header_names(&["x".into(), "point_x".into()])[14..18],
            ["point_lat", "point_lon", "wijkwijzer_point_x", "point_y"]
        );
    }
}
