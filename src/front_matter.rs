//! Front matter: splitting it from the body, and validating it strictly against the contract.

use crate::diagnostics::{Diagnostic, Source, char_name, did_you_mean, one_of};
use crate::kind::Kind;
use crate::yaml::{Step, Target, Value};
use crate::yaml_doc::YamlDoc;
use jiff::civil::Date;
use std::ops::Range;

pub const KEYS: &[&str] = &[
    "title",
    "subtitle",
    "kind",
    "date",
    "updated",
    "summary",
    "authors",
    "topics",
    "series",
    "part",
    "district",
    "region",
    "slug",
    "draft",
    "extra",
    "aliases",
    "pdf",
    "doi",
    "image",
    "image_alt",
    "toc",
    "pdf_edition",
    "related",
];

#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: String,
    pub subtitle: Option<String>,
    pub kind: Option<Kind>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub summary: Option<String>,
    pub authors: Vec<String>,
    pub topics: Vec<String>,
    pub series: Option<String>,
    pub part: Option<u32>,
    pub district: Option<String>,
    pub region: Option<String>,
    pub slug: Option<String>,
    pub draft: bool,
    pub extra: Option<Value>,
    /// Old addresses of the page, as paths under the site (`/briefs/old-name/`).
    /// Old addresses (a bad one is reported and left out).
    pub aliases: Vec<AliasEntry>,
    /// The PDF edition: a site-absolute path of a file under `content/assets/`.
    pub pdf: Option<String>,
    /// `10.<digits>/<suffix>`.
    pub doi: Option<String>,
    /// The sharing image (a file under `content/assets/`) and its text alternative.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// Whether to show the "On this page" contents: unset, shown when there are three or
    /// more `##` headings.
    pub toc: Option<bool>,
    /// `false` leaves out this page's PDF edition (`pdf` always takes precedence).
    pub pdf_edition: Option<bool>,
    /// The related publications the editor chose, instead of the chosen ones: content
    /// paths written like links (`../briefs/partnership.md`), checked when the site is
    /// resolved. An empty list shows none.
    pub related: Option<Vec<RelatedEntry>>,
    /// The YAML could not be parsed: every field is unknown, not absent.
    pub unreadable: bool,
}

/// Where the front matter and the body are in a file.
#[derive(Debug, Clone)]
pub struct Split {
    /// The YAML between the `---` lines.
    pub yaml: Range<usize>,
    /// Everything after the closing `---` line.
    pub body: Range<usize>,
}

/// Finds the front matter: the file must start with a `---` line, and the YAML ends at the
/// next `---` line.
pub fn split(source: &Source) -> Result<Split, Diagnostic> {
    let text = &*source.text;
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        let what = if text.trim().is_empty() {
            "the file is empty"
        } else {
            "the file does not start with front matter"
        };
        return Err(Diagnostic::error(format!("{what}: every page starts with a `---` line"))
            .at(source, 0..first_line_end)
            .label("expected `---` here")
            .help_block("start the file with front matter:\n---\ntitle: The page title\ndate: 2017-05-01\n---"));
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: yaml_start..offset,
                body: offset + line.len()..text.len(),
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error("the front matter is never closed")
        .at(source, 0..first_line_end)
        .label("front matter opens here")
        .help("end the front matter with a line holding only `---`, before the body text"))
}

