//! `site.yaml`: the site's settings.

use crate::diagnostics::{Diagnostic, Source};
use crate::yaml::{Step, Target};
use crate::yaml_doc::YamlDoc;
use serde::Serialize;

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "theme",
    "language",
    "publisher",
    "page_size",
    "image",
    "image_alt",
    "max_page_mb",
    "organization",
    "contact",
    "license",
    "license_url",
    "pdf_edition",
    "pdf_posts",
    "pdf_paper",
];

/// How many entries a listing page shows unless `page_size` says otherwise.
pub const PAGE_SIZE: usize = 20;

/// The largest page, in MB of HTML, unless `max_page_mb` says otherwise: many times the
/// Center's longest report, and few enough that a mistake (a shortcode that prints a whole
/// data set, called twenty times) stops the build before it fills the memory.
pub const MAX_PAGE_MB: f64 = 50.0;

/// The range `max_page_mb` may take: from 100 KB to 1 GB of HTML.
const MAX_PAGE_MB_RANGE: std::ops::RangeInclusive<f64> = 0.1..=1000.0;

/// A megabyte, as the build's messages count them.
pub const MB: f64 = 1024.0 * 1024.0;

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute, always ending in `/`.
    pub base_url: String,
    pub theme: String,
    /// A BCP 47 tag (`en`, `en-US`).
    pub language: String,
    /// The organisation named in citations and structured data (`title` unless given).
    pub publisher: String,
    /// How many entries a listing or topic page shows.
    pub page_size: usize,
    /// The default sharing image: a file under `content/assets/`, as written (checked when
    /// the assets are known), and its text alternative.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// The largest page, in MB of HTML: a page over it is an error.
    pub max_page_mb: f64,
    /// The parent organisation, named in the footer.
    pub organization: Option<Organization>,
    /// How readers reach the Center, in the footer.
    pub contact: Option<Contact>,
    /// The licence the publications are under (`CC BY 4.0`), and where it is written.
    pub license: Option<String>,
    pub license_url: Option<String>,
    /// Whether publications have a PDF edition (`pdf_edition`, on unless `false`).
    pub pdf_edition: bool,
    /// Whether posts have one too (`pdf_posts`, off unless `true`).
    pub pdf_posts: bool,
    /// The PDF editions' paper (`pdf_paper`).
    pub pdf_paper: Paper,
}

/// The paper a PDF edition is set on.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// US Letter, 8.5 × 11 in: the Center's readers are in California.
    #[default]
    Letter,
    A4,
}

/// The organisation the Center belongs to (`organization: { name, url }`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Organization {
    pub name: String,
    pub url: Option<String>,
}

/// An email address or a web address, and the link that reaches it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Contact {
    /// As written: `centerview@example.org`.
    pub text: String,
    /// `mailto:centerview@example.org`, or the web address.
    pub href: String,
}

impl Default for Config {
    /// The settings a site has before its `site.yaml` says otherwise: the defaults of the
    /// optional keys, and stand-ins for the required ones (so that a build whose
    /// `site.yaml` has errors can go on checking the content).
    fn default() -> Config {
        Config {
            title: "CenterView".to_string(),
            description: String::new(),
            base_url: "https://example.org/".to_string(),
            theme: "centerview".to_string(),
            language: "en".to_string(),
            publisher: String::new(),
            page_size: PAGE_SIZE,
            image: None,
            image_alt: None,
            max_page_mb: MAX_PAGE_MB,
            organization: None,
            contact: None,
            license: None,
            license_url: None,
            pdf_edition: true,
            pdf_posts: false,
            pdf_paper: Paper::Letter,
        }
    }
}

