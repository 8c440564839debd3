//! Where a link or image written in a content file goes: a page, a listing, an asset, a
//! fragment of the same page, or somewhere not ours to check; or why it cannot go there
//! (a missing file, a draft, a scheduled page, an unsafe scheme, a path climbing out of
//! `content/`). The markdown renderer and the figure shortcode resolve through it.

use super::{LinkTarget, PageId, Site};
use crate::diagnostics::did_you_mean;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

pub enum Link {
    /// External, site-absolute or otherwise not ours to touch.
    Keep,
    SamePage(String),
    Page {
        id: PageId,
        url: String,
        fragment: Option<String>,
    },
    Url(String),
    /// A file in `content/assets/`.
    Asset {
        rel: String,
        url: String,
    },
}

pub struct LinkFailure {
    pub message: String,
    pub help: Option<String>,
}

/// Characters to percent-encode in a URL path segment.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The scheme of a `javascript:`, `vbscript:` or `data:` URL, which a page must not link to.
/// Browsers ignore letter case, and tabs, newlines and other control characters anywhere in
/// the URL, and leading spaces; character references are already decoded by the markdown
/// parser.
pub fn unsafe_scheme(dest: &str) -> Option<&'static str> {
    let (before, _) = dest.split_once(':')?;
    let scheme: String = before
        .chars()
        .filter(|c| *c > ' ')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    ["javascript", "vbscript", "data"]
        .into_iter()
        .find(|s| *s == scheme)
}

/// What a link's destination `dest`, written in a file in folder `dir` under `content/`,
/// goes to; or why it cannot be (see the module's documentation).
pub fn resolve_link(site: &Site, dir: &str, dest: &str, image: bool) -> Result<Link, LinkFailure> {
    let what = if image { "image" } else { "link" };
    resolve_named(site, dir, dest, image, what)
}

/// Where a page named in front matter goes (a `related` publication), checked as a link is;
/// messages call it `what`.
pub fn resolve_page_path(
    site: &Site,
    dir: &str,
    dest: &str,
    what: &str,
) -> Result<Link, LinkFailure> {
    resolve_named(site, dir, dest, false, what)
}

