//! The text a reader sees in a page's body, collected from the markdown events as the body is
//! rendered (not parsed again from its HTML), for the search index: paragraphs, list items,
//! headings, table cells, code, figure captions and tables, boxes, embedded case studies and
//! endnotes. Each block is marked with its kind, so that search excerpts can prefer sentences
//! to table cells and code. Raw HTML (a shortcode's figure or box) is read by a small
//! streaming scanner; charts (`<svg>`, whose labels repeat the figure's table), endnote
//! reference numbers and text only for screen readers are left out.

use pulldown_cmark::{Event, Tag, TagEnd};

/// What a block of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// Running text: paragraphs, list items, quotations, captions, boxes.
    Prose,
    Heading,
    /// Table cells and figure data.
    Data,
    Code,
}

/// A block: it starts at `start` (a byte offset in [`PageText::text`]) and runs to the next
/// block's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub start: usize,
    pub kind: BlockKind,
}

/// A heading in the text: its id and where its text starts.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadingMark {
    pub offset: usize,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct PageText {
    /// Plain text; blocks are separated by newlines.
    pub text: String,
    pub blocks: Vec<Block>,
    pub headings: Vec<HeadingMark>,
}

/// Builds a [`PageText`] from markdown events and raw HTML.
#[derive(Default)]
pub struct TextCollector {
    page: PageText,
    /// Kinds of the blocks open in the markdown, innermost last.
    open: Vec<BlockKind>,
    /// The heading being read: its id and where its text starts.
    heading: Option<(String, usize)>,
    /// Inside an image: its description is not text of the page.
    images: usize,
    html: HtmlScanner,
}

impl TextCollector {
    pub fn event(&mut self, event: &Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(t) | Event::Code(t) if self.images == 0 => self.text(t),
            Event::SoftBreak | Event::HardBreak => self.space(),
            Event::Html(h) | Event::InlineHtml(h) => {
                let mut html = std::mem::take(&mut self.html);
                html.feed(h, self);
                self.html = html;
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag) {
        let kind = match tag {
            Tag::Heading { id, .. } => {
                self.begin(BlockKind::Heading);
                let id = id.as_deref().unwrap_or_default().to_string();
                self.heading = Some((id, self.page.text.len()));
                return;
            }
            Tag::Image { .. } => {
                self.images += 1;
                return;
            }
            Tag::CodeBlock(_) => BlockKind::Code,
            Tag::TableCell => BlockKind::Data,
            Tag::Paragraph | Tag::Item | Tag::BlockQuote(_) | Tag::FootnoteDefinition(_) => {
                self.inherited()
            }
            _ => return,
        };
        self.open.push(kind);
        self.begin(kind);
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::Image => self.images = self.images.saturating_sub(1),
            TagEnd::CodeBlock
            | TagEnd::TableCell
            | TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition => {
                self.open.pop();
                // The text after a nested block belongs to the enclosing one again.
                if let Some(&kind) = self.open.last() {
                    self.begin(kind);
                }
            }
            _ => {}
        }
    }

    /// A block inside a table cell or code stays data or code; otherwise it is prose.
    fn inherited(&self) -> BlockKind {
        match self.open.last() {
            Some(k @ (BlockKind::Data | BlockKind::Code)) => *k,
            _ => BlockKind::Prose,
        }
    }

    /// Starts a block of `kind`: a line break, unless the text is empty or already ends one.
    pub fn begin(&mut self, kind: BlockKind) {
        let page = &mut self.page;
        if !page.text.is_empty() && !page.text.ends_with('\n') {
            page.text.push('\n');
        }
        match page.blocks.last_mut() {
            // A block with no text yet takes the new kind.
            Some(last) if last.start == page.text.len() => last.kind = kind,
            Some(last) if last.kind == kind => {}
            _ => page.blocks.push(Block {
                start: page.text.len(),
                kind,
            }),
        }
    }

    /// A heading of the page's own (the endnotes'), with its id.
    pub fn heading(&mut self, id: &str, text: &str) {
        self.begin_heading(id.to_string());
        self.text(text);
        self.end_heading();
    }

    /// Starts a heading read from HTML (a box's title).
    fn begin_heading(&mut self, id: String) {
        self.begin(BlockKind::Heading);
        self.heading = Some((id, self.page.text.len()));
    }

