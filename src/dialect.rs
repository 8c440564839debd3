//! The markdown dialect every page is written in, in one place: the renderer, the case-study
//! box and the summaries all parse markdown with [`parse`], and front matter and data tables
//! get their typographic punctuation from [`smarten`], the same rules as bodies.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// The markdown dialect: CommonMark plus GFM tables, strikethrough, task lists, footnotes
/// and `{#id}` heading attributes. Smart punctuation is not pulldown-cmark's (which turned
/// `'90s` into `‘90s` and `5'10"` into `5’10“`, unlike titles): [`parse`] adds it.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Markdown's events with their source ranges, text given typographic punctuation (see
/// [`smarten`]). A quote's neighbours are looked for across inline markup, so `"*Brown*'s"`
/// is `“Brown’s”`: the events are read a block ahead.
pub fn parse(markdown: &str) -> impl Iterator<Item = (Event<'_>, Range<usize>)> {
    let mut events: Vec<(Event, Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();
    smarten_events(&mut events, markdown);
    events.into_iter()
}

/// What an event is to the characters around a quote.
enum Around<'a> {
    /// Characters of running text.
    Text(&'a str),
    /// Whitespace, such as a line break.
    Space,
    /// Inline markup with no text of its own: the text on either side is one run.
    Markup,
    /// The end of a run of text: a block starts or ends, or code or HTML stands between.
    Break,
}

fn around<'a>(event: &'a Event) -> Around<'a> {
    match event {
        Event::Text(t) | Event::Code(t) => Around::Text(t),
        Event::SoftBreak | Event::HardBreak => Around::Space,
        Event::FootnoteReference(_) => Around::Text("1"),
        Event::InlineHtml(_) => Around::Markup,
        Event::Start(tag) if is_inline(tag) => Around::Markup,
        Event::End(tag) if is_inline_end(tag) => Around::Markup,
        _ => Around::Break,
    }
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

/// Smartens every text event outside code blocks and autolinks (a URL shown as written),
/// with the characters before and after it taken from its neighbours in the same run of
/// text. A quote the writer escaped (`\"`, `&quot;`) stays straight: pulldown-cmark starts
/// a text event at each escape, so it is the first character of an event just after a `\`,
/// or whose source starts with `&`.
fn smarten_events(events: &mut [(Event, Range<usize>)], markdown: &str) {
    let mut literal = false;
    let mut prev: Option<char> = None;
    for i in 0..events.len() {
        match &events[i].0 {
            Event::Start(Tag::CodeBlock(_))
            | Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => literal = true,
            Event::End(TagEnd::CodeBlock | TagEnd::Link) => literal = false,
            _ => {}
        }
        if let Event::Text(text) = &events[i].0
            && !literal
            && has_marks(text)
        {
            let next = next_char(&events[i + 1..]);
            let start = events[i].1.start;
            let escaped = (markdown[..start].ends_with('\\') || markdown[start..].starts_with('&'))
                && text.starts_with(['"', '\'']);
            let mut out = String::with_capacity(text.len() + 8);
            let (kept, rest, before) = match escaped {
                true => (&text[..1], &text[1..], text.chars().next()),
                false => ("", &text[..], prev),
            };
            out.push_str(kept);
            smarten_into(rest, before, next, &mut out);
            events[i].0 = Event::Text(CowStr::from(out));
        }
        let new_prev = match around(&events[i].0) {
            Around::Text(t) => t.chars().next_back().or(prev),
            Around::Space => Some(' '),
            Around::Markup => prev,
            Around::Break => None,
        };
        prev = new_prev;
    }
}

/// The first character of running text in `events`, before a break.
fn next_char(events: &[(Event, Range<usize>)]) -> Option<char> {
    for (event, _) in events {
        match around(event) {
            Around::Text(t) => return t.chars().next(),
            Around::Space => return Some(' '),
            Around::Markup => {}
            Around::Break => return None,
        }
    }
    None
}

/// Typographic punctuation for text shown to readers, the one set of rules for bodies,
/// titles, summaries and tables: curly quotes and apostrophes, en and em dashes, ellipses
/// ("Dinuba's \"gap gazing\" -- 2019" → "Dinuba’s “gap gazing” – 2019"). A quote opens
/// after a space, an opening bracket, a dash or another opening quote (and a single one only
/// before a letter); every other quote closes, so the apostrophes of `'90s` and `5'10"` and
/// the inch mark are all closing marks, in titles and bodies alike.
pub fn smarten(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    smarten_into(text, None, None, &mut out);
    out
}