/// Parses and validates a page's front matter, reporting every problem in it. The result is
/// usable even when there were errors (missing values are left empty), so that the rest of
/// the build can still report the page's other problems.
pub fn parse(
    source: &Source,
    split: &Split,
    default_kind: Kind,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let doc = YamlDoc::new(source, split.yaml.clone());
    let unreadable = FrontMatter {
        unreadable: true,
        ..FrontMatter::default()
    };
    let value = match doc.parse() {
        Ok(v) => v,
        Err(d) => {
            diagnostics.push(d);
            return unreadable;
        }
    };
    let entries = match doc.root_map(&value, "front matter") {
        Ok(e) => e,
        Err(d) => {
            diagnostics.push(d);
            return unreadable;
        }
    };

    let mut fm = FrontMatter::default();
    for (key, value) in entries {
        if let Err(d) = set_field(&mut fm, &doc, key, value, diagnostics) {
            diagnostics.push(d);
        }
    }
    check_together(&fm, &doc, split, entries, default_kind, diagnostics);
    crate::placeholders::check_fields(&doc, entries, diagnostics);
    crate::placeholders::check_body(source, split.body.clone(), diagnostics);
    fm
}

/// Reads one front matter key into `fm`. A key holding many values (`aliases`) reports
/// each bad one in `diagnostics` and keeps the rest.
fn set_field(
    fm: &mut FrontMatter,
    doc: &YamlDoc,
    key: &str,
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let path = [Step::Key(key.to_string())];
    match key {
        // What readers see gets typographic quotes and dashes once, here, so every place a
        // title, subtitle or summary is shown agrees.
        "title" => fm.title = smarten(&non_empty(doc, &path, value)?),
        "subtitle" => fm.subtitle = Some(smarten(&non_empty(doc, &path, value)?)),
        "summary" => fm.summary = Some(smarten(&non_empty(doc, &path, value)?)),
        "district" => fm.district = Some(non_empty(doc, &path, value)?),
        "region" => fm.region = Some(non_empty(doc, &path, value)?),
        "series" => fm.series = Some(non_empty(doc, &path, value)?),
        "kind" => fm.kind = Some(kind(doc, &path, value)?),
        "date" => fm.date = Some(date(doc, &path, value)?),
        "updated" => fm.updated = Some(date(doc, &path, value)?),
        "authors" => fm.authors = non_empty_list(doc, &path, value)?,
        "topics" => fm.topics = non_empty_list(doc, &path, value)?,
        "part" => fm.part = Some(part(doc, &path, value)?),
        "slug" => fm.slug = Some(slug(doc, &path, value)?),
        "draft" => match value {
            Value::Bool(b) => fm.draft = *b,
            other => return Err(doc.wrong_type(&path, "`true` or `false`", other)),
        },
        "extra" => match value {
            Value::Map(_) => fm.extra = Some(value.clone()),
            other => {
                return Err(doc
                    .wrong_type(&path, "a map of keys", other)
                    .help("write each value on its own indented line under `extra:`"));
            }
        },
        "aliases" => fm.aliases = aliases(doc, &path, value, diagnostics)?,
        "pdf" => fm.pdf = Some(asset_path(doc, &path, value, "the PDF", "report.pdf")?),
        "doi" => fm.doi = Some(doi(doc, &path, value)?),
        "image" => {
            let image = asset_path(doc, &path, value, "the image", "share.png")?;
            fm.image = Some(sharing_image(doc, &path, image)?);
        }
        "image_alt" => fm.image_alt = Some(non_empty(doc, &path, value)?),
        "toc" => match value {
            Value::Bool(b) => fm.toc = Some(*b),
            other => return Err(doc.wrong_type(&path, "`true` or `false`", other)),
        },
        "pdf_edition" => match value {
            Value::Bool(b) => fm.pdf_edition = Some(*b),
            other => {
                return Err(doc
                    .wrong_type(&path, "`true` or `false`", other)
                    .help("write `pdf_edition: false` to leave this page's PDF edition out"));
            }
        },
        "related" => fm.related = Some(related(doc, &path, value, diagnostics)?),
        _ => return Err(doc.unknown_key(&[], key, KEYS, "front matter")),
    }
    Ok(())
}

