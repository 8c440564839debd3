//! A publication's sharing card (1200×630 pixels, PNG), drawn by the same Typst engine as
//! its PDF edition from the theme's `pdf/card.typ`, and rasterised by `typst-render`.

use super::world::{Document, Engine};
use typst_layout::PagedDocument;

/// What a card shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Card<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub center: &'a str,
    pub lang: &'a str,
}

/// The card's size in pixels.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Draws `card` with the theme's `design` (its `pdf/card.typ`) into a PNG, or says why not
/// (a mistake in a site's own design; the built-in one always draws).
pub fn draw(engine: &Engine, card: &Card, design: &str) -> Result<Vec<u8>, String> {
    let literal = super::translate::literal;
    let main = format!(
        "#import \"/edition.typ\" as cv\n#cv.card((kind: {}, title: {}, center: {}, lang: {}))\n",
        literal(card.kind),
        literal(card.title),
        literal(card.center),
        literal(card.lang),
    );
    let document = Document::new(engine, main, design, Vec::new());
    let compiled = typst::compile::<PagedDocument>(&document).output;
    comemo::evict(super::MEMO_AGE);
    let paged = compiled.map_err(|errors| {
        errors
            .first()
            .map_or_else(|| "Typst failed".to_string(), |e| e.message.to_string())
    })?;
    let page = paged.pages().first().ok_or("the design made no page")?;
    let pixmap = typst_render::render(page, &typst_render::RenderOptions::default());
    if (pixmap.width(), pixmap.height()) != (WIDTH, HEIGHT) {
        return Err(format!(
            "the design's page is {}×{} pixels, not {WIDTH}×{HEIGHT} (600×315 pt)",
            pixmap.width(),
            pixmap.height()
        ));
    }
    pixmap.encode_png().map_err(|e| e.to_string())
}
