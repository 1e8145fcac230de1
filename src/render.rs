//! Human-readable rendering of answers for the command line.

use std::fmt::Write;

use crate::index::Position;
use crate::resolve::Answer;

/// Renders an answer as aligned text for a person at a terminal.
pub fn answer(a: &Answer) -> String {
    let mut out = String::new();
    if let Some(u) = &a.understood {
        let _ = writeln!(out, "Read as    {}", u.understood_as);
    }
    if let Some(p) = &a.place {
        let _ = writeln!(out, "Place      {} ({}; {})", p.name, p.kind, p.source);
    }
    if let Some(m) = &a.address {
        let _ = writeln!(
            out,
            "Address    {} ({}, score {:.2})",
            m.matched.label,
            m.quality.as_str(),
            m.score
        );
        for c in &m.alternatives {
            let _ = writeln!(
                out,
                "  or       {} ({})",
                c.address.label,
                c.quality.as_str()
            );
        }
        if m.quality != crate::address::MatchQuality::Exact && a.place.is_none() {
            let _ = writeln!(
                out,
                "           not an exact match for '{}': check the address",
                m.query
            );
        }
        for note in &m.notes {
            let _ = writeln!(out, "           {note}");
        }
    }
    let p = &a.point;
    let _ = writeln!(
        out,
        "Point      {:.6}, {:.6} (WGS84 lat, lon) = RD {:.2}, {:.2}",
        p.wgs84.lat, p.wgs84.lon, p.rd.x, p.rd.y
    );
    let position = match a.position {
        Position::Inside => "inside",
        Position::Boundary => "on a boundary",
        Position::Near => "just outside the generalised boundary: the nearest area",
        Position::Outside => "outside coverage",
    };
    let _ = writeln!(out, "Position   {position}");
    let c = &a.certainty;
    let shares: Vec<String> = c
        .areas
        .iter()
        .map(|s| format!("{} {:.0} %", s.name, s.share * 100.0))
        .collect();
    let _ = writeln!(
        out,
        "Certainty  {} (±{:.0} m{}){}",
        c.level.words(),
        c.radius_m,
        c.boundary_distance_m
            .map(|d| format!(", {d:.0} m from a boundary"))
            .unwrap_or_default(),
        if c.level == crate::resolve::Level::Certain {
            String::new()
        } else {
            format!(": {}", shares.join(", "))
        }
    );
    if c.level != crate::resolve::Level::Certain {
        for s in &c.areas {
            let people = s.people_to_call();
            if !people.is_empty() {
                let _ = writeln!(out, "  call     {}: {}", s.name, people.join("; "));
            }
        }
    }
    let d = &a.data;
    let period = crate::geodata::Period {
        from: d.valid_from,
        until: d.valid_until,
    };
    let _ = writeln!(
        out,
        "As of      {} (areas: {}, {period})",
        d.as_of, d.source
    );
    for hit in &a.areas {
        let code = hit.code.as_deref().unwrap_or(&hit.id);
        let mark = if hit.position == Position::Boundary {
            "  (on its boundary)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{:<10} {} [{}]{}",
            capitalise(&hit.layer),
            hit.name,
            code,
            mark
        );
    }
    for o in &a.overlays {
        let mark = match o.position {
            Position::Boundary => "  (near its edge: maybe not inside)",
            Position::Near => "  (just outside, maybe inside; its people are not listed)",
            _ => "",
        };
        let _ = writeln!(out, "Overlay    {} [{}]{}", o.name, o.id, mark);
    }
    if let Some(n) = &a.nearest {
        let _ = writeln!(
            out,
            "Nearest    {} [{}], {:.0} m away",
            n.lwa.name, n.lwa.id, n.distance_m
        );
    }
    let _ = writeln!(out, "{}", a.message);
    if let Some(h) = &a.situation {
        let s = &h.situation;
        let _ = writeln!(out, "\nSituation  {} ({})", s.name, s.urgency.label());
        let _ = writeln!(out, "           {}", s.advice);
        if let Some(route) = &s.route {
            let _ = writeln!(
                out,
                "  route    at {}: {}{}",
                route.at,
                route
                    .hours
                    .as_deref()
                    .unwrap_or("outside the other routes' hours"),
                route
                    .valid_until
                    .as_deref()
                    .map(|u| format!(", until {u}"))
                    .unwrap_or_default()
            );
        }
        for r in &s.report {
            let _ = writeln!(out, "  report   {} — {}", r.value, r.label);
        }
        for c in &h.handlers {
            let _ = writeln!(out, "  handled  {}: {}", c.organisation, c);
        }
        if h.handlers.is_empty() {
            let _ = writeln!(
                out,
                "  handled  (no area contacts: the place is outside coverage)"
            );
        }
    }
    if !a.contacts.is_empty() {
        let _ = writeln!(out, "\nContacts");
        for c in a.contacts.iter() {
            let theme = c
                .theme
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<14} {}{}: {}",
                c.organisation, c.role_label, theme, c
            );
            let _ = writeln!(out, "  {:<14} why: {}", "", c.why.text);
            // Channels every contact of this organisation shares are listed once below.
            let own: Vec<String> = c
                .channels
                .iter()
                .filter(|ch| !shared_channels(a, &c.organisation).contains(ch))
                .map(channel)
                .collect();
            if !own.is_empty() {
                let _ = writeln!(out, "  {:<14} {}", "", own.join(" | "));
            }
        }
        let _ = writeln!(out, "\nChannels");
        let mut seen: Vec<&str> = Vec::new();
        for c in a.contacts.iter() {
            if seen.contains(&c.organisation.as_str()) {
                continue;
            }
            seen.push(&c.organisation);
            let shared: Vec<String> = shared_channels(a, &c.organisation)
                .into_iter()
                .map(channel)
                .collect();
            if !shared.is_empty() {
                let _ = writeln!(out, "  {:<14} {}", c.organisation, shared.join(" | "));
            }
        }
    }
    let d = &a.data;
    let _ = writeln!(
        out,
        "\nData       {} ({}{}), version {}; {}",
        d.source,
        d.year,
        if d.generalized {
            ", generalised boundaries"
        } else {
            ""
        },
        d.version,
        d.attribution
    );
    out
}

fn channel(ch: &crate::roster::Channel) -> String {
    match &ch.label {
        Some(l) => format!("{} ({l})", ch.value),
        None => ch.value.clone(),
    }
}

/// The channels that every contact of `organisation` in the answer has.
fn shared_channels<'a>(a: &'a Answer, organisation: &str) -> Vec<&'a crate::roster::Channel> {
    let mut contacts = a.contacts.iter().filter(|c| c.organisation == organisation);
    let Some(first) = contacts.next() else {
        return Vec::new();
    };
    let rest: Vec<_> = contacts.collect();
    first
        .channels
        .iter()
        .filter(|ch| rest.iter().all(|c| c.channels.contains(ch)))
        .collect()
}

/// Layer ids as labels: short ones are acronyms (`lwa` -> `LWA`), others get a capital.
fn capitalise(s: &str) -> String {
    if s.len() <= 3 {
        return s.to_uppercase();
    }
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Text made safe to place in HTML, as element content or a quoted attribute value.
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