    fn end_heading(&mut self) {
        if let Some((id, offset)) = self.heading.take() {
            let text = self.page.text[offset..].trim().to_string();
            if !id.is_empty() && !text.is_empty() {
                self.page.headings.push(HeadingMark { offset, id, text });
            }
        }
        let kind = self.open.last().copied().unwrap_or(BlockKind::Prose);
        self.begin(kind);
    }

    /// Appends text with runs of whitespace collapsed.
    pub fn text(&mut self, raw: &str) {
        if self.page.blocks.is_empty() {
            self.begin(BlockKind::Prose);
        }
        push_text(&mut self.page.text, raw);
    }

    /// A line break in running text: a space between words.
    fn space(&mut self) {
        let text = &mut self.page.text;
        if !text.is_empty() && !text.ends_with([' ', '\n']) {
            text.push(' ');
        }
    }

    pub fn finish(mut self) -> PageText {
        let trimmed = self.page.text.trim_end().len();
        self.page.text.truncate(trimmed);
        // Blocks that start at the very end hold no text.
        let len = self.page.text.len();
        while self
            .page
            .blocks
            .last()
            .is_some_and(|b| b.start >= len && len > 0)
        {
            self.page.blocks.pop();
        }
        if len == 0 {
            self.page.blocks.clear();
        }
        // Kept for the whole build, for every page: no spare capacity.
        self.page.text.shrink_to_fit();
        self.page.blocks.shrink_to_fit();
        self.page.headings.shrink_to_fit();
        self.page
    }
}

/// Reads the text of raw HTML fed to it in pieces (a shortcode's HTML arrives a line at a
/// time), keeping the tags it is inside between pieces.
#[derive(Default)]
struct HtmlScanner {
    /// The start of a tag cut off at the end of the last piece.
    partial: String,
    /// Elements whose text is skipped, innermost last: (tag name, nesting depth of that name).
    skipping: Vec<(String, usize)>,
    /// Inside `<pre>`, `<table>`: the kinds their blocks take.
    context: Vec<(&'static str, BlockKind)>,
}

impl HtmlScanner {
    fn feed(&mut self, piece: &str, out: &mut TextCollector) {
        let joined;
        let mut rest = if self.partial.is_empty() {
            piece
        } else {
            joined = std::mem::take(&mut self.partial) + piece;
            joined.as_str()
        };
        while !rest.is_empty() {
            let Some(lt) = rest.find('<') else {
                self.text(rest, out);
                return;
            };
            self.text(&rest[..lt], out);
            rest = &rest[lt..];
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map(|i| &after[i + 3..]).unwrap_or("");
                continue;
            }
            let Some(gt) = rest.find('>') else {
                self.partial = rest.to_string();
                return;
            };
            self.tag(&rest[1..gt], out);
            rest = &rest[gt + 1..];
        }
    }

    fn text(&self, text: &str, out: &mut TextCollector) {
        if self.skipping.is_empty() && !text.is_empty() {
            out.text(&decode_entities(text));
        }
    }

    fn tag(&mut self, tag: &str, out: &mut TextCollector) {
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if let Some((skipped, depth)) = self.skipping.last_mut()
            && *skipped == name
            && !self_closing
        {
            if closing {
                *depth -= 1;
                if *depth == 0 {
                    self.skipping.pop();
                }
            } else {
                *depth += 1;
            }
            return;
        }
        if !closing && !self_closing && is_skipped(&name, tag) {
            self.skipping.push((name, 1));
            return;
        }
        if self.skipping.is_empty() {
            self.block(&name, tag, closing, out);
        }
    }

    /// What a tag means for the text: a block starts or ends, a heading starts or ends.
    fn block(&mut self, name: &str, tag: &str, closing: bool, out: &mut TextCollector) {
        let context = |kind| (if name == "pre" { "pre" } else { "table" }, kind);
        match (name, closing) {
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                out.begin_heading(attribute(tag, "id").unwrap_or_default());
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => out.end_heading(),
            ("pre", false) => self.context.push(context(BlockKind::Code)),
            ("table", false) => self.context.push(context(BlockKind::Data)),
            ("pre" | "table", true) => {
                if let Some(i) = self.context.iter().rposition(|(n, _)| *n == name) {
                    self.context.truncate(i);
                }
            }
            _ => {}
        }
        if BLOCKS.contains(&name) {
            let kind = match self.context.last() {
                Some((_, kind)) => *kind,
                None => BlockKind::Prose,
            };
            out.begin(kind);
        }
    }
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "tr",
    "td",
    "th",
    "figcaption",
    "caption",
    "blockquote",
    "section",
    "aside",
    "figure",
    "br",
    "table",
    "ul",
    "ol",
    "pre",
];