/// `aliases`: old addresses, each a plain path under the site (see [`alias`]). Each bad
/// one is its own error, in `diagnostics`; the good ones are kept.
fn aliases(
    doc: &YamlDoc,
    path: &[Step],
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<AliasEntry>, Diagnostic> {
    let items = non_empty_list(doc, path, value)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match alias(&item) {
            Ok(path) => out.push(AliasEntry {
                path,
                written: item,
                index: i,
            }),
            Err(problem) => {
                let mut item_path = path.to_vec();
                item_path.push(Step::Index(i));
                diagnostics.push(
                    doc.error(
                        &item_path,
                        Target::Value,
                        format!("the alias `{item}` {}", problem.what),
                    )
                    .label(problem.label)
                    .help(problem.help),
                );
            }
        }
    }
    Ok(out)
}

/// The most related publications a page shows, and so the most `related` may name.
pub const MOST_RELATED: usize = 3;

/// One of a page's `related` publications, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedEntry {
    /// As written (`../briefs/partnership.md`), relative to the page's folder.
    pub written: String,
    /// Its place in the list.
    pub index: usize,
}

/// `related`: at most [`MOST_RELATED`] paths of pages under `content/`, written as links
/// to them are. Whether each is a publication is checked when the site is resolved; here,
/// only its form. Each bad one is its own error, in `diagnostics`; the good ones are kept.
fn related(
    doc: &YamlDoc,
    path: &[Step],
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<RelatedEntry>, Diagnostic> {
    let items = non_empty_list(doc, path, value)?;
    let mut out = Vec::with_capacity(items.len());
    for (index, written) in items.into_iter().enumerate() {
        let mut item_path = path.to_vec();
        item_path.push(Step::Index(index));
        let error = |message: String| doc.error(&item_path, Target::Value, message);
        if index == MOST_RELATED {
            diagnostics.push(
                error(format!(
                    "a page shows at most {MOST_RELATED} related publications; `related` names more"
                ))
                .label("one too many")
                .help("keep the three that readers should see next, and remove the rest"),
            );
            break;
        }
        // Relative, without a scheme, a fragment or a query: a page's file, as links name it.
        let is_path = !written.starts_with('/') && !written.contains([':', '#', '?']);
        if !is_path || !written.ends_with(".md") {
            diagnostics.push(
                error(format!("`{written}` is not the file of a page"))
                    .label("not a path to a .md file")
                    .help("name a publication by its file, relative to this one, as a link does: for example `../briefs/partnership.md`"),
            );
            continue;
        }
        out.push(RelatedEntry { written, index });
    }
    Ok(out)
}

/// One of a page's `aliases`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasEntry {
    /// As written (`/briefs/old/index.html`).
    pub written: String,
    /// Made canonical (see [`alias`]): `/briefs/old/`.
    pub path: String,
    /// Its place in the list.
    pub index: usize,
}

/// Why an alias cannot be one.
#[derive(Debug)]
pub struct BadAlias {
    pub what: String,
    pub label: &'static str,
    pub help: String,
}

