//! The kinds of output a site has, one file each. A kind lists its files ([`Unit`]s) for a
//! site; each says where it goes, what it is (for messages), and everything it is made from
//! ([`Inputs`]), from which come its fingerprint, its template context and its dependency
//! record. Adding a kind is a new file here and one line in `KINDS`.

mod alias;
mod author;
mod authors;
mod cite;
mod csv;
mod data_index;
mod feed;
mod home;
mod not_found;
mod page;
mod redirects;
mod search_page;
mod section;
mod series;
mod series_list;
mod sitemap;
mod topic;
mod topic_feed;
mod topics;

use super::inputs::Inputs;
use super::shared::Shared;
use crate::diagnostics::Diagnostic;
use crate::resolve::Site;

/// One output file.
pub trait Unit: Sync + Send {
    /// Where it is written, under the output folder.
    fn path(&self, cx: &Shared) -> String;
    /// What it is, in a message about its path ("the feed").
    fn owner(&self, cx: &Shared) -> String;
    /// Everything it is made from.
    fn inputs<'a>(&self, cx: &Shared<'a>) -> Inputs<'a>;
    /// An error saying `what` of its path ("is the feed"), placed where an editor chose the
    /// path (an alias's line, a page's front matter); `None` when the build chose it.
    fn path_error(&self, _cx: &Shared, _what: &str) -> Option<Diagnostic> {
        None
    }
    /// Whether it is a page (whose address resolving checks against the others').
    fn is_page(&self) -> bool {
        false
    }
}

/// A kind of output: its files for a site.
type Kind = fn(&Site) -> Vec<Box<dyn Unit>>;

/// Every kind of output, in the order their files are listed.
const KINDS: &[Kind] = &[
    page::units,
    section::units,
    topic::units,
    series::units,
    home::units,
    topics::units,
    series_list::units,
    not_found::units,
    feed::units,
    sitemap::units,
    data_index::units,
    search_page::units,
    csv::units,
    topic_feed::units,
    cite::units,
    alias::units,
    redirects::units,
    author::units,
    authors::units,
];

/// Every output file the site has, but static files and the search index.
pub fn all(site: &Site) -> Vec<Box<dyn Unit>> {
    KINDS.iter().flat_map(|kind| kind(site)).collect()
}

/// The page with this id alone (what `serve` shows first after a save): a profile's is the
/// first page of its person's.
pub fn page(site: &Site, id: crate::resolve::PageId) -> Box<dyn Unit> {
    author::profile_page(site, id).unwrap_or_else(|| Box::new(page::PageUnit(id)))
}
