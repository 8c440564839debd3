//! The markdown dialect every page is written in, in one place: the renderer, the case-study
//! box and the summaries all parse markdown with these options.

use pulldown_cmark::Options;

/// The markdown dialect: CommonMark plus GFM tables, strikethrough, task lists, footnotes,
/// smart punctuation and `{#id}` heading attributes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}
