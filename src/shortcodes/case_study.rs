//! `{{ case_study(id="oakland-site-grants") }}`: "The View from the Field" box, linking to the
//! case study; with `full=true`, the case study's whole body, embedded in the page.
//!
//! An embedded body becomes part of the host page's markdown: its headings sit one level
//! below the host's, its endnotes join the host's (their labels are prefixed with the case's
//! id so they cannot collide), and its links resolve from the case study's own folder.

use super::{Call, CallError, Embed, Env, Expansion, Form, Param, ParamType, Shortcode, expand};
use crate::diagnostics::{did_you_mean, one_of};
use crate::kind::Kind;
use crate::resolve::{LinkTarget, PageId};
use serde::Serialize;
use std::borrow::Cow;

pub struct CaseStudy;

const PARAMS: &[Param] = &[
    Param {
        name: Cow::Borrowed("id"),
        ty: ParamType::Text,
        required: true,
    },
    Param {
        name: Cow::Borrowed("full"),
        ty: ParamType::Bool,
        required: false,
    },
];

#[derive(Serialize)]
struct CaseCtx {
    title: String,
    subtitle: Option<String>,
    district: Option<String>,
    region: Option<String>,
    summary: String,
    url: String,
}

impl Shortcode for CaseStudy {
    fn name(&self) -> &str {
        "case_study"
    }
    fn form(&self) -> Form {
        Form::Inline
    }
    fn params(&self) -> &[Param] {
        PARAMS
    }

    fn render(&self, call: &Call, env: &mut Env) -> Result<Expansion, CallError> {
        let slug = call.text("id").unwrap_or_default();
        let full = call.bool("full").unwrap_or(false);
        let site = env.site;
        let Some(target) = site.case_study(slug) else {
            return Err(missing(call, env, slug));
        };
        if env.embedding.contains(&target) {
            return Err(cycle(call, env, target));
        }
        let page = &site.pages[target];
        env.case_studies.push(page.src.rel.clone());
        env.files.insert(page.source().display.clone());

        let front = &page.src.front;
        let body = &page.src.source.text[page.src.split.body.clone()];
        let case = CaseCtx {
            title: front.title.clone(),
            subtitle: front.subtitle.clone(),
            district: front.district.clone(),
            region: front.region.clone(),
            summary: crate::summary::summary(
                front.summary.as_deref(),
                summary_text(body).as_deref(),
            ),
            url: page.url.clone(),
        };
        let mut context = tera::Context::new();
        context.insert("case", &case);
        context.insert("full", &full);
        context.insert("id", &env.ids.allocate(&format!("case-{slug}")));
        if !full {
            return env
                .render_template("shortcodes/case_study.html", &context)
                .map(Expansion::Html);
        }

        // Embed the whole body, its own shortcodes expanded. Its problems are reported when
        // the case study's own page is rendered, so they are not collected here.
        let renamed = prefix_footnote_labels(body, slug);
        // The box's title goes one level below the heading it stands under, and the case's
        // `##` headings one below that.
        let level = (section_level(call.before) + env.shift + 1).min(6);
        context.insert("level", &level);
        let outer_shift = std::mem::replace(&mut env.shift, level - 1);
        env.embedding.push(target);
        let mut ignored = Vec::new();
        let inner = expand(
            &renamed,
            page.src.split.body.start,
            page.source(),
            env.registry,
            env,
            &mut ignored,
        )
        .into_owned();
        env.embedding.pop();
        env.shift = outer_shift;
        if env.cycle.is_some() {
            let chain = if env.embedding.len() <= 1 {
                env.cycle.take()
            } else {
                env.cycle.clone()
            };
            return Err(CallError::new(format!(
                "case studies embed each other in a cycle: {}",
                chain.unwrap_or_default().join(" → ")
            ))
            .at(call.span_of("id"))
            .help("embed one of them with `full=false` (a box with a link), or remove one of the embeddings"));
        }
        context.insert("body", super::BODY_MARKER);
        let html = env.render_template("shortcodes/case_study.html", &context)?;
        let dir = page
            .src
            .rel
            .rsplit_once('/')
            .map(|(d, _)| d)
            .unwrap_or("")
            .to_string();
        Ok(Expansion::Embed(Embed {
            html,
            markdown: inner,
            dir,
            shift: level - 1,
        }))
    }
}

/// The level of the last heading in `markdown` (1, the page title's, when there is none):
/// what a box placed after it stands under.
fn section_level(markdown: &str) -> u8 {
    let mut level = 1;
    for (event, _) in crate::dialect::parse(markdown) {
        if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading { level: l, .. }) = event {
            level = l as u8;
        }
    }
    level
}

/// The error for a case study that is, directly or through others, embedding itself.
fn cycle(call: &Call, env: &mut Env, target: PageId) -> CallError {
    let site = env.site;
    if env.embedding.len() <= 1 {
        return CallError::new(format!(
            "a case study cannot embed itself: `{}` is this page",
            call.text("id").unwrap_or_default()
        ))
        .at(call.span_of("id"))
        .help("remove the shortcode, or embed another case study");
    }
    let start = env.embedding.iter().position(|&p| p == target).unwrap_or(0);
    let mut chain: Vec<String> = env.embedding[start..]
        .iter()
        .map(|&p| site.pages[p].source().display.clone())
        .collect();
    chain.push(site.pages[target].source().display.clone());
    env.cycle = Some(chain);
    CallError::new("case study cycle").at(call.span_of("id"))
}