/// Elements that are not running text: charts (their labels repeat the figure's table),
/// endnote reference numbers, text only for screen readers, and navigation links and
/// buttons (a figure's downloads, its full-size link, its "Data" disclosure).
fn is_skipped(name: &str, tag: &str) -> bool {
    if name == "svg" {
        return true;
    }
    let Some(classes) = attribute(tag, "class") else {
        return false;
    };
    classes.split_whitespace().any(|c| {
        matches!(
            c,
            "fnref"
                | "visually-hidden"
                | "figure-download"
                | "figure-full-size"
                | "figure-data-toggle"
                | "vff-more"
                | "backref"
        )
    })
}

/// Appends text with runs of whitespace collapsed (to one space, none at a block's start).
fn push_text(out: &mut String, text: &str) {
    let at_start = out.is_empty() || out.ends_with(['\n', ' ']);
    // Most text from markdown is ASCII with single spaces: copied as it is.
    if text.is_ascii() && !irregular_spaces(text.as_bytes()) {
        let body = text.trim_matches(' ');
        if text.starts_with(' ') && !at_start {
            out.push(' ');
        }
        out.push_str(body);
        if text.ends_with(' ') && !body.is_empty() {
            out.push(' ');
        }
        return;
    }
    for (i, word) in words(text).enumerate() {
        let after_space_or_start = out.is_empty() || out.ends_with('\n') || out.ends_with(' ');
        let starts_with_space = i > 0 || text.starts_with(char::is_whitespace);
        if !after_space_or_start && starts_with_space {
            out.push(' ');
        }
        out.push_str(word);
    }
    if text.ends_with(char::is_whitespace) && !text.trim().is_empty() && !out.ends_with('\n') {
        out.push(' ');
    }
}

/// Whether ASCII text has white space other than single spaces.
fn irregular_spaces(bytes: &[u8]) -> bool {
    let mut previous_space = false;
    for &b in bytes {
        let space = b == b' ';
        if (space && previous_space) || matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
            return true;
        }
        previous_space = space;
    }
    false
}

/// The same words as `str::split_whitespace`, faster on the ASCII text pages are mostly
/// made of: bytes are tested against a table, and only other characters are decoded.
fn words(text: &str) -> impl Iterator<Item = &str> {
    // ASCII characters for which `char::is_whitespace` holds.
    const SPACE: [bool; 128] = {
        let mut table = [false; 128];
        table[b' ' as usize] = true;
        table[b'\t' as usize] = true;
        table[b'\n' as usize] = true;
        table[0x0B] = true;
        table[0x0C] = true;
        table[b'\r' as usize] = true;
        table
    };
    // Where the character at `i` ends, and whether it is white space.
    let at = move |i: usize| -> (usize, bool) {
        let b = text.as_bytes()[i];
        if b < 128 {
            (i + 1, SPACE[b as usize])
        } else {
            let c = text[i..].chars().next().expect("a char boundary");
            (i + c.len_utf8(), c.is_whitespace())
        }
    };
    let mut i = 0;
    std::iter::from_fn(move || {
        // Skip white space, then take everything up to the next.
        let start = loop {
            if i >= text.len() {
                return None;
            }
            let (next, space) = at(i);
            if !space {
                break i;
            }
            i = next;
        };
        while i < text.len() {
            let (next, space) = at(i);
            if space {
                break;
            }
            i = next;
        }
        Some(&text[start..i])
    })
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(decode_entities(&tag[start..end]).into_owned())
}

