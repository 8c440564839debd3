//! The related publications editors choose (`related` in front matter): each must be a
//! published publication other than the page itself, named once, checked as a link is.

use super::links::{Link, resolve_page_path};
use super::{PageId, Site};
use crate::diagnostics::Diagnostic;
use crate::yaml::{Step, Target};

/// Resolves every page's `related`, reporting each entry that is not a publication of
/// this build at its line.
pub(super) fn chosen_by_editors(site: &mut Site, diagnostics: &mut Vec<Diagnostic>) {
    let chosen: Vec<(PageId, Vec<PageId>)> = (0..site.pages.len())
        .filter_map(|id| Some((id, resolve(site, id, diagnostics)?)))
        .collect();
    for (id, related) in chosen {
        site.pages[id].related = Some(related);
    }
}

/// One page's `related`, or `None` when it names none; entries in error are left out.
fn resolve(site: &Site, id: PageId, diagnostics: &mut Vec<Diagnostic>) -> Option<Vec<PageId>> {
    let page = &site.pages[id];
    let entries = page.src.front.related.as_ref()?;
    let dir = page.src.rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut related = Vec::with_capacity(entries.len());
    for entry in entries {
        let span = page.front_span_at(
            &[Step::Key("related".into()), Step::Index(entry.index)],
            Target::Value,
        );
        let error = |message: String, help: &str| {
            Diagnostic::error(message)
                .at(page.source(), span.clone())
                .help(help.to_string())
        };
        let written = &entry.written;
        let found = match resolve_page_path(site, dir, written, "related publication") {
            Ok(Link::Page { id: found, .. }) => found,
            Ok(_) => {
                diagnostics.push(error(
                    format!("the related publication `{written}` is not a publication"),
                    "name a brief, report, case study, insight or post by its .md file, for example `../briefs/partnership.md`",
                ));
                continue;
            }
            Err(failure) => {
                let help = failure.help.unwrap_or_default();
                diagnostics
                    .push(error(failure.message, &help).label("not a publication of this build"));
                continue;
            }
        };
        let target = &site.pages[found];
        let problem = if found == id {
            Some((
                format!("`{written}` is this page itself"),
                "name other publications: readers are on this one already",
            ))
        } else if !target.kind.is_publication() {
            Some((
                format!("the related publication `{written}` is a page, not a publication"),
                "name a brief, report, case study, insight or post",
            ))
        } else if related.contains(&found) {
            Some((
                format!("`{written}` is named twice in `related`"),
                "remove one of them",
            ))
        } else {
            None
        };
        match problem {
            Some((message, help)) => diagnostics.push(error(message, help)),
            None => related.push(found),
        }
    }
    Some(related)
}
