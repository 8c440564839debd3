//! Links and images: relative links to content files become page URLs; every link and image
//! is checked (missing files and anchors, drafts, unsafe schemes, empty descriptions).

use super::{AnchorCheck, BodyRenderer, ExternalLink};
use crate::diagnostics::{Diagnostic, Source, did_you_mean};
use crate::resolve::links::{Link, resolve_link, unsafe_scheme};
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use std::ops::Range;

impl<'e> BodyRenderer<'_, '_, 'e> {
    pub(super) fn start_link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'e>,
        title: CowStr<'e>,
        id: CowStr<'e>,
        range: Range<usize>,
    ) {
        if matches!(link_type, LinkType::Autolink | LinkType::Email) {
            // Autolinks show their URL as their text; the class lets print styles avoid
            // printing it twice.
            let href = if link_type == LinkType::Email {
                format!("mailto:{dest_url}")
            } else {
                self.link(link_type, dest_url, false, range).to_string()
            };
            let mut html = String::from("<a class=\"url\" href=\"");
            pulldown_cmark_escape::escape_href(&mut html, &href).ok();
            html.push_str("\">");
            self.autolinks.push(true);
            self.push(Event::InlineHtml(html.into()));
            return;
        }
        let dest_url = self.link(link_type, dest_url, false, range);
        self.autolinks.push(false);
        self.push(Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }));
    }

    pub(super) fn end_link(&mut self) {
        if self.autolinks.pop() == Some(true) {
            self.push(Event::InlineHtml("</a>".into()));
        } else {
            self.push(Event::End(TagEnd::Link));
        }
    }

    pub(super) fn start_image(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'e>,
        title: CowStr<'e>,
        id: CowStr<'e>,
        range: Range<usize>,
    ) {
        let assets_before = self.rendered.assets.len();
        let written = dest_url.to_string();
        let dest_url = self.link(link_type, dest_url, true, range.clone());
        self.image = Some((String::new(), range.clone()));
        let asset = self.rendered.assets[assets_before..].last().cloned();
        if let Some(picture) =
            asset.and_then(|rel| self.picture(rel, (&written, &dest_url), &title, &range))
        {
            self.picture = Some(picture);
            return;
        }
        self.note_raw(&range);
        self.push(Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }));
    }

    /// A raster image in `content/assets/` shown as a `<picture>` with its resized copies;
    /// one too large or unreadable is an error here, and shown as written.
    fn picture(
        &mut self,
        rel: String,
        (written, url): (&str, &str),
        title: &str,
        range: &Range<usize>,
    ) -> Option<PendingPicture> {
        let embedded = self.embed_at(range.start).is_some();
        let span = self.file_span(range.clone());
        let size = match crate::responsive::inspect(&self.site.root, &rel) {
            Ok(size) => size?,
            Err(problem) => {
                if !embedded {
                    let span = narrow_to(&self.input.source.text, span, written);
                    self.diagnostics.push(
                        Diagnostic::error(problem.message(&format!("content/{rel}")))
                            .at(self.input.source, span)
                            .help(problem.help()),
                    );
                }
                return None;
            }
        };
        let first_screen = span.start - self.input.body.start.min(span.start)
            < crate::responsive::FIRST_SCREEN_BYTES;
        self.rendered.pictures.push(crate::markdown::Picture {
            rel: rel.clone(),
            at: (!embedded).then_some(span.start),
        });
        Some(PendingPicture {
            rel,
            url: url.to_string(),
            title: title.to_string(),
            size,
            first_screen,
            range: range.clone(),
        })
    }

    /// An image needs a description for readers who cannot see it.
    pub(super) fn end_image(&mut self) {
        let alt = match self.image.take() {
            Some((alt, range)) => {
                if alt.trim().is_empty() && self.embed_at(range.start).is_none() {
                    let span = self.file_span(range);
                    self.diagnostics.push(
                        Diagnostic::error("this image has no alt text")
                            .at(self.input.source, span)
                            .label("empty alt text")
                            .help("describe the image between the brackets for readers who cannot see it: `![Bar chart of supports districts use](../assets/fig.png)`"),
                    );
                }
                alt
            }
            None => String::new(),
        };
        let Some(picture) = self.picture.take() else {
            self.push(Event::End(TagEnd::Image));
            return;
        };
        let image = crate::responsive::Responsive::new(&picture.rel, picture.size)
            .expect("only resized images are pictures");
        let mut attributes = vec![("alt", alt.as_str())];
        if !picture.title.is_empty() {
            attributes.push(("title", picture.title.as_str()));
        }
        let html = image.picture(&picture.url, &attributes, picture.first_screen);
        self.note_raw(&picture.range);
        self.push(Event::InlineHtml(html.into()));
    }

    /// Rewrites a link's destination, checking relative links against the site.
    fn link(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'e>,
        image: bool,
        range: Range<usize>,
    ) -> CowStr<'e> {
        if link_type == LinkType::Email {
            return dest;
        }
        let embedded = self.embed_at(range.start).map(|e| e.dir.clone());
        let span = self.file_span(range);
        let span = narrow_to(&self.input.source.text, span, &dest);
        if embedded.is_none() && is_http(&dest) {
            self.rendered.external_links.push(ExternalLink {
                url: dest.to_string(),
                span: span.clone(),
            });
        }
        // An autolink's URL is shown as its text, so it is kept as written unless unsafe.
        if link_type == LinkType::Autolink && unsafe_scheme(&dest).is_none() {
            return dest;
        }
        let dir = embedded.as_deref().unwrap_or(self.input.dir);
        match resolve_link(self.site, dir, &dest, image) {
            Ok(Link::Keep) => dest,
            Ok(Link::SamePage(fragment)) => {
                if embedded.is_none() {
                    self.pending_same_page.push((fragment, span));
                }
                dest
            }
            Ok(Link::Page { id, url, fragment }) => {
                self.rendered
                    .links_to
                    .push(self.site.pages[id].src.rel.clone());
                if let Some(fragment) = fragment {
                    if embedded.is_none() {
                        self.rendered.anchor_checks.push(AnchorCheck {
                            target: self.site.pages[id].src.rel.clone(),
                            fragment: fragment.clone(),
                            span,
                        });
                    }
                    format!("{url}#{fragment}").into()
                } else {
                    url.into()
                }
            }
            Ok(Link::Url(url)) => url.into(),
            Ok(Link::Asset { rel, url }) => {
                self.rendered.assets.push(rel);
                url.into()
            }
            Err(_) if embedded.is_some() => dest,
            Err(failure) => {
                let mut d = Diagnostic::error(failure.message).at(self.input.source, span);
                if let Some(help) = failure.help {
                    d = d.help(help);
                }
                self.diagnostics.push(d);
                dest
            }
        }
    }
}

