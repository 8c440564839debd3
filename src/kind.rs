//! The publication kinds (brief, case study, report, CA Insight, post, page): their names in
//! front matter, their section folders and how the site labels them. Loading, resolving,
//! rendering, search and `centerview new` all speak of kinds, so they live beneath all of them.
//! A person's profile (`content/authors/<slug>.md`) is a kind too, `author`, though no front
//! matter names it: it is where the file is that makes it one.

use serde::Serialize;

/// The publication kinds, each with its section folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Brief,
    CaseStudy,
    Report,
    Insight,
    Post,
    Page,
    Author,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Brief,
        Kind::CaseStudy,
        Kind::Report,
        Kind::Insight,
        Kind::Post,
        Kind::Page,
        Kind::Author,
    ];
    /// The kinds a page's `kind` may name and `centerview new` makes: every one but
    /// `author` (last in [`Kind::ALL`]), which only a file in `content/authors/` is.
    pub const WRITTEN: &'static [Kind] = Kind::ALL.split_last().expect("kinds").1;
    /// The folder under `content/` whose files are people's profiles.
    pub const AUTHORS_FOLDER: &'static str = "authors";
    /// The kinds that have a section (a folder, a listing, a date).
    pub const SECTIONS: [Kind; 5] = [
        Kind::Brief,
        Kind::CaseStudy,
        Kind::Report,
        Kind::Insight,
        Kind::Post,
    ];

    /// The name used in front matter (`kind: case-study`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Brief => "brief",
            Kind::CaseStudy => "case-study",
            Kind::Report => "report",
            Kind::Insight => "insight",
            Kind::Post => "post",
            Kind::Page => "page",
            Kind::Author => "author",
        }
    }

    /// The kind a page's `kind` names (see [`Kind::WRITTEN`]).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::WRITTEN.iter().copied().find(|k| k.name() == name)
    }

    /// The kind of a file in the folder `folder` under `content/` (`None` for a file directly
    /// in it), unless its front matter names another.
    pub fn of_folder(folder: Option<&str>) -> Kind {
        match folder {
            Some(Kind::AUTHORS_FOLDER) => Kind::Author,
            Some(folder) => Kind::from_section(folder).unwrap_or(Kind::Page),
            None => Kind::Page,
        }
    }

    /// Whether pages of this kind are publications: in a section, dated, cited, related
    /// (plain pages and author profiles are not).
    pub fn is_publication(self) -> bool {
        self.section().is_some()
    }

    /// The section folder and URL segment; plain pages have none.
    pub fn section(self) -> Option<&'static str> {
        match self {
            Kind::Brief => Some("briefs"),
            Kind::CaseStudy => Some("case-studies"),
            Kind::Report => Some("reports"),
            Kind::Insight => Some("insights"),
            Kind::Post => Some("posts"),
            Kind::Page | Kind::Author => None,
        }
    }

    pub fn from_section(folder: &str) -> Option<Kind> {
        Kind::SECTIONS
            .into_iter()
            .find(|k| k.section() == Some(folder))
    }

    /// How one item of this kind is labelled above its title.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Brief => "CenterView Brief",
            Kind::CaseStudy => "The View from the Field",
            Kind::Report => "Report",
            Kind::Insight => "CA Insights",
            Kind::Post => "Blog post",
            Kind::Page => "Page",
            Kind::Author => "Author",
        }
    }

    /// The heading of the section's listing.
    pub fn section_title(self) -> &'static str {
        match self {
            Kind::Brief => "CenterView Briefs",
            Kind::CaseStudy => "The View from the Field: Case Studies",
            Kind::Report => "Reports",
            Kind::Insight => "CA Insights",
            Kind::Post => "Blog",
            Kind::Page => "Pages",
            Kind::Author => "Authors",
        }
    }

    /// The short name in the site navigation.
    pub fn nav_title(self) -> &'static str {
        match self {
            Kind::Brief => "Briefs",
            Kind::CaseStudy => "Case Studies",
            Kind::Report => "Reports",
            Kind::Insight => "CA Insights",
            Kind::Post => "Blog",
            Kind::Page => "Pages",
            Kind::Author => "Authors",
        }
    }
}
