//! The sheet as an A4 PDF: laid out into pages of drawing operations (text lines wrapped by
//! the font's own advance widths, map shapes), then drawn with krilla, which embeds the subset
//! of DejaVu Sans the text uses.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::text::{Font, TextDirection};

use super::{BOLD, Map, PALETTE, REGULAR, Sheet, text_width};

/// A4 in points, and the margin.
const W: f32 = 595.28;
const H: f32 = 841.89;
const MARGIN: f32 = 48.0;
/// Room kept at the foot of a page for its footer.
const FOOT: f32 = 40.0;

/// Why a PDF could not be made (krilla refused what was drawn: a bug, not bad input).
#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be written: {0}")]
pub struct PdfError(String);

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: bool,
        text: String,
    },
    Shape {
        rings: Vec<Vec<(f32, f32)>>,
        fill: (u8, u8, u8),
    },
    /// Shapes after this are cut to the rectangle (x, y, w, h) until [`Op::Unclip`].
    Clip(f32, f32, f32, f32),
    Unclip,
}

#[derive(Default)]
struct Pages {
    pages: Vec<Vec<Op>>,
    /// The baseline of the next line on the current page.
    y: f32,
}

impl Pages {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Text wrapped to the page's width at `indent`, starting a new page (with `continued`
    /// as its first line) when it does not fit.
    fn para(&mut self, text: &str, size: f32, bold: bool, indent: f32, continued: &str) {
        for line in wrap(bold, size, text, W - 2.0 * MARGIN - indent) {
            self.room(size * 1.35, continued);
            self.y += size * 1.35;
            let y = self.y;
            self.ops().push(Op::Text {
                x: MARGIN + indent,
                y,
                size,
                bold,
                grey: false,
                text: line,
            });
        }
    }