impl Config {
    /// The path part of `base_url` (`/` or `/centerview/`): every internal link starts with it.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.find("://").map(|i| i + 3).unwrap_or(0);
        match self.base_url[after_scheme..].find('/') {
            Some(i) => &self.base_url[after_scheme + i..],
            None => "/",
        }
    }

    /// The largest page, in bytes of HTML (`max_page_mb`).
    pub fn max_page_bytes(&self) -> usize {
        (self.max_page_mb * MB) as usize
    }

    /// The absolute URL of a root-relative path produced by [`Config::base_path`].
    pub fn absolute(&self, path: &str) -> String {
        let origin_len = self.base_url.len() - self.base_path().len();
        format!("{}{}", &self.base_url[..origin_len], path)
    }

    /// Reads and validates `site.yaml`, reporting every problem. The settings are usable
    /// whatever the problems (a wrong value keeps its default), so that the rest of the site
    /// can still be checked.
    pub fn load(source: &Source) -> Result<Config, Vec<Diagnostic>> {
        let (config, errors) = Config::load_all(source);
        match errors.is_empty() {
            true => Ok(config),
            false => Err(errors),
        }
    }

    /// Like [`Config::load`], but the settings come with the problems.
    pub fn load_all(source: &Source) -> (Config, Vec<Diagnostic>) {
        let doc = YamlDoc::new(source, 0..source.text.len());
        let value = match doc.parse() {
            Ok(value) => value,
            Err(d) => return (Config::default(), vec![d]),
        };
        let entries = match doc.root_map(&value, "site.yaml") {
            Ok(entries) => entries,
            Err(d) => return (Config::default(), vec![d]),
        };

        let mut errors = Vec::new();
        let mut config = Config::default();
        for (key, value) in entries {
            if let Err(d) = config.set(&doc, key, value) {
                errors.push(d);
            }
        }
        let has = |key: &str| entries.iter().any(|(k, _)| k == key);
        let (has_title, has_base_url) = (has("title"), has("base_url"));
        if !has("publisher") {
            config.publisher = config.title.clone();
        }
        let lone = match (has("image"), has("image_alt")) {
            (true, false) => Some("image"),
            (false, true) => Some("image_alt"),
            _ => None,
        };
        if has("license_url") && !has("license") {
            errors.push(
                doc.error(
                    &["license_url".into()],
                    Target::Key,
                    "`license_url` is set but `license` is not",
                )
                .help("name the licence the link leads to, for example `license: CC BY 4.0`"),
            );
        }
        if let Some(key) = lone {
            errors.push(
                doc.error(&[key.into()], Target::Key, "`image` and `image_alt` go together")
                    .help("a sharing image needs a text alternative for readers who cannot see it: give both, for example `image: /assets/share.png` and `image_alt: The CenterView logo`"),
            );
        }
        for (present, key, example) in [
            (has_title, "title", "title: CenterView"),
            (has_base_url, "base_url", "base_url: https://example.org/"),
        ] {
            if !present {
                errors.push(
                    Diagnostic::error(format!("site.yaml has no `{key}`, which is required"))
                        .at(source, 0..0)
                        .help(format!("add a line such as `{example}`")),
                );
            }
        }
        (config, errors)
    }

    /// Reads one key of `site.yaml`.
    fn set(
        &mut self,
        doc: &YamlDoc,
        key: &str,
        value: &crate::yaml::Value,
    ) -> Result<(), Diagnostic> {
        let path = [Step::Key(key.to_string())];
        let text = || doc.text(&path, value);
        let filled = |help: &str| {
            let text = text()?.trim().to_string();
            match text.is_empty() {
                true => Err(doc
                    .error(&path, Target::Value, format!("`{key}` is empty"))
                    .help(help.to_string())),
                false => Ok(text),
            }
        };
        match key {
            "title" => {
                self.title = filled("give the site's name, for example `title: CenterView`")?
            }
            "description" => self.description = text()?,
            "publisher" => {
                self.publisher = filled(
                    "give the organisation named in citations, for example `publisher: Center for the Future of Teaching and Learning at WestEd`, or remove the line to name the site's `title`",
                )?
            }
            "base_url" => {
                let t = text()?;
                self.base_url = normalize_base_url(&t).map_err(|problem| {
                    doc.error(&path, Target::Value, problem.message("`base_url`", &t))
                        .help(problem.help("base_url: "))
                })?;
            }
            "theme" => {
                let t = text()?;
                if !is_folder_name(&t) {
                    return Err(doc.error(
                        &path,
                        Target::Value,
                        format!("`theme` must be a folder name under themes/, found `{t}`"),
                    ));
                }
                self.theme = t;
            }
            "language" => self.language = language(doc, &path, &text()?)?,
            "page_size" => self.page_size = page_size(doc, &path, value)?,
            "max_page_mb" => self.max_page_mb = max_page_mb(doc, &path, value)?,
            "image" => self.image = Some(crate::front_matter::sharing_image(doc, &path, text()?)?),
            "image_alt" => {
                self.image_alt = Some(filled(
                    "describe the picture for readers who cannot see it, for example `image_alt: The CenterView masthead`",
                )?)
            }
            "organization" => self.organization = Some(organization(doc, &path, value)?),
            "contact" => self.contact = Some(contact(doc, &path, &text()?)?),
            "license" => {
                self.license = Some(filled(
                    "name the licence the publications are under, for example `license: CC BY 4.0`",
                )?)
            }
            "license_url" => self.license_url = Some(web_address(doc, &path, &text()?)?),
            "pdf_edition" => {
                self.pdf_edition = switch(doc, &path, value).map_err(|d| {
                    d.help("write `pdf_edition: false` to leave every PDF edition out, or remove the line to make them")
                })?
            }
            "pdf_posts" => {
                self.pdf_posts = switch(doc, &path, value).map_err(|d| {
                    d.help("write `pdf_posts: true` to make PDF editions of posts too")
                })?
            }
            "pdf_paper" => self.pdf_paper = paper(doc, &path, &text()?)?,
            _ => return Err(doc.unknown_key(&[], key, KEYS, "site.yaml")),
        }
        Ok(())
    }

    /// Overrides `base_url` from the command line.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        self.base_url = normalize_base_url(url).map_err(|problem| {
            format!(
                "{}; {}",
                problem.message("--base-url", url),
                problem.help("--base-url ")
            )
        })?;
        Ok(())
    }
}

