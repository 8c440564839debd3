//! The theme's own Tera filters, which every template may use besides Tera's:
//!
//! - `css_string`: a value as a quoted CSS string, safe inside a `<style>` element (the
//!   print stylesheet's running heads read the page's title and address this way);
//! - `short_title`: a title short enough for a running head.

use tera::{Kwargs, State, Tera, TeraResult, Value};

/// Adds the filters to `tera` (before its templates are compiled, which check filter names).
pub fn register(tera: &mut Tera) {
    tera.register_filter("css_string", css_string_filter);
    tera.register_filter("short_title", short_title_filter);
}

fn css_string_filter(value: &str, _: Kwargs, _: &State) -> Value {
    // Marked safe: it is CSS, not HTML, and nothing in it can end the `<style>` element.
    Value::safe_string(&css_string(value))
}

fn short_title_filter(value: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let length = kwargs.get::<usize>("length")?.unwrap_or(SHORT_TITLE);
    Ok(short_title(value, length))
}

/// `text` as a double-quoted CSS string. Quotes and backslashes would end or bend the string,
/// line breaks are not allowed in one, `<` and `>` could end the `<style>` element around
/// it, and `&` is kept out for HTML readers that decode entities: each is written as a CSS
/// escape (`\22 `: the code in hex, and a space that ends it). Control characters too, so
/// the string stays on one line; NUL, which CSS reads as U+FFFD, is written as U+FFFD.
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' | '\'' | '\\' | '<' | '>' | '&' => push_escape(&mut out, c),
            c if c.is_control() => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "\\{:x} ", c as u32);
}

/// The longest running head `short_title` makes, in characters.
pub const SHORT_TITLE: usize = 60;

/// `title` for a running head: itself when it has at most `length` characters; else its
/// main title, before a colon, when that is long enough to name it (three words or more)
/// and short enough; else its first words, as many as fit with an ellipsis. White space is
/// made single spaces.
pub fn short_title(title: &str, length: usize) -> String {
    let words: Vec<&str> = title.split_whitespace().collect();
    let title = words.join(" ");
    if title.chars().count() <= length {
        return title;
    }
    if let Some((main, _)) = title.split_once(": ") {
        let main = main.trim_end();
        if main.split(' ').count() >= 3 && main.chars().count() <= length {
            return main.to_string();
        }
    }
    let mut short = String::new();
    for word in &words {
        let wanted = short.chars().count() + usize::from(!short.is_empty()) + word.chars().count();
        if wanted + 1 > length {
            break;
        }
        if !short.is_empty() {
            short.push(' ');
        }
        short.push_str(word);
    }
    if short.is_empty() {
        // One word longer than the limit: cut inside it.
        short = title.chars().take(length.saturating_sub(1)).collect();
    }
    format!("{}…", without_dangling_words(&short))
}

/// `words` without the short lower-case words (`of`, `the`, `and`) and punctuation that
/// would dangle before an ellipsis; the first word always stays.
fn without_dangling_words(words: &str) -> &str {
    let mut kept = words.trim_end_matches([',', ';', ':', '.', '—', '–', '-', ' ']);
    while let Some((before, last)) = kept.rsplit_once(' ') {
        let dangling = last.chars().count() <= 3 && last.chars().all(|c| c.is_lowercase());
        if !dangling {
            break;
        }
        kept = before.trim_end_matches([',', ';', ':', '.', '—', '–', '-', ' ']);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_backslashes_and_line_breaks_are_escaped() {
        assert_eq!(css_string("Plain title"), r#""Plain title""#);
        assert_eq!(css_string(r#"He said "no""#), r#""He said \22 no\22 ""#);
        assert_eq!(css_string("it's"), r#""it\27 s""#);
        assert_eq!(css_string(r"C:\path\"), r#""C:\5c path\5c ""#);
        assert_eq!(css_string("one\ntwo\r\nthree"), r#""one\a two\d \a three""#);
        assert_eq!(css_string("tab\there"), r#""tab\9 here""#);
        assert_eq!(css_string("nul\0"), "\"nul\u{FFFD}\"");
    }

    #[test]
    fn nothing_can_end_the_style_element_or_the_string() {
        let css = css_string(r#"</style><script>alert("x")</script> & \" end"#);
        assert!(!css.contains('<') && !css.contains('>') && !css.contains('&'));
        // Only the outer quotes are left as quotes; every backslash starts an escape.
        assert_eq!(css.matches('"').count(), 2);
        assert!(css.starts_with('"') && css.ends_with('"'));
        let inner = &css[1..css.len() - 1];
        for (i, _) in inner.match_indices('\\') {
            let hex: String = inner[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit())
                .collect();
            assert!(!hex.is_empty(), "a bare backslash at {i} in {css}");
            assert_eq!(inner[i + 1 + hex.len()..].chars().next(), Some(' '));
        }
    }

    #[test]
    fn letters_beyond_ascii_stay_as_they_are() {
        assert_eq!(
            css_string("Écoles “bright spots” — 2019"),
            "\"Écoles “bright spots” — 2019\""
        );
    }

    #[test]
    fn a_short_title_is_kept_whole() {
        assert_eq!(
            short_title("Snapshot of a district", 60),
            "Snapshot of a district"
        );
        assert_eq!(short_title("  Two\n lines ", 60), "Two lines");
    }

    #[test]
    fn a_long_title_is_shortened_to_its_main_title_or_its_first_words() {
        assert_eq!(
            short_title(
                "A role-diverse team in Oakland: site-based grants for the CCSS-M and what they taught",
                60
            ),
            "A role-diverse team in Oakland"
        );
        let cut = short_title(
            "Collaborative structures for changing the dynamics of classroom instruction",
            60,
        );
        assert_eq!(cut, "Collaborative structures for changing the dynamics…");
        assert!(cut.chars().count() <= 60);
        // A main title of one or two words says too little: the first words are used.
        assert_eq!(
            short_title(
                "Coaching: how eleven districts organised their coaches across the state",
                40
            ),
            "Coaching: how eleven districts…"
        );
        assert_eq!(short_title("Supercalifragilistic", 10), "Supercali…");
    }
}
