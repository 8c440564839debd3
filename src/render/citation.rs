//! How a publication is cited: the APA reference shown on its page, the Highwire Press
//! `citation_*` tags and JSON-LD that Google Scholar and citation managers read, and its
//! BibTeX and RIS files.

use crate::kind::Kind;
use crate::resolve::{Page, Site};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::HashSet;

/// Whether pages of this kind are publications (cited, with structured data).
pub fn is_publication(kind: Kind) -> bool {
    kind.is_publication()
}

/// What a publication's page shows and its `<head>` says about citing it.
#[derive(Serialize)]
pub struct Citation {
    /// The APA reference, in parts so that the title can be set in italics.
    pub apa: Apa,
    /// Highwire Press tags: (name, content).
    pub meta: Vec<(&'static str, String)>,
    /// The JSON-LD block, safe to put in a `<script>` element.
    pub json_ld: String,
    pub bib_url: String,
    pub ris_url: String,
    /// `https://doi.org/<doi>`, when the publication has a DOI.
    pub doi_url: Option<String>,
    /// The PDF edition's absolute URL.
    pub pdf_url: Option<String>,
}

/// An APA 7 reference: `Authors. (Date). Title. Publisher. Link`, or without `Publisher.`
/// when the publisher is the author.
#[derive(Serialize)]
pub struct Apa {
    pub authors: String,
    /// The same authors one by one, each linked to their profile if they have one; empty
    /// when the publisher is the author.
    pub people: Vec<ApaPerson>,
    pub date: String,
    pub title: String,
    /// `.` after the title, unless it ends with its own `?` or `!`.
    pub title_stop: &'static str,
    /// None when the publisher is the author.
    pub publisher: Option<String>,
    pub link: String,
}

/// One author of an APA reference: `Fong, P. M.`, the profile it links to, and what follows
/// it (`, `, `, & ` or the final full stop).
#[derive(Serialize)]
pub struct ApaPerson {
    pub name: String,
    pub url: Option<String>,
    pub after: &'static str,
}

/// The citation of the publication `page` (see [`is_publication`]), described by `summary`
/// (the page's summary, from its front matter, summary box or first paragraph). `edition` is
/// the root-relative URL of its generated PDF edition, when it has one; an editor's own `pdf`
/// takes precedence.
pub fn citation(site: &Site, page: &Page, summary: &str, edition: Option<&str>) -> Citation {
    let urls = site.urls();
    let address = crate::urls::Address {
        url: page.url.clone(),
        output: page.output.clone(),
    };
    let front = &page.src.front;
    let permalink = site.config.absolute(&page.url);
    let doi_url = front
        .doi
        .as_ref()
        .map(|doi| format!("https://doi.org/{doi}"));
    let pdf_url = match &front.pdf {
        Some(pdf) => Some(
            site.config
                .absolute(&urls.static_file(pdf.trim_start_matches('/'))),
        ),
        None => edition.map(|url| site.config.absolute(url)),
    };
    Citation {
        apa: apa(site, page, doi_url.as_deref().unwrap_or(&permalink)),
        meta: highwire(site, page, pdf_url.as_deref()),
        json_ld: json_ld(site, page, &permalink, summary),
        bib_url: urls.citation(&address, "bib").url,
        ris_url: urls.citation(&address, "ris").url,
        doi_url,
        pdf_url,
    }
}

/// The APA reference of the publication `page` as plain text, linked to its DOI or else its
/// address: what the PDF edition's "Cite this" says.
pub fn apa_text(site: &Site, page: &Page) -> String {
    let link = match &page.src.front.doi {
        Some(doi) => format!("https://doi.org/{doi}"),
        None => site.config.absolute(&page.url),
    };
    let a = apa(site, page, &link);
    let publisher = a.publisher.map(|p| format!(" {p}.")).unwrap_or_default();
    format!(
        "{} ({}). {}{}{publisher} {}",
        a.authors, a.date, a.title, a.title_stop, a.link
    )
}

/// The people a publication credits: its `authors`, or none when it is the publisher's own
/// work (no authors, or the publisher as its only author), which is then cited as a group
/// author, the publisher.
fn people<'a>(site: &Site, page: &'a Page) -> &'a [String] {
    match page.src.front.authors.as_slice() {
        [one] if one.trim() == site.config.publisher => &[],
        names => names,
    }
}