/// `organization`: the parent organisation's name, alone or as `{ name, url }`.
fn organization(
    doc: &YamlDoc,
    path: &[Step],
    value: &crate::yaml::Value,
) -> Result<Organization, Diagnostic> {
    const FIELDS: &[&str] = &["name", "url"];
    let help = "for example `organization: { name: WestEd, url: https://www.wested.org/ }`";
    let entries = match value {
        crate::yaml::Value::Map(entries) => entries.as_slice(),
        crate::yaml::Value::String(name) if !name.trim().is_empty() => {
            return Ok(Organization {
                name: name.trim().to_string(),
                url: None,
            });
        }
        other => {
            return Err(doc
                .wrong_type(path, "a name, or a map with `name` and `url`", other)
                .help(help));
        }
    };
    let mut organization = Organization {
        name: String::new(),
        url: None,
    };
    for (key, value) in entries {
        let mut at = path.to_vec();
        at.push(Step::Key(key.clone()));
        match key.as_str() {
            "name" => organization.name = doc.text(&at, value)?.trim().to_string(),
            "url" => organization.url = Some(web_address(doc, &at, &doc.text(&at, value)?)?),
            _ => return Err(doc.unknown_key(path, key, FIELDS, "`organization`")),
        }
    }
    if organization.name.is_empty() {
        return Err(doc
            .error(path, Target::Key, "`organization` has no `name`")
            .help(help));
    }
    Ok(organization)
}

/// `contact`: an email address, or a web address (a contact page).
fn contact(doc: &YamlDoc, path: &[Step], text: &str) -> Result<Contact, Diagnostic> {
    let text = text.trim();
    if text.starts_with("http://") || text.starts_with("https://") {
        let href = web_address(doc, path, text)?;
        return Ok(Contact {
            text: text.to_string(),
            href,
        });
    }
    if is_email(text) {
        return Ok(Contact {
            text: text.to_string(),
            href: format!("mailto:{text}"),
        });
    }
    Err(doc
        .error(
            path,
            Target::Value,
            format!("`contact` must be an email address or a web address, found `{text}`"),
        )
        .help("for example `contact: centerview@example.org` or `contact: https://example.org/contact/`"))
}

/// An address `name@host.tld` with nothing a mail link could not hold.
pub fn is_email(text: &str) -> bool {
    let Some((local, host)) = text.split_once('@') else {
        return false;
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
    };
    plain(local)
        && plain(host)
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
}

/// An absolute `http(s)` address with a host, as readers' browsers follow it.
fn web_address(doc: &YamlDoc, path: &[Step], text: &str) -> Result<String, Diagnostic> {
    match url::Url::parse(text.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(u.to_string())
        }
        _ => Err(doc
            .error(
                path,
                Target::Value,
                format!("`{text}` is not a web address"),
            )
            .help("write the whole address, starting with `https://`")),
    }
}

