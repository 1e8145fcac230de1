//! The sheet as one HTML page with print CSS (A4, one area a page), its maps as inline SVG:
//! what `GET /sheet` serves for printing from a browser.

use std::fmt::Write as _;

use super::{Map, PALETTE, Sheet};

use crate::render::html_escape as esc;

/// The page's style sheet, served at [`CSS_PATH`] (the service's CSP allows no inline style).
pub const CSS: &str = "
@page { size: A4; margin: 17mm; }
body { font-family: 'DejaVu Sans', Verdana, sans-serif; color: #111; max-width: 180mm; margin: 1em auto; }
h1 { font-size: 22pt; margin: 0 0 .2em; }
h2 { font-size: 17pt; margin: 0 0 .3em; }
h3 { font-size: 11.5pt; margin: .9em 0 .2em; }
p, li { font-size: 9pt; }
.notice { font-size: 8.5pt; }
.internal { font-weight: bold; color: #8b0000; }
.person { margin: .35em 0 .35em .8em; font-size: 9pt; }
.person .function { font-weight: bold; }
.shared { font-size: 8pt; margin-left: .8em; }
.person .detail { margin-left: .8em; font-size: 8pt; }
svg { width: 100%; height: auto; display: block; margin: .4em 0; }
svg text { font-weight: bold; paint-order: stroke; stroke: #fff; stroke-width: 2px; }
.area, .overview { page-break-after: always; break-after: page; }
.area:last-of-type { page-break-after: auto; break-after: auto; }
footer { font-size: 7pt; color: #555; margin-top: 1.5em; }
@media screen { .area { border-top: 1px solid #ccc; padding-top: 1em; margin-top: 2em; } }
";

fn svg(map: &Map, w: f64, h: f64) -> String {
    let fit = map.fit(w, h);
    let mut out = format!(
        "<svg viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for s in &map.shapes {
        let (r, g, b) = s
            .colour
            .map(|i| PALETTE[i % PALETTE.len()])
            .unwrap_or((235, 235, 235));
        let mut d = String::new();
        for ring in &s.rings {
            for (i, (x, y)) in ring.iter().enumerate() {
                let (px, py) = fit(*x, *y);
                let _ = write!(d, "{}{px:.1} {py:.1} ", if i == 0 { "M" } else { "L" });
            }
            d.push_str("Z ");
        }
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"rgb({r},{g},{b})\" fill-rule=\"evenodd\" stroke=\"#5a5a5a\" stroke-width=\"0.8\"><title>{}</title></path>",
            esc(&s.name)
        );
    }
    let mut labels = String::new();
    for l in map.labels(w, h) {
        let _ = write!(
            labels,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{:.1}\" text-anchor=\"middle\" dominant-baseline=\"middle\">{}</text>",
            l.x,
            l.y,
            l.size,
            esc(&l.name)
        );
    }
    out.push_str(&labels);
    out.push_str("</svg>");
    out
}

/// Where [`CSS`] is served.
pub const CSS_PATH: &str = "/assets/sheet.css";

/// The page.
pub fn render(sheet: &Sheet) -> String {
    let notice_class = if sheet.internal {
        "notice internal"
    } else {
        "notice"
    };
    let mut out = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"{CSS_PATH}\"></head><body>\n",
        sheet.lang.tag(),
        esc(&sheet.title)
    );
    let footer = format!("<footer>{}</footer>", esc(&sheet.source));
    if let Some(overview) = &sheet.overview {
        let _ = write!(
            out,
            "<section class=\"overview\"><h1>{}</h1><p>{}</p><p class=\"{notice_class}\">{}</p>{}<ul>",
            esc(&sheet.title),
            esc(&sheet.subtitle),
            esc(&sheet.notice),
            svg(overview, 600.0, 560.0)
        );
        for a in &sheet.areas {
            let _ = write!(
                out,
                "<li><a href=\"#{}\"><strong>{}</strong></a><br>{}</li>",
                esc(&a.id),
                esc(&a.heading),
                esc(&a.buurten)
            );
        }
        let _ = writeln!(out, "</ul>{footer}</section>");
    }
    for a in &sheet.areas {
        let _ = write!(
            out,
            "<section class=\"area\" id=\"{}\"><h2>{}</h2><p class=\"{notice_class}\">{}</p>{}<p>{}</p>",
            esc(&a.id),
            esc(&a.heading),
            esc(&sheet.notice),
            svg(&a.map, 600.0, 300.0),
            esc(&a.buurten)
        );
        for g in a.groups.iter().chain(&a.overlays) {
            let _ = write!(out, "<h3>{}</h3>", esc(&g.title));
            for c in &g.shared {
                let _ = write!(out, "<div class=\"shared\">{}</div>", esc(c));
            }
            for p in &g.people {
                let _ = write!(
                    out,
                    "<div class=\"person\"><div class=\"function\">{}</div>",
                    esc(&p.function)
                );
                if let Some(n) = &p.name {
                    let _ = write!(out, "<div class=\"name\">{}</div>", esc(n));
                }
                for d in p.when.iter().chain(&p.channels) {
                    let _ = write!(out, "<div class=\"detail\">{}</div>", esc(d));
                }
                out.push_str("</div>");
            }
        }
        let _ = writeln!(out, "{footer}</section>");
    }
    out.push_str("</body></html>\n");
    out
}