fn apa(site: &Site, page: &Page, link: &str) -> Apa {
    let front = &page.src.front;
    let people = people(site, page);
    let mut authors = match people {
        [] => site.config.publisher.clone(),
        names => apa_names(names),
    };
    // The author element ends with a full stop (`Fong, P.`; `WestEd.`).
    if !authors.ends_with('.') {
        authors.push('.');
    }
    let date = match (front.date, page.kind) {
        (Some(d), Kind::Post) => d.strftime("%Y, %B %-d").to_string(),
        (Some(d), _) => d.year().to_string(),
        (None, _) => "n.d.".to_string(),
    };
    let title = full_title(page);
    let title_stop = match title.ends_with(['?', '!']) {
        true => "",
        false => ".",
    };
    Apa {
        authors,
        people: apa_people(site, people),
        date,
        title_stop,
        title,
        // APA 7 (9.24): a group author that is also the publisher is not named again.
        publisher: (!people.is_empty()).then(|| site.config.publisher.clone()),
        link: link.to_string(),
    }
}

/// The title a citation gives: with the subtitle after a colon, as APA and the citation
/// managers write it (`Increasing district capacity…: It begins with a partnership`).
fn full_title(page: &Page) -> String {
    let front = &page.src.front;
    match &front.subtitle {
        Some(sub) if front.title.ends_with(['?', '!', ':']) => format!("{} {sub}", front.title),
        Some(sub) => format!("{}: {sub}", front.title),
        None => front.title.clone(),
    }
}

/// Authors as APA lists them: `Fong, P. M.`, two joined by `&`, more by commas with `&`
/// before the last.
fn apa_names(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| apa_name(n)).collect();
    match names.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a}, & {b}"),
        [rest @ .., last] => format!("{}, & {last}", rest.join(", ")),
        [] => String::new(),
    }
}

/// Each author as [`apa_names`] lists them, with what follows each and the profile it links to.
fn apa_people(site: &Site, names: &[String]) -> Vec<ApaPerson> {
    let count = names.len();
    (names.iter().enumerate())
        .map(|(i, name)| {
            let written = apa_name(name);
            let after = match count - i {
                1 if written.ends_with('.') => "",
                1 => ".",
                2 => ", & ",
                _ => ", ",
            };
            ApaPerson {
                url: site
                    .author_named(name)
                    .map(|a| site.pages[a.page].url.clone()),
                name: written,
                after,
            }
        })
        .collect()
}

/// `Pamela M. Fong` → `Fong, P. M.`; a single name stays as it is (an organisation).
fn apa_name(name: &str) -> String {
    let (given, family) = split_name(name);
    if given.is_empty() {
        return family.to_string();
    }
    let initials: Vec<String> = given
        .split_whitespace()
        .map(|part| {
            part.split('-')
                .filter_map(|p| p.chars().next())
                .map(|c| format!("{c}."))
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    format!("{family}, {}", initials.join(" "))
}

/// A name's given names and family name: the last word is the family name.
fn split_name(name: &str) -> (&str, &str) {
    let name = name.trim();
    match name.rsplit_once(char::is_whitespace) {
        Some((given, family)) => (given.trim(), family),
        None => ("", name),
    }
}

/// Highwire Press tags, as Google Scholar reads them.
fn highwire(site: &Site, page: &Page, pdf_url: Option<&str>) -> Vec<(&'static str, String)> {
    let front = &page.src.front;
    let mut meta = vec![("citation_title", full_title(page))];
    for author in people(site, page) {
        let (given, family) = split_name(author);
        let name = match given.is_empty() {
            true => family.to_string(),
            false => format!("{family}, {given}"),
        };
        meta.push(("citation_author", name));
    }
    if let Some(date) = front.date {
        meta.push((
            "citation_publication_date",
            date.strftime("%Y/%m/%d").to_string(),
        ));
    }
    let publisher = match page.kind {
        Kind::Report => "citation_technical_report_institution",
        _ => "citation_publisher",
    };
    meta.push((publisher, site.config.publisher.clone()));
    if let Some(pdf) = pdf_url {
        meta.push(("citation_pdf_url", pdf.to_string()));
    }
    if let Some(doi) = &front.doi {
        meta.push(("citation_doi", doi.clone()));
    }
    meta.push(("citation_language", site.config.language.clone()));
    meta.push((
        "citation_abstract_html_url",
        site.config.absolute(&page.url),
    ));
    meta
}

/// The schema.org type of a publication.
pub fn schema_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Brief | Kind::Insight => "ScholarlyArticle",
        Kind::Report => "Report",
        Kind::CaseStudy => "Article",
        Kind::Post => "BlogPosting",
        Kind::Page => "WebPage",
        Kind::Author => "ProfilePage",
    }
}

