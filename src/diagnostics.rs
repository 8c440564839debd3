//! Diagnostics an editor can act on.
//!
//! Every problem a build finds becomes a [`Diagnostic`]: the file (relative to the site root),
//! the byte span it concerns, what is wrong, and what would be right. Stages collect them all
//! rather than stopping at the first, and the CLI prints them sorted by file and line:
//!
//! ```text
//! content/briefs/x.md:2:1: error: unknown field `titel`
//!   ╭▸
//! 2 │ titel: Partnerships
//!   │ ━━━━━ not a front matter field
//!   ╰ help: did you mean `title`?
//! ```
//!
//! The excerpt is drawn by `annotate-snippets`, as rustc and ruff do.
//!
//! Names and values are shown, never obeyed: in human output every character a terminal
//! would act on (see [`escape_controls`]) is written as an escape, in the file name, the
//! message, the label, the help and the excerpt alike. JSON output keeps them as they are,
//! and a file name that is not UTF-8 exactly too (`file_bytes`, see [`Diagnostic::to_json`]).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, renderer::DecorStyle};
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A text file of the site, read once and shared by everything that reports on it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path shown to editors: relative to the site root, with `/` separators.
    pub display: String,
    /// The text, with a leading BOM removed and CRLF line endings made LF.
    pub text: Arc<str>,
    /// A hash of the text: what incremental rebuilds compare to see whether it changed.
    pub hash: u64,
    /// Where each line starts, found when the first diagnostic needs a line number, so that
    /// a file with thousands of errors is read for lines once.
    line_starts: Arc<std::sync::OnceLock<Vec<usize>>>,
}

impl Source {
    pub fn new(path: PathBuf, display: String, text: &str) -> Source {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text: Arc<str> = if text.contains('\r') {
            text.replace("\r\n", "\n").into()
        } else {
            text.into()
        };
        let hash = crate::fingerprint::hash_bytes(text.as_bytes());
        Source {
            path,
            display,
            text,
            hash,
            line_starts: Default::default(),
        }
    }

    /// The file's name as it is on disk, relative to the site root, when it is not UTF-8
    /// (and `display` shows U+FFFD in place of the bytes that are not).
    pub fn name_bytes(&self) -> Option<Vec<u8>> {
        name_bytes(&self.path, &self.display)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr_newlines(&self.text).map(|i| i + 1))
                .collect()
        })
    }

    /// The byte offset of a 1-based line and column (in characters).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = starts.get(line).map_or(self.text.len(), |e| e - 1);
        let l = &self.text[start..end];
        start
            + l.char_indices()
                .nth(column.saturating_sub(1))
                .map_or(l.len(), |(b, _)| b)
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    /// The lines around `span` (at most a few), as (first line number, their byte range).
    fn excerpt(&self, span: &Range<usize>) -> (usize, Range<usize>) {
        const MOST_LINES: usize = 8;
        let starts = self.line_starts();
        let first = starts.partition_point(|&s| s <= span.start).max(1);
        let last = starts
            .partition_point(|&s| s <= span.end.saturating_sub(1).max(span.start))
            .clamp(first, first + MOST_LINES - 1);
        let end = starts.get(last).map_or(self.text.len(), |e| *e);
        (first, starts[first - 1]..end)
    }
}

/// The bytes of the last components of `path`, as many as `display` (a path relative to the
/// site root, with `/` separators) has, when they are not UTF-8: the name `display` shows
/// with U+FFFD in place of the bytes it could not show.
fn name_bytes(path: &Path, display: &str) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    if path.to_str().is_some() {
        return None;
    }
    let parts: Vec<&[u8]> = path
        .components()
        .map(|c| c.as_os_str().as_bytes())
        .collect();
    let shown = display.split('/').count().min(parts.len());
    let name = parts[parts.len() - shown..].join(&b'/');
    std::str::from_utf8(&name).is_err().then_some(name)
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// A remark about other diagnostics (how many more were not shown).
    Note,
}

