//! Every address the site has, and the file that serves it: the one place URLs are spelled.
//!
//! Resolving pages, checking them against the generated pages, rendering, figures' CSV
//! links and the sitemap all ask here, so a generated page's address cannot differ between
//! them. Addresses are root-relative and start with the base path (`/` or `/centerview/`).

use crate::kind::Kind;

/// The longest name, in bytes, a file or folder of the site may have: what the file systems
/// a site is written to allow (ext4, APFS and NTFS all stop at 255).
pub const NAME_MAX: usize = 255;

/// The first file or folder name in a path under the output folder longer than
/// [`NAME_MAX`] bytes, which no file system would let the site write.
pub fn overlong_name(output: &str) -> Option<&str> {
    output.split('/').find(|name| name.len() > NAME_MAX)
}

/// Why `c` may not stand in an address as it is (and so not in a content file's or folder's
/// name, nor in an alias), or `None` when it may. Safe are ASCII letters and digits,
/// `-`, `_`, `.`, `~` and `$&()+,;=@`: everything else must be percent-encoded in a URL,
/// means something in one (`#`, `?`, `%`), or in the `_redirects` format (`*`, `!`, `:`),
/// or is spelled differently by different systems (letters outside a-z).
pub fn unsafe_in_address(c: char) -> Option<String> {
    let reason = match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => return None,
        '-' | '_' | '.' | '~' | '$' | '&' | '(' | ')' | '+' | ',' | ';' | '=' | '@' => {
            return None;
        }
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\n' | '\r' => "a line break".to_string(),
        '\0' => "a NUL character".to_string(),
        c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
        c if c.is_whitespace() => format!("a space character (U+{:04X})", c as u32),
        '#' => "`#`, which starts the part of an address after the page".to_string(),
        '?' => "`?`, which starts a query".to_string(),
        '%' => "`%`, which starts an encoded character in an address".to_string(),
        '"' | '\'' | '`' => format!("a quote (`{c}`)"),
        '*' => "`*`, a wildcard in `_redirects`".to_string(),
        '!' => "`!`, which forces a redirect in `_redirects`".to_string(),
        ':' => "`:`, which starts a placeholder in `_redirects` and a scheme in a link".to_string(),
        c if !c.is_ascii() => {
            format!("`{c}`, a character outside a-z, which systems spell differently")
        }
        c => format!("`{c}`"),
    };
    Some(reason)
}

/// A name made safe for an address, for a rename to suggest: letters outside a-z spelled in
/// ASCII (`educación` → `educacion`), each run of other unsafe characters a `-`.
pub fn safe_name(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        match unsafe_in_address(c) {
            None => out.push(c),
            Some(_) if out.ends_with('-') || out.is_empty() => {}
            Some(_) => out.push('-'),
        }
    }
    let out = out.trim_matches('-').replace("-.", ".");
    match out.is_empty() || out.starts_with('.') {
        true => format!("file{out}"),
        false => out,
    }
}

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
            _ if kind == Kind::Author => format!("{}/{slug}/", Kind::AUTHORS_FOLDER),
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

    /// A publication's PDF edition (`/briefs/<slug>/<slug>.pdf`), beside its page and named
    /// after it, so a reader who keeps the file keeps a name that says what it is.
    pub fn pdf_edition(&self, page: &Address) -> Address {
        let folder = page.output.trim_end_matches("index.html");
        let name = folder
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        let name = if name.is_empty() { "edition" } else { name };
        self.file(&format!("{folder}{name}.pdf"))
    }

    /// A publication's generated sharing card, in its page's folder: `/briefs/x/card.png`.
    pub fn share_card(&self, page: &Address) -> Address {
        let folder = page.output.trim_end_matches("index.html");
        self.file(&format!("{folder}card.png"))
    }

    /// An old address kept as a redirect: `alias` is a path under the site, as
    /// `front_matter` makes it canonical (`/briefs/old/`, or a file such as `/old.html`).
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

    /// The list of everyone with a profile (`/authors/`).
    pub fn authors(&self) -> Address {
        self.folder(&format!("{}/", Kind::AUTHORS_FOLDER))
    }

    /// A person's profile and publications (`/authors/<slug>/`): a profile's own address.
    pub fn author(&self, slug: &str) -> Address {
        self.page(Kind::Author, Some(Kind::AUTHORS_FOLDER), slug, false)
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

    /// Whether the search index (the files of `search/` but its page) writes `path`, a path
    /// under the output folder. The index's files are made after every other output, and
    /// their number depends on the site, so the whole folder is theirs.
    pub fn is_search_index(path: &str) -> bool {
        match path.strip_prefix("search/") {
            Some(name) => !name.is_empty() && name != "index.html" && !name.contains('/'),
            None => false,
        }
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
    pub fn generated(&self) -> [(Address, &'static str); 6] {
        [
            (self.home(), "the home page"),
            (self.topics(), "the list of topics"),
            (self.series_list(), "the list of series"),
            (self.search(), "the search page"),
            (self.data_index(), "the list of data tables"),
            (self.not_found(), "the not-found page"),
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
        assert!(Urls::is_search_index("search/manifest.bin"));
        assert!(!Urls::is_search_index("search/index.html"));
        assert!(!Urls::is_search_index("search/old/index.html"));
    }

    #[test]
    fn safe_characters_and_suggested_names() {
        for c in ['a', 'Z', '7', '-', '_', '.', '~', '(', '+', '@'] {
            assert_eq!(unsafe_in_address(c), None, "{c:?}");
        }
        for c in [
            ' ', '#', '?', '%', '"', '\'', '<', '>', '\n', '\0', '\u{1b}', '\u{85}', 'é', '*', '!',
            ':', '\\', '\u{2028}',
        ] {
            assert!(unsafe_in_address(c).is_some(), "{c:?}");
        }
        assert_eq!(
            safe_name("Annual Report 2017.pdf"),
            "Annual-Report-2017.pdf"
        );
        assert_eq!(safe_name("educación #1?.md"), "educacion-1.md");
        assert_eq!(safe_name("a\nb.md"), "a-b.md");
        assert_eq!(safe_name("###.md"), "file.md");
    }
}
