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

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, renderer::DecorStyle};
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
}

impl Source {
    pub fn new(path: PathBuf, display: String, text: &str) -> Source {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text: Arc<str> = if text.contains('\r') {
            text.replace("\r\n", "\n").into()
        } else {
            text.into()
        };
        let hash = hash_bytes(text.as_bytes());
        Source {
            path,
            display,
            text,
            hash,
        }
    }

    /// The byte offset of a 1-based line and column (in characters).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let mut offset = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let within: usize = l
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map(|(b, _)| b)
                    .unwrap_or(l.trim_end_matches('\n').len());
                return offset + within;
            }
            offset += l.len();
        }
        self.text.len()
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }
}

/// A fast, stable (within one build of the program) hash of bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, bytes);
    std::hash::Hasher::write_usize(&mut hasher, bytes.len());
    std::hash::Hasher::finish(&hasher)
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
    source: Option<Arc<str>>,
    span: Option<Range<usize>>,
    /// A short note under the excerpt, pointing at the span.
    pub label: Option<String>,
    /// What would be right.
    pub help: Option<String>,
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
            source: None,
            span: None,
            label: None,
            help: None,
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

    /// A span of a source file.
    pub fn at(mut self, source: &Source, span: Range<usize>) -> Diagnostic {
        let len = source.text.len();
        let start = span.start.min(len);
        let end = span.end.clamp(start, len);
        self.file = Some(source.display.clone());
        self.source = Some(source.text.clone());
        self.span = Some(start..end);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The 1-based line and column, when the diagnostic points into a file.
    pub fn position(&self) -> Option<(usize, usize)> {
        let (source, span) = (self.source.as_ref()?, self.span.as_ref()?);
        Some(line_col(source, span.start))
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

    /// Renders the header line, the excerpt and the help, for a terminal or a log.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let header = match (&self.file, self.position()) {
            (Some(file), Some((line, col))) => format!("{file}:{line}:{col}: "),
            (Some(file), None) => format!("{file}: "),
            _ => String::new(),
        };
        if color {
            let code = match self.severity {
                Severity::Error => "\x1b[1;31m",
                Severity::Warning => "\x1b[1;33m",
            };
            out.push_str(&format!(
                "\x1b[1m{header}\x1b[0m{code}{severity}\x1b[0m\x1b[1m: {}\x1b[0m\n",
                self.message
            ));
        } else {
            out.push_str(&format!("{header}{severity}: {}\n", self.message));
        }

        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_level(level.clone());
        let mut has_elements = false;
        if let (Some(source), Some(span)) = (&self.source, &self.span) {
            // An empty span still deserves a caret.
            let span = if span.is_empty() && span.end < source.len() {
                span.start..next_char_boundary(source, span.start)
            } else {
                span.clone()
            };
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(label) = &self.label {
                annotation = annotation.label(label.as_str());
            }
            group = group.element(Snippet::source(&**source).annotation(annotation));
            has_elements = true;
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
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

/// Sorts diagnostics into reading order and removes exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics
        .dedup_by(|a, b| a.sort_key() == b.sort_key() && a.label == b.label && a.help == b.help);
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
    fn suggests_close_words_only() {
        let keys = ["title", "subtitle", "date"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
