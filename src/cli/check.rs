//! `wijkwijzer check` and `wijkwijzer situations`: what a geodata directory holds, validated.

use std::path::PathBuf;
use std::process::ExitCode;

use super::roster::upcoming_gaps;

/// Validate a geodata directory (default: the embedded data).
#[derive(clap::Args)]
pub(super) struct CheckArgs {
    dir: Option<PathBuf>,
    /// Also fail (exit 1) on warnings: roles left empty by validity dates, today or in
    /// the next 90 days. For CI of the municipality's roster repository.
    #[arg(long)]
    strict: bool,
}

/// List the meldkaart: situations, who handles them, how to report them.
#[derive(clap::Args)]
pub(super) struct SituationsArgs {
    #[arg(long, env = "WIJKWIJZER_GEODATA")]
    geodata: Option<PathBuf>,
}

pub(super) fn situations(args: SituationsArgs) -> anyhow::Result<ExitCode> {
    let data = super::DataArgs {
        geodata: args.geodata,
        addresses: None,
    };

    let data = data.geodata()?;
    for s in data.situations.list() {
        out!("{:<22} {:<10} {}", s.id, s.urgency.label(), s.name);
        for r in &s.report {
            out!("{:<33} {} ({})", "", r.value, r.label);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// " (the assignment that ended or begins)" and how to fill the role, for a gap's warning
/// line.
fn entry(g: &wijkwijzer::roster::Gap) -> String {
    let entry = if g.entry.is_empty() {
        String::new()
    } else {
        format!(" ({})", g.entry)
    };
    format!(
        "{entry}: fill it with an [[assignment]] with role = \"{}\" and scope = [\"{}\"] or scope = \"city\", valid on those days",
        g.role, g.area
    )
}

pub(super) fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let CheckArgs { dir, strict } = args;
    match super::source(dir.as_ref()).load() {
        Ok(data) => {
            out!(
                "geodata in {} is valid (version {})",
                data.origin,
                data.version
            );
            for l in data.generations() {
                let period = l.info.period();
                out!(
                    "  {:<10} {:>3} areas  {}{}",
                    l.info.id,
                    l.areas.len(),
                    l.info.title,
                    if period == Default::default() {
                        String::new()
                    } else {
                        format!(" ({period})")
                    }
                );
            }
            out!(
                "  roster     {:>3} assignments",
                data.roster.assignments.len()
            );
            for o in data.overlays.iter() {
                let period = wijkwijzer::geodata::Period {
                    from: o.valid_from,
                    until: o.valid_until,
                };
                out!(
                    "  overlay    {} ({}){}",
                    o.area.id,
                    o.area.name,
                    if period == Default::default() {
                        String::new()
                    } else {
                        format!(", {period}")
                    }
                );
            }
            let today = wijkwijzer::roster::today();
            let warnings = upcoming_gaps(&data, today, 90);
            for (day, g) in &warnings {
                eprintln!(
                    "warning: roster.toml: {}: {} vacant from {day}{}",
                    g.area,
                    g.role_label,
                    entry(g)
                );
            }
            // Every period of the data, past ones too: `as_of` answers them.
            let mut past = 0;
            for period in data.periods() {
                for (day, g) in data.roster_gaps_in(&period) {
                    if warnings
                        .iter()
                        .any(|(_, w)| w.area == g.area && w.role == g.role)
                    {
                        continue;
                    }
                    past += 1;
                    let from = if day == jiff::civil::Date::MIN {
                        "the start".to_string()
                    } else {
                        day.to_string()
                    };
                    eprintln!(
                        "warning: roster.toml: {}: {} vacant from {from} in the period {period}{}",
                        g.area,
                        g.role_label,
                        entry(&g)
                    );
                }
            }
            Ok(if strict && (!warnings.is_empty() || past > 0) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Err(e) => {
            eprintln!("{e:#}");
            Ok(ExitCode::from(1))
        }
    }
}