/// `page_size`: a whole number from 1 to 1,000.
fn page_size(
    doc: &YamlDoc,
    path: &[Step],
    value: &crate::yaml::Value,
) -> Result<usize, Diagnostic> {
    match value {
        crate::yaml::Value::Int(n) if (1..=1000).contains(n) => Ok(*n as usize),
        other => Err(doc
            .error(
                path,
                Target::Value,
                format!(
                    "`page_size` must be a whole number from 1 to 1,000, found {}",
                    match other {
                        crate::yaml::Value::Int(_) | crate::yaml::Value::Float(_) =>
                            doc.written(path, Target::Value),
                        other => other.type_name(),
                    }
                ),
            )
            .help(format!(
                "how many entries a listing page shows; the default is `page_size: {PAGE_SIZE}`"
            ))),
    }
}

/// A setting that is `true` or `false`.
fn switch(doc: &YamlDoc, path: &[Step], value: &crate::yaml::Value) -> Result<bool, Diagnostic> {
    match value {
        crate::yaml::Value::Bool(b) => Ok(*b),
        other => Err(doc.wrong_type(path, "`true` or `false`", other)),
    }
}

/// `pdf_paper`: `letter` or `a4`, in any case.
fn paper(doc: &YamlDoc, path: &[Step], text: &str) -> Result<Paper, Diagnostic> {
    match text.trim().to_ascii_lowercase().as_str() {
        "letter" => Ok(Paper::Letter),
        "a4" => Ok(Paper::A4),
        _ => Err(doc
            .error(
                path,
                Target::Value,
                format!("`pdf_paper` must be `letter` or `a4`, found `{text}`"),
            )
            .help("write `pdf_paper: letter` (8.5 × 11 in, the default) or `pdf_paper: a4`")),
    }
}

/// `max_page_mb`: a number of megabytes within [`MAX_PAGE_MB_RANGE`], whole or not.
fn max_page_mb(
    doc: &YamlDoc,
    path: &[Step],
    value: &crate::yaml::Value,
) -> Result<f64, Diagnostic> {
    let number = match value {
        crate::yaml::Value::Int(n) => Some(*n as f64),
        crate::yaml::Value::Float(f) => Some(*f),
        _ => None,
    };
    match number {
        Some(mb) if MAX_PAGE_MB_RANGE.contains(&mb) => Ok(mb),
        _ => Err(doc
            .error(
                path,
                Target::Value,
                format!(
                    "`max_page_mb` must be a number of megabytes from 0.1 to 1,000, found {}",
                    match number {
                        Some(mb) => mb.to_string(),
                        None => value.type_name().to_string(),
                    }
                ),
            )
            .help(format!(
                "the largest page, in MB of HTML, before the build fails; the default is `max_page_mb: {MAX_PAGE_MB}`"
            ))),
    }
}

/// `language`: a BCP 47 tag, checked against the IANA registry, with a suggestion for what
/// people often write instead (`english`, `en_US`, `eng`).
fn language(doc: &YamlDoc, path: &[Step], text: &str) -> Result<String, Diagnostic> {
    let valid =
        |t: &str| language_tags::LanguageTag::parse(t).is_ok_and(|tag| tag.validate().is_ok());
    if valid(text) {
        return Ok(text.to_string());
    }
    let d = doc
        .error(
            path,
            Target::Value,
            format!("`language` must be a BCP 47 language tag, found `{text}`"),
        )
        .label("not a language tag");
    Err(match suggest_language(text).filter(|s| valid(s)) {
        Some(tag) => d.help(format!("did you mean `language: {tag}`?")),
        None => d.help("write the language's tag, for example `language: en`, `language: en-US` or `language: es`"),
    })
}

