//! Every address the site has, and the file that serves it: the one place URLs are spelled.
//!
//! Resolving pages, checking them against the generated pages, rendering, figures' CSV
//! links and the sitemap all ask here, so a generated page's address cannot differ between
//! them. Addresses are root-relative and start with the base path (`/` or `/centerview/`).

use crate::front_matter::Kind;

/// An address readers use, and the file under the output folder that serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Root-relative, with the base path: `/briefs/partnership/`.
    pub url: String,
    /// Under the output folder: `briefs/partnership/index.html`.
    pub output: String,
}

/// Makes the site's addresses under its base path.
#[derive(Debug, Clone, Copy)]
pub struct Urls<'a> {
    base: &'a str,
}

impl<'a> Urls<'a> {
    /// `base` is the site's base path: `/`, or `/centerview/` for a site in a sub-folder.
    pub fn new(base: &'a str) -> Urls<'a> {
        Urls { base }
    }

    /// A folder's address: `path` is `""` (the home page) or ends with `/`.
    fn folder(&self, path: &str) -> Address {
        Address {
            url: format!("{}{path}", self.base),
            output: format!("{path}index.html"),
        }
    }

    /// A file's address: `path` is the file under the output folder.
    fn file(&self, path: &str) -> Address {
        Address {
            url: format!("{}{path}", self.base),
            output: path.to_string(),
        }
    }

    /// The home page.
    pub fn home(&self) -> Address {
        self.folder("")
    }

    /// A page's address. Section kinds live in their section (`/briefs/<slug>/`); plain
    /// pages in their folder (`/about/<slug>/`), or at the top (`/<slug>/`); an `index.md`
    /// (`is_index`) is its folder's page (`/about/`).
    pub fn page(&self, kind: Kind, folder: Option<&str>, slug: &str, is_index: bool) -> Address {
        let path = match (kind.section(), folder) {
            (Some(section), _) => format!("{section}/{slug}/"),
            (None, Some(folder)) if is_index => format!("{folder}/"),
            (None, Some(folder)) => format!("{folder}/{slug}/"),
            (None, None) if is_index => String::new(),
            (None, None) => format!("{slug}/"),
        };
        self.folder(&path)
    }

    /// A section's listing (`/briefs/`).
    pub fn section(&self, kind: Kind) -> Address {
        self.folder(&format!("{}/", kind.section().unwrap_or_default()))
    }

    /// Page `n` of a listing whose first page is `first` (`/briefs/` → `/briefs/page/2/`).
    pub fn listing_page(&self, first: &Address, n: usize) -> Address {
        if n <= 1 {
            return first.clone();
        }
        let path = first.output.trim_end_matches("index.html");
        self.folder(&format!("{path}page/{n}/"))
    }

    /// A topic's feed (`/topics/<slug>/atom.xml`).
    pub fn topic_feed(&self, slug: &str) -> Address {
        self.file(&format!("topics/{slug}/atom.xml"))
    }

    /// A publication's citation file (`/briefs/<slug>/cite.bib`), beside its page.
    pub fn citation(&self, page: &Address, extension: &str) -> Address {
        let path = page.output.trim_end_matches("index.html");
        self.file(&format!("{path}cite.{extension}"))
    }

    /// An old address kept as a redirect: `alias` is a path under the site (`/briefs/old/`,
    /// or a file such as `/old.html`).
    pub fn alias(&self, alias: &str) -> Address {
        let path = alias.trim_start_matches('/');
        match path.ends_with('/') {
            true => self.folder(path),
            false => self.file(path),
        }
    }

    /// The list of every alias, for hosts that read it.
    pub fn redirects(&self) -> Address {
        self.file("_redirects")
    }

    /// A file under the output folder, by its path there (`fonts/x.woff2`).
    pub fn static_file(&self, path: &str) -> String {
        self.file(path).url
    }

    /// The list of topics.
    pub fn topics(&self) -> Address {
        self.folder("topics/")
    }

    /// One topic's page.
    pub fn topic(&self, slug: &str) -> Address {
        self.folder(&format!("topics/{slug}/"))
    }

    /// The list of series.
    pub fn series_list(&self) -> Address {
        self.folder("series/")
    }

    /// One series' page.
    pub fn series(&self, slug: &str) -> Address {
        self.folder(&format!("series/{slug}/"))
    }

    /// The list of data tables.
    pub fn data_index(&self) -> Address {
        self.folder("data/")
    }

    /// A data table's CSV download.
    pub fn csv(&self, id: &str) -> Address {
        self.file(&format!("data/{id}.csv"))
    }

    /// The search page.
    pub fn search(&self) -> Address {
        self.folder("search/")
    }

    /// The page servers show for an unknown address.
    pub fn not_found(&self) -> Address {
        self.file("404.html")
    }

    /// The site's feed.
    pub fn feed(&self) -> Address {
        self.file("atom.xml")
    }

    /// The sitemap.
    pub fn sitemap(&self) -> Address {
        self.file("sitemap.xml")
    }

    /// The theme's stylesheet.
    pub fn stylesheet(&self) -> String {
        self.file("css/centerview.css").url
    }

    /// A file copied into the site (an asset), by its path under the output folder, already
    /// percent-encoded.
    pub fn copied_file(&self, encoded: &str) -> String {
        self.file(encoded).url
    }

    /// The generated pages whose addresses no page may take, and what each is.
    pub fn generated(&self) -> [(Address, &'static str); 5] {
        [
            (self.home(), "the home page"),
            (self.topics(), "the list of topics"),
            (self.series_list(), "the list of series"),
            (self.search(), "the search page"),
            (self.data_index(), "the list of data tables"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_files() {
        let urls = Urls::new("/sub/");
        assert_eq!(
            urls.page(Kind::Brief, Some("briefs"), "x", false),
            Address {
                url: "/sub/briefs/x/".into(),
                output: "briefs/x/index.html".into()
            }
        );
        assert_eq!(
            urls.page(Kind::Page, Some("about"), "index", true).url,
            "/sub/about/"
        );
        assert_eq!(
            urls.page(Kind::Page, None, "index", true).output,
            "index.html"
        );
        assert_eq!(
            urls.page(Kind::Page, None, "contact", false).url,
            "/sub/contact/"
        );
        assert_eq!(urls.section(Kind::CaseStudy).url, "/sub/case-studies/");
        assert_eq!(urls.csv("t").output, "data/t.csv");
        assert_eq!(urls.csv("t").url, "/sub/data/t.csv");
        assert_eq!(urls.not_found().url, "/sub/404.html");
        assert_eq!(urls.topic("a").output, "topics/a/index.html");
        let briefs = urls.section(Kind::Brief);
        assert_eq!(urls.listing_page(&briefs, 1), briefs);
        assert_eq!(urls.listing_page(&briefs, 3).url, "/sub/briefs/page/3/");
        assert_eq!(
            urls.listing_page(&briefs, 3).output,
            "briefs/page/3/index.html"
        );
        let page = urls.page(Kind::Brief, Some("briefs"), "x", false);
        assert_eq!(urls.citation(&page, "bib").url, "/sub/briefs/x/cite.bib");
        assert_eq!(urls.alias("/old/x/").output, "old/x/index.html");
        assert_eq!(urls.alias("/old.html").url, "/sub/old.html");
    }
}
