//! Figures from images: `{{ figure(image="../assets/x.svg", alt="…", caption="…") }}`, and a
//! markdown image with a title standing alone in its paragraph, `![alt](../assets/x.svg
//! "Caption")` (found by [`super::captioned`]). Either is numbered with the page's data
//! figures, and shows its caption, the image with its alt text, its source, and a link to
//! the image at full size where a phone would draw it smaller.

use super::{CallError, Env};
use crate::dialect::smarten;
use crate::image_size::{self, ImageSize};
use crate::resolve::Site;
use crate::resolve::links::{Link, resolve_link};
use serde::Serialize;
use std::ops::Range;

/// An image figure as written, its alt text already checked.
pub struct ImageFigure<'a> {
    /// The image's path as written.
    pub image: &'a str,
    /// Where the path is, in the body.
    pub image_span: Range<usize>,
    pub alt: &'a str,
    pub caption: &'a str,
    pub source: Option<&'a str>,
}

#[derive(Serialize)]
struct ImageFigureCtx {
    number: usize,
    /// "Figure 1".
    label: String,
    id: String,
    src: String,
    alt: String,
    caption: String,
    source: Option<String>,
    /// The size it is drawn at unscaled, in CSS pixels, when it could be read.
    width: Option<u32>,
    height: Option<u32>,
    /// The `<picture>` of a raster image with its resized copies (see
    /// [`crate::responsive`]), to show instead of a plain `<img>`.
    picture: Option<String>,
}

/// The figure's HTML, numbered with the page's figures.
pub fn render(figure: &ImageFigure, env: &mut Env) -> Result<String, CallError> {
    let (src, rel, size) = resolve_image(figure, env)?;
    let alt = smarten(figure.alt.trim());
    let picture = responsive(figure, env, &rel, &src, &alt)?;
    let number = env.next("figure");
    let label = format!("Figure {number}");
    let id = env.ids.allocate(&format!("figure-{number}"));
    let context_value = ImageFigureCtx {
        number,
        label,
        id,
        src,
        alt,
        caption: smarten(figure.caption.trim()),
        source: figure.source.map(|s| smarten(s.trim())),
        width: size.map(|s| s.width),
        height: size.map(|s| s.height),
        picture,
    };
    let mut context = tera::Context::new();
    context.insert("figure", &context_value);
    env.render_template("partials/image_figure.html", &context)
}

/// The `<picture>` of a raster image in `content/assets/`; an error when it is too large or
/// cannot be read; `None` for an SVG or a GIF, shown as it is.
fn responsive(
    figure: &ImageFigure,
    env: &mut Env,
    rel: &str,
    url: &str,
    alt: &str,
) -> Result<Option<String>, CallError> {
    let size = crate::responsive::inspect(&env.site.root, rel).map_err(|problem| {
        CallError::new(problem.message(&format!("content/{rel}")))
            .at(figure.image_span.clone())
            .help(problem.help())
    })?;
    let Some(image) = size.and_then(|size| crate::responsive::Responsive::new(rel, size)) else {
        return Ok(None);
    };
    let first_screen = figure.image_span.start < crate::responsive::FIRST_SCREEN_BYTES;
    let at = (!env.nested()).then_some(figure.image_span.start);
    env.pictures.push((rel.to_string(), at));
    Ok(Some(image.picture(url, &[("alt", alt)], first_screen)))
}

/// The image's address in the site, its path under `content/` and its size: it must be one
/// of the site's files, so it is kept with the publication and its size can be read.
fn resolve_image(
    figure: &ImageFigure,
    env: &mut Env,
) -> Result<(String, String, Option<ImageSize>), CallError> {
    let at = figure.image_span.clone();
    match resolve_link(env.site, env.dir(), figure.image, true) {
        Ok(Link::Asset { rel, url }) => {
            let size = current_size(env.site, &rel);
            env.files.insert(format!("content/{rel}"));
            env.images.insert(rel.clone());
            Ok((url, rel, size))
        }
        Ok(_) => Err(CallError::new(format!(
            "the figure's image `{}` is not a file of this site",
            figure.image
        ))
        .at(at)
        .help("a figure shows an image kept with the site: save it in content/assets/ and write its path relative to this page, for example `../assets/figure-1.png`")),
        Err(failure) => {
            let error = CallError::new(failure.message).at(at);
            Err(match failure.help {
                Some(help) => error.help(help),
                None => error,
            })
        }
    }
}

/// The size of the image `content/<rel>` now (also part of the fingerprint of a page showing
/// it, so a page is rendered again when its figure's image changes size).
pub fn current_size(site: &Site, rel: &str) -> Option<ImageSize> {
    image_size::read(&site.root.join("content").join(rel))
}
