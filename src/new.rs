//! `centerview new <kind> "<title>"`: a new content file with its front matter filled in.

use crate::diagnostics::{did_you_mean, one_of};
use crate::front_matter::slugify_or_empty;
use crate::kind::Kind;
use crate::placeholders;
use crate::yaml;
use std::path::{Path, PathBuf};

/// Creates the file and returns its path, or a message saying why not.
pub fn new_page(
    root: &Path,
    kind: &str,
    title: &str,
    today: jiff::civil::Date,
) -> Result<PathBuf, String> {
    let names: Vec<&str> = Kind::WRITTEN.iter().map(|k| k.name()).collect();
    let kind =
        Kind::from_name(kind).ok_or_else(|| match did_you_mean(kind, names.iter().copied()) {
            Some(close) => format!(
                "unknown kind `{kind}`; did you mean `{close}`? The kinds are {}",
                one_of(&names)
            ),
            None => format!("unknown kind `{kind}`; the kinds are {}", one_of(&names)),
        })?;
    let title = title.trim();
    if title.is_empty() {
        return Err("the title is empty: give the new page a title in quotes".into());
    }
    if !root.join("site.yaml").is_file() {
        return Err(format!(
            "{} is not a CenterView site: it has no site.yaml",
            root.display()
        ));
    }
    let slug = slugify_or_empty(title);
    if slug.is_empty() {
        return Err(format!(
            "the title `{title}` has no letters or digits, so it cannot name the file: give the page a title in words, for example `centerview new {} \"Teachers' time\"`",
            kind.name()
        ));
    }
    let path = match kind.section() {
        Some(section) => root
            .join("content")
            .join(section)
            .join(format!("{slug}.md")),
        None => root.join("content").join(&slug).join("index.md"),
    };
    if path.exists() {
        return Err(format!(
            "{} already exists; choose another title, or edit that file",
            path.display()
        ));
    }

    let mut text = String::from("---\n");
    text.push_str(&format!("title: {}\n", yaml::quote(title)));
    if kind != Kind::Page {
        text.push_str(&format!("date: {today}\n"));
        text.push_str(
            "# summary: One or two sentences for listings, search results and previews.\n",
        );
        text.push_str("# authors: [Your Name]\n");
        text.push_str("# topics: [Teacher leaders, Common Core]\n");
    }
    match kind {
        Kind::Brief | Kind::Report => {
            text.push_str("# subtitle: A line shown under the title\n");
            text.push_str("# series: Name of the series this is part of\n# part: 1\n");
        }
        _ => {}
    }
    for field in placeholders::fields(kind) {
        text.push_str(&format!("{}: {}\n", field.key, yaml::quote(field.sample)));
    }
    if kind == Kind::CaseStudy {
        text.push_str("# region: Bay Area\n");
    }
    text.push_str("draft: true\n---\n\n");
    text.push_str(&placeholders::body(kind).join("\n\n"));
    text.push('\n');

    std::fs::create_dir_all(path.parent().expect("a content folder"))
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_valid_draft() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: x\nbase_url: https://e.org/\n",
        )
        .unwrap();
        let today = jiff::civil::date(2026, 11, 23);
        let path = new_page(dir.path(), "case-study", "Oakland: site grants", today).unwrap();
        assert!(path.ends_with("content/case-studies/oakland-site-grants.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("title: 'Oakland: site grants'")
                || text.contains("title: \"Oakland: site grants\""),
            "{text}"
        );
        assert!(text.contains("date: 2026-11-23"));
        assert!(
            new_page(dir.path(), "case-study", "Oakland: site grants", today)
                .unwrap_err()
                .contains("already exists")
        );
        assert!(
            new_page(dir.path(), "breif", "X", today)
                .unwrap_err()
                .contains("did you mean `brief`")
        );
        let page = new_page(dir.path(), "page", "About the Center", today).unwrap();
        assert!(page.ends_with("content/about-the-center/index.md"));
    }
}