/// A markdown image being shown as a `<picture>`, until its description ends.
pub(super) struct PendingPicture {
    rel: String,
    url: String,
    title: String,
    size: crate::image_size::ImageSize,
    first_screen: bool,
    range: Range<usize>,
}

/// Narrows a link's span to its destination when it can be found there.
fn narrow_to(text: &str, span: Range<usize>, dest: &str) -> Range<usize> {
    if dest.is_empty() || span.end > text.len() {
        return span;
    }
    match text[span.clone()].rfind(dest) {
        Some(i) => span.start + i..span.start + i + dest.len(),
        None => span,
    }
}

/// The error for a `#fragment` that names no id on its page.
pub fn missing_anchor<'i>(
    source: &Source,
    span: Range<usize>,
    fragment: &str,
    page: &str,
    ids: impl Iterator<Item = &'i str>,
) -> Diagnostic {
    let ids: Vec<&str> = ids.collect();
    let d = Diagnostic::error(format!("the anchor `#{fragment}` does not exist on {page}"))
        .at(source, span)
        .label("no heading has this id");
    match did_you_mean(fragment, ids.iter().copied()) {
        Some(close) => d.help(format!("did you mean `#{close}`?")),
        None => {
            d.help("link to a heading's id: the heading text in lower case, with dashes for spaces")
        }
    }
}

/// Whether a link goes to an `http:` or `https:` URL (any letter case), which only
/// `check --external` looks at.
fn is_http(dest: &str) -> bool {
    let lower = |n: usize| dest.get(..n).map(str::to_ascii_lowercase);
    lower(7).as_deref() == Some("http://") || lower(8).as_deref() == Some("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_links() {
        assert!(is_http("https://x.org/"));
        assert!(is_http("HTTP://x.org/"));
        assert!(!is_http("ftp://x.org/"));
        assert!(!is_http("http:x"));
    }
}
