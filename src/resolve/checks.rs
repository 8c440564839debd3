//! What only the whole site can show: two pages (or an alias) on one address, an address
//! the build generates itself taken by a page, files a page names that do not exist, and names
//! in addresses too long for a file system.

use super::{Alias, Author, Page, PageId, Section, Series, Topic};
use crate::diagnostics::{Diagnostic, count, did_you_mean};
use crate::front_matter::slugify;
use crate::urls::{NAME_MAX, Urls, overlong_name};
use crate::yaml::{Step, Target};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Two pages with one URL, or a page on a URL the build generates itself, are errors.
pub(super) fn check_urls(
    generated: &HashMap<String, String>,
    pages: &[Page],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_url: BTreeMap<&str, Vec<PageId>> = BTreeMap::new();
    for (id, page) in pages.iter().enumerate() {
        by_url.entry(&page.url).or_default().push(id);
    }
    let span_of = |page: &Page| {
        if page.src.front.slug.is_some() {
            page.front_span("slug", Target::Value)
        } else {
            page.front_span(page.title_key(), Target::Key)
        }
    };
    for (url, ids) in &by_url {
        if let Some(what) = generated.get(*url) {
            for &id in ids {
                let page = &pages[id];
                diagnostics.push(
                    Diagnostic::error(format!("this page's URL {url} is already {what}"))
                        .at(page.source(), span_of(page))
                        .help("give the page another `slug`, or move it to another folder"),
                );
            }
        }
        if ids.len() < 2 {
            continue;
        }
        for &id in ids {
            let page = &pages[id];
            // A few of the others by name: thousands of pages with one URL would otherwise
            // make messages whose total length grows with the square of their number.
            const NAMED: usize = 3;
            let mut others: Vec<&str> = ids
                .iter()
                .filter(|&&o| o != id)
                .take(NAMED)
                .map(|&o| pages[o].source().display.as_str())
                .collect();
            let more = ids.len() - 1 - others.len();
            let more = if more > 0 {
                format!(" and {}", crate::diagnostics::count(more, "more", "more"))
            } else {
                String::new()
            };
            let many = if ids.len() > 2 {
                crate::diagnostics::count(ids.len(), "page", "pages")
            } else {
                "two pages".to_string()
            };
            others.truncate(NAMED);
            diagnostics.push(
                Diagnostic::error(format!(
                    "{many} have the URL {url}: this one and {}{more}",
                    others.join(", ")
                ))
                .at(page.source(), span_of(page))
                .label("same URL as another page")
                .help("give one of them a different `slug` in its front matter"),
            );
        }
    }
}

/// The generated listings of the site, whose addresses no page may take.
pub(super) struct Listings<'a> {
    pub sections: &'a [Section],
    pub topics: &'a [Topic],
    pub series: &'a [Series],
    pub authors: &'a [Author],
}

/// The addresses the build generates (the lists, sections, topics, series and people's
/// pages, with their further pages of `page_size` entries each, and the topics' feeds), and
/// what each is.
pub(super) fn generated_addresses(
    urls: Urls,
    listings: &Listings,
    pages: &[Page],
    page_size: usize,
) -> HashMap<String, String> {
    let Listings {
        sections,
        topics,
        series,
        authors,
    } = *listings;
    let mut generated: HashMap<String, String> = urls
        .generated()
        .into_iter()
        .map(|(address, what)| (address.url, what.to_string()))
        .collect();
    let pages_of = |count: usize| count.div_ceil(page_size.max(1)).max(1);
    for s in sections {
        let first = urls.section(s.kind);
        for n in 1..=pages_of(s.pages.len()) {
            let what = format!("the {} listing{}", s.kind.nav_title(), page_note(n));
            generated.insert(urls.listing_page(&first, n).url, what);
        }
    }
    for t in topics {
        let first = urls.topic(&t.slug);
        for n in 1..=pages_of(t.pages.len()) {
            let what = format!("the page of topic `{}`{}", t.name, page_note(n));
            generated.insert(urls.listing_page(&first, n).url, what);
        }
        if t.feed {
            let feed = format!("the feed of topic `{}`", t.name);
            generated.insert(urls.topic_feed(&t.slug).url, feed);
        }
    }
    for s in series {
        generated.insert(s.url.clone(), format!("the page of series `{}`", s.title));
    }
    let first = urls.series_list();
    for n in 2..=pages_of(series.len()) {
        let what = format!("the list of series (page {n})");
        generated.insert(urls.listing_page(&first, n).url, what);
    }
    if !authors.is_empty() {
        generated.insert(urls.authors().url, "the list of authors".into());
    }
    for a in authors {
        let first = urls.author(&pages[a.page].slug);
        for n in 2..=pages_of(a.pages.len()) {
            let what = format!("page {n} of the publications of {}", a.profile.name);
            generated.insert(urls.listing_page(&first, n).url, what);
        }
    }
    generated.insert(urls.feed().url, "the feed".into());
    generated.insert(urls.sitemap().url, "the sitemap".into());
    generated.insert(urls.redirects().url, "the list of redirects".into());
    generated
}

