//! Markdown images with a caption, `![alt](../assets/x.svg "Caption")`: one standing alone
//! in its paragraph, on lines of its own, is a numbered figure (see [`super::image_figure`]),
//! placed with the shortcodes so that it is numbered in page order with the data figures.
//! One inside running text, on a list item's first line, in a quotation or a table cell
//! stays an image, with a warning: a figure cannot stand there.

use super::parse::Tag;
use pulldown_cmark::{Event, Tag as MdTag, TagEnd};
use std::borrow::Cow;
use std::ops::Range;

/// A captioned image that becomes a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Captioned {
    /// The image's markdown, in the body: what the figure replaces.
    pub span: Range<usize>,
    /// Its path as written, and where that is.
    pub dest: String,
    pub dest_span: Range<usize>,
    pub alt: String,
    pub caption: String,
}

/// What the captioned images of a body are.
#[derive(Debug, Default)]
pub struct Found {
    /// Those that become figures, in order.
    pub figures: Vec<Captioned>,
    /// Where those that stay images are.
    pub in_text: Vec<Range<usize>>,
}

/// The captioned images of `body`. `tags` are its shortcode tags, in order: those alone on
/// their line become HTML blocks, which end a paragraph as a blank line does.
pub fn find(body: &str, tags: &[Tag]) -> Found {
    let mut found = Found::default();
    if !body.contains("![") {
        return found;
    }
    let masked = mask_block_tags(body, tags);
    let mut paragraph: Option<Paragraph> = None;
    for (event, range) in crate::dialect::parse(&masked) {
        if let Some(p) = &mut paragraph {
            if matches!(event, Event::End(TagEnd::Paragraph)) {
                let p = paragraph.take().expect("a paragraph");
                p.finish(body, &mut found);
            } else {
                p.event(event, range);
            }
            continue;
        }
        match event {
            Event::Start(MdTag::Paragraph) => paragraph = Some(Paragraph::default()),
            Event::Start(MdTag::Image { title, .. }) if !title.trim().is_empty() => {
                found.in_text.push(range)
            }
            _ => {}
        }
    }
    found
}

/// `body` with each shortcode tag that stands alone on its line blanked out (newlines kept,
/// so positions stay the same).
fn mask_block_tags<'b>(body: &'b str, tags: &[Tag]) -> Cow<'b, str> {
    let alone: Vec<&Tag> = tags
        .iter()
        .filter(|t| alone_on_line(body, t.span.clone()))
        .collect();
    if alone.is_empty() {
        return Cow::Borrowed(body);
    }
    let mut bytes = body.as_bytes().to_vec();
    for tag in alone {
        for b in &mut bytes[tag.span.clone()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Only whole characters were replaced, by ASCII spaces.
    Cow::Owned(String::from_utf8(bytes).expect("UTF-8 with spans on character boundaries"))
}

/// Whether nothing but white space shares the lines of `span`.
pub fn alone_on_line(text: &str, span: Range<usize>) -> bool {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    text[start..span.start].trim().is_empty() && text[span.end..end].trim().is_empty()
}

/// A paragraph being read: its images with a title, and whether it holds anything else.
#[derive(Default)]
struct Paragraph {
    /// Inline elements open (emphasis, links, images), outermost first.
    depth: usize,
    /// A captioned image at the paragraph's top level, being read.
    image: Option<Captioned>,
    /// Captioned images read.
    images: Vec<Captioned>,
    /// Whether the paragraph holds anything besides its top-level images.
    other: bool,
    /// Captioned images inside other elements (a linked image).
    nested: Vec<Range<usize>>,
}

impl Paragraph {
    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(MdTag::Image {
                dest_url, title, ..
            }) => {
                let captioned = !title.trim().is_empty();
                if self.depth == 0 && captioned {
                    self.image = Some(Captioned {
                        span: range,
                        dest: dest_url.to_string(),
                        dest_span: 0..0,
                        alt: String::new(),
                        caption: title.to_string(),
                    });
                } else if self.depth == 0 {
                    self.other = true;
                } else if captioned {
                    self.nested.push(range);
                }
                self.depth += 1;
            }
            Event::End(TagEnd::Image) => {
                self.depth -= 1;
                if self.depth == 0
                    && let Some(image) = self.image.take()
                {
                    self.images.push(image);
                }
            }
            Event::Start(_) => {
                self.other |= self.depth == 0;
                self.depth += 1;
            }
            Event::End(_) => self.depth -= 1,
            Event::Text(text) | Event::Code(text) => match &mut self.image {
                Some(image) => image.alt.push_str(&text),
                None => self.other |= self.depth == 0 && !text.trim().is_empty(),
            },
            Event::SoftBreak | Event::HardBreak => {}
            _ => self.other |= self.depth == 0,
        }
    }

    /// A lone captioned image on lines of its own is a figure; any other stays an image.
    fn finish(self, body: &str, found: &mut Found) {
        found.in_text.extend(self.nested);
        match &self.images[..] {
            [image] if !self.other && alone_on_line(body, image.span.clone()) => {
                let mut image = image.clone();
                image.dest_span = within(body, image.span.clone(), &image.dest);
                found.figures.push(image);
            }
            images => found.in_text.extend(images.iter().map(|i| i.span.clone())),
        }
    }
}

