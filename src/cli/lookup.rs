//! Printing `wijkwijzer lookup` answers and address failures, with the exit codes.

use super::*;

/// Prints a lookup answer (text or JSON); exit 1 when the place is outside coverage.
pub(crate) fn print_answer(
    answer: &wijkwijzer::resolve::Answer,
    json: bool,
) -> anyhow::Result<ExitCode> {
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

pub(crate) fn lookup_address(
    resolver: &Resolver,
    text: &str,
    situation: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use wijkwijzer::resolve::AddressLookupError;
    let q = address::Query::Text(text.to_string());
    match resolver.resolve_address(&q, situation, Audience::Internal) {
        Ok(answer) => print_answer(&answer, json),
        Err(AddressLookupError::Situation(e)) => Err(e.into()),
        Err(AddressLookupError::Address(f)) => {
            let meta = resolver.addresses().meta();
            eprintln!("wijkwijzer: {}", f.reason());
            for c in f.candidates() {
                eprintln!("  - {} ({})", c.address.label, c.quality.as_str());
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
