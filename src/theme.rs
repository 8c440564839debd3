//! The theme: Tera templates and static files.
//!
//! The CenterView theme (`themes/centerview/` in this repository) is compiled into the binary,
//! so a site needs no `themes/` folder. A site's `themes/<theme>/templates/` and
//! `themes/<theme>/static/` override the built-in files one by one, and may add new ones.

use crate::diagnostics::{Diagnostic, Source};
use include_dir::{Dir, include_dir};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/centerview");

/// The built-in design of the PDF edition (see [`crate::pdf`]).
pub const BUILTIN_PDF_EDITION: &str = include_str!("../themes/centerview/pdf/edition.typ");

/// The built-in design of a publication's sharing card (see [`crate::pdf::card`]).
pub const BUILTIN_SHARE_CARD: &str = include_str!("../themes/centerview/pdf/card.typ");

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    Builtin(&'static [u8]),
    Site(PathBuf),
}

#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path under the output folder (`css/centerview.css`).
    pub rel: String,
    pub origin: Origin,
}

pub struct Theme {
    /// The theme's name (`centerview`).
    pub name: String,
    tera: tera::Tera,
    /// Template name → where it came from.
    pub templates: BTreeMap<String, Origin>,
    pub statics: Vec<StaticFile>,
    /// Template name → every template it needs (itself, what it extends and includes, and the
    /// shared components), for the dependency record.
    closures: HashMap<String, BTreeSet<String>>,
    /// A hash of every template: changes when any of them does.
    pub generation: u64,
    /// The site's own `templates/shortcodes/<name>.html`: new shortcodes (declared in the
    /// template) or replacements of built-in ones' templates.
    pub site_shortcodes: Vec<SiteShortcode>,
    /// Template name → its text, for placing a rendering error in it.
    sources: HashMap<String, Source>,
    /// The PDF edition's design: the site's `themes/<name>/pdf/edition.typ`, or the
    /// built-in one.
    pdf_edition: String,
    share_card: String,
}

/// One of the site's shortcode templates, with its text for reading its declaration.
#[derive(Debug, Clone)]
pub struct SiteShortcode {
    /// The file's name without `.html`: the shortcode's name.
    pub name: String,
    pub path: PathBuf,
    /// The file as shown to a maintainer (`themes/centerview/templates/shortcodes/x.html`).
    pub display: String,
    pub text: String,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.templates.keys())
            .finish()
    }
}

/// The file of shared Tera components, which every template may use.
const COMPONENTS: &str = "components.html";