/// An alias made canonical, or why it cannot be one. An alias is a plain path under the
/// site: it becomes a file of the site and a line of `_redirects`, where whitespace
/// separates fields, `*` is a wildcard, `:name` a placeholder and `!` forces a redirect, so
/// none of those may be in it; nor a dotfile or dot-folder (`/.htaccess`, `/.git/config`),
/// nor an empty or too long name. A folder's address ends with `/`: `/briefs/old` →
/// `/briefs/old/`, and `/briefs/old/index.html` is the same address, `/briefs/old/`; a file
/// such as `/old.html` keeps its name.
pub fn alias(text: &str) -> Result<String, BadAlias> {
    let bad = |what: String, label: &'static str, help: &str| BadAlias {
        what,
        label,
        help: help.to_string(),
    };
    let rename = "write the old address as a plain path from the site's root, for example `/briefs/old-name/`";
    let Some(path) = text.strip_prefix('/') else {
        return Err(bad(
            "is not an address of this site".into(),
            "not a path from the site's root",
            "write the old address as a path that starts with `/`, for example `/briefs/old-name/`: an alias is an address of this site",
        ));
    };
    if let Some(c) = path
        .chars()
        .find(|&c| c != '/' && crate::urls::unsafe_in_address(c).is_some())
    {
        let reason = crate::urls::unsafe_in_address(c).unwrap_or_default();
        return Err(bad(format!("holds {reason}"), "not a plain path", rename));
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() && i != last {
            return Err(bad(
                "has an empty folder name (`//`)".into(),
                "not a plain path",
                rename,
            ));
        }
        if segment.starts_with('.') {
            return Err(bad(
                format!(
                    "names a hidden file or folder (`{segment}`), which the site never publishes"
                ),
                "a dotfile or dot-folder",
                "remove it: files and folders whose names start with `.` belong to the server, not to the site",
            ));
        }
        if segment.len() > crate::urls::NAME_MAX {
            return Err(bad(
                format!(
                    "has a name of {} bytes, longer than a file name may be ({})",
                    segment.len(),
                    crate::urls::NAME_MAX
                ),
                "name too long",
                "shorten it: each part of an address becomes a file or folder name",
            ));
        }
    }
    if path.trim_end_matches('/') == "_redirects" {
        return Err(bad(
            "is the list of redirects itself".into(),
            "a generated file",
            "remove it: `/_redirects` is the file that lists every alias",
        ));
    }
    let path = match path.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => folder,
        _ => path,
    };
    let is_file = !path.ends_with('/') && segments[last].contains('.');
    Ok(match is_file || path.is_empty() || path.ends_with('/') {
        true => format!("/{path}"),
        false => format!("/{path}/"),
    })
}

/// A site-absolute path of a file under `content/assets/` (`/assets/report.pdf`); whether it
/// exists is checked when the assets are known.
fn asset_path(
    doc: &YamlDoc,
    path: &[Step],
    value: &Value,
    what: &str,
    example: &str,
) -> Result<String, Diagnostic> {
    let text = non_empty(doc, path, value)?;
    if text.starts_with("/assets/") && !text.split('/').any(|s| s == "..") {
        return Ok(text);
    }
    let key = match path.last() {
        Some(Step::Key(k)) => k.as_str(),
        _ => "pdf",
    };
    Err(doc
        .error(
            path,
            Target::Value,
            format!("{what} must be a file under content/assets/, written from the site's root, found `{text}`"),
        )
        .help(format!("put the file in content/assets/ and write `{key}: /assets/{example}`")))
}

/// The picture formats a sharing image can be in (what sharing sites and browsers show), by
/// the file's extension.
pub(crate) const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "webp", "gif", "avif", "svg"];

/// `image` (in front matter or `site.yaml`) names a picture, by its extension, which is what
/// the file is served as (`image/png`…): a PDF there would be offered to sharing sites as the
/// page's picture. The file is not opened: its first bytes could not tell a broken picture
/// from a good one, and an SVG, being text, has no signature to check.
pub fn sharing_image(doc: &YamlDoc, path: &[Step], image: String) -> Result<String, Diagnostic> {
    let name = image.rsplit('/').next().unwrap_or_default();
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if extension.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str())) {
        return Ok(image);
    }
    Err(doc
        .error(
            path,
            Target::Value,
            format!("`image` must be a PNG, JPEG, WebP, GIF, AVIF or SVG picture, found `{image}`"),
        )
        .label("not a picture")
        .help("sharing sites show a picture beside the link: give a .png, .jpg, .jpeg, .webp, .gif, .avif or .svg file, for example `image: /assets/share.png`"))
}

