//! The text a reader sees in a page's body, taken from its rendered HTML: paragraphs,
//! headings, lists, figure captions, table cells, boxes, embedded case studies and endnotes.
//! Charts (`<svg>`, whose labels repeat the figure's table) and endnote reference numbers are
//! left out. Headings are recorded with their ids and positions so search results can link
//! to the section nearest a match.

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
    pub headings: Vec<HeadingMark>,
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
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

/// Extracts the text of a body's HTML.
pub fn extract(html: &str) -> PageText {
    let mut out = PageText::default();
    let mut rest = html;
    // Elements whose text is skipped, innermost last: (tag name, nesting depth of that name).
    let mut skipping: Vec<(String, usize)> = Vec::new();
    let mut heading: Option<(usize, String)> = None;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skipping.is_empty() {
                push_text(&mut out.text, rest);
            }
            break;
        };
        if skipping.is_empty() {
            push_text(&mut out.text, &rest[..lt]);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map(|i| &after[i + 3..]).unwrap_or("");
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();

        if let Some((skipped, depth)) = skipping.last_mut()
            && *skipped == name
            && !self_closing
        {
            if closing {
                *depth -= 1;
                if *depth == 0 {
                    skipping.pop();
                }
            } else {
                *depth += 1;
            }
            continue;
        }
        if !closing && !self_closing && is_skipped(&name, tag) {
            skipping.push((name, 1));
            continue;
        }
        if !skipping.is_empty() {
            continue;
        }

        if BLOCKS.contains(&name.as_str()) && !out.text.ends_with('\n') && !out.text.is_empty() {
            out.text.push('\n');
        }
        if matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            if !closing {
                let id = attribute(tag, "id").unwrap_or_default();
                heading = Some((out.text.len(), id));
            } else if let Some((offset, id)) = heading.take() {
                let text = out.text[offset..].trim().to_string();
                if !id.is_empty() && !text.is_empty() {
                    out.headings.push(HeadingMark { offset, id, text });
                }
            }
        }
    }
    let trimmed = out.text.trim_end().len();
    out.text.truncate(trimmed);
    out
}

/// Elements that are not running text: charts (their labels repeat the figure's table),
/// endnote reference numbers, text only for screen readers, and navigation links.
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
            "fnref" | "visually-hidden" | "figure-download" | "vff-more" | "backref"
        )
    })
}

/// Appends text with entities decoded and runs of whitespace collapsed.
fn push_text(out: &mut String, raw: &str) {
    let decoded = decode_entities(raw);
    let decoded = decoded.as_ref();
    for (i, word) in words(decoded).enumerate() {
        let after_space_or_start = out.is_empty() || out.ends_with('\n') || out.ends_with(' ');
        let starts_with_space = i > 0 || decoded.starts_with(char::is_whitespace);
        if !after_space_or_start && starts_with_space {
            out.push(' ');
        }
        out.push_str(word);
    }
    if decoded.ends_with(char::is_whitespace) && !decoded.trim().is_empty() && !out.ends_with('\n')
    {
        out.push(' ');
    }
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
    fn extracts_blocks_headings_and_skips_charts_and_note_numbers() {
        let html = "<p>Districts rely on <em>teacher</em> leaders.<sup class=\"fnref\"><a href=\"#fn_1\">1</a></sup></p>\n<h2 id=\"structure-1\">Structure 1</h2>\n<figure><figcaption>Figure 1. Who</figcaption><svg><title>Who</title><svg><text>27</text></svg></svg><table><caption class=\"visually-hidden\">Data</caption><tr><th scope=\"row\">Teacher leaders</th><td>27</td></tr></table><p class=\"figure-download\"><a href=\"x.csv\">Download<span class=\"visually-hidden\"> it</span></a></p></figure><p>Tom &amp; Jerry&#8217;s</p>";
        let page = extract(html);
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
    }
}