impl Theme {
    /// Loads the built-in theme with the site's overrides from `root/themes/<name>/`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let mut templates: BTreeMap<String, Origin> = BTreeMap::new();
        let mut statics: BTreeMap<String, Origin> = BTreeMap::new();
        for file in builtin_files(&BUILTIN) {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(rel) = path.strip_prefix("templates/") {
                templates.insert(rel.to_string(), Origin::Builtin(file.contents()));
            } else if let Some(rel) = path.strip_prefix("static/") {
                statics.insert(rel.to_string(), Origin::Builtin(file.contents()));
            }
        }
        let site_theme = root.join("themes").join(name);
        if site_theme.is_dir() {
            let mut refused = Vec::new();
            for (sub, map) in [("templates", &mut templates), ("static", &mut statics)] {
                overrides(root, &site_theme.join(sub), map, &mut refused)?;
            }
            if !refused.is_empty() {
                return Err(refused);
            }
        } else if name != "centerview" {
            return Err(vec![
                Diagnostic::error(format!(
                    "site.yaml names the theme `{name}`, but there is no folder themes/{name}/"
                ))
                .in_file("site.yaml")
                .help("create the folder, or use the built-in theme with `theme: centerview`"),
            ]);
        }
        let sources = read_templates(&templates)?;
        let shown: HashMap<String, Source> = sources
            .iter()
            .map(|(rel, text)| {
                let display = shown_path(&templates, name, rel);
                let path = match templates.get(rel) {
                    Some(Origin::Site(path)) => path.clone(),
                    _ => PathBuf::from(&display),
                };
                let source = Source::new(path, display, text);
                (rel.clone(), source)
            })
            .collect();
        let tera = compile(&sources, &shown, &templates)?;
        let closures = template_closures(&sources);
        let site_shortcodes = site_shortcodes(&templates, &sources, root);
        // Only the templates: static files are copied as they are, so a stylesheet edit
        // re-renders no page.
        let mut fingerprint = crate::fingerprint::Fingerprint::default();
        for (name, text) in &sources {
            fingerprint.str(name).str(text);
        }
        let sources = shown;
        let pdf_edition = typst_design(&site_theme, "edition.typ", BUILTIN_PDF_EDITION)?;
        let share_card = typst_design(&site_theme, "card.typ", BUILTIN_SHARE_CARD)?;
        Ok(Theme {
            pdf_edition,
            share_card,
            name: name.to_string(),
            generation: fingerprint.finish(),
            sources,
            tera,
            templates,
            statics: statics
                .into_iter()
                .map(|(rel, origin)| StaticFile { rel, origin })
                .collect(),
            closures,
            site_shortcodes,
        })
    }

    /// The PDF edition's design (Typst): the site's `themes/<name>/pdf/edition.typ`, or
    /// the built-in one.
    pub fn pdf_edition(&self) -> &str {
        &self.pdf_edition
    }

    /// The sharing card's design (Typst): the site's `themes/<name>/pdf/card.typ`, or the
    /// built-in one.
    pub fn share_card(&self) -> &str {
        &self.share_card
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, tera::Error> {
        self.tera.render(name, context)
    }

    /// The shared component `name` (of `components.html`) with `context` as its arguments.
    pub fn render_component(
        &self,
        name: &str,
        context: &tera::Context,
    ) -> Result<String, tera::Error> {
        self.tera.render_component(name, context, None, true)
    }

    /// Every template `name` needs.
    pub fn closure(&self, name: &str) -> BTreeSet<String> {
        self.closures.get(name).cloned().unwrap_or_default()
    }

    /// Where a template lives, as shown to a maintainer.
    pub fn display_path(&self, name: &str, theme: &str) -> String {
        shown_path(&self.templates, theme, name)
    }

    /// What went wrong when rendering the template `name`, placed in the template where it
    /// went wrong (which may be one `name` extends or includes), when Tera says where.
    pub fn render_error(&self, name: &str, err: &tera::Error) -> Box<TemplateError> {
        let placed = placed_errors(err, name).swap_remove(0);
        Box::new(TemplateError::new(placed, &self.sources))
    }
}

/// Where the template `name` lives, as shown to a maintainer.
fn shown_path(templates: &BTreeMap<String, Origin>, theme: &str, name: &str) -> String {
    match templates.get(name) {
        Some(Origin::Site(_)) => format!("themes/{theme}/templates/{name}"),
        _ => format!("built-in theme: templates/{name}"),
    }
}

/// A template error's file, message and span: two with one key are one mistake.
pub type TemplateErrorKey = (String, String, Option<(usize, usize)>);

/// A template that failed to render, and where in it; one typo fails every page that uses
/// the template, and is reported once for all of them (see [`TemplateError::diagnostic`]).
#[derive(Debug, Clone)]
pub struct TemplateError {
    /// The template that failed (`base.html`, when `page.html` extends it and it failed).
    pub template: String,
    /// Its path, as shown to a maintainer.
    pub file: String,
    pub message: String,
    span: Option<std::ops::Range<usize>>,
    source: Option<Source>,
}

impl TemplateError {
    fn new(placed: Placed, sources: &HashMap<String, Source>) -> TemplateError {
        let source = sources.get(&placed.template);
        // By line and column, which a CRLF template's normalised text keeps (Tera's columns
        // start at 0).
        let span = source
            .zip(placed.span)
            .map(|(source, (line, col, end_line, end_col))| {
                let start = source.offset_of(line, col + 1);
                start..source.offset_of(end_line, end_col + 1).max(start)
            });
        TemplateError {
            file: source.map_or_else(|| placed.template.clone(), |s| s.display.clone()),
            template: placed.template,
            message: placed.message,
            span,
            source: source.cloned(),
        }
    }

    /// The error as a diagnostic at the template, for one failed shortcode call at `place`
    /// (`content/a.md:7`); [`crate::diagnostics::sort`] merges the calls one mistake failed.
    pub fn call_diagnostic(&self, place: String) -> Diagnostic {
        let d = Diagnostic::error(format!(
            "the template `{}` failed: {}",
            self.template, self.message
        ));
        self.placed(d)
            .seen_at(place)
            .help("fix the template; every variable a template uses must exist (use `{% if x %}` for optional ones)")
    }

