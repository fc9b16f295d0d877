//! A certificate as a one-page A4 PDF: who, where they worked, which module, when, the CPD
//! minutes, the outcomes and the reference with where to check it. Drawn with `krilla` (pure
//! Rust) in Roboto, embedded and subset so that any name prints as written; the font files and
//! their licence (Apache-2.0) are in `fonts/`. Lines are centred and wrapped by the font's own
//! glyph widths (`ttf-parser`).

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime as PdfDate, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use super::certificates::Certificate;
use crate::error::{AppError, AppResult};

static REGULAR: &[u8] = include_bytes!("fonts/Roboto-Regular.ttf");
static BOLD: &[u8] = include_bytes!("fonts/Roboto-Bold.ttf");

/// A4 in PDF points (1/72 inch): 210 × 297 mm.
pub const A4_WIDTH: f32 = 595.28;
pub const A4_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
/// NHS blue (#005EB8) and the text colour of the NHS.UK frontend (#212B32).
const BLUE: (u8, u8, u8) = (0, 94, 184);
const TEXT: (u8, u8, u8) = (33, 43, 50);

/// One face: krilla's font for drawing and the same bytes parsed for measuring.
struct Face {
    font: Font,
    metrics: ttf_parser::Face<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> AppResult<Self> {
        let font = Font::new(bytes.into(), 0)
            .ok_or_else(|| AppError::internal("the certificate font could not be read"))?;
        let metrics = ttf_parser::Face::parse(bytes, 0).map_err(AppError::internal)?;
        Ok(Self { font, metrics })
    }

    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                self.metrics
                    .glyph_index(c)
                    .and_then(|g| self.metrics.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(self.metrics.units_per_em())
    }

    /// `text` broken between words into lines no wider than `max` at `size`.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if line.is_empty() || self.width(&candidate, size) <= max {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Where the next line goes, and how to draw one.
struct Writer<'a, 'b> {
    surface: &'a mut Surface<'b>,
    y: f32,
}

impl Writer<'_, '_> {
    fn colour((r, g, b): (u8, u8, u8)) -> Fill {
        Fill {
            paint: rgb::Color::new(r, g, b).into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }
    }

    /// Draws `text` wrapped to the page, each line centred, `gap` points below the last.
    fn centred(&mut self, face: &Face, size: f32, colour: (u8, u8, u8), gap: f32, text: &str) {
        self.surface.set_fill(Some(Self::colour(colour)));
        for (n, line) in face
            .wrap(text, size, A4_WIDTH - 2.0 * MARGIN)
            .iter()
            .enumerate()
        {
            self.y += if n == 0 { gap } else { size * 1.25 };
            let x = (A4_WIDTH - face.width(line, size)) / 2.0;
            self.draw(face, size, x, line);
        }
    }

    /// Draws `text` wrapped between `left` and the right margin, `gap` points below the last.
    fn left(&mut self, face: &Face, size: f32, left: f32, gap: f32, text: &str) {
        self.surface.set_fill(Some(Self::colour(TEXT)));
        for (n, line) in face
            .wrap(text, size, A4_WIDTH - MARGIN - left)
            .iter()
            .enumerate()
        {
            self.y += if n == 0 { gap } else { size * 1.3 };
            self.draw(face, size, left, line);
        }
    }