fn resolve_named(
    site: &Site,
    dir: &str,
    dest: &str,
    image: bool,
    what: &str,
) -> Result<Link, LinkFailure> {
    if dest.is_empty() {
        return failure(
            "this link has no target".into(),
            "put the page or URL between the parentheses: `[text](../briefs/snapshot.md)`",
        );
    }
    if let Some(scheme) = unsafe_scheme(dest) {
        return unsafe_link(scheme, image);
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        return Ok(Link::SamePage(fragment.to_string()));
    }
    if image && dest.starts_with('/') && !dest.starts_with("//") {
        return site_absolute_image(site, dest);
    }
    if has_scheme(dest) || dest.starts_with("//") || dest.starts_with('/') {
        return Ok(Link::Keep);
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    let path = path.split_once('?').map(|(p, _)| p).unwrap_or(path);
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let Some(rel) = normalize(dir, &decoded) else {
        return failure(
            format!("the link `{dest}` points outside content/"),
            "link to a file inside content/, relative to this file",
        );
    };
    let with_fragment = |url: String| match &fragment {
        Some(f) => format!("{url}#{f}"),
        None => url,
    };
    match site.lookup(&rel) {
        LinkTarget::Page(_) if image => failure(
            format!("the image `{dest}` is a page, not an image"),
            "images are files in content/assets/, for example `../assets/figure-1.png`",
        ),
        LinkTarget::Page(id) => Ok(Link::Page {
            id,
            url: site.pages[id].url.clone(),
            fragment,
        }),
        LinkTarget::Listing(url) => Ok(Link::Url(with_fragment(url))),
        LinkTarget::Asset(asset) => {
            let encoded: Vec<String> = asset
                .split('/')
                .map(|s| utf8_percent_encode(s, PATH_SEGMENT).to_string())
                .collect();
            let url = site.urls().copied_file(&encoded.join("/"));
            Ok(Link::Asset {
                rel: asset.to_string(),
                url: with_fragment(url),
            })
        }
        LinkTarget::Draft => failure(
            format!("the {what} `{dest}` goes to a draft, which this build leaves out"),
            "publish the draft (remove `draft: true`), build with --drafts, or remove the link",
        ),
        LinkTarget::Scheduled(date) => failure(
            format!(
                "the {what} `{dest}` goes to a page scheduled for {date}, which this build holds back"
            ),
            "link to it on or after that day (serve and watch publish it then), or build with --future to include it now",
        ),
        LinkTarget::Missing => missing(site, dir, dest, &rel, what),
    }
}

fn failure(message: String, help: impl Into<String>) -> Result<Link, LinkFailure> {
    Err(LinkFailure {
        message,
        help: Some(help.into()),
    })
}

/// A link or image to a `javascript:`, `vbscript:` or `data:` URL.
fn unsafe_link(scheme: &str, image: bool) -> Result<Link, LinkFailure> {
    let what = if image { "an image" } else { "a link" };
    let help = match (scheme, image) {
        ("data", true) => {
            "put the image in content/assets/ and write its path relative to this page, for example `../assets/figure-1.png`"
        }
        _ => {
            "links may go to pages and files of the site, and to http:, https:, mailto: and tel: addresses"
        }
    };
    failure(
        format!(
            "{what} to a `{scheme}:` URL would run code or hide content in the page, so it is not allowed"
        ),
        help,
    )
}

/// A site-absolute image is kept only if it is one of the site's own files: an absolute path
/// from the editor's computer (`/Users/…/chart.png`) would show nothing. Its address stays as
/// written.
fn site_absolute_image(site: &Site, dest: &str) -> Result<Link, LinkFailure> {
    let path = dest.split(['?', '#']).next().unwrap_or(dest);
    let rel = path
        .strip_prefix(site.base_path())
        .map(|p| percent_decode_str(p).decode_utf8_lossy().into_owned());
    match rel.as_deref().map(|rel| site.lookup(rel)) {
        Some(LinkTarget::Asset(asset)) => Ok(Link::Asset {
            rel: asset.to_string(),
            url: dest.to_string(),
        }),
        _ => failure(
            format!("the image `{dest}` is not a file of this site"),
            "put the image in content/assets/ and write its path relative to this page, for example `../assets/figure-1.png`",
        ),
    }
}

/// A link to `content/<rel>`, which does not exist: with the closest page or asset.
fn missing(site: &Site, dir: &str, dest: &str, rel: &str, what: &str) -> Result<Link, LinkFailure> {
    let shown = format!("content/{rel}");
    if rel.ends_with(".md") {
        let suggestion = did_you_mean(rel, site.page_paths())
            .map(|close| format!("did you mean `{}`?", relative_to(dir, close)));
        failure(
            format!("the {what} `{dest}` goes to {shown}, which does not exist"),
            suggestion.unwrap_or_else(|| {
                "link to a page by its file, relative to this file: `../briefs/snapshot.md`".into()
            }),
        )
    } else if !rel.starts_with("assets/") {
        failure(
            format!("the {what} `{dest}` goes to {shown}, which is not a page or an asset"),
            "files for the site belong in content/assets/; pages are linked by their .md file",
        )
    } else {
        let suggestion = did_you_mean(rel, site.assets.iter().map(|a| a.rel.as_str()))
            .map(|close| format!("did you mean `{}`?", relative_to(dir, close)));
        failure(
            format!("the {what} `{dest}` goes to {shown}, which does not exist"),
            suggestion.unwrap_or_else(|| {
                "check the file name; files in content/assets/ are copied to the site".into()
            }),
        )
    }
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Joins a relative path to a folder under `content/`, resolving `.` and `..`; `None` when it
/// climbs out of `content/`.
pub fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in rel.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// How a file under `content/` is written from another folder under it.
fn relative_to(dir: &str, target: &str) -> String {
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(
            normalize("briefs", "../posts/x.md").as_deref(),
            Some("posts/x.md")
        );
        assert_eq!(
            normalize("briefs", "./y.md").as_deref(),
            Some("briefs/y.md")
        );
        assert_eq!(normalize("", "briefs/y.md").as_deref(), Some("briefs/y.md"));
        assert_eq!(normalize("briefs", "../../etc/passwd"), None);
        assert_eq!(relative_to("posts", "briefs/x.md"), "../briefs/x.md");
        assert_eq!(relative_to("briefs", "briefs/x.md"), "x.md");
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("../x.md"));
        assert!(!has_scheme("x.md#a:b"));
    }
}