    fn placed(&self, d: Diagnostic) -> Diagnostic {
        match (&self.source, &self.span) {
            (Some(source), Some(span)) => d.at(source, span.clone()),
            _ => d.in_file(&self.file),
        }
    }

    /// What makes two errors one: the same mistake at the same place.
    pub fn key(&self) -> TemplateErrorKey {
        let span = self.span.as_ref().map(|s| (s.start, s.end));
        (self.file.clone(), self.message.clone(), span)
    }

    /// The error as one diagnostic for all the `outputs` (paths in the site) it failed,
    /// naming a few of them.
    pub fn diagnostic(&self, outputs: &[String]) -> Diagnostic {
        const NAMED: usize = 3;
        let named = outputs[..outputs.len().min(NAMED)].join(", ");
        let what = match outputs.len() {
            1 => named,
            n if n <= NAMED => format!("{n} pages ({named})"),
            n => format!("{n} pages ({named} and {} more)", n - NAMED),
        };
        let d = Diagnostic::error(format!(
            "the template `{}` failed while rendering {what}: {}",
            self.template, self.message
        ));
        self.placed(d).help("fix the template; every variable a template uses must exist (use `{% if x %}` for optional ones)")
    }
}

/// A site theme's `pdf/<name>` (its PDF edition's or sharing card's design), or the
/// built-in one when it has none.
fn typst_design(site_theme: &Path, name: &str, builtin: &str) -> Result<String, Vec<Diagnostic>> {
    let path = site_theme.join("pdf").join(name);
    if !path.is_file() {
        return Ok(builtin.to_string());
    }
    std::fs::read_to_string(&path).map_err(|e| {
        vec![Diagnostic::io(
            "cannot read the theme's Typst design",
            &path,
            &e,
        )]
    })
}

fn builtin_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(builtin_files(sub));
    }
    out
}

/// The site's templates directly in `shortcodes/`.
fn site_shortcodes(
    templates: &BTreeMap<String, Origin>,
    sources: &[(String, String)],
    root: &Path,
) -> Vec<SiteShortcode> {
    sources
        .iter()
        .filter_map(|(rel, text)| {
            let name = rel.strip_prefix("shortcodes/")?.strip_suffix(".html")?;
            let Some(Origin::Site(path)) = templates.get(rel) else {
                return None;
            };
            (!name.contains('/')).then(|| SiteShortcode {
                name: name.to_string(),
                path: path.clone(),
                display: path
                    .strip_prefix(root)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/"),
                text: text.clone(),
            })
        })
        .collect()
}

/// For each template, the templates it extends or includes, transitively, plus components.
fn template_closures(sources: &[(String, String)]) -> HashMap<String, BTreeSet<String>> {
    let direct: HashMap<&str, Vec<String>> = sources
        .iter()
        .map(|(name, text)| (name.as_str(), referenced_templates(text)))
        .collect();
    let mut closures = HashMap::new();
    for (name, _) in sources {
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.clone()];
        while let Some(current) = stack.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            if let Some(refs) = direct.get(current.as_str()) {
                stack.extend(refs.iter().cloned());
            }
        }
        if direct.contains_key(COMPONENTS) {
            seen.insert(COMPONENTS.to_string());
        }
        closures.insert(name.clone(), seen);
    }
    closures
}

/// Names in `{% extends "x" %}` and `{% include "x" %}` tags.
fn referenced_templates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for keyword in ["extends", "include"] {
        let mut rest = text;
        while let Some(i) = rest.find(keyword) {
            rest = &rest[i + keyword.len()..];
            let trimmed = rest.trim_start();
            if let Some(quote) = trimmed.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let inner = &trimmed[1..];
                if let Some(end) = inner.find(quote) {
                    out.push(inner[..end].to_string());
                }
            }
        }
    }
    out
}