/// Decodes the entities pulldown-cmark and Tera produce, and numeric ones.
pub fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(markdown: &str) -> PageText {
        let mut c = TextCollector::default();
        for (event, _) in crate::dialect::parse(markdown) {
            c.event(&event);
        }
        c.finish()
    }

    fn kinds(page: &PageText) -> Vec<(String, BlockKind)> {
        let ends = page.blocks.iter().skip(1).map(|b| b.start);
        let ends = ends.chain(std::iter::once(page.text.len()));
        (page.blocks.iter().zip(ends))
            .map(|(b, end)| (page.text[b.start..end].trim().to_string(), b.kind))
            .collect()
    }

    #[test]
    fn text_is_joined_with_single_spaces() {
        for (pieces, expected) in [
            (&["plain text"][..], "plain text"),
            (&["a ", "b"], "a b"),
            (&["a", " b "], "a b "),
            (&[" leading", "  two\tspaces  "], "leading two spaces "),
            (&["caf\u{e9}  au\u{a0}lait"], "caf\u{e9} au lait"),
        ] {
            let mut out = String::new();
            for p in pieces {
                push_text(&mut out, p);
            }
            assert_eq!(out, expected, "{pieces:?}");
        }
    }

    #[test]
    fn words_are_those_of_split_whitespace() {
        for text in [
            "",
            "   ",
            "one",
            " two  words ",
            "tabs\tand\nlines\r\nand\x0Bvertical\x0Cfeeds",
            "no\u{a0}break em\u{2003}space ideographic\u{3000}space",
            "caf\u{e9} na\u{ef}ve \u{201c}quoted\u{201d} \u{2014} dash",
            "\u{85}next\u{2028}line\u{2029}para\u{200b}zero-width",
        ] {
            let expected: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(words(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn blocks_are_marked_prose_heading_data_or_code() {
        let page = collect(
            "Districts rely on *teacher* leaders.\n\n## Who {#who}\n\n| Role | Share |\n|---|---|\n| Coaches | 64% |\n\n```text\n{{ figure(data=\"x\") }}\n```\n\n- A list item\n",
        );
        assert_eq!(
            kinds(&page),
            [
                (
                    "Districts rely on teacher leaders.".into(),
                    BlockKind::Prose
                ),
                ("Who".into(), BlockKind::Heading),
                ("Role\nShare\nCoaches\n64%".into(), BlockKind::Data),
                ("{{ figure(data=\"x\") }}".into(), BlockKind::Code),
                ("A list item".into(), BlockKind::Prose),
            ]
        );
        assert_eq!(
            page.headings,
            [HeadingMark {
                offset: 35,
                id: "who".into(),
                text: "Who".into()
            }]
        );
    }

    #[test]
    fn raw_html_figures_and_boxes_are_read_across_pieces() {
        let mut c = TextCollector::default();
        for piece in [
            "<p>Districts rely on <em>teacher</em> leaders.<sup class=\"fnref\"><a href=\"#fn_1\">1</a></sup></p>\n",
            "<h2 id=\"structure-1\">Structure 1</h2>\n<figure><figcaption>Figure 1. Who</figcaption>",
            "<svg><title>Who</title><svg><text>27</text></svg></svg><table><caption class=\"visually-hidden\">Data</caption><tr><th scope=\"row\">Teacher leaders</th><td>27</td></tr></table>",
            "<p class=\"figure-download\"><a href=\"x.csv\">Download<span class=\"visually-hidden\"> it</span></a></p></figure><p ",
            "class=\"x\">Tom &amp; Jerry&#8217;s</p>",
        ] {
            c.event(&Event::Html(piece.into()));
        }
        let page = c.finish();
        assert_eq!(
            page.text,
            "Districts rely on teacher leaders.\nStructure 1\nFigure 1. Who\nTeacher leaders\n27\nTom & Jerry’s"
        );
        assert_eq!(
            page.headings,
            vec![HeadingMark {
                offset: 35,
                id: "structure-1".into(),
                text: "Structure 1".into()
            }]
        );
        assert_eq!(
            kinds(&page),
            [
                (
                    "Districts rely on teacher leaders.".into(),
                    BlockKind::Prose
                ),
                ("Structure 1".into(), BlockKind::Heading),
                ("Figure 1. Who".into(), BlockKind::Prose),
                ("Teacher leaders\n27".into(), BlockKind::Data),
                ("Tom & Jerry’s".into(), BlockKind::Prose),
            ]
        );
    }
}