/// The tag for a language name, a three-letter code or a tag written with `_`.
fn suggest_language(text: &str) -> Option<String> {
    const NAMES: &[(&str, &str)] = &[
        ("english", "en"),
        ("eng", "en"),
        ("spanish", "es"),
        ("español", "es"),
        ("espanol", "es"),
        ("spa", "es"),
        ("french", "fr"),
        ("français", "fr"),
        ("francais", "fr"),
        ("fra", "fr"),
        ("fre", "fr"),
        ("german", "de"),
        ("deutsch", "de"),
        ("deu", "de"),
        ("ger", "de"),
        ("chinese", "zh"),
        ("mandarin", "zh"),
        ("cantonese", "yue"),
        ("zho", "zh"),
        ("chi", "zh"),
        ("vietnamese", "vi"),
        ("vie", "vi"),
        ("tagalog", "tl"),
        ("filipino", "fil"),
        ("korean", "ko"),
        ("kor", "ko"),
        ("japanese", "ja"),
        ("jpn", "ja"),
        ("portuguese", "pt"),
        ("por", "pt"),
        ("russian", "ru"),
        ("rus", "ru"),
        ("arabic", "ar"),
        ("ara", "ar"),
        ("hindi", "hi"),
        ("punjabi", "pa"),
        ("armenian", "hy"),
        ("persian", "fa"),
        ("farsi", "fa"),
        ("hmong", "hmn"),
        ("khmer", "km"),
        ("italian", "it"),
        ("ita", "it"),
    ];
    let lower = text.trim().to_lowercase();
    if let Some((_, tag)) = NAMES.iter().find(|(name, _)| *name == lower) {
        return Some(tag.to_string());
    }
    let dashed = text.trim().replace('_', "-");
    (dashed != text).then_some(dashed)
}

/// What is wrong with a base URL.
#[derive(Debug, PartialEq)]
pub enum BaseUrlProblem {
    /// Not `http://` or `https://` and a host.
    NotAbsolute,
    /// A query (`?`) or a fragment (`#`): the site's address is a folder.
    QueryOrFragment,
    /// `user:password@`, which every page, feed and citation would show.
    Credentials { without: String },
    /// A character a URL cannot hold as it is (a space, a brace, a quote, a letter outside
    /// ASCII, a `%` not followed by two hex digits), with the URL written properly when there
    /// is one.
    Character {
        found: char,
        encoded: Option<String>,
    },
}

impl BaseUrlProblem {
    /// The message, for the setting `name` (`` `base_url` `` or `--base-url`).
    pub fn message(&self, name: &str, url: &str) -> String {
        match self {
            BaseUrlProblem::NotAbsolute => {
                format!("{name} must be an absolute http or https URL, found `{url}`")
            }
            BaseUrlProblem::QueryOrFragment => {
                format!("{name} cannot have a query (`?`) or a fragment (`#`), found `{url}`")
            }
            BaseUrlProblem::Credentials { .. } => {
                format!("{name} holds a user name or password, which every page would show")
            }
            BaseUrlProblem::Character { found, .. } => format!(
                "{name} cannot hold {} as it is: `{}`",
                crate::diagnostics::char_name(*found),
                url.escape_debug()
            ),
        }
    }

    /// What to write instead, after `write` (`base_url: ` or `--base-url `).
    pub fn help(&self, write: &str) -> String {
        match self {
            BaseUrlProblem::NotAbsolute | BaseUrlProblem::QueryOrFragment => {
                format!("give the site's public address, for example `{write}https://example.org/`")
            }
            BaseUrlProblem::Credentials { without } => format!(
                "give the public address alone: `{write}{without}`; a reader's browser asks for the password when the server wants one"
            ),
            BaseUrlProblem::Character {
                encoded: Some(encoded),
                ..
            } => format!("did you mean `{write}{encoded}`?"),
            BaseUrlProblem::Character { encoded: None, .. } => "a URL holds letters and digits of ASCII and `-._~:/@!$&'()*+,;=`; write any other character percent-encoded, a space as `%20`".to_string(),
        }
    }
}

/// `https://example.org` → `https://example.org/`; an error unless an absolute http(s) URL
/// of a folder, made of the characters URLs are written with (RFC 3986), without a user
/// name or password.
pub fn normalize_base_url(url: &str) -> Result<String, BaseUrlProblem> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(BaseUrlProblem::NotAbsolute)?;
    if rest.split('/').next().unwrap_or("").is_empty() {
        return Err(BaseUrlProblem::NotAbsolute);
    }
    if let Some(found) = unsafe_character(url) {
        let encoded = url::Url::parse(url)
            .ok()
            .map(String::from)
            .filter(|e| unsafe_character(e).is_none());
        return Err(BaseUrlProblem::Character { found, encoded });
    }
    if url.contains(['?', '#']) {
        return Err(BaseUrlProblem::QueryOrFragment);
    }
    let mut parsed = url::Url::parse(url).map_err(|_| BaseUrlProblem::NotAbsolute)?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        return Err(BaseUrlProblem::Credentials {
            without: parsed.into(),
        });
    }
    Ok(match url.ends_with('/') {
        true => url.to_string(),
        false => format!("{url}/"),
    })
}