/// The site's files under `dir` (a theme's `templates/` or `static/`), in place of the
/// built-in ones of the same name. Symbolic links are refused: a link could read anything on
/// the machine into the site.
fn overrides(
    root: &Path,
    dir: &Path,
    map: &mut BTreeMap<String, Origin>,
    refused: &mut Vec<Diagnostic>,
) -> Result<(), Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|err| {
            vec![Diagnostic::error(format!(
                "cannot read the theme folder {}: {err}",
                dir.display()
            ))]
        })?;
        if entry.file_type().is_symlink() {
            let display = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            refused.push(
                Diagnostic::error(format!(
                    "{display} is a symbolic link, which the build does not follow"
                ))
                .in_path(display, entry.path())
                .help("copy the file into the theme folder instead of linking to it"),
            );
            continue;
        }
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        map.insert(rel, Origin::Site(entry.path().to_path_buf()));
    }
    Ok(())
}

/// Every template's name and text.
fn read_templates(
    templates: &BTreeMap<String, Origin>,
) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let mut sources: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    for (rel, origin) in templates {
        match origin {
            Origin::Builtin(bytes) => {
                sources.push((rel.clone(), String::from_utf8_lossy(bytes).into_owned()))
            }
            Origin::Site(path) => match std::fs::read_to_string(path) {
                Ok(text) => sources.push((rel.clone(), text)),
                Err(err) => errors.push(Diagnostic::io("cannot read the template", path, &err)),
            },
        }
    }
    match errors.is_empty() {
        true => Ok(sources),
        false => Err(errors),
    }
}

/// The templates compiled, HTML and XML autoescaped; or every mistake Tera names, each at
/// its template's line and column.
fn compile(
    sources: &[(String, String)],
    shown: &HashMap<String, Source>,
    templates: &BTreeMap<String, Origin>,
) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut tera = tera::Tera::new();
    crate::filters::register(&mut tera);
    tera.autoescape_on(vec![".html", ".xml"]);
    match tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str()))) {
        Ok(()) => Ok(tera),
        Err(err) => {
            let mentioned = sources
                .iter()
                .map(|(name, _)| name.as_str())
                .find(|name| err.to_string().contains(&format!("'{name}'")))
                .unwrap_or("");
            Err(placed_errors(&err, mentioned)
                .into_iter()
                .map(|placed| compile_diagnostic(TemplateError::new(placed, shown), templates))
                .collect())
        }
    }
}

/// The Tera tags, for suggesting one in place of a misspelt tag.
const TAGS: &[&str] = &[
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    "break",
    "continue",
    "block",
    "endblock",
    "extends",
    "include",
    "set",
    "set_global",
    "endset",
    "filter",
    "endfilter",
    "component",
    "endcomponent",
    "raw",
    "endraw",
];

/// A template that does not compile, as a diagnostic at the mistake.
fn compile_diagnostic(error: TemplateError, templates: &BTreeMap<String, Origin>) -> Diagnostic {
    let word = match (&error.source, &error.span) {
        (Some(source), Some(span)) => source.text[span.clone()].trim(),
        _ => "",
    };
    let (reason, suggestion) = match error.message.as_str() {
        "Unknown tag" if !word.is_empty() => (
            format!("unknown tag `{word}`"),
            crate::diagnostics::did_you_mean(word, TAGS.iter().copied()),
        ),
        _ => (error.message.clone(), None),
    };
    let d = Diagnostic::error(match error.template.as_str() {
        "" => format!("the theme's templates do not compile: {reason}"),
        name => format!("the template `{name}` does not compile: {reason}"),
    });
    let fix = match templates.get(&error.template) {
        Some(Origin::Site(_)) if BUILTIN.get_file(format!("templates/{}", error.template)).is_some() => format!(
            "fix {}, or delete it to use the built-in `{}`",
            error.file, error.template
        ),
        Some(Origin::Site(_)) => format!("fix {}", error.file),
        Some(Origin::Builtin(_)) => "the built-in template is right on its own: fix the site's templates it extends, includes or is extended by".to_string(),
        None => "fix the theme's templates under themes/<theme>/templates/".to_string(),
    };
    let help = match suggestion {
        Some(tag) => format!("did you mean `{tag}`? {fix}"),
        None => fix,
    };
    error.placed(d).help(help)
}

/// Where Tera says an error is: the template, the reason, and the span (lines from 1,
/// columns from 0, as Tera counts them).
struct Placed {
    template: String,
    message: String,
    span: Option<(usize, usize, usize, usize)>,
}