    fn draw(&mut self, face: &Face, size: f32, x: f32, line: &str) {
        self.surface.draw_text(
            Point::from_xy(x, self.y),
            face.font.clone(),
            size,
            line,
            false,
            TextDirection::Auto,
        );
    }
}

/// The PDF of `certificate`; `check_url` is the public page where its reference can be checked.
pub fn render(certificate: &Certificate, check_url: &str) -> AppResult<Vec<u8>> {
    let regular = Face::load(REGULAR)?;
    let bold = Face::load(BOLD)?;
    let module = &certificate.module;
    let mut document = Document::new();
    let completed = module.completed_at.date_naive();
    let year = u16::try_from(chrono::Datelike::year(&completed)).unwrap_or(2026);
    document.set_metadata(
        Metadata::new()
            .title(format!("Certificate of completion: {}", module.title))
            .description(format!(
                "{} completed {} on {}. Reference {}.",
                certificate.name,
                module.title,
                certificate.date(),
                certificate.reference
            ))
            .keywords(vec![certificate.reference.clone()])
            .authors(vec!["Genomics training".to_owned()])
            .creator("genomics-training".to_owned())
            .language("en-GB".to_owned())
            .creation_date(
                PdfDate::new(year)
                    .month(chrono::Datelike::month(&completed) as u8)
                    .day(chrono::Datelike::day(&completed) as u8),
            ),
    );
    let settings = PageSettings::from_wh(A4_WIDTH, A4_HEIGHT)
        .ok_or_else(|| AppError::internal("A4 is not a page size"))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    frame(&mut surface)?;
    let mut w = Writer {
        surface: &mut surface,
        y: MARGIN + 24.0,
    };
    w.centred(&bold, 30.0, BLUE, 40.0, "Certificate of completion");
    w.centred(&regular, 13.0, TEXT, 44.0, "This is to confirm that");
    w.centred(&bold, 24.0, TEXT, 38.0, &certificate.name);
    if let Some(organisation) = &certificate.organisation {
        w.centred(&regular, 13.0, TEXT, 24.0, &format!("of {organisation}"));
    }
    w.centred(
        &regular,
        13.0,
        TEXT,
        30.0,
        "completed the genomics training module",
    );
    w.centred(&bold, 20.0, BLUE, 34.0, &module.title);
    let facts = [
        ("Date completed", certificate.date()),
        ("CPD learning time", format!("{} minutes", module.minutes)),
        ("Module version", module.version.to_string()),
        ("Reference", certificate.reference.clone()),
    ];
    w.y += 20.0;
    for (label, value) in &facts {
        w.surface.set_fill(Some(Writer::colour(TEXT)));
        w.y += 22.0;
        w.draw(&bold, 12.0, MARGIN + 60.0, label);
        w.draw(&regular, 12.0, MARGIN + 200.0, value);
    }
    if !module.outcomes.is_empty() {
        w.y += 16.0;
        w.left(&bold, 13.0, MARGIN + 20.0, 22.0, "Learning outcomes");
        let bottom = A4_HEIGHT - MARGIN - 110.0;
        for (n, outcome) in module.outcomes.iter().enumerate() {
            if w.y > bottom {
                let rest = module.outcomes.len() - n;
                w.left(
                    &regular,
                    11.0,
                    MARGIN + 20.0,
                    18.0,
                    &format!("and {rest} more, listed on the certificate page"),
                );
                break;
            }
            w.surface.set_fill(Some(Writer::colour(TEXT)));
            w.y += 18.0;
            w.draw(&regular, 11.0, MARGIN + 24.0, "•");
            w.y -= 18.0;
            w.left(&regular, 11.0, MARGIN + 38.0, 18.0, outcome);
        }
    }
    w.y = A4_HEIGHT - MARGIN - 70.0;
    w.left(
        &regular,
        10.5,
        MARGIN + 20.0,
        0.0,
        "Completed by passing the end-of-module quiz. This certificate can be used as evidence \
         of continuing professional development (CPD), for example for NMC revalidation.",
    );
    w.left(
        &regular,
        10.5,
        MARGIN + 20.0,
        20.0,
        &format!(
            "Anyone can check that it is genuine at {check_url} with the reference {}.",
            certificate.reference
        ),
    );
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| AppError::internal(format!("the certificate PDF: {e:?}")))
}

/// A thin NHS-blue border inside the margin.
fn frame(surface: &mut Surface<'_>) -> AppResult<()> {
    let inset = MARGIN / 2.0;
    let rect = Rect::from_xywh(
        inset,
        inset,
        A4_WIDTH - 2.0 * inset,
        A4_HEIGHT - 2.0 * inset,
    )
    .ok_or_else(|| AppError::internal("the certificate frame"))?;
    let mut builder = PathBuilder::new();
    builder.push_rect(rect);
    let path = builder
        .finish()
        .ok_or_else(|| AppError::internal("the certificate frame"))?;
    let (r, g, b) = BLUE;
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: rgb::Color::new(r, g, b).into(),
        width: 2.0,
        ..Default::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
    Ok(())
}