impl Severity {
    /// As printed: `error`, `warning`, `note`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// What kind of failure a diagnostic is; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Something an editor wrote is wrong (exit status 1).
    Content,
    /// The command line or the file system failed us (exit status 2).
    Io,
}

/// One problem found by a build. The details are boxed so that `Result<_, Diagnostic>` stays
/// small; fields are reached through `Deref` (`diagnostic.message`).
#[derive(Debug, Clone)]
pub struct Diagnostic(Box<Details>);

#[derive(Debug, Clone)]
pub struct Details {
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    /// The file, as shown to editors, when the problem is in one.
    pub file: Option<String>,
    /// The file's exact name when it is not UTF-8 (`file` shows U+FFFD for its bad bytes).
    file_bytes: Option<Vec<u8>>,
    source: Option<Arc<str>>,
    span: Option<Range<usize>>,
    /// The 1-based line and column of the span's start.
    position: Option<(usize, usize)>,
    /// The 1-based line and column just past the span's end.
    end: Option<(usize, usize)>,
    /// The lines shown under the message: the first one's number and their byte range.
    excerpt: Option<(usize, Range<usize>)>,
    /// A short note under the excerpt, pointing at the span.
    pub label: Option<String>,
    /// What would be right.
    pub help: Option<String>,
    /// Whether the help's line breaks are the program's own (see [`Diagnostic::help_block`]),
    /// to be kept; any other line break is a value's, and is shown escaped.
    help_is_block: bool,
    /// Where else the mistake showed (`content/a.md:7`), for a mistake in one file that
    /// fails others, such as a shortcode template failing its calls: [`sort`] merges
    /// repeats of the mistake into one diagnostic naming them all.
    seen_at: Vec<String>,
}

impl Details {
    /// The span in the file's text the diagnostic points at, if any.
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// The text the span is in.
    pub fn source_text(&self) -> Option<&str> {
        self.source.as_deref()
    }
}

impl std::ops::Deref for Diagnostic {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.0
    }
}