/// [`smarten`] of `text` where `prev` and `next` are the characters around it (`None` at
/// the start or end of a run of text). Only the ASCII marks are looked at; the text between
/// them is copied as it is.
fn smarten_into(text: &str, prev: Option<char>, next: Option<char>, out: &mut String) {
    let bytes = text.as_bytes();
    let opens_after = |c: Option<char>| match c {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '(' | '[' | '{' | '—' | '–' | '“' | '‘' | '/'),
    };
    // The last mark written, and where it ended: the character before what follows it.
    let mut written: Option<(usize, char)> = None;
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let before = || match written {
            Some((end, c)) if end == i => Some(c),
            _ => text[..i].chars().next_back().or(prev),
        };
        let (mark, len) = match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => match bytes.get(i + 2) {
                Some(b'-') => ('—', 3),
                _ => ('–', 2),
            },
            b'.' if bytes[i..].starts_with(b"...") => ('…', 3),
            b'"' => {
                // A quote's next character may be in the next event.
                let after = text[i + 1..].chars().next().or(next);
                let opens = opens_after(before())
                    || (before().is_some_and(opens_before_word)
                        && after.is_some_and(char::is_alphanumeric));
                (if opens { '“' } else { '”' }, 1)
            }
            b'\'' => {
                let after = text[i + 1..].chars().next().or(next);
                let opens = opens_after(before())
                    && after.is_some_and(char::is_alphabetic)
                    && !is_elision(&text[i + 1..]);
                (if opens { '‘' } else { '’' }, 1)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[copied..i]);
        out.push(mark);
        i += len;
        copied = i;
        written = Some((i, mark));
    }
    out.push_str(&text[copied..]);
}

/// Punctuation after which a double quote opens when a word follows (`"a"-"b"`), but not
/// the marks that end a sentence or a clause, after which it closes.
fn opens_before_word(c: char) -> bool {
    c.is_ascii_punctuation() && !matches!(c, '.' | ',' | '!' | '?' | ';' | ':' | ')' | ']' | '}')
}

/// Whether an apostrophe before `rest` stands for left-out letters (`'tis`, `rock 'n' roll`),
/// which takes a closing mark even at the start of a word.
fn is_elision(rest: &str) -> bool {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        word.as_str(),
        "tis" | "twas" | "em" | "n" | "til" | "cause" | "bout" | "round"
    )
}

/// Whether `text` has anything [`smarten`] changes.
fn has_marks(text: &str) -> bool {
    text.contains(['\'', '"']) || text.contains("--") || text.contains("...")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(markdown: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, parse(markdown).map(|(e, _)| e));
        html.trim_end().to_string()
    }

    #[test]
    fn titles_and_bodies_agree_on_the_hard_cases() {
        for (text, expected) in [
            ("the '90s and the 1990's", "the ’90s and the 1990’s"),
            ("a 5'10\" coach", "a 5’10” coach"),
            ("\"She said 'not yet' to it\"", "“She said ‘not yet’ to it”"),
            ("('quoted') [\"too\"]", "(‘quoted’) [“too”]"),
            ("Dinuba's \"gap gazing\"", "Dinuba’s “gap gazing”"),
            ("2016--17, then---later...", "2016–17, then—later…"),
            ("teachers' time", "teachers’ time"),
            (
                "'Tis the season, rock 'n' roll",
                "’Tis the season, rock ’n’ roll",
            ),
            ("\"a\"-\"b\" and \"end.\"", "“a”-“b” and “end.”"),
        ] {
            assert_eq!(smarten(text), expected, "title: {text}");
            assert_eq!(body(text), format!("<p>{expected}</p>"), "body: {text}");
        }
    }

    #[test]
    fn quotes_see_their_neighbours_across_markup() {
        assert_eq!(
            body("*Brown*'s \"*quoted*\" and `code`'s, \"[a link](/x)\""),
            "<p><em>Brown</em>’s “<em>quoted</em>” and <code>code</code>’s, “<a href=\"/x\">a link</a>”</p>"
        );
        assert_eq!(
            body("'*Quoted* words' here"),
            "<p>‘<em>Quoted</em> words’ here</p>"
        );
    }

    #[test]
    fn code_is_left_as_written() {
        assert_eq!(
            body("`'a' -- \"b\"...`"),
            "<p><code>'a' -- \"b\"...</code></p>"
        );
        assert_eq!(
            body("```\nsay \"it's\" -- now\n```"),
            "<pre><code>say \"it's\" -- now\n</code></pre>"
        );
    }

    #[test]
    fn escaped_quotes_and_autolinks_stay_as_written() {
        assert_eq!(
            body("a 5\\'10\\\" mark, &quot;this&quot; and \"that\""),
            "<p>a 5'10\" mark, \"this\" and “that”</p>"
        );
        assert_eq!(
            body("<https://example.org/a--b...>"),
            "<p><a href=\"https://example.org/a--b...\">https://example.org/a--b...</a></p>"
        );
    }

    #[test]
    fn a_new_block_starts_a_new_run() {
        assert_eq!(
            body("# Title\n\n\"Opening\" and 'single'"),
            "<h1>Title</h1>\n<p>“Opening” and ‘single’</p>"
        );
    }
}