fn missing(call: &Call, env: &Env, slug: &str) -> CallError {
    let site = env.site;
    let span = call.span_of("id");
    if let LinkTarget::Draft = site.lookup(&format!("case-studies/{slug}.md")) {
        return CallError::new(format!(
            "the case study `{slug}` is a draft, which this build leaves out"
        ))
        .at(span)
        .help("publish it (remove `draft: true`), build with --drafts, or remove the shortcode");
    }
    if let Some(date) = site.scheduled_case_study(slug) {
        return CallError::new(format!(
            "the case study `{slug}` is scheduled for {date}, which this build holds back"
        ))
        .at(span)
        .help("show it on or after that day (serve and watch publish it then), or build with --future to include it now");
    }
    let slugs: Vec<&str> = site
        .pages
        .iter()
        .filter(|p| p.kind == Kind::CaseStudy)
        .map(|p| p.slug.as_str())
        .collect();
    let failure = CallError::new(format!("there is no case study `{slug}`")).at(span);
    match (did_you_mean(slug, slugs.iter().copied()), slugs.is_empty()) {
        (_, true) => failure.help("case studies live in content/case-studies/; `id` is a case study's slug (its file name without .md)"),
        (Some(close), _) => failure.help(format!("did you mean `{close}`?")),
        (None, _) => failure.help(format!("the case studies are {}", one_of(&slugs))),
    }
}

/// Prefixes every endnote label (`[^1]`, `[^1]:`) so an embedded body's endnotes cannot
/// collide with the host page's.
fn prefix_footnote_labels(body: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(body.len() + 32);
    let mut rest = body;
    while let Some(i) = rest.find("[^") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(']')
            && !rest[..end].is_empty()
            && !rest[..end].contains(char::is_whitespace)
        {
            out.push_str(prefix);
            out.push_str("--");
        }
    }
    out.push_str(rest);
    out
}

/// The text a case study's summary is cut from (its summary box, or else its first paragraph
/// of running text), by the rule every summary follows (see [`crate::summary::summary_text`]):
/// its shortcodes are not expanded here, so their tags are left out of the text and their
/// bodies are boxes.
fn summary_text(body: &str) -> Option<String> {
    let (tags, _) = super::parse::scan(body, &super::code_ranges(body));
    let spans: Vec<std::ops::Range<usize>> = tags.iter().map(|t| t.span.clone()).collect();
    let (mut boxes, mut summaries) = (Vec::new(), Vec::new());
    let mut open = Vec::new();
    for tag in &tags {
        match tag.kind {
            super::parse::TagKind::Open => open.push(tag),
            super::parse::TagKind::End => {
                if let Some(opening) = open.pop() {
                    boxes.push(opening.span.start..tag.span.end);
                    if opening.name == super::SUMMARY_BOX {
                        summaries.push(opening.span.end..tag.span.start);
                    }
                }
            }
            super::parse::TagKind::Inline => {}
        }
    }
    crate::summary::summary_text(body, &spans, &boxes, &summaries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footnote_labels_are_prefixed() {
        assert_eq!(
            prefix_footnote_labels(
                "A.[^1] B.[^note]\n\n[^1]: One.\n[^note]: Two. [^ not a label]",
                "oak"
            ),
            "A.[^oak--1] B.[^oak--note]\n\n[^oak--1]: One.\n[^oak--note]: Two. [^ not a label]"
        );
    }

    #[test]
    fn first_paragraph_skips_shortcodes_boxes_lists_and_images() {
        assert_eq!(
            summary_text("{% summary() %}\n\nReal *text* here.\n").as_deref(),
            Some("Real text here.")
        );
        // The same rule as a page's card: boxes, lists, quotations and images' descriptions
        // are not running text; inline shortcodes are left out of it.
        let body = "{% sidebar(title=\"Aside\") %}\nBoxed.\n{% end %}\n\n- a loose\n\n- list\n\n> Quoted.\n\n![A chart](../assets/x.png)\n\n{{ figure(data=\"t\") }}\n\nThe opening, with {{ figure(data=\"t\") }} inside.\n";
        assert_eq!(
            summary_text(body).as_deref(),
            Some("The opening, with inside.")
        );
    }

    #[test]
    fn text_beside_a_tag_keeps_its_quotes_and_the_box_leaves_tags_out() {
        // Smartened with its neighbours, `'s` closes; alone it would open: still kept.
        assert_eq!(
            summary_text("*Oak*'s program {{ figure(data=\"t\") }} grew.\n").as_deref(),
            Some("Oak’s program grew.")
        );
        assert_eq!(
            summary_text("{% summary() %}\nSee {{ figure(data=\"t\") }} now.\n{% end %}\n")
                .as_deref(),
            Some("See now.")
        );
    }
}