/// " (page 3)" for a listing's further pages.
fn page_note(n: usize) -> String {
    match n {
        1 => String::new(),
        n => format!(" (page {n})"),
    }
}

/// Every alias is an address nothing else has: not a page's, not one the build generates,
/// not another alias (of this page or another). Returns the aliases that are, so no
/// redirect is made of one already reported. (Files the site has beside its pages, such as
/// citations, CSVs and assets, are checked with every output's path when rendering.)
pub(super) fn check_aliases(
    aliases: Vec<Alias>,
    pages: &[Page],
    generated: &HashMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Alias> {
    let by_url: HashMap<&str, PageId> = pages
        .iter()
        .enumerate()
        .map(|(id, p)| (p.url.as_str(), id))
        .collect();
    let mut seen: HashMap<String, PageId> = HashMap::new();
    let mut kept = Vec::with_capacity(aliases.len());
    for alias in aliases {
        let page = &pages[alias.page];
        let taken = if let Some(&other) = by_url.get(alias.url.as_str()) {
            Some(match other == alias.page {
                true => "this page's own address".to_string(),
                false => format!("the address of {}", pages[other].source().display),
            })
        } else if let Some(what) = generated.get(&alias.url) {
            Some(what.clone())
        } else if let Some(&first) = seen.get(alias.url.as_str()) {
            Some(match first == alias.page {
                true => "already one of this page's aliases".to_string(),
                false => format!("also an alias of {}", pages[first].source().display),
            })
        } else {
            seen.insert(alias.url.clone(), alias.page);
            None
        };
        if let Some(what) = taken {
            let path = [Step::Key("aliases".into()), Step::Index(alias.index)];
            diagnostics.push(
                Diagnostic::error(format!("the alias `{}` is {what}", alias.written))
                    .at(page.source(), page.front_span_at(&path, Target::Value))
                    .label("this address is taken")
                    .help("an alias is an old address that now redirects here: remove it, or give the old address it stands for"),
            );
        } else {
            kept.push(alias);
        }
    }
    kept
}

/// The files a page's `pdf` and `image` (a profile's `photo`) name exist under `content/assets/`.
pub(super) fn check_files(
    pages: &[Page],
    assets: &HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for page in pages {
        let front = &page.src.front;
        let photo = page.src.profile.as_ref().and_then(|p| p.photo.as_ref());
        for (key, value) in [
            ("pdf", front.pdf.as_ref()),
            ("image", front.image.as_ref()),
            ("photo", photo),
        ] {
            let Some(path) = value else { continue };
            let rel = path.trim_start_matches('/');
            if assets.contains(rel) {
                continue;
            }
            let what = match key {
                "pdf" => "the PDF",
                "photo" => "the photo",
                _ => "the image",
            };
            let close = did_you_mean(rel, assets.iter().map(String::as_str));
            let help = match close {
                Some(close) => format!("did you mean `{key}: /{close}`?"),
                None => "put the file in content/assets/ and write its path from the site's root, for example `/assets/report.pdf`".to_string(),
            };
            diagnostics.push(
                Diagnostic::error(format!("{what} `{path}` is not a file in content/assets/"))
                    .at(page.source(), page.front_span(key, Target::Value))
                    .label("no such file")
                    .help(help),
            );
        }
    }
}

/// No name in an address is longer than a file system allows ([`NAME_MAX`] bytes): a slug,
/// a topic's or series' slug, an alias. Found here, the problem is an error at the value that
/// made the name, for `check` as for `build`, rather than a failure to write the file.
pub(super) fn check_name_lengths(
    pages: &[Page],
    topics: &[Topic],
    series: &[Series],
    aliases: &[Alias],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for page in pages {
        if let Some(name) = overlong_name(&page.output) {
            diagnostics.push(overlong_slug(page, name));
        }
    }
    for topic in topics {
        if overlong_name(&topic.output).is_some() {
            diagnostics.push(overlong_topic(topic, pages));
        }
    }
    for s in series {
        if overlong_name(&s.output).is_some() {
            let page = &pages[s.parts[0]];
            diagnostics.push(
                Diagnostic::error(format!(
                    "the series `{}` makes a folder name of {} bytes, more than the {NAME_MAX} bytes a folder name may have",
                    shortened(&s.title),
                    s.slug.len()
                ))
                .at(page.source(), page.front_span("series", Target::Value))
                .label("too long for a folder name")
                .help("shorten the series title, in every part: a title of a few words makes a better address too"),
            );
        }
    }
    for alias in aliases {
        if let Some(name) = overlong_name(&alias.output) {
            let page = &pages[alias.page];
            let path = [Step::Key("aliases".into()), Step::Index(alias.index)];
            diagnostics.push(
                Diagnostic::error(format!(
                    "the alias `{}` has a name of {} bytes, more than the {NAME_MAX} bytes a file or folder name may have",
                    shortened(&alias.written),
                    name.len()
                ))
                .at(page.source(), page.front_span_at(&path, Target::Value))
                .label("too long for a file name")
                .help("an alias is an old address of this page: check it was copied whole, or remove it"),
            );
        }
    }
}

/// The error for a page whose slug (given, or made from its file name) is too long for a
/// folder name.
fn overlong_slug(page: &Page, name: &str) -> Diagnostic {
    let suggestion = format!("for example `slug: {}`", short_slug(name));
    let d = match page.src.front.slug.is_some() {
        true => Diagnostic::error(format!(
            "the slug is {} bytes long, more than the {NAME_MAX} bytes a folder name may have",
            name.len()
        ))
        .at(page.source(), page.front_span("slug", Target::Value))
        .help(format!("a slug of a few words makes a better address too: {suggestion}")),
        false => Diagnostic::error(format!(
            "this page's slug, made from its file name, is {} bytes long, more than the {NAME_MAX} bytes a folder name may have",
            name.len()
        ))
        .at(page.source(), page.front_span(page.title_key(), Target::Key))
        .help(format!("give the page a shorter `slug`, {suggestion}, or a shorter file name")),
    };
    d.label("too long for a folder name")
}

/// The error for a topic whose slug is too long for a folder name, at the first page that
/// names it.
fn overlong_topic(topic: &Topic, pages: &[Page]) -> Diagnostic {
    let naming = |page: &Page| {
        let names = page.src.front.topics.iter();
        names
            .map(|name| slugify(name))
            .position(|slug| slug == topic.slug)
    };
    let (page, index) = (topic.pages.iter())
        .map(|&id| &pages[id])
        .filter_map(|page| Some((page, naming(page)?)))
        .min_by(|a, b| a.0.src.rel.cmp(&b.0.src.rel))
        .expect("a topic is named by its pages");
    let others = match topic.pages.len() - 1 {
        0 => String::new(),
        1 => " (another page names it too)".to_string(),
        n => format!(" ({} name it too)", count(n, "other page", "other pages")),
    };
    Diagnostic::error(format!(
        "the topic `{}` makes a folder name of {} bytes, more than the {NAME_MAX} bytes a folder name may have",
        shortened(&topic.name),
        topic.slug.len()
    ))
    .at(page.source(), page.front_span_at(&[Step::Key("topics".into()), Step::Index(index)], Target::Value))
    .label("too long for a folder name")
    .help(format!("shorten the topic's name{others}: a topic of a few words, such as `Teacher leaders`, makes a better address too"))
}

/// The first 40 characters of `text`, with `…` when there are more: enough to recognise a
/// name of hundreds.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A slug of at most 60 bytes from a longer one (slugs are ASCII), cut between words where
/// it can be.
fn short_slug(slug: &str) -> &str {
    let cut = &slug[..60.min(slug.len())];
    let whole_words = slug.as_bytes().get(cut.len()).is_none_or(|&b| b == b'-');
    match cut.rfind('-') {
        Some(at) if at > 0 && !whole_words => &cut[..at],
        _ => cut.trim_end_matches('-'),
    }
}