/// Where `needle` is within `span` of `text` (its last occurrence), else the whole span.
fn within(text: &str, span: Range<usize>, needle: &str) -> Range<usize> {
    match text[span.clone()].rfind(needle) {
        Some(i) if !needle.is_empty() => span.start + i..span.start + i + needle.len(),
        _ => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures_and_others(body: &str) -> (Vec<(String, String, String)>, Vec<&str>) {
        let (tags, _) = super::super::parse::scan(body, &super::super::code_ranges(body));
        let found = find(body, &tags);
        let figures = found
            .figures
            .iter()
            .map(|f| {
                assert_eq!(&body[f.dest_span.clone()], f.dest);
                (f.dest.clone(), f.alt.clone(), f.caption.clone())
            })
            .collect();
        let others = found.in_text.iter().map(|r| &body[r.clone()]).collect();
        (figures, others)
    }

    #[test]
    fn a_captioned_image_alone_in_its_paragraph_is_a_figure() {
        let (figures, others) = figures_and_others(
            "Text.\n\n![Three *circles*](../assets/a.svg \"The structures\")\n\n![No caption](b.png)\n",
        );
        assert_eq!(
            figures,
            [(
                "../assets/a.svg".to_string(),
                "Three circles".to_string(),
                "The structures".to_string()
            )]
        );
        assert!(others.is_empty());
    }

    #[test]
    fn a_shortcode_on_the_next_line_ends_the_paragraph_as_its_block_will() {
        let (figures, _) =
            figures_and_others("{% sidebar(title=\"S\") %}\n![A](a.png \"Cap\")\n{% end %}\n");
        assert_eq!(figures.len(), 1);
    }

    #[test]
    fn captioned_images_in_text_lists_quotes_and_links_stay_images() {
        let (figures, others) = figures_and_others(
            "See ![A](a.png \"In text\") here.\n\n- ![B](b.png \"List\")\n\n> ![C](c.png \"Quote\")\n\n[![D](d.png \"Linked\")](x.md)\n\nText\n![E](e.png \"Joined\")\n\n| x |\n|---|\n| ![F](f.png \"Cell\") |\n\n`![G](g.png \"Code\")`\n",
        );
        assert!(figures.is_empty(), "{figures:?}");
        assert_eq!(
            others,
            [
                "![A](a.png \"In text\")",
                "![B](b.png \"List\")",
                "![C](c.png \"Quote\")",
                "![D](d.png \"Linked\")",
                "![E](e.png \"Joined\")",
                "![F](f.png \"Cell\")",
            ]
        );
    }
}
