//! People with a profile (`content/authors/<slug>.md`) and what each wrote: a publication's
//! `authors` entry equal to a profile's `name` is that person. An entry close to a name but
//! not equal to it is a warning with the name it probably meant (see [`near`]).

use super::{Page, PageId};
use crate::diagnostics::Diagnostic;
use crate::kind::Kind;
use crate::profile::Profile;
use crate::yaml::{Step, Target};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// A person with a profile.
#[derive(Debug)]
pub struct Author {
    /// The profile's own page (its biography), at `/authors/<slug>/`.
    pub page: PageId,
    pub profile: Arc<Profile>,
    /// What the person wrote, newest first.
    pub pages: Vec<PageId>,
}

/// The people with a profile, sorted by family name (the last word of the name), then by
/// the whole name; and each by name. Two profiles of one name are an error at the second:
/// an entry of `authors` could not say which it means.
pub(super) fn authors(
    pages: &[Page],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Author>, FxHashMap<String, usize>) {
    let mut authors: Vec<Author> = Vec::new();
    let mut first_of_name: FxHashMap<&str, PageId> = FxHashMap::default();
    for (id, page) in pages.iter().enumerate() {
        let Some(profile) = &page.src.profile else {
            continue;
        };
        if profile.name.is_empty() {
            continue;
        }
        if let Some(&other) = first_of_name.get(profile.name.as_str()) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "two profiles have the name `{}`: this one and {}",
                    profile.name,
                    pages[other].source().display
                ))
                .at(page.source(), page.front_span("name", Target::Value))
                .label("the name of another profile")
                .help("a publication's `authors` entry names one person: keep one profile for each, or tell them apart (a middle initial)"),
            );
            continue;
        }
        first_of_name.insert(&profile.name, id);
        authors.push(Author {
            page: id,
            profile: profile.clone(),
            pages: Vec::new(),
        });
    }
    authors.sort_by_cached_key(|a| (sort_key(&a.profile.name), a.profile.name.clone()));
    let by_name: FxHashMap<String, usize> = (authors.iter().enumerate())
        .map(|(i, a)| (a.profile.name.clone(), i))
        .collect();
    for (id, page) in pages.iter().enumerate() {
        if page.kind == Kind::Author {
            continue;
        }
        let mut seen = Vec::new();
        for name in &page.src.front.authors {
            if let Some(&i) = by_name.get(name.as_str())
                && !seen.contains(&i)
            {
                seen.push(i);
                authors[i].pages.push(id);
            }
        }
    }
    for author in &mut authors {
        (author.pages).sort_by(|&a, &b| Page::newest_first(&pages[a], &pages[b]));
    }
    (authors, by_name)
}

/// Family name first, folded, for the list of people.
fn sort_key(name: &str) -> String {
    let folded = fold(name);
    match folded.rsplit_once(' ') {
        Some((given, family)) => format!("{family} {given}"),
        None => folded,
    }
}

/// A warning at each `authors` entry that is not a profile's name but is near one (see
/// [`near`]): a typo would otherwise leave the byline unlinked without a word.
pub(super) fn check_names(
    pages: &[Page],
    authors: &[Author],
    by_name: &FxHashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if authors.is_empty() {
        return;
    }
    let names: Vec<(&str, String)> = (authors.iter())
        .map(|a| (a.profile.name.as_str(), fold(&a.profile.name)))
        .collect();
    for page in pages.iter().filter(|p| p.kind != Kind::Author) {
        for (i, written) in page.src.front.authors.iter().enumerate() {
            if by_name.contains_key(written.as_str()) {
                continue;
            }
            let folded = fold(written);
            let Some((name, _)) = names.iter().find(|(_, n)| near(&folded, n)) else {
                continue;
            };
            let profile = &pages[authors[by_name[*name]].page];
            let path = [Step::Key("authors".into()), Step::Index(i)];
            diagnostics.push(
                Diagnostic::warning(format!(
                    "the author `{written}` has no profile, but `{name}` ({}) does",
                    profile.source().display
                ))
                .at(page.source(), page.front_span_at(&path, Target::Value))
                .label("not linked to a profile")
                .help(format!("did you mean \"{name}\"? An author links to a profile only when written exactly as its `name`")),
            );
        }
    }
}

/// A name as compared: letters in ASCII (`Gutiérrez` → `gutierrez`), lower case, full stops
/// and commas left out, spaces and hyphens as one space.
fn fold(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_lowercase();
    let kept: String = ascii
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | '\''))
        .map(|c| if c == '-' { ' ' } else { c })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether two folded names (see [`fold`]) are probably one person's, written differently:
/// equal once folded (case, accents, punctuation: `pamela fong` for `Pamela Fong`); within a
/// Damerau–Levenshtein distance of 2 for names of ten letters or more, of 1 from six (a typo
/// or two swapped letters: `Pamela Fnog`), so that short names of other people (`Al Lee`,
/// `Ann Lee`) are not taken for each other; or
/// with the same family name and given names shortened to their initials (`P. M. Fong` for
/// `Pamela M. Fong`).
pub fn near(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let shorter = a.len().min(b.len());
    let allowed = match shorter {
        10.. => 2,
        6.. => 1,
        _ => 0,
    };
    if strsim::damerau_levenshtein(a, b) <= allowed {
        return true;
    }
    initials_match(a, b) || initials_match(b, a)
}

/// `p m fong` against `pamela m fong`: the same family name, and each given name of `short`
/// the initial of the given name at its place in `long` (or that name itself).
fn initials_match(short: &str, long: &str) -> bool {
    let (short, long): (Vec<&str>, Vec<&str>) =
        (short.split(' ').collect(), long.split(' ').collect());
    let (Some((family_s, given_s)), Some((family_l, given_l))) =
        (short.split_last(), long.split_last())
    else {
        return false;
    };
    family_s == family_l
        && !given_s.is_empty()
        && given_s.len() == given_l.len()
        && given_s.iter().any(|g| g.len() == 1)
        && (given_s.iter().zip(given_l)).all(|(s, l)| s == l || (s.len() == 1 && l.starts_with(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near_names(a: &str, b: &str) -> bool {
        near(&fold(a), &fold(b))
    }

    #[test]
    fn names_near_a_profile() {
        assert!(near_names("pamela fong", "Pamela Fong"));
        assert!(near_names("Pamela Fnog", "Pamela Fong"));
        assert!(near_names("Pamela Fung", "Pamela Fong"));
        assert!(near_names("Ana Gutierrez", "Ana Gutiérrez"));
        assert!(near_names("P. Fong", "Pamela Fong"));
        assert!(near_names("P. M. Fong", "Pamela M. Fong"));
        assert!(near_names("Jean-Luc Picard", "Jean Luc Picard"));
    }

    #[test]
    fn other_people_are_not_near() {
        assert!(!near_names("Ann Lee", "Sam Lee"));
        assert!(!near_names("Ann Lee", "Al Lee"));
        assert!(!near_names("Paul Fong", "Pamela Fong"));
        assert!(!near_names("Q. Fong", "Pamela Fong"));
        assert!(!near_names("Pamela Chen", "Pamela Fong"));
        assert!(!near_names("WestEd", "Pamela Fong"));
    }

    #[test]
    fn family_names_sort_the_list() {
        assert!(sort_key("Zoe Adams") < sort_key("Ann Baker"));
        assert_eq!(sort_key("Ana Gutiérrez"), "gutierrez ana");
    }
}
