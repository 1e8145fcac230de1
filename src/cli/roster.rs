//! `wijkwijzer roster`: who is responsible where on a day, and the changes and gaps ahead.

use std::path::PathBuf;
use std::process::ExitCode;

use wijkwijzer::geodata::Geodata;
use wijkwijzer::roster::Audience;

/// Who is responsible where on a day, and the roster's changes and gaps in the 90 days
/// after it: check a hand-over before it happens.
#[derive(clap::Args)]
pub(super) struct RosterArgs {
    /// The day (default: today).
    #[arg(long)]
    as_of: Option<jiff::civil::Date>,
    #[arg(long, env = "WIJKWIJZER_GEODATA")]
    geodata: Option<PathBuf>,
}

pub(super) fn run(args: RosterArgs) -> anyhow::Result<ExitCode> {
    let data = super::source(args.geodata.as_ref()).load()?;
    let day = args.as_of.unwrap_or_else(wijkwijzer::roster::today);
    roster_report(&data, day)
}

/// Gaps from `from` over the next `days` days, each at the first day it appears.
pub(crate) fn upcoming_gaps(
    data: &Geodata,
    from: jiff::civil::Date,
    days: i64,
) -> Vec<(jiff::civil::Date, wijkwijzer::roster::Gap)> {
    let mut seen: Vec<(jiff::civil::Date, wijkwijzer::roster::Gap)> = Vec::new();
    for n in 0..=days {
        let Ok(day) = from.checked_add(jiff::Span::new().days(n)) else {
            break;
        };
        for g in data.roster_gaps(day) {
            if !seen
                .iter()
                .any(|(_, s)| s.area == g.area && s.role == g.role)
            {
                seen.push((day, g));
            }
        }
    }
    seen
}

fn roster_report(data: &Geodata, day: jiff::civil::Date) -> anyhow::Result<ExitCode> {
    let Some(coverage) = data.layer(&data.manifest.coverage_layer) else {
        anyhow::bail!("the geodata has no coverage layer");
    };
    out!("Responsible on {day}:");
    for area in &coverage.areas {
        out!("{} [{}]", area.name, area.id);
        let mut ids = vec![area.id.as_str()];
        ids.extend(area.parents.values().map(String::as_str));
        for c in data
            .roster
            .contacts_for(&ids, day, Audience::Internal)
            .iter()
            .filter(|c| !c.scope.is_city())
        {
            out!("  {:<32} {c}", c.role_label);
        }
        for g in data.roster.gaps(&area.id, day) {
            out!("  {:<32} VACANT ({})", g.role_label, g.entry);
        }
    }
    out!("\nChanges in the 90 days after {day}:");
    let mut changes = Vec::new();
    for a in &data.roster.assignments {
        let scope = if a.scope.is_city() {
            "city".to_string()
        } else {
            a.scope.area_ids().join(", ")
        };
        let within = |d: jiff::civil::Date| d > day && (d - day).get_days() <= 90;
        if let Some(f) = a.valid_from.filter(|d| within(*d)) {
            changes.push((f, format!("begins: {} ({scope})", a.function)));
        }
        if let Some(u) = a.valid_until.filter(|d| within(*d)) {
            changes.push((u, format!("last day: {} ({scope})", a.function)));
        }
    }
    changes.sort();
    if changes.is_empty() {
        out!("  none");
    }
    for (d, what) in &changes {
        out!("  {d}  {what}");
    }
    let gaps = upcoming_gaps(data, day, 90);
    out!("\nGaps in the 90 days after {day}:");
    if gaps.is_empty() {
        out!("  none");
    }
    for (d, g) in &gaps {
        out!("  from {d}  {} {}  ({})", g.area, g.role_label, g.entry);
    }
    Ok(ExitCode::SUCCESS)
}
