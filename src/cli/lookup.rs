//! `wijkwijzer lookup`: one place in any notation or an address, answered as text or as the
//! JSON of `GET /v1/lookup`. Exit 0 found, 1 outside coverage or no single address, 2 the
//! input cannot be read.

use std::process::ExitCode;

use wijkwijzer::address;
use wijkwijzer::crs::Crs;
use wijkwijzer::index::Position;
use wijkwijzer::query;
use wijkwijzer::render;
use wijkwijzer::resolve::On;
use wijkwijzer::roster::Audience;

/// Look up a place: "50.8514,5.6910" (WGS84 lat,lon), "176395 317996" (RD New), a map
/// link, or an address: "Brusselsepoort 45", "6216CG 45".
#[derive(clap::Args)]
#[command(allow_negative_numbers = true)]
pub(super) struct LookupArgs {
    /// The place; may be given as one or several arguments.
    #[arg(required = true, num_args = 1..)]
    place: Vec<String>,
    /// Read the pair as x y in this CRS (EPSG:28992, EPSG:3857, EPSG:4326 as lon lat).
    #[arg(long)]
    crs: Option<String>,
    /// Print the answer as JSON (the same object as GET /v1/lookup).
    #[arg(long)]
    json: bool,
    /// Add who handles this situation here and how to report it (see `wijkwijzer situations`).
    #[arg(long)]
    situation: Option<String>,
    /// Answer for this day, YYYY-MM-DD (default: today): the areas as drawn then, the roster
    /// and overlays of that day, and report routes at the current time of day on that day.
    #[arg(long = "as-of", value_name = "YYYY-MM-DD", value_parser = wijkwijzer::resolve::parse_as_of)]
    as_of: Option<jiff::civil::Date>,
    /// Answer for this moment, RFC 3339 (default: now), e.g. 2026-12-05T23:00:00+01:00: its day
    /// in Europe/Amsterdam is the answer's day (areas, roster, overlays), its time chooses the
    /// report route. With --as-of, both must name the same day.
    #[arg(long, value_name = "DATE-TIME")]
    at: Option<jiff::Timestamp>,
    #[command(flatten)]
    data: super::DataArgs,
}

pub(super) fn run(args: LookupArgs) -> anyhow::Result<ExitCode> {
    let LookupArgs {
        place,
        crs,
        json,
        situation,
        as_of,
        at,
        data,
    } = args;

    let resolver = data.resolver_for_one_answer()?;
    let on = match resolver.moment(as_of, at) {
        Ok(on) => on,
        Err(e) => {
            let flag = match (&e, &as_of) {
                (wijkwijzer::resolve::AsOfError::TwoDays { .. }, _) => "--as-of/--at",
                (_, Some(_)) => "--as-of",
                (_, None) => "--at",
            };
            eprintln!("wijkwijzer: {flag}: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let text = place.join(" ");
    // The place is decided once, from the text (and `--crs`); one call answers it.
    let place = match crs {
        Some(c) => {
            let crs = Crs::parse(&c)?;
            let parts: Vec<&str> = text
                .split([',', ';', ' '])
                .filter(|s| !s.is_empty())
                .collect();
            let [x, y] = parts.as_slice() else {
                anyhow::bail!("give two numbers, x and y in {crs}; got '{text}'");
            };
            query::Place::Point(query::check_projected(
                query::parse_number("x", x)?,
                query::parse_number("y", y)?,
                crs,
            )?)
        }
        None => query::Place::from_text(&text, &on.data().locality)?,
    };
    lookup_place(on, place, situation.as_deref(), json)
}

/// Prints a lookup answer (text or JSON); exit 1 when the place is outside coverage.
fn print_answer(answer: &wijkwijzer::resolve::Answer, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        out!("{}", serde_json::to_string_pretty(answer)?);
    } else {
        out!("{}", render::answer(answer).trim_end());
    }
    Ok(if answer.position == Position::Outside {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn lookup_place(
    on: On<'_>,
    place: query::Place,
    situation: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use wijkwijzer::resolve::AddressLookupError;
    match on.lookup(place, situation, Audience::Internal) {
        Ok(answer) => print_answer(&answer, json),
        Err(AddressLookupError::Situation(e)) => Err(e.into()),
        Err(AddressLookupError::Address(f)) => {
            let meta = on.resolver().address_meta();
            eprintln!("wijkwijzer: {}", f.reason());
            let ambiguous =
                matches!(f, address::Failure::Ambiguous { .. }) && !f.candidates().is_empty();
            let areas = if ambiguous {
                let (certainty, areas) =
                    on.candidates_certainty(f.candidates(), Audience::Internal);
                eprintln!(
                    "certainty: {} (±{:.0} m)",
                    certainty.level.words(),
                    certainty.radius_m
                );
                for a in &certainty.areas {
                    eprintln!("  call {}: {}", a.name, a.people_to_call().join("; "));
                }
                areas
            } else {
                Vec::new()
            };
            for (i, c) in f.candidates().iter().enumerate() {
                match areas.get(i).cloned().flatten() {
                    Some(area) => eprintln!(
                        "  - {} ({}) in {}",
                        c.address.label,
                        c.quality.as_str(),
                        area.name
                    ),
                    None => eprintln!("  - {} ({})", c.address.label, c.quality.as_str()),
                }
            }
            if !meta.source.complete {
                eprintln!(
                    "note: the loaded addresses ({}, {}) are not the complete register; to load it: {}",
                    meta.count, meta.source.name, meta.how_to_load_bag
                );
            }
            Ok(match f {
                // 2: the input itself is wrong; 1: read, but it does not lead to one place.
                address::Failure::Unreadable(_) => ExitCode::from(2),
                address::Failure::NotFound { .. } | address::Failure::Ambiguous { .. } => {
                    ExitCode::from(1)
                }
            })
        }
    }
}