impl std::ops::DerefMut for Diagnostic {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic(Box::new(Details {
            severity: Severity::Error,
            category: Category::Content,
            message: message.into(),
            file: None,
            file_bytes: None,
            source: None,
            span: None,
            position: None,
            end: None,
            excerpt: None,
            label: None,
            help: None,
            help_is_block: false,
            seen_at: Vec::new(),
        }))
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(message);
        d.severity = Severity::Warning;
        d
    }

    /// An I/O failure: the file system, not the content, is at fault.
    pub fn io(message: impl Into<String>, path: &Path, err: &std::io::Error) -> Diagnostic {
        let mut d = Diagnostic::error(format!("{}: {}: {err}", message.into(), path.display()));
        d.category = Category::Io;
        d
    }

    /// The whole file, with no position (for example, it could not be read).
    pub fn in_file(mut self, display: impl Into<String>) -> Diagnostic {
        self.file = Some(display.into());
        self
    }

    /// The whole file at `path` on disk, shown as `display` (see [`Source::display`]), so
    /// that a name that is not UTF-8 is kept exactly for JSON output.
    pub fn in_path(mut self, display: impl Into<String>, path: &Path) -> Diagnostic {
        let display = display.into();
        self.file_bytes = name_bytes(path, &display);
        self.file = Some(display);
        self
    }

    /// A span of a source file.
    pub fn at(mut self, source: &Source, span: Range<usize>) -> Diagnostic {
        let len = source.text.len();
        let start = span.start.min(len);
        let end = span.end.clamp(start, len);
        self.file = Some(source.display.clone());
        self.file_bytes = source.name_bytes();
        self.source = Some(source.text.clone());
        self.position = Some(source.line_col(start));
        self.end = Some(source.line_col(end));
        self.excerpt = Some(source.excerpt(&(start..end)));
        self.span = Some(start..end);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self.help_is_block = false;
        self
    }

    /// Help over several lines, such as an example to copy. Only the program's own text
    /// (`'static`) may keep its line breaks in human output: a line break in [`help`], which
    /// may quote a name or a value, is shown escaped like every other control character.
    ///
    /// [`help`]: Diagnostic::help
    pub fn help_block(mut self, help: &'static str) -> Diagnostic {
        self.help = Some(help.to_string());
        self.help_is_block = true;
        self
    }

    /// Where the mistake showed (`content/a.md:7`), when that is not where it is.
    pub fn seen_at(mut self, place: impl Into<String>) -> Diagnostic {
        self.seen_at.push(place.into());
        self
    }

    /// The message, with the places the mistake showed: "...; it failed 3 calls
    /// (content/a.md:7, content/b.md:3 and 1 more)".
    pub fn full_message(&self) -> std::borrow::Cow<'_, str> {
        const NAMED: usize = 3;
        let places = &self.seen_at;
        if places.is_empty() {
            return std::borrow::Cow::Borrowed(&self.message);
        }
        let named = places[..places.len().min(NAMED)].join(", ");
        let more = match places.len() {
            n if n > NAMED => format!(" and {} more", n - NAMED),
            _ => String::new(),
        };
        let calls = count(places.len(), "call", "calls");
        std::borrow::Cow::Owned(format!(
            "{}; it failed {calls} ({named}{more})",
            self.message
        ))
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The 1-based line and column, when the diagnostic points into a file.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.position
    }

    /// The diagnostic as one line of JSON, for editors' tools and CI annotations
    /// (`--message-format json`): positions are 1-based, columns count characters, and
    /// `end_line`/`end_column` point just past the marked text. Text is kept as it is (JSON
    /// escapes control characters itself). A file name that is not UTF-8 is in `file` with
    /// U+FFFD for each byte it cannot show, and exactly in `file_bytes`: its bytes in
    /// standard base64 (RFC 4648, with padding), as protobuf's JSON writes bytes. The key is
    /// there only then, so every other line is as it always was.
    pub fn to_json(&self) -> String {
        use base64::Engine;
        #[derive(serde::Serialize)]
        struct Json<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            severity: &'static str,
            file: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            file_bytes: Option<String>,
            line: Option<usize>,
            column: Option<usize>,
            end_line: Option<usize>,
            end_column: Option<usize>,
            message: &'a str,
            label: Option<&'a str>,
            help: Option<&'a str>,
        }
        let json = Json {
            kind: "diagnostic",
            severity: self.severity.name(),
            file: self.file.as_deref(),
            file_bytes: (self.file_bytes.as_deref())
                .map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes)),
            line: self.position.map(|p| p.0),
            column: self.position.map(|p| p.1),
            end_line: self.end.map(|p| p.0),
            end_column: self.end.map(|p| p.1),
            message: &self.full_message(),
            label: self.label.as_deref(),
            help: self.help.as_deref(),
        };
        serde_json::to_string(&json).expect("a diagnostic serializes")
    }

    /// Sort key: file, then position, then message; diagnostics without a file come first.
    fn sort_key(&self) -> (Option<&str>, (usize, usize), Severity, &str) {
        (
            self.file.as_deref(),
            self.position().unwrap_or((0, 0)),
            self.severity,
            &self.message,
        )
    }

    /// Renders the header line, the excerpt and the help, for a terminal or a log. Control
    /// characters in any of it are shown escaped (see [`escape_controls`]).
    pub fn render(&self, color: bool) -> String {
        let mut out = self.header(color);
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut group = Group::with_level(level.clone());
        let mut has_elements = false;
        let excerpt = self.excerpt_escaped();
        let label = self.label.as_deref().map(escape_controls);
        if let Some((first_line, shown, span)) = &excerpt {
            let mut annotation = AnnotationKind::Primary.span(span.clone());
            if let Some(label) = &label {
                annotation = annotation.label(label.as_ref());
            }
            let snippet = Snippet::source(shown.as_ref())
                .line_start(*first_line)
                .annotation(annotation);
            group = group.element(snippet);
            has_elements = true;
        }
        let help = self.help.as_deref().map(|help| match self.help_is_block {
            true => Cow::Owned(
                help.split('\n')
                    .map(escape_controls)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            false => escape_controls(help),
        });
        if let Some(help) = &help {
            group = group.element(Level::HELP.message(help.as_ref()));
            has_elements = true;
        }
        if has_elements {
            let renderer = if color {
                Renderer::styled()
            } else {
                Renderer::plain()
            }
            .decor_style(DecorStyle::Unicode);
            out.push_str(&renderer.render(&[group]));
            out.push('\n');
        }
        out
    }

    /// `file:line:col: error: message`, one line.
    fn header(&self, color: bool) -> String {
        let severity = self.severity.name();
        let header = match (&self.file, self.position()) {
            (Some(file), Some((line, col))) => format!("{}:{line}:{col}: ", escape_controls(file)),
            (Some(file), None) => format!("{}: ", escape_controls(file)),
            _ => String::new(),
        };
        let message = self.full_message();
        let message = escape_controls(&message);
        if !color {
            return format!("{header}{severity}: {message}\n");
        }
        let code = match self.severity {
            Severity::Error => "\x1b[1;31m",
            Severity::Warning => "\x1b[1;33m",
            Severity::Note => "\x1b[1;36m",
        };
        format!("\x1b[1m{header}\x1b[0m{code}{severity}\x1b[0m\x1b[1m: {message}\x1b[0m\n")
    }

    /// The lines shown under the message, escaped but for their tabs and line breaks, with
    /// the first one's number and the span within them.
    fn excerpt_escaped(&self) -> Option<(usize, Cow<'_, str>, Range<usize>)> {
        let (Some(source), Some(span), Some((first_line, lines))) =
            (&self.source, &self.span, &self.excerpt)
        else {
            return None;
        };
        // Only the lines around the span: a file's whole text would make printing many
        // diagnostics of one large file take time quadratic in their number.
        let shown = &source[lines.clone()];
        let start = span.start - lines.start;
        let end = span.end.min(lines.end) - lines.start;
        // An empty span still deserves a caret (a whole escape's, if it is at one).
        let span = if start == end && end < shown.len() {
            start..next_char_boundary(shown, start)
        } else {
            start..end
        };
        let (escaped, span) = escape_excerpt(shown, span);
        Some((*first_line, escaped, span))
    }
}