/// A DOI: `10.<registrant digits>/<suffix>`, written bare.
fn doi(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<String, Diagnostic> {
    let text = non_empty(doc, path, value)?;
    let bare = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find_map(|prefix| text.strip_prefix(prefix));
    if let Some(bare) = bare.filter(|b| is_doi(b)) {
        return Err(doc
            .error(
                path,
                Target::Value,
                format!("write the DOI alone, not as a link: `{text}`"),
            )
            .help(format!(
                "write `doi: {bare}`; the site links it as https://doi.org/{bare}"
            )));
    }
    if let Some(c) = text.chars().find(|&c| !is_doi_char(c)) {
        return Err(doc
            .error(
                path,
                Target::Value,
                format!(
                    "a DOI cannot hold {}: `{}`",
                    char_name(c),
                    text.escape_debug()
                ),
            )
            .label("not part of a DOI")
            .help("a DOI has no spaces, line breaks, braces, quotes or backslashes: copy it again from the publisher's record, for example `doi: 10.5281/zenodo.1234567`"));
    }
    if is_doi(&text) {
        return Ok(text);
    }
    Err(doc
        .error(path, Target::Value, format!("`{text}` is not a DOI"))
        .label("not 10.<digits>/<suffix>")
        .help("a DOI is `10.`, the registrant's digits, `/` and the item's suffix, for example `doi: 10.5281/zenodo.1234567`"))
}

/// Whether `text` is `10.<digits, dots>/<suffix>`, every character one a DOI can hold.
pub fn is_doi(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("10.") else {
        return false;
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return false;
    };
    !registrant.is_empty()
        && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && registrant.starts_with(|c: char| c.is_ascii_digit())
        && !suffix.is_empty()
        && suffix.chars().all(is_doi_char)
}

/// Whether a DOI can hold `c`. The DOI syntax allows any printable character in a suffix
/// (`<`, `>`, `;`, `(` are in real ones), but not white space or control characters. Braces,
/// quotes and backslashes are left out too: they are not among the characters registration
/// agencies recommend (Crossref's are letters, digits and `-._;()/:`), and a brace would end
/// the BibTeX field the DOI is written in.
fn is_doi_char(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c, '{' | '}' | '"' | '\'' | '\\' | '“' | '”' | '‘' | '’'))
}