    /// A new page when less than `needed` points are left on this one.
    fn room(&mut self, needed: f32, continued: &str) {
        if self.pages.is_empty() || self.y + needed > H - MARGIN - FOOT {
            self.new_page();
            if !continued.is_empty() {
                self.y += 13.0;
                let y = self.y;
                self.ops().push(Op::Text {
                    x: MARGIN,
                    y,
                    size: 11.0,
                    bold: true,
                    grey: true,
                    text: continued.to_string(),
                });
                self.y += 6.0;
            }
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A map in a box of the page's width and `height` points below the current line.
    fn map(&mut self, map: &Map, height: f32) {
        let (w, top) = (W - 2.0 * MARGIN, self.y + 6.0);
        let fit = map.fit(f64::from(w), f64::from(height));
        let at = |x: f64, y: f64| {
            let (px, py) = fit(x, y);
            (MARGIN + px as f32, top + py as f32)
        };
        self.ops().push(Op::Clip(MARGIN, top, w, height));
        for s in &map.shapes {
            let fill = s
                .colour
                .map(|i| PALETTE[i % PALETTE.len()])
                .unwrap_or((235, 235, 235));
            let rings = s
                .rings
                .iter()
                .map(|r| r.iter().map(|(x, y)| at(*x, *y)).collect())
                .collect();
            self.ops().push(Op::Shape { rings, fill });
        }
        self.ops().push(Op::Unclip);
        // Names after every shape, so that none is painted over.
        for l in map.labels(f64::from(w), f64::from(height)) {
            let size = l.size as f32;
            let half = width(true, size, &l.name) / 2.0;
            self.ops().push(Op::Text {
                x: MARGIN + l.x as f32 - half,
                y: top + l.y as f32 + size / 3.0,
                size,
                bold: true,
                grey: false,
                text: l.name,
            });
        }
        self.y = top + height + 8.0;
    }
}

/// The width of `text` in points at `size`.
fn width(bold: bool, size: f32, text: &str) -> f32 {
    text_width(bold, f64::from(size), text) as f32
}

/// Lines of at most `max` points, broken at spaces (a word longer than a line stands alone).
fn wrap(bold: bool, size: f32, text: &str, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width(bold, size, &candidate) > max {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The sheet as PDF bytes.
pub fn render(sheet: &Sheet) -> Result<Vec<u8>, PdfError> {
    let mut p = Pages::default();
    if let Some(overview) = &sheet.overview {
        p.new_page();
        p.para(&sheet.title, 22.0, true, 0.0, "");
        p.para(&sheet.subtitle, 11.0, false, 0.0, "");
        p.para(&sheet.notice, 9.0, sheet.internal, 0.0, "");
        p.gap(8.0);
        p.map(overview, 470.0);
        for a in &sheet.areas {
            p.para(&a.heading, 11.0, true, 0.0, "");
            p.para(&a.buurten, 8.5, false, 12.0, "");
        }
    }
    for a in &sheet.areas {
        p.new_page();
        p.para(&a.heading, 18.0, true, 0.0, "");
        p.para(&sheet.notice, 8.5, sheet.internal, 0.0, "");
        p.map(&a.map, 230.0);
        p.para(&a.buurten, 8.5, false, 0.0, "");
        let continued = format!("{} ({})", a.heading, sheet.continued);
        for g in a.groups.iter().chain(&a.overlays) {
            p.gap(6.0);
            p.room(40.0, &continued);
            p.para(&g.title, 11.5, true, 0.0, &continued);
            for c in &g.shared {
                p.para(c, 8.0, false, 8.0, &continued);
            }
            for person in &g.people {
                p.room(24.0, &continued);
                p.gap(2.0);
                p.para(&person.function, 9.0, true, 8.0, &continued);
                if let Some(n) = &person.name {
                    p.para(n, 9.0, false, 8.0, &continued);
                }
                if let Some(w) = &person.when {
                    p.para(w, 8.0, false, 16.0, &continued);
                }
                for c in &person.channels {
                    p.para(c, 8.0, false, 16.0, &continued);
                }
            }
        }
    }
    draw(sheet, p.pages)
}

fn draw(sheet: &Sheet, pages: Vec<Vec<Op>>) -> Result<Vec<u8>, PdfError> {
    let regular = Font::new(REGULAR.into(), 0).ok_or_else(|| PdfError("font".into()))?;
    let bold = Font::new(BOLD.into(), 0).ok_or_else(|| PdfError("bold font".into()))?;
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(sheet.title.clone())
            .language(sheet.lang.tag().to_string())
            .creator("wijkwijzer".to_string()),
    );
    let count = pages.len();
    for (n, ops) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(W, H).ok_or_else(|| PdfError("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Clip(x, y, w, h) => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = krilla::geom::Rect::from_xywh(x, y, w, h) {
                        pb.push_rect(r);
                    }
                    if let Some(path) = pb.finish() {
                        surface.push_clip_path(&path, &FillRule::NonZero);
                    }
                }
                Op::Unclip => surface.pop(),
                Op::Shape { rings, fill } => {
                    let mut pb = PathBuilder::new();
                    for ring in &rings {
                        for (i, (x, y)) in ring.iter().enumerate() {
                            if i == 0 {
                                pb.move_to(*x, *y);
                            } else {
                                pb.line_to(*x, *y);
                            }
                        }
                        pb.close();
                    }
                    let Some(path) = pb.finish() else { continue };
                    surface.set_fill(Some(Fill {
                        paint: rgb::Color::new(fill.0, fill.1, fill.2).into(),
                        opacity: NormalizedF32::ONE,
                        rule: FillRule::EvenOdd,
                    }));
                    surface.set_stroke(Some(Stroke {
                        paint: rgb::Color::new(90, 90, 90).into(),
                        width: 0.6,
                        ..Default::default()
                    }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    grey,
                    text,
                } => {
                    let shade = if grey { 100 } else { 0 };
                    surface.set_fill(Some(Fill {
                        paint: rgb::Color::new(shade, shade, shade).into(),
                        ..Default::default()
                    }));
                    surface.draw_text(
                        Point::from_xy(x, y),
                        if b { bold.clone() } else { regular.clone() },
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
            }
        }
        // The foot of every page: source and day, the notice, the page number.
        surface.set_fill(Some(Fill {
            paint: rgb::Color::new(90, 90, 90).into(),
            ..Default::default()
        }));
        let mut y = H - MARGIN - FOOT + 14.0;
        // An internal sheet says so on every page, continuation pages included.
        if sheet.internal {
            surface.draw_text(
                Point::from_xy(MARGIN, y),
                bold.clone(),
                7.0,
                &sheet.notice,
                false,
                TextDirection::Auto,
            );
            y += 9.0;
        }
        for line in wrap(false, 7.0, &sheet.source, W - 2.0 * MARGIN - 40.0) {
            surface.draw_text(
                Point::from_xy(MARGIN, y),
                regular.clone(),
                7.0,
                &line,
                false,
                TextDirection::Auto,
            );
            y += 9.0;
        }
        let number = format!("{} / {count}", n + 1);
        surface.draw_text(
            Point::from_xy(
                W - MARGIN - width(false, 7.0, &number),
                H - MARGIN - FOOT + 14.0,
            ),
            regular.clone(),
            7.0,
            &number,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError(format!("{e:?}")))
}