/// Whether a terminal would act on `c` rather than show it: the C0 and C1 control
/// characters and DEL, the line and paragraph separators, and the bidirectional controls
/// (which reorder the text after them, so a line could read other than it is).
fn is_obeyed(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Writes one character that [`is_obeyed`] as an escape a person can read and copy:
/// `\n`, `\r`, `\t`, or `\u` with four hex digits (`\u001B` for ESC), as YAML and JSON
/// write them in double quotes.
fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{:04X}", c as u32)),
    }
}

/// `text` as human output shows it: names and values are shown, never obeyed. Every
/// character a terminal would act on (an ESC that starts a command to clear the screen, a
/// BEL, a line break inside a file name) is written as an escape: `\n`, `\r`, `\t`, or
/// `\u` and four hex digits (`\u001B`).
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_obeyed) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match is_obeyed(c) {
            true => push_escape(&mut out, c),
            false => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The excerpt's lines escaped like [`escape_controls`], but for the line breaks between
/// them and tabs (which the excerpt lays out itself), and `span` moved to where its text is
/// in the escaped lines.
fn escape_excerpt(lines: &str, span: Range<usize>) -> (Cow<'_, str>, Range<usize>) {
    let escaped = |c: char| is_obeyed(c) && c != '\n' && c != '\t';
    if !lines.chars().any(escaped) {
        return (Cow::Borrowed(lines), span);
    }
    let mut out = String::with_capacity(lines.len() + 16);
    let (mut start, mut end) = (None, None);
    for (i, c) in lines.char_indices() {
        if i >= span.start && start.is_none() {
            start = Some(out.len());
        }
        if i >= span.end && end.is_none() {
            end = Some(out.len());
        }
        match escaped(c) {
            true => push_escape(&mut out, c),
            false => out.push(c),
        }
    }
    let start = start.unwrap_or(out.len());
    let end = end.unwrap_or(out.len()).max(start);
    (Cow::Owned(out), start..end)
}

fn next_char_boundary(text: &str, offset: usize) -> usize {
    let mut end = offset + 1;
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    end.min(text.len())
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// How many diagnostics of one file are printed; the rest are counted (see [`cap_per_file`]).
pub const MOST_PER_FILE: usize = 50;

/// Keeps the first [`MOST_PER_FILE`] diagnostics of each file (in reading order; see
/// [`sort`]) and replaces the rest with one line saying how many more there are, so that a
/// file with thousands of mistakes does not bury the rest. Returns how many errors were left
/// out: the build still fails because of them.
pub fn cap_per_file(diagnostics: &mut Vec<Diagnostic>) -> usize {
    let mut kept = Vec::with_capacity(diagnostics.len().min(4096));
    let mut omitted_errors = 0;
    let mut i = 0;
    let all = std::mem::take(diagnostics);
    while i < all.len() {
        let file = all[i].file.clone();
        let run = all[i..]
            .iter()
            .take_while(|d| file.is_some() && d.file == file)
            .count()
            .max(1);
        let (shown, rest) = all[i..i + run].split_at(run.min(MOST_PER_FILE));
        kept.extend(shown.iter().cloned());
        if !rest.is_empty() {
            let errors = rest.iter().filter(|d| d.is_error()).count();
            omitted_errors += errors;
            let what = match (errors, rest.len() - errors) {
                (e, 0) => count(e, "error", "errors").replacen(' ', " more ", 1),
                (0, w) => count(w, "warning", "warnings").replacen(' ', " more ", 1),
                (e, w) => format!(
                    "{} and {}",
                    count(e, "more error", "more errors"),
                    count(w, "warning", "warnings")
                ),
            };
            let mut note = Diagnostic::error(format!(
                "{what} in this file are not shown: fix the {MOST_PER_FILE} above, and the next build shows the rest"
            ));
            note.severity = Severity::Note;
            note.file = file;
            kept.push(note);
        }
        i += run;
    }
    *diagnostics = kept;
    omitted_errors
}

/// "1 error", "4,000 errors".
pub fn count(n: usize, one: &str, many: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} {}", if n == 1 { one } else { many })
}

/// Sorts diagnostics into reading order and removes exact repeats; repeats of one mistake
/// seen at several places become one diagnostic naming every place once.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|later, kept| {
        let same = later.sort_key() == kept.sort_key()
            && later.label == kept.label
            && later.help == kept.help;
        if same {
            for place in std::mem::take(&mut later.seen_at) {
                if !kept.seen_at.contains(&place) {
                    kept.seen_at.push(place);
                }
            }
        }
        same
    });
}