fn kind(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<Kind, Diagnostic> {
    let name = doc.text(path, value)?;
    Kind::from_name(&name).ok_or_else(|| {
        let names: Vec<&str> = Kind::WRITTEN.iter().map(|k| k.name()).collect();
        let d = doc
            .error(path, Target::Value, format!("unknown kind `{name}`"))
            .label("not a kind");
        match did_you_mean(&name, names.iter().copied()) {
            Some(close) => d.help(format!(
                "did you mean `{close}`? The kinds are {}",
                one_of(&names)
            )),
            None => d.help(format!("the kinds are {}", one_of(&names))),
        }
    })
}

fn part(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<u32, Diagnostic> {
    match value {
        Value::Int(n) if *n >= 1 && *n <= u32::MAX as i64 => Ok(*n as u32),
        Value::Int(n) if *n < 1 => Err(doc
            .error(path, Target::Value, "`part` must be 1 or more")
            .label("parts are numbered from 1")),
        Value::Int(_) | Value::Float(_) => Err(doc
            .error(
                path,
                Target::Value,
                format!(
                    "`part` must be a whole number from 1 to 4,294,967,295, found {}",
                    doc.written(path, Target::Value)
                ),
            )
            .label("parts are numbered from 1")),
        other => Err(doc
            .wrong_type(path, "a whole number", other)
            .help("write the part's position in its series, for example `part: 2`")),
    }
}

fn slug(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<String, Diagnostic> {
    let slug = doc.text(path, value)?;
    if is_slug(&slug) {
        return Ok(slug);
    }
    Err(doc
        .error(
            path,
            Target::Value,
            format!("`slug` may only contain a-z, 0-9 and -, found `{slug}`"),
        )
        .label("not a valid slug")
        .help(format!("for example `slug: {}`", slugify(&slug))))
}

/// What only the keys together can show: a missing title or date, a part without a series
/// (or the other way round), an update before the publication.
fn check_together(
    fm: &FrontMatter,
    doc: &YamlDoc,
    split: &Split,
    entries: &[(String, Value)],
    default_kind: Kind,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let source = doc.source;
    let has = |key: &str| entries.iter().any(|(k, _)| k == key);
    let kind = fm.kind.unwrap_or(default_kind);
    let whole_front_matter = split.yaml.start.saturating_sub(4)..split.yaml.start.saturating_sub(1);
    if !has("title") {
        diagnostics.push(
            Diagnostic::error("the front matter has no `title`, which is required")
                .at(source, whole_front_matter.clone())
                .help("add a line such as `title: It begins with a partnership`"),
        );
    }
    if kind != Kind::Page && fm.date.is_none() && !has("date") {
        diagnostics.push(
            Diagnostic::error(format!(
                "the front matter has no `date`, which every {} needs",
                kind.name()
            ))
            .at(source, whole_front_matter)
            .help("add the publication date, for example `date: 2017-05-01`"),
        );
    }
    if fm.part.is_some() && fm.series.is_none() {
        diagnostics.push(
            doc.error(&["part".into()], Target::Key, "`part` is set but `series` is not")
                .help("name the series this page belongs to, for example `series: District capacity for the Common Core`"),
        );
    }
    if fm.series.is_some() && fm.part.is_none() && !has("part") {
        diagnostics.push(
            doc.error(
                &["series".into()],
                Target::Key,
                "`series` is set but `part` is not",
            )
            .help("give this page's position in the series, for example `part: 2`"),
        );
    }
    let lone = match (has("image"), has("image_alt")) {
        (true, false) => Some("image"),
        (false, true) => Some("image_alt"),
        _ => None,
    };
    if let Some(key) = lone {
        diagnostics.push(
            doc.error(&[key.into()], Target::Key, "`image` and `image_alt` go together")
                .help("a sharing image needs a text alternative for readers who cannot see it: give both, for example `image: /assets/partnership-share.png` and `image_alt: Two district leaders at a table`"),
        );
    }
    if let (Some(date), Some(updated)) = (fm.date, fm.updated)
        && updated < date
    {
        diagnostics.push(
            Diagnostic::warning(format!(
                "`updated` ({updated}) is earlier than `date` ({date})"
            ))
            .at(source, doc.span(&["updated".into()], Target::Value))
            .help("`updated` is the date of the last revision, on or after the publication date"),
        );
    }
}

pub(crate) fn non_empty(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<String, Diagnostic> {
    let text = doc.text(path, value)?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        let key = match path.last() {
            Some(Step::Key(k)) => k.as_str(),
            _ => "value",
        };
        return Err(doc
            .error(path, Target::Value, format!("`{key}` is empty"))
            .help("give it a value, or remove the line"));
    }
    Ok(trimmed.to_string())
}

fn non_empty_list(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<Vec<String>, Diagnostic> {
    let items = doc.text_list(path, value)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let item = item.trim().to_string();
        if item.is_empty() {
            let mut item_path = path.to_vec();
            item_path.push(Step::Index(i));
            return Err(doc
                .error(&item_path, Target::Value, "an empty item in the list")
                .help("remove the empty item"));
        }
        out.push(item);
    }
    Ok(out)
}

fn date(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<Date, Diagnostic> {
    let key = match path.last() {
        Some(Step::Key(k)) => k.clone(),
        _ => "date".into(),
    };
    let help = format!("write the date as YYYY-MM-DD, for example `{key}: 2017-05-01`");
    let text = match value {
        Value::String(s) => s.trim(),
        other => return Err(doc.wrong_type(path, "a date", other).help(help)),
    };
    parse_date(text).map_err(|why| {
        // Written in the right form but not a day of the calendar: the form is not the fix.
        let (label, help) = match is_date_shaped(text) {
            true => (
                "not a day of the calendar",
                "check the month and the day".to_string(),
            ),
            false => ("expected YYYY-MM-DD", help),
        };
        doc.error(
            path,
            Target::Value,
            format!("`{text}` is not a valid date: {why}"),
        )
        .label(label)
        .help(help)
    })
}

/// Whether `text` is four digits, two and two, joined by dashes.
fn is_date_shaped(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_date(text: &str) -> Result<Date, String> {
    if !is_date_shaped(text) {
        return Err("dates are written YYYY-MM-DD".to_string());
    }
    let year: i16 = text[0..4].parse().map_err(|_| "bad year".to_string())?;
    let month: i8 = text[5..7].parse().map_err(|_| "bad month".to_string())?;
    let day: i8 = text[8..10].parse().map_err(|_| "bad day".to_string())?;
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month}"));
    }
    Date::new(year, month, day)
        .map_err(|_| format!("{} {year} has no day {day}", month_name(month)))
}

fn month_name(month: i8) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(month - 1) as usize]
}

/// `true` for a valid slug: a-z, 0-9 and -, not empty, not starting or ending with -.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Typographic punctuation for front matter text shown to readers: the body's rules.
pub use crate::dialect::smarten;

/// A slug of `text`, empty when the text has no letters or digits.
pub fn slugify_or_empty(text: &str) -> String {
    slug::slugify(text)
}

/// Turns any text into a slug ("Teacher Leaders & Coaches" → "teacher-leaders-coaches").
pub fn slugify(text: &str) -> String {
    let slug = slug::slugify(text);
    if slug.is_empty() {
        "untitled".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> (FrontMatter, Vec<String>) {
        let source = Source::new("x.md".into(), "content/briefs/x.md".into(), text);
        let mut diagnostics = Vec::new();
        let fm = match split(&source) {
            Ok(s) => parse(&source, &s, Kind::Brief, &mut diagnostics),
            Err(d) => {
                diagnostics.push(d);
                FrontMatter::default()
            }
        };
        (fm, diagnostics.iter().map(|d| d.render(false)).collect())
    }

    #[test]
    fn reads_every_key() {
        let (fm, errors) = page(
            "---\ntitle: It begins with a partnership\nsubtitle: Sub\nkind: brief\ndate: 2017-05-01\nupdated: 2017-06-01\nsummary: S\nauthors: [A, B]\ntopics:\n  - Teacher leaders\nseries: District capacity\npart: 2\ndistrict: Oakland\nregion: Bay Area\nslug: partnership\ndraft: false\nextra:\n  pdf: x.pdf\n---\nBody\n",
        );
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(fm.title, "It begins with a partnership");
        assert_eq!(fm.part, Some(2));
        assert_eq!(fm.authors, ["A", "B"]);
        assert_eq!(fm.topics, ["Teacher leaders"]);
        assert_eq!(fm.date.unwrap().to_string(), "2017-05-01");
        assert!(fm.extra.is_some());
    }

    #[test]
    fn reports_all_errors_with_lines() {
        let (_, errors) = page(
            "---\ntitel: X\ndate: 2017-02-30\nauthors: Jane Doe\npart: two\nslug: Not OK\nkind: breif\n---\n",
        );
        let joined = errors.join("\n");
        assert!(
            joined.contains("content/briefs/x.md:2:1: error: unknown field `titel`"),
            "{joined}"
        );
        assert!(joined.contains("did you mean `title`?"), "{joined}");
        assert!(
            joined.contains(
                "x.md:3:7: error: `2017-02-30` is not a valid date: February 2017 has no day 30"
            ),
            "{joined}"
        );
        assert!(
            joined.contains("x.md:4:10: error: `authors` must be a list, found text"),
            "{joined}"
        );
        assert!(
            joined.contains("x.md:5:7: error: `part` must be a whole number"),
            "{joined}"
        );
        assert!(
            joined.contains("x.md:6:7: error: `slug` may only contain"),
            "{joined}"
        );
        assert!(
            joined.contains("x.md:7:7: error: unknown kind `breif`"),
            "{joined}"
        );
        assert!(joined.contains("did you mean `brief`?"), "{joined}");
        assert!(joined.contains("no `title`"), "{joined}");
    }

    #[test]
    fn series_and_part_go_together() {
        let (_, errors) = page("---\ntitle: X\ndate: 2017-01-01\npart: 2\n---\n");
        assert!(
            errors[0].contains("x.md:4:1: error: `part` is set but `series` is not"),
            "{errors:?}"
        );
        let (_, errors) = page("---\ntitle: X\ndate: 2017-01-01\nseries: S\n---\n");
        assert!(
            errors[0].contains("x.md:4:1: error: `series` is set but `part` is not"),
            "{errors:?}"
        );
    }

    #[test]
    fn front_matter_must_open_and_close() {
        let (_, errors) = page("title: x\n");
        assert!(
            errors[0].contains("does not start with front matter"),
            "{errors:?}"
        );
        let (_, errors) = page("---\ntitle: x\n");
        assert!(errors[0].contains("never closed"), "{errors:?}");
        let (_, errors) = page("");
        assert!(errors[0].contains("the file is empty"), "{errors:?}");
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2016-02-29").is_ok());
        assert!(parse_date("2017-02-29").is_err());
        assert!(parse_date("2017-5-1").is_err());
        assert!(
            parse_date("2017-13-01")
                .unwrap_err()
                .contains("no month 13")
        );
    }

    #[test]
    fn smart_punctuation_for_titles() {
        assert_eq!(
            smarten("Coaching to move beyond \"gap gazing\""),
            "Coaching to move beyond “gap gazing”"
        );
        assert_eq!(
            smarten("Dinuba's system -- 2019 --- now..."),
            "Dinuba’s system – 2019 — now…"
        );
        assert_eq!(smarten("'quoted' words"), "‘quoted’ words");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("part-2"));
        assert!(!is_slug("Part 2"));
        assert!(!is_slug("-x"));
        assert_eq!(
            slugify("Teacher Leaders & Coaches"),
            "teacher-leaders-coaches"
        );
        assert_eq!(slugify("Gutiérrez"), "gutierrez");
    }

    #[test]
    fn aliases_are_plain_paths_made_canonical() {
        let ok = |text: &str| alias(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(ok("/briefs/old"), "/briefs/old/");
        assert_eq!(ok("/briefs/old/"), "/briefs/old/");
        assert_eq!(ok("/briefs/old/index.html"), "/briefs/old/");
        assert_eq!(ok("/index.html"), "/");
        assert_eq!(ok("/old.html"), "/old.html");
        assert_eq!(ok("/404.html"), "/404.html");
        let why = |text: &str| alias(text).expect_err(text).what;
        assert!(why("briefs/old/").contains("not an address"));
        assert!(why("/old/*").contains("wildcard"));
        assert!(why("/old/:slug/").contains("placeholder"));
        assert!(why("/old!").contains("forces a redirect"));
        assert!(why("/old name/").contains("a space"));
        assert!(why("/old\u{0}/").contains("NUL"));
        assert!(why("/old\u{1b}[2J/").contains("control character (U+001B)"));
        assert!(why("/old\nnew 200/").contains("line break"));
        assert!(why("/old%20name/").contains("`%`"));
        assert!(why("/.htaccess").contains("hidden"));
        assert!(why("/.well-known/security.txt").contains("hidden"));
        assert!(why("/.git/config").contains("hidden"));
        assert!(why("/a/../b/").contains("hidden"));
        assert!(why("/a//b/").contains("empty folder name"));
        assert!(why("/_redirects").contains("list of redirects"));
        assert!(why(&format!("/{}/", "x".repeat(256))).contains("256 bytes"));
        assert_eq!(ok(&format!("/{}/", "x".repeat(255))).len(), 257);
    }
}