/// One JSON-LD object: type, headline, dates, authors, publisher, description, keywords,
/// URL and (with a DOI) identifier. `<`, `>` and `&` are written as JSON escapes, so the
/// block can neither end the `<script>` element it is in nor read as markup.
fn json_ld(site: &Site, page: &Page, permalink: &str, summary: &str) -> String {
    let front = &page.src.front;
    let topics: Vec<&str> = page
        .topics
        .iter()
        .map(|&t| site.topics[t].name.as_str())
        .collect();
    let date = |d: Option<Date>| d.map(|d| d.to_string());
    let publisher = Agent {
        kind: "Organization",
        name: &site.config.publisher,
        url: None,
        same_as: None,
    };
    let people = people(site, page);
    let author = match people.is_empty() {
        true => vec![publisher.clone()],
        false => (people.iter()).map(|name| person(site, name)).collect(),
    };
    let object = JsonLd {
        context: "https://schema.org",
        kind: schema_type(page.kind),
        headline: &front.title,
        alternative_headline: front.subtitle.as_deref(),
        name: &front.title,
        description: Some(summary).filter(|s| !s.is_empty()),
        url: permalink,
        main_entity_of_page: permalink,
        date_published: date(front.date),
        date_modified: date(front.updated.or(front.date)),
        in_language: &site.config.language,
        author,
        publisher,
        keywords: Some(topics.join(", ")).filter(|k| !k.is_empty()),
        identifier: front.doi.as_deref().map(|doi| Identifier {
            kind: "PropertyValue",
            property_id: "DOI",
            value: doi,
            url: format!("https://doi.org/{doi}"),
        }),
    };
    script_safe(&serde_json::to_string(&object).expect("JSON serializes"))
}

/// The JSON-LD object: schema.org's names, in the order a reader of the source expects.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    alternative_headline: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    url: &'a str,
    main_entity_of_page: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    in_language: &'a str,
    author: Vec<Agent<'a>>,
    publisher: Agent<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<Identifier<'a>>,
}

/// A person or an organization.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Agent<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    /// A person's profile on this site, absolute.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// Their ORCID record.
    #[serde(skip_serializing_if = "Option::is_none")]
    same_as: Option<String>,
}

/// An author as JSON-LD names them: with their profile and ORCID record, if they have them.
fn person<'a>(site: &Site, name: &'a str) -> Agent<'a> {
    let author = site.author_named(name);
    Agent {
        kind: "Person",
        name,
        url: author.map(|a| site.config.absolute(&site.pages[a.page].url)),
        same_as: author.and_then(|a| a.profile.orcid_url()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Identifier<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "propertyID")]
    property_id: &'static str,
    value: &'a str,
    url: String,
}

/// JSON made safe inside a `<script>` element: `<`, `>` and `&` (which can only be in its
/// strings) as `\u` escapes, so no text can close the element or start a comment.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    let mut rest = json;
    // Copied in runs between the three characters (ASCII, so byte positions are boundaries).
    while let Some(at) = rest.find(['<', '>', '&']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// What the citation files say about a publication: plain text, before either file format's
/// rules are applied to it.
struct Reference<'a> {
    kind: Kind,
    /// The page's slug, which starts the BibTeX key.
    slug: &'a str,
    title: String,
    authors: &'a [String],
    date: Option<Date>,
    publisher: &'a str,
    summary: &'a str,
    topics: Vec<&'a str>,
    url: String,
    doi: Option<&'a str>,
    language: &'a str,
}

