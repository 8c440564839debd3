//! How a publication is cited: the APA reference shown on its page, the Highwire Press
//! `citation_*` tags and JSON-LD that Google Scholar and citation managers read, and its
//! BibTeX and RIS files.

use crate::front_matter::Kind;
use crate::resolve::{Page, Site};
use jiff::civil::Date;
use serde::Serialize;

/// Whether pages of this kind are publications (cited, with structured data).
pub fn is_publication(kind: Kind) -> bool {
    kind != Kind::Page
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

/// An APA 7 reference: `Authors. (Date). Title. Publisher. Link`.
#[derive(Serialize)]
pub struct Apa {
    pub authors: String,
    pub date: String,
    pub title: String,
    /// `.` after the title, unless it ends with its own `?` or `!`.
    pub title_stop: &'static str,
    pub publisher: String,
    pub link: String,
}

/// The citation of the publication `page` (see [`is_publication`]), described by `summary`
/// (the page's summary, from its front matter, summary box or first paragraph).
pub fn citation(site: &Site, page: &Page, summary: &str) -> Citation {
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
    let pdf_url = front.pdf.as_ref().map(|pdf| {
        site.config
            .absolute(&urls.static_file(pdf.trim_start_matches('/')))
    });
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

fn apa(site: &Site, page: &Page, link: &str) -> Apa {
    let front = &page.src.front;
    let mut authors = match front.authors.as_slice() {
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
        date,
        title_stop,
        title,
        publisher: site.config.publisher.clone(),
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
    for author in &front.authors {
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
    };
    let author = match front.authors.is_empty() {
        true => vec![publisher.clone()],
        false => (front.authors.iter())
            .map(|name| Agent {
                kind: "Person",
                name,
            })
            .collect(),
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
struct Agent<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
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
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// The publication as BibTeX: `@techreport` for reports, `@article` for briefs, insights
/// and case studies, `@misc` for posts.
pub fn bibtex(site: &Site, page: &Page) -> String {
    let front = &page.src.front;
    let (entry, publisher_field) = match page.kind {
        Kind::Report => ("techreport", "institution"),
        Kind::Post => ("misc", "publisher"),
        _ => ("article", "publisher"),
    };
    let year = front.date.map(|d| d.year().to_string()).unwrap_or_default();
    let key = format!("{}{}", page.slug.replace('-', ""), year);
    let mut fields: Vec<(&str, String)> = vec![("title", braced(&full_title(page)))];
    if !front.authors.is_empty() {
        let names: Vec<String> = front
            .authors
            .iter()
            .map(|a| match split_name(a) {
                ("", family) => format!("{{{}}}", braced(family)),
                (given, family) => format!("{}, {}", braced(family), braced(given)),
            })
            .collect();
        fields.push(("author", names.join(" and ")));
    }
    if page.kind == Kind::Brief || page.kind == Kind::Insight || page.kind == Kind::CaseStudy {
        fields.push(("journal", braced(page.kind.label())));
    }
    fields.push((publisher_field, braced(&site.config.publisher)));
    if let Some(date) = front.date {
        fields.push(("year", year));
        fields.push(("month", month_abbreviation(date).to_string()));
    }
    fields.push(("url", site.config.absolute(&page.url)));
    if let Some(doi) = &front.doi {
        fields.push(("doi", doi.clone()));
    }
    let mut out = format!("@{entry}{{{key},\n");
    for (name, value) in fields {
        let value = match name {
            "month" => value,
            _ => format!("{{{value}}}"),
        };
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

/// Text safe inside BibTeX braces: TeX's special characters escaped, braces balanced.
fn braced(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '{' | '}' | '\\' => out.push_str(match c {
                '{' => "\\{",
                '}' => "\\}",
                _ => "\\textbackslash{}",
            }),
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The publication as RIS (`TY` first, `ER` last), as reference managers import it, with
/// `summary` as its abstract.
pub fn ris(site: &Site, page: &Page, summary: &str) -> String {
    let front = &page.src.front;
    let ty = match page.kind {
        Kind::Report => "RPRT",
        Kind::Post => "BLOG",
        _ => "JOUR",
    };
    let mut lines: Vec<(&str, String)> =
        vec![("TY", ty.to_string()), ("TI", one_line(&full_title(page)))];
    for author in &front.authors {
        let (given, family) = split_name(author);
        let name = match given.is_empty() {
            true => family.to_string(),
            false => format!("{family}, {given}"),
        };
        lines.push(("AU", name));
    }
    if let Some(date) = front.date {
        lines.push(("PY", date.year().to_string()));
        lines.push(("DA", date.strftime("%Y/%m/%d/").to_string()));
    }
    if page.kind != Kind::Report && page.kind != Kind::Post {
        lines.push(("JO", page.kind.label().to_string()));
    }
    lines.push(("PB", site.config.publisher.clone()));
    if !summary.is_empty() {
        lines.push(("AB", one_line(summary)));
    }
    for &t in &page.topics {
        lines.push(("KW", site.topics[t].name.clone()));
    }
    lines.push(("UR", site.config.absolute(&page.url)));
    if let Some(doi) = &front.doi {
        lines.push(("DO", doi.clone()));
    }
    lines.push(("LA", site.config.language.clone()));
    lines.push(("ER", String::new()));
    lines
        .into_iter()
        .map(|(tag, value)| format!("{tag}  - {value}\r\n"))
        .collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
    fn tex_specials_are_escaped() {
        assert_eq!(braced("R&D: 50% {new}"), "R\\&D: 50\\% \\{new\\}");
    }
}
