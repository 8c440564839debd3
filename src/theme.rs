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
        let tera = compile(&sources, &templates, root, name)?;
        let closures = template_closures(&sources);
        let site_shortcodes = site_shortcodes(&templates, &sources, root);
        // Only the templates: static files are copied as they are, so a stylesheet edit
        // re-renders no page.
        let mut fingerprint = crate::fingerprint::Fingerprint::default();
        for (name, text) in &sources {
            fingerprint.str(name).str(text);
        }
        let sources = sources
            .into_iter()
            .map(|(rel, text)| {
                let display = shown_path(&templates, name, &rel);
                let source = Source::new(PathBuf::from(&display), display, &text);
                (rel, source)
            })
            .collect();
        Ok(Theme {
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

    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, tera::Error> {
        self.tera.render(name, context)
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
        let (template, message, span) = match err.kind() {
            tera::ErrorKind::RenderingError(report) | tera::ErrorKind::SyntaxError(report) => {
                let failed = match report.filename() {
                    "" => name,
                    file => file,
                };
                (failed, report.message().to_string(), Some(report.span()))
            }
            _ => (name, err.to_string(), None),
        };
        let source = self.sources.get(template);
        // By line and column, which a CRLF template's normalised text keeps (Tera's columns
        // start at 0).
        let span = source.zip(span).map(|(source, s)| {
            let start = source.offset_of(s.start_line, s.start_col + 1);
            start..source.offset_of(s.end_line, s.end_col + 1).max(start)
        });
        Box::new(TemplateError {
            template: template.to_string(),
            file: self.display_path(template, &self.name),
            message,
            span,
            source: source.cloned(),
        })
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
        let d = match (&self.source, &self.span) {
            (Some(source), Some(span)) => d.at(source, span.clone()),
            _ => d.in_file(&self.file),
        };
        d.help("fix the template; every variable a template uses must exist (use `{% if x %}` for optional ones)")
    }
}

fn builtin_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(builtin_files(sub));
    }
    out
}

/// The template an error message names, as a path a maintainer can open.
fn describe_origin(
    templates: &BTreeMap<String, Origin>,
    root: &Path,
    theme: &str,
    message: &str,
) -> String {
    for (name, origin) in templates {
        if message.contains(&format!("'{name}'")) || message.contains(&format!("{name}:")) {
            return match origin {
                Origin::Site(path) => path
                    .strip_prefix(root)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .into_owned(),
                Origin::Builtin(_) => format!("built-in theme: templates/{name}"),
            };
        }
    }
    format!("themes/{theme}/templates/")
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
                .in_file(display)
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

/// The templates compiled, HTML and XML autoescaped.
fn compile(
    sources: &[(String, String)],
    templates: &BTreeMap<String, Origin>,
    root: &Path,
    name: &str,
) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    if let Err(err) = tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
    {
        let origin = describe_origin(templates, root, name, &err.to_string());
        return Err(vec![
            Diagnostic::error(format!("the theme's templates do not compile: {err}"))
                .in_file(origin)
                .help("fix the template named above; the built-in templates in themes/centerview/templates/ show the expected structure"),
        ]);
    }
    Ok(tera)
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
}