/// The first character of `url` that a URL cannot hold as it is: anything but ASCII letters
/// and digits, RFC 3986's `-._~:/?#[]@!$&'()*+,;=`, and `%` before two hex digits.
fn unsafe_character(url: &str) -> Option<char> {
    let bytes = url.as_bytes();
    url.char_indices()
        .find(|&(at, c)| match c {
            '%' => {
                !(bytes.len() > at + 2
                    && bytes[at + 1].is_ascii_hexdigit()
                    && bytes[at + 2].is_ascii_hexdigit())
            }
            c => !(c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=".contains(c)),
        })
        .map(|(_, c)| c)
}

fn is_folder_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::load(&Source::new("site.yaml".into(), "site.yaml".into(), text))
    }

    #[test]
    fn reads_a_complete_config() {
        let c = load("title: CV\ndescription: d\nbase_url: https://example.org/sub\ntheme: centerview\nlanguage: en\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/sub/");
        assert_eq!(c.base_path(), "/sub/");
        assert_eq!(
            c.absolute("/sub/briefs/"),
            "https://example.org/sub/briefs/"
        );
    }

    #[test]
    fn reports_every_problem() {
        let errors = load("titel: CV\nbase_url: example.org\n").unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.render(false)).collect();
        assert_eq!(errors.len(), 3, "{text:#?}");
        assert!(text[0].starts_with("site.yaml:1:1: error: unknown field `titel`"));
        assert!(text[0].contains("did you mean `title`?"));
        assert!(text[1].starts_with("site.yaml:2:11: error: `base_url` must be an absolute"));
        assert!(text[2].contains("no `title`"));
    }

    #[test]
    fn languages_are_bcp_47_tags_with_a_suggestion() {
        for good in ["en", "en-US", "es", "zh-Hant-TW", "fil", "yue"] {
            assert!(
                load(&format!(
                    "title: T\nbase_url: https://e.org/\nlanguage: {good}\n"
                ))
                .is_ok(),
                "{good}"
            );
        }
        for (bad, suggestion) in [
            ("english", Some("en")),
            ("Español", Some("es")),
            ("en_US", Some("en-US")),
            ("eng", Some("en")),
            ("xx-notalanguage", None),
            ("e", None),
        ] {
            let errors = load(&format!(
                "title: T\nbase_url: https://e.org/\nlanguage: {bad}\n"
            ))
            .unwrap_err();
            let text = errors[0].render(false);
            assert!(
                text.starts_with("site.yaml:3:11: error: `language` must be a BCP 47 language tag"),
                "{text}"
            );
            match suggestion {
                Some(tag) => assert!(
                    text.contains(&format!("did you mean `language: {tag}`?")),
                    "{text}"
                ),
                None => assert!(text.contains("for example `language: en`"), "{text}"),
            }
        }
    }

    #[test]
    fn base_urls_are_public_addresses_written_as_urls() {
        for (good, normal) in [
            ("https://example.org", "https://example.org/"),
            ("http://localhost:8080/cv", "http://localhost:8080/cv/"),
            (
                "https://example.org/@team/a%20b/",
                "https://example.org/@team/a%20b/",
            ),
        ] {
            assert_eq!(normalize_base_url(good).as_deref(), Ok(normal));
        }
        assert_eq!(
            normalize_base_url("https://editor:s3cret@example.org/cv/"),
            Err(BaseUrlProblem::Credentials {
                without: "https://example.org/cv/".into()
            })
        );
        assert!(matches!(
            normalize_base_url("https://editor@example.org/"),
            Err(BaseUrlProblem::Credentials { .. })
        ));
        for (bad, found, encoded) in [
            (
                "https://example.org/my site/",
                ' ',
                Some("https://example.org/my%20site/"),
            ),
            (
                "https://example.org/}{/",
                '}',
                Some("https://example.org/%7D%7B/"),
            ),
            (
                "https://example.org/\"/",
                '"',
                Some("https://example.org/%22/"),
            ),
            ("https://example.org/a^b/", '^', None),
            ("https://example.org/100%/", '%', None),
            (
                "https://bücher.example/",
                'ü',
                Some("https://xn--bcher-kva.example/"),
            ),
        ] {
            assert_eq!(
                normalize_base_url(bad),
                Err(BaseUrlProblem::Character {
                    found,
                    encoded: encoded.map(str::to_string)
                }),
                "{bad}"
            );
        }
        assert_eq!(
            normalize_base_url("https://example.org/?p=1"),
            Err(BaseUrlProblem::QueryOrFragment)
        );
        for bad in ["example.org", "https://", "ftp://example.org/"] {
            assert_eq!(
                normalize_base_url(bad),
                Err(BaseUrlProblem::NotAbsolute),
                "{bad}"
            );
        }
    }

    #[test]
    fn settings_shown_to_readers_cannot_be_empty_and_the_image_is_a_picture() {
        for (text, expected) in [
            (
                "title: \"\"\nbase_url: https://e.org/\n",
                "site.yaml:1:8: error: `title` is empty",
            ),
            (
                "title: T\nbase_url: https://e.org/\npublisher: \" \"\n",
                "site.yaml:3:12: error: `publisher` is empty",
            ),
            (
                "title: T\nbase_url: https://e.org/\nimage: /assets/a.png\nimage_alt: ''\n",
                "site.yaml:4:12: error: `image_alt` is empty",
            ),
            (
                "title: T\nbase_url: https://e.org/\nimage: /assets/report.PDF\nimage_alt: A\n",
                "site.yaml:3:8: error: `image` must be a PNG, JPEG, WebP, GIF, AVIF or SVG picture, found `/assets/report.PDF`",
            ),
        ] {
            let errors = load(text).unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            let rendered = errors[0].render(false);
            assert!(rendered.starts_with(expected), "{rendered}");
        }
        let c = load("title: T\nbase_url: https://e.org/\nimage: /assets/a.JPEG\nimage_alt: A\n");
        assert_eq!(c.unwrap().image.as_deref(), Some("/assets/a.JPEG"));
    }

    #[test]
    fn publisher_page_size_and_image() {
        let c = load("title: CV\nbase_url: https://e.org/\n").unwrap();
        assert_eq!((c.publisher.as_str(), c.page_size), ("CV", 20));
        let c = load("title: CV\nbase_url: https://e.org/\npublisher: The Center\npage_size: 5\nimage: /assets/a.png\nimage_alt: A\n").unwrap();
        assert_eq!((c.publisher.as_str(), c.page_size), ("The Center", 5));
        let errors =
            load("title: CV\nbase_url: https://e.org/\npage_size: 0\nimage: /assets/a.png\n")
                .unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.render(false)).collect();
        assert!(
            text[0].contains(
                "site.yaml:3:12: error: `page_size` must be a whole number from 1 to 1,000, found 0"
            ),
            "{text:?}"
        );
        assert!(
            text[1].contains("`image` and `image_alt` go together"),
            "{text:?}"
        );
    }

    #[test]
    fn max_page_mb_is_a_number_of_megabytes_within_range() {
        let site = |value: &str| {
            load(&format!(
                "title: CV\nbase_url: https://e.org/\nmax_page_mb: {value}\n"
            ))
        };
        assert_eq!(
            load("title: CV\nbase_url: https://e.org/\n")
                .unwrap()
                .max_page_mb,
            50.0
        );
        assert_eq!(site("2").unwrap().max_page_bytes(), 2 * 1024 * 1024);
        assert_eq!(site("0.5").unwrap().max_page_bytes(), 512 * 1024);
        for (bad, found) in [
            ("0", "0"),
            ("-3", "-3"),
            ("5000", "5000"),
            ("lots", "text"),
            ("[1]", "a list"),
        ] {
            let errors = site(bad).unwrap_err();
            let text = errors[0].render(false);
            assert!(
                text.starts_with(&format!("site.yaml:3:14: error: `max_page_mb` must be a number of megabytes from 0.1 to 1,000, found {found}")),
                "{bad}: {text}"
            );
            assert!(text.contains("the default is `max_page_mb: 50`"), "{text}");
        }
    }
}