impl<'a> Reference<'a> {
    fn of(site: &'a Site, page: &'a Page, summary: &'a str) -> Reference<'a> {
        let front = &page.src.front;
        Reference {
            kind: page.kind,
            slug: &page.slug,
            title: full_title(page),
            authors: people(site, page),
            date: front.date,
            publisher: &site.config.publisher,
            summary,
            topics: (page.topics.iter())
                .map(|&t| site.topics[t].name.as_str())
                .collect(),
            url: site.config.absolute(&page.url),
            doi: front.doi.as_deref(),
            language: &site.config.language,
        }
    }
}

/// The publication as BibTeX: `@techreport` for reports, `@article` for briefs, insights
/// and case studies, `@misc` for posts. Each value is on one line, in braces that only its
/// own end closes, whatever the text (see [`tex_text`] and [`verbatim`]).
pub fn bibtex(site: &Site, page: &Page) -> String {
    bibtex_of(&Reference::of(site, page, ""))
}

fn bibtex_of(r: &Reference) -> String {
    let (entry, publisher_field) = match r.kind {
        Kind::Report => ("techreport", "institution"),
        Kind::Post => ("misc", "publisher"),
        _ => ("article", "publisher"),
    };
    let year = r.date.map(|d| d.year().to_string()).unwrap_or_default();
    let key: String = (r.slug.chars().filter(char::is_ascii_alphanumeric))
        .chain(year.chars())
        .collect();
    let mut fields: Vec<(&str, String)> = vec![("title", braced(&tex_text(&r.title)))];
    let names: Vec<String> = (r.authors.iter())
        .map(|name| one_line(name))
        .filter(|name| !name.is_empty())
        .map(|name| bib_name(&name))
        .collect();
    if !names.is_empty() {
        fields.push(("author", braced(&names.join(" and "))));
    }
    if matches!(r.kind, Kind::Brief | Kind::Insight | Kind::CaseStudy) {
        fields.push(("journal", braced(&tex_text(r.kind.label()))));
    }
    fields.push((publisher_field, braced(&tex_text(r.publisher))));
    if let Some(date) = r.date {
        fields.push(("year", braced(&year)));
        fields.push(("month", month_abbreviation(date).to_string()));
    }
    fields.push(("url", braced(&verbatim(&r.url))));
    if let Some(doi) = r.doi {
        fields.push(("doi", braced(&verbatim(doi))));
    }
    let mut out = format!("@{entry}{{{key},\n");
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {value},\n"));
    }
    out.push_str("}\n");
    out
}

/// BibTeX month macros (`jan`, `feb`…).
fn month_abbreviation(date: Date) -> &'static str {
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ][date.month() as usize - 1]
}

fn braced(value: &str) -> String {
    format!("{{{value}}}")
}

/// A person in BibTeX's `Family, Given` form; a one-word name (an organisation) in braces,
/// so that BibTeX does not look for given names in it.
fn bib_name(name: &str) -> String {
    match split_name(name) {
        ("", family) => braced(&tex_text(family)),
        (given, family) => format!("{}, {}", name_part(family), name_part(given)),
    }
}

/// Part of a person's name: BibTeX would take a comma in it to start another part, and a
/// word `and` (in any case) to start another person, so those are kept in braces.
fn name_part(text: &str) -> String {
    let words = tex_text(text);
    let words: Vec<String> = (words.split(' '))
        .map(|word| match word.eq_ignore_ascii_case("and") {
            true => braced(word),
            false => word.replace(',', "{,}"),
        })
        .collect();
    words.join(" ")
}