/// The mistakes a Tera error names, each in its template; `fallback` is the template when
/// Tera names none. Tera reports a parse error as a structured report, but unknown filters,
/// tests and functions only as report text (`error: Unknown filter ...` then
/// `--> page.html:21:75`), which is read back here.
fn placed_errors(err: &tera::Error, fallback: &str) -> Vec<Placed> {
    let whole = |template: &str| Placed {
        template: template.to_string(),
        message: err.to_string(),
        span: None,
    };
    match err.kind() {
        tera::ErrorKind::RenderingError(report) | tera::ErrorKind::SyntaxError(report) => {
            let s = report.span();
            vec![Placed {
                template: match report.filename() {
                    "" => fallback.to_string(),
                    file => file.to_string(),
                },
                message: report.message().to_string(),
                span: Some((s.start_line, s.start_col, s.end_line, s.end_col)),
            }]
        }
        tera::ErrorKind::Msg(text) => {
            let reports = reports_in(text);
            match reports.is_empty() {
                true => vec![whole(fallback)],
                false => reports,
            }
        }
        tera::ErrorKind::CircularExtend { tpl, .. }
        | tera::ErrorKind::CircularInclude { tpl, .. } => {
            vec![whole(tpl)]
        }
        tera::ErrorKind::MissingParent { current, .. } => vec![whole(current)],
        _ => vec![whole(fallback)],
    }
}

/// The reports in Tera's report text: `error: <message>`, then `--> <template>:<line>:<col>`,
/// the line, and `^^^` under the mistake.
fn reports_in(text: &str) -> Vec<Placed> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(message) = line.strip_prefix("error: ") else {
            continue;
        };
        let Some(at) = lines.get(i + 1).and_then(|l| l.trim().strip_prefix("--> ")) else {
            continue;
        };
        let mut parts = at.rsplitn(3, ':');
        let (Some(col), Some(line_no), Some(template)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(col), Ok(line_no)) = (col.parse::<usize>(), line_no.parse::<usize>()) else {
            continue;
        };
        let width = lines
            .get(i + 4)
            .map_or(1, |l| l.chars().filter(|c| *c == '^').count().max(1));
        let col = col.saturating_sub(1);
        out.push(Placed {
            template: template.to_string(),
            message: message.to_string(),
            span: Some((line_no, col, line_no, col + width)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_referenced_templates() {
        let refs =
            referenced_templates(r#"{% extends "base.html" %}{% include 'partials/x.html' %}"#);
        assert_eq!(refs, ["base.html", "partials/x.html"]);
    }

    #[test]
    fn builtin_theme_compiles() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load(dir.path(), "centerview").unwrap();
        assert!(theme.has_template("base.html"));
        assert!(theme.has_template("page.html"));
        assert!(theme.closure("page.html").contains("base.html"));
        assert!(theme.statics.iter().any(|s| s.rel == "css/centerview.css"));
    }

    /// A site whose theme overrides `page.html` with `text`; the diagnostics of loading it.
    fn broken_page(text: &str) -> Vec<Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("themes/centerview/templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(templates.join("page.html"), text).unwrap();
        Theme::load(dir.path(), "centerview").unwrap_err()
    }

    #[test]
    fn compile_errors_are_placed_in_the_template() {
        let errors = broken_page("<p>\n{% if x %}a{% endiff %}</p>\n");
        let d = &errors[0];
        assert_eq!(
            d.file.as_deref(),
            Some("themes/centerview/templates/page.html")
        );
        assert_eq!(d.position(), Some((2, 15)));
        assert_eq!(
            d.message,
            "the template `page.html` does not compile: unknown tag `endiff`"
        );
        let help = d.help.as_deref().unwrap();
        assert!(help.starts_with("did you mean `endif`?"), "{help}");
        assert!(
            help.contains("fix themes/centerview/templates/page.html"),
            "{help}"
        );
    }

    #[test]
    fn every_unknown_filter_is_reported_at_its_place() {
        let errors = broken_page("<p>\n  {{ x | uper }} {{ y | lowr }}</p>\n");
        let found: Vec<_> = errors
            .iter()
            .map(|d| (d.position(), d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Some((2, 10)),
                    "the template `page.html` does not compile: Unknown filter `uper`"
                ),
                (
                    Some((2, 25)),
                    "the template `page.html` does not compile: Unknown filter `lowr`"
                ),
            ]
        );
        assert!(!errors[0].message.contains("-->"));
    }
}