/// The closest of `candidates` to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "`a`, `b` or `c`", for listing what is valid.
pub fn one_of<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// A character as a message names it: `` `}` ``, or what an invisible one is ("a line
/// break", "the invisible character U+200B"), which quoted would not show.
pub fn char_name(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        c if c.is_whitespace() || c.is_control() => {
            format!("the invisible character U+{:04X}", c as u32)
        }
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source::new("x.md".into(), "content/x.md".into(), text)
    }

    #[test]
    fn positions_count_characters() {
        let s = source("ab\ncé d\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        let d = s.text.find('d').unwrap();
        assert_eq!(s.line_col(d), (2, 4));
        assert_eq!(s.offset_of(2, 4), d);
    }

    #[test]
    fn crlf_and_bom_are_normalised() {
        let s = source("\u{feff}a\r\nb\r\n");
        assert_eq!(&*s.text, "a\nb\n");
    }

    #[test]
    fn renders_header_excerpt_and_help() {
        let s = source("---\ntitel: X\n---\n");
        let d = Diagnostic::error("unknown field `titel`")
            .at(&s, 4..9)
            .label("not a front matter field")
            .help("did you mean `title`?");
        let text = d.render(false);
        assert!(
            text.starts_with("content/x.md:2:1: error: unknown field `titel`\n"),
            "{text}"
        );
        assert!(text.contains("titel: X"), "{text}");
        assert!(text.contains("not a front matter field"), "{text}");
        assert!(text.contains("help: did you mean `title`?"), "{text}");
    }

    #[test]
    fn control_characters_are_escaped_everywhere_but_line_breaks_of_a_help_block() {
        assert_eq!(escape_controls("plain — text"), "plain — text");
        assert_eq!(
            escape_controls("a\u{1b}[2J\u{7}\n\t\r\u{9b}\u{202e}z"),
            "a\\u001B[2J\\u0007\\n\\t\\r\\u009B\\u202Ez"
        );
        let s = source("---\ntitle: a\u{1b}b\n---\n");
        let d = Diagnostic::error("bad `x\u{7}y`")
            .at(&s, 12..13)
            .label("here\n")
            .help("one\ntwo");
        let text = d.render(false);
        assert!(
            text.starts_with("content/x.md:2:9: error: bad `x\\u0007y`\n"),
            "{text}"
        );
        assert!(text.contains("2 │ title: a\\u001Bb\n"), "{text}");
        // The mark is under the whole escape.
        assert!(text.contains("  │         ━━━━━━ here\\n\n"), "{text}");
        assert!(text.contains("help: one\\ntwo"), "{text}");
        let block = Diagnostic::error("x").help_block("one\ntwo").render(false);
        assert!(
            block.contains("help: one\n") && block.contains("two"),
            "{block}"
        );
    }

    #[test]
    fn an_excerpt_span_moves_past_the_escapes_before_it() {
        let (text, span) = escape_excerpt("a\u{1b}b\tc\nd", 2..3);
        assert_eq!((text.as_ref(), span), ("a\\u001Bb\tc\nd", 7..8));
        let (text, span) = escape_excerpt("a\u{1b}", 1..2);
        assert_eq!((text.as_ref(), span), ("a\\u001B", 1..7));
    }

    #[test]
    fn a_name_that_is_not_utf8_keeps_its_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/site/content/caf\xe9.md"));
        let s = Source::new(path.into(), "content/caf\u{fffd}.md".into(), "x");
        assert_eq!(s.name_bytes().as_deref(), Some(&b"content/caf\xe9.md"[..]));
        let utf8 = Source::new("/s\u{e9}/content/a.md".into(), "content/a.md".into(), "x");
        assert_eq!(utf8.name_bytes(), None);
        let json = Diagnostic::error("x").at(&s, 0..1).to_json();
        assert!(
            json.contains(r#""file_bytes":"Y29udGVudC9jYWbpLm1k""#),
            "{json}"
        );
        assert!(
            !Diagnostic::error("x")
                .at(&utf8, 0..1)
                .to_json()
                .contains("file_bytes")
        );
    }

    #[test]
    fn suggests_close_words_only() {
        let keys = ["title", "subtitle", "date"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }

    #[test]
    fn sorting_merges_one_mistake_seen_at_several_places() {
        let s = Source::new("t.html".into(), "themes/t.html".into(), "{{ x }}\n");
        let at = |place: &str| {
            Diagnostic::error("x is not defined")
                .at(&s, 3..4)
                .seen_at(place)
        };
        let mut all = vec![
            at("content/b.md:3"),
            at("content/a.md:7"),
            at("content/b.md:3"),
        ];
        all.extend((1..=3).map(|n| at(&format!("content/c{n}.md:1"))));
        sort(&mut all);
        assert_eq!(all.len(), 1);
        assert_eq!(
            all[0].full_message(),
            "x is not defined; it failed 5 calls (content/b.md:3, content/a.md:7, content/c1.md:1 and 2 more)"
        );
        assert!(
            all[0]
                .render(false)
                .starts_with("themes/t.html:1:4: error: x is not defined; it failed 5 calls")
        );
    }
}