/// Text as it goes inside a BibTeX field's braces, for LaTeX to print as written.
///
/// BibTeX ends a braced field at the brace that brings its count back to zero, and counts
/// every brace: a backslash does not hide one from it (`\}` closes the field). So a brace
/// that has its partner in the text is written `\{` or `\}` (the pair leaves the count as it
/// was) and one without a partner as `{\textbraceleft}` or `{\textbraceright}`, braces
/// around a command being BibTeX's way of writing one character. A backslash is
/// `{\textbackslash}`, so it cannot take the next character with it; TeX's other special
/// characters are escaped (`%` would end the line for LaTeX, `#` and `&` are not text to it);
/// and `{}` goes between two characters TeX would print as another (`--` as a dash, `''` as
/// a quotation mark). `@` needs nothing: inside braces it starts no entry.
fn tex_text(text: &str) -> String {
    let text = one_line(text);
    let paired = paired_braces(&text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous = None;
    for (at, c) in text.char_indices() {
        if previous.is_some_and(|p| is_ligature(p, c)) {
            out.push_str("{}");
        }
        match c {
            '{' | '}' if paired.contains(&at) => {
                out.push('\\');
                out.push(c);
            }
            '{' => out.push_str("{\\textbraceleft}"),
            '}' => out.push_str("{\\textbraceright}"),
            '\\' => out.push_str("{\\textbackslash}"),
            '~' => out.push_str("{\\textasciitilde}"),
            '^' => out.push_str("{\\textasciicircum}"),
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        previous = Some(c);
    }
    out
}

/// Where the braces of `text` that pair up are (byte offsets): each `}` with the nearest
/// `{` before it that is not paired yet.
fn paired_braces(text: &str) -> HashSet<usize> {
    let mut open = Vec::new();
    let mut paired = HashSet::new();
    for (at, c) in text.char_indices() {
        match c {
            '{' => open.push(at),
            '}' => {
                if let Some(start) = open.pop() {
                    paired.extend([start, at]);
                }
            }
            _ => {}
        }
    }
    paired
}

/// Whether TeX's fonts print `a` followed by `b` as one other character: `--` (–),
/// ` `` ` (“), `''` (”), `` !` `` (¡), `` ?` `` (¿), and with T1 fonts `,,` („), `<<` («),
/// `>>` (»).
fn is_ligature(a: char, b: char) -> bool {
    matches!(
        (a, b),
        ('-', '-')
            | ('`', '`')
            | ('\'', '\'')
            | ('!' | '?', '`')
            | (',', ',')
            | ('<', '<')
            | ('>', '>')
    )
}

/// A URL or DOI in a BibTeX field, which readers take as written, without TeX's escapes:
/// what could end the field or the line (a brace; a backslash, which some readers take as an
/// escape; white space and control characters) is percent-encoded, as in a URL. The build's
/// own addresses and the DOIs front matter accepts have none of these.
fn verbatim(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '{' | '}' | '\\') || c.is_whitespace() || c.is_control() {
            for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The publication as RIS (`TY` first, `ER` last), as reference managers import it, with
/// `summary` as its abstract: one record, whatever the text, each value on its tag's line.
pub fn ris(site: &Site, page: &Page, summary: &str) -> String {
    ris_of(&Reference::of(site, page, summary))
}

fn ris_of(r: &Reference) -> String {
    let ty = match r.kind {
        Kind::Report => "RPRT",
        Kind::Post => "BLOG",
        _ => "JOUR",
    };
    let mut lines: Vec<(&str, String)> = vec![("TY", ty.to_string()), ("TI", r.title.clone())];
    for author in r.authors {
        let author = one_line(author);
        let name = match split_name(&author) {
            ("", family) => family.to_string(),
            (given, family) => format!("{family}, {given}"),
        };
        lines.push(("AU", name));
    }
    if let Some(date) = r.date {
        lines.push(("PY", date.year().to_string()));
        lines.push(("DA", date.strftime("%Y/%m/%d/").to_string()));
    }
    if r.kind != Kind::Report && r.kind != Kind::Post {
        lines.push(("JO", r.kind.label().to_string()));
    }
    lines.push(("PB", r.publisher.to_string()));
    lines.push(("AB", r.summary.to_string()));
    for topic in &r.topics {
        lines.push(("KW", topic.to_string()));
    }
    lines.push(("UR", r.url.clone()));
    if let Some(doi) = r.doi {
        lines.push(("DO", doi.to_string()));
    }
    lines.push(("LA", r.language.to_string()));
    let mut out = String::new();
    for (tag, value) in lines {
        let value = one_line(&value);
        if !value.is_empty() {
            out.push_str(&format!("{tag}  - {value}\r\n"));
        }
    }
    out.push_str("ER  - \r\n");
    out
}

/// `text` on one line: each run of white space and control characters (line breaks of every
/// kind among them: `\n`, `\r`, NEL, U+2028, U+2029) is one space, and none is left at
/// either end. In RIS a line break would start a line with a tag of the text's choosing,
/// even another record.
fn one_line(text: &str) -> String {
    let words = text.split(|c: char| c.is_whitespace() || c.is_control());
    words
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cited_as_apa_writes_them() {
        assert_eq!(apa_name("Pamela Fong"), "Fong, P.");
        assert_eq!(apa_name("Pamela M. Fong"), "Fong, P. M.");
        assert_eq!(apa_name("Jean-Paul Sartre"), "Sartre, J.-P.");
        assert_eq!(apa_name("WestEd"), "WestEd");
        assert_eq!(apa_names(&["A B".into(), "C D".into()]), "B, A., & D, C.");
        assert_eq!(
            apa_names(&["A B".into(), "C D".into(), "E F".into()]),
            "B, A., D, C., & F, E."
        );
    }

    #[test]
    fn tex_specials_are_escaped_and_braces_never_end_the_field() {
        assert_eq!(tex_text("R&D: 50% {new}"), r"R\&D: 50\% \{new\}");
        assert_eq!(
            tex_text("a } b { c"),
            r"a {\textbraceright} b {\textbraceleft} c"
        );
        assert_eq!(tex_text("}{x}{"), r"{\textbraceright}\{x\}{\textbraceleft}");
        assert_eq!(tex_text(r"ends with \"), r"ends with {\textbackslash}");
        assert_eq!(
            tex_text("A--Z, ''q'' ~^"),
            r"A-{}-Z, '{}'q'{}' {\textasciitilde}{\textasciicircum}"
        );
        assert_eq!(tex_text("one\nline\u{2028}\r\n"), "one line");
        assert_eq!(name_part("Smith, and Jones"), "Smith{,} {and} Jones");
        assert_eq!(verbatim("10.5555/x},note={y"), "10.5555/x%7D,note=%7By");
    }

    #[test]
    fn a_doi_that_closes_its_field_adds_no_field() {
        let authors = ["Ann Lee".to_string()];
        let mut r = reference(Kind::Brief, "T", &authors);
        r.doi = Some("10.5555/x},note={INJECTED");
        let bib = bibtex_of(&r);
        let names: Vec<String> = bibtex_fields(&bib).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            ["title", "author", "journal", "publisher", "url", "doi"],
            "{bib}"
        );
    }

    /// A reference with these title and authors, and plain text elsewhere.
    fn reference<'a>(kind: Kind, title: &str, authors: &'a [String]) -> Reference<'a> {
        Reference {
            kind,
            slug: "a-brief",
            title: title.to_string(),
            authors,
            date: None,
            publisher: "WestEd",
            summary: "",
            topics: Vec::new(),
            url: "https://example.org/briefs/a-brief/".to_string(),
            doi: None,
            language: "en",
        }
    }

    /// The fields of a one-entry BibTeX file, read as BibTeX reads them: a braced value ends
    /// at the brace that brings the count back to zero, whatever comes before that brace
    /// (BibTeX has no escapes); a bare value is one word. Panics where the file is not one
    /// entry of fields, each followed by `,` or the entry's end.
    fn bibtex_fields(bib: &str) -> Vec<(String, String)> {
        let head_end = bib.find(",\n").expect("the entry's key");
        assert!(
            bib.starts_with('@') && bib[..head_end].contains('{'),
            "{bib}"
        );
        let mut rest = &bib[head_end + 1..];
        let mut fields = Vec::new();
        loop {
            rest = rest.trim_start_matches([' ', '\n']);
            if let Some(after) = rest.strip_prefix('}') {
                assert_eq!(after, "\n", "text after the entry:\n{bib}");
                return fields;
            }
            let (name, after) = rest.split_once(" = ").expect("a field");
            let name = name.trim();
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase()),
                "{name:?} is not a field name:\n{bib}"
            );
            let end = match after.strip_prefix('{') {
                Some(_) => {
                    let mut depth = 0;
                    let close = after.char_indices().find(|&(_, c)| {
                        depth += match c {
                            '{' => 1,
                            '}' => -1,
                            _ => 0,
                        };
                        depth == 0
                    });
                    close.expect("the field's closing brace").0 + 1
                }
                None => after.find(',').expect("a bare value's end"),
            };
            fields.push((name.to_string(), after[..end].to_string()));
            rest = after[end..]
                .strip_prefix(",\n")
                .unwrap_or_else(|| panic!("`{name}` ends before its `,`:\n{bib}"));
        }
    }

    /// Text that tries every way out of a field or a line: braces with and without
    /// backslashes, TeX's special characters and ligatures, `and`, every kind of line break,
    /// tags and fields of its own, and any other character.
    fn hostile() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "{",
            "}",
            "\\",
            "\\}",
            "\\{",
            "}{",
            "},note={INJECTED",
            "%",
            "#",
            "@",
            "&",
            "$",
            "_",
            "~",
            "^",
            "-",
            "--",
            "'",
            "`",
            "!",
            ",",
            "<",
            ">",
            " and ",
            " AND ",
            "=",
            "\"",
            "\n",
            "\r",
            "\r\n",
            "\u{2028}",
            "\u{2029}",
            "\u{85}",
            "\t",
            "\u{b}",
            "\u{c}",
            "\u{1e}",
            "\u{a0}",
            "\nER  - \r\nTY  - JOUR\r\nKW  - injected\n",
            " ",
            "a",
            "Fong",
            "é",
            "日本",
        ];
        let piece = prop_oneof![
            6 => proptest::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
            1 => "\\PC{0,6}",
        ];
        proptest::collection::vec(piece, 0..14).prop_map(|pieces| pieces.concat())
    }

    fn kind() -> impl Strategy<Value = Kind> {
        proptest::sample::select(Kind::SECTIONS.to_vec())
    }

    fn date() -> impl Strategy<Value = Option<Date>> {
        proptest::option::of(
            (1900i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap()),
        )
    }

    /// A DOI, valid or not: `10.5555/` and hostile text.
    fn doi() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(hostile().prop_map(|suffix| format!("10.5555/{suffix}")))
    }

    /// How `name` is written in the author field, as plain text.
    fn family_first(name: &str) -> String {
        match split_name(name) {
            ("", family) => family.to_string(),
            (given, family) => format!("{family}, {given}"),
        }
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn bibtex_has_the_fields_written_and_their_text_whatever_the_text(
            kind in kind(),
            date in date(),
            title in hostile(),
            authors in proptest::collection::vec(hostile(), 0..4),
            publisher in hostile(),
            doi in doi(),
        ) {
            let mut r = reference(kind, &title, &authors);
            r.date = date;
            r.publisher = &publisher;
            r.doi = doi.as_deref();
            let bib = bibtex_of(&r);

            let names: Vec<String> = (authors.iter())
                .map(|a| one_line(a))
                .filter(|a| !a.is_empty())
                .collect();
            let publisher_field = match kind {
                Kind::Report => "institution",
                _ => "publisher",
            };
            let mut expected = vec!["title"];
            expected.extend(Some("author").filter(|_| !names.is_empty()));
            expected.extend(
                Some("journal")
                    .filter(|_| matches!(kind, Kind::Brief | Kind::Insight | Kind::CaseStudy)),
            );
            expected.push(publisher_field);
            expected.extend(date.map(|_| ["year", "month"]).into_iter().flatten());
            expected.push("url");
            expected.extend(doi.as_ref().map(|_| "doi"));

            // As BibTeX counts braces.
            let fields = bibtex_fields(&bib);
            let written: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
            prop_assert_eq!(&written, &expected, "{}", bib);
            if let (Some(doi), Some((_, raw))) = (&doi, fields.iter().find(|(n, _)| n == "doi")) {
                let raw = &raw[1..raw.len() - 1];
                prop_assert!(
                    !raw.contains(|c: char| matches!(c, '{' | '}' | '\\') || c.is_whitespace() || c.is_control()),
                    "{}", bib
                );
                if crate::front_matter::is_doi(doi) {
                    prop_assert_eq!(raw, doi.as_str());
                }
            }

            // As a BibTeX library reads the file, TeX and all.
            let parsed = biblatex::Bibliography::parse(&bib)
                .map_err(|e| TestCaseError::fail(format!("{e:?}\n{bib}")))?;
            prop_assert_eq!(parsed.len(), 1, "{}", bib);
            let entry = parsed.iter().next().unwrap();
            let keys: HashSet<&str> = entry.fields.keys().map(String::as_str).collect();
            prop_assert_eq!(keys, expected.iter().copied().collect::<HashSet<_>>(), "{}", bib);
            let text = |name: &str| biblatex::ChunksExt::format_verbatim(entry.get(name).unwrap());
            prop_assert_eq!(text("title"), one_line(&title), "{}", bib);
            prop_assert_eq!(text(publisher_field), one_line(&publisher), "{}", bib);
            if !names.is_empty() {
                let plain: Vec<String> = names.iter().map(|n| family_first(n)).collect();
                prop_assert_eq!(text("author"), plain.join(" and "), "{}", bib);
                let people = entry.author().unwrap();
                prop_assert_eq!(people.len(), names.len(), "{}", bib);
                // Each name in its parts (the library reads `=` as biblatex's `family=…`).
                for (person, name) in people.iter().zip(&names).filter(|(_, n)| !n.contains('=')) {
                    let (given, family) = split_name(name);
                    prop_assert_eq!((&person.given_name[..], &person.name[..]), (given, family), "{}", bib);
                    prop_assert_eq!(&person.suffix, "", "{}", bib);
                }
            }
        }

        #[test]
        fn ris_is_one_record_of_known_tags_whatever_the_text(
            kind in kind(),
            date in date(),
            title in hostile(),
            authors in proptest::collection::vec(hostile(), 0..4),
            publisher in hostile(),
            summary in hostile(),
            topics in proptest::collection::vec(hostile(), 0..4),
            doi in doi(),
            language in hostile(),
        ) {
            let mut r = reference(kind, &title, &authors);
            r.date = date;
            r.publisher = &publisher;
            r.summary = &summary;
            r.topics = topics.iter().map(String::as_str).collect();
            r.doi = doi.as_deref();
            r.language = &language;
            let ris = ris_of(&r);

            const TAGS: &[&str] =
                &["TY", "TI", "AU", "PY", "DA", "JO", "PB", "AB", "KW", "UR", "DO", "LA", "ER"];
            let body = ris.strip_suffix("\r\n").expect("the last line ends with CR LF");
            let lines: Vec<(&str, &str)> = body
                .split("\r\n")
                .map(|line| line.split_once("  - ").unwrap_or((line, "")))
                .collect();
            for (tag, value) in &lines {
                prop_assert!(TAGS.contains(tag), "{:?} in {:?}", tag, ris);
                prop_assert!(
                    !value.contains(|c: char| c.is_control() || (c.is_whitespace() && c != ' ')),
                    "{:?} in {:?}", value, ris
                );
            }
            let tags: Vec<&str> = lines.iter().map(|(tag, _)| *tag).collect();
            prop_assert_eq!(tags.iter().filter(|&&t| t == "TY").count(), 1);
            prop_assert_eq!(tags.iter().filter(|&&t| t == "ER").count(), 1);
            prop_assert_eq!(tags.first(), Some(&"TY"));
            prop_assert_eq!(lines.last(), Some(&("ER", "")));
            let values = |tag: &str| -> Vec<&str> {
                lines.iter().filter(|(t, _)| *t == tag).map(|(_, v)| *v).collect()
            };
            let folded = |texts: &[String]| -> Vec<String> {
                texts.iter().map(|t| one_line(t)).filter(|t| !t.is_empty()).collect()
            };
            prop_assert_eq!(values("TI"), folded(std::slice::from_ref(&title)));
            prop_assert_eq!(values("AU").len(), folded(&authors).len());
            prop_assert_eq!(values("KW"), folded(&topics));
            prop_assert_eq!(values("PB"), folded(std::slice::from_ref(&publisher)));
        }
    }
}
