//! `site.yaml`: the site's settings.

use crate::diagnostics::{Diagnostic, Source};
use crate::yaml::{Step, Target};
use crate::yaml_doc::YamlDoc;
use serde::Serialize;

const KEYS: &[&str] = &["title", "description", "base_url", "theme", "language"];

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute, always ending in `/`.
    pub base_url: String,
    pub theme: String,
    pub language: String,
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

    /// The absolute URL of a root-relative path produced by [`Config::base_path`].
    pub fn absolute(&self, path: &str) -> String {
        let origin_len = self.base_url.len() - self.base_path().len();
        format!("{}{}", &self.base_url[..origin_len], path)
    }

    /// Reads and validates `site.yaml`, reporting every problem.
    pub fn load(source: &Source) -> Result<Config, Vec<Diagnostic>> {
        let doc = YamlDoc::new(source, 0..source.text.len());
        let value = doc.parse().map_err(|d| vec![d])?;
        let entries = doc.root_map(&value, "site.yaml").map_err(|d| vec![d])?;

        let mut errors = Vec::new();
        let mut config = Config::default();
        let (mut has_title, mut has_base_url) = (false, false);
        for (key, value) in entries {
            let path = [Step::Key(key.clone())];
            let text = || doc.text(&path, value);
            let result = match key.as_str() {
                "title" => text().map(|t| {
                    has_title = true;
                    config.title = t
                }),
                "description" => text().map(|t| config.description = t),
                "base_url" => text().and_then(|t| {
                    has_base_url = true;
                    config.base_url = normalize_base_url(&t).ok_or_else(|| {
                        doc.error(
                            &path,
                            Target::Value,
                            format!(
                                "`base_url` must be an absolute http or https URL, found `{t}`"
                            ),
                        )
                        .help("for example `base_url: https://example.org/`")
                    })?;
                    Ok(())
                }),
                "theme" => text().and_then(|t| {
                    if is_folder_name(&t) {
                        config.theme = t;
                        Ok(())
                    } else {
                        Err(doc.error(
                            &path,
                            Target::Value,
                            format!("`theme` must be a folder name under themes/, found `{t}`"),
                        ))
                    }
                }),
                "language" => text().map(|t| config.language = t),
                _ => Err(doc.unknown_key(&[], key, KEYS, "site.yaml")),
            };
            if let Err(d) = result {
                errors.push(d);
            }
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
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Overrides `base_url` from the command line.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        self.base_url = normalize_base_url(url).ok_or_else(|| {
            format!("--base-url must be an absolute http or https URL, found `{url}`")
        })?;
        Ok(())
    }
}

/// `https://example.org` → `https://example.org/`; `None` when not an absolute http(s) URL.
pub fn normalize_base_url(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || url.contains(char::is_whitespace) || url.contains(['?', '#']) {
        return None;
    }
    Some(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
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
}
