//! Listings in pages of `page_size` entries: page 1 at the listing's own address, the rest at
//! `page/<n>/` under it, each with numbered links to the others and to the previous and next.

use crate::urls::{Address, Urls};
use serde::Serialize;

/// How many pages `count` entries take (at least one, for an empty listing).
pub fn pages_of(count: usize, page_size: usize) -> usize {
    count.div_ceil(page_size.max(1)).max(1)
}

/// The entries on page `n` (from 1).
pub fn slice<T>(entries: &[T], n: usize, page_size: usize) -> &[T] {
    let start = (n - 1).saturating_mul(page_size).min(entries.len());
    let end = start.saturating_add(page_size).min(entries.len());
    &entries[start..end]
}

/// Where a listing page is among its pages, as templates see it.
#[derive(Serialize)]
pub struct Pagination {
    pub number: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The numbered links: the first and last pages, and two on each side of this one; a
    /// gap (`number` none) where pages are left out.
    pub links: Vec<PageLink>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: Option<usize>,
    pub url: String,
    pub current: bool,
}

/// Page `number` of `total` of the listing whose first page is `first`; `None` when there
/// is one page.
pub fn pagination(urls: Urls, first: &Address, number: usize, total: usize) -> Option<Pagination> {
    if total <= 1 {
        return None;
    }
    let url = |n: usize| urls.listing_page(first, n).url;
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=total {
        let near = n.abs_diff(number) <= 2;
        if n != 1 && n != total && !near {
            continue;
        }
        if n > last_shown + 1 {
            links.push(PageLink {
                number: None,
                url: String::new(),
                current: false,
            });
        }
        links.push(PageLink {
            number: Some(n),
            url: url(n),
            current: n == number,
        });
        last_shown = n;
    }
    Some(Pagination {
        number,
        total,
        prev: (number > 1).then(|| url(number - 1)),
        next: (number < total).then(|| url(number + 1)),
        links,
    })
}

/// A listing page's title: `Briefs`, or `Briefs – Page 2 of 14` (its heading says the same).
pub fn title(title: &str, number: usize, total: usize) -> String {
    match number {
        1 => title.to_string(),
        n => format!("{title} – Page {n} of {total}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;

    #[test]
    fn pages_and_their_links() {
        assert_eq!(pages_of(0, 20), 1);
        assert_eq!(pages_of(40, 20), 2);
        assert_eq!(pages_of(41, 20), 3);
        assert_eq!(slice(&[1, 2, 3, 4, 5], 2, 2), &[3, 4]);
        assert_eq!(slice(&[1, 2, 3, 4, 5], 3, 2), &[5]);
        let urls = Urls::new("/");
        let first = urls.section(Kind::Brief);
        assert!(pagination(urls, &first, 1, 1).is_none());
        let p = pagination(urls, &first, 6, 14).unwrap();
        let shown: Vec<Option<usize>> = p.links.iter().map(|l| l.number).collect();
        assert_eq!(
            shown,
            [
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(14)
            ]
        );
        assert_eq!(p.prev.as_deref(), Some("/briefs/page/5/"));
        assert_eq!(p.next.as_deref(), Some("/briefs/page/7/"));
        let p = pagination(urls, &first, 2, 3).unwrap();
        assert_eq!(p.prev.as_deref(), Some("/briefs/"));
        assert_eq!(title("Briefs", 1, 3), "Briefs");
        assert_eq!(title("Briefs", 2, 3), "Briefs – Page 2 of 3");
    }
}
