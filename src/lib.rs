//! centerview: a static site generator for the Center for the Future of Teaching and
//! Learning's CenterView publications.
//!
//! A build is a pipeline of five stages, each a module that owns its data:
//!
//! 1. **load** ([`content`], [`config`], [`front_matter`], [`profile`], [`data`]): read `site.yaml` and
//!    every file under `content/`, validating front matter and data tables;
//! 2. **resolve** ([`resolve`], with addresses from [`urls`]): give pages kinds, slugs and
//!    URLs; form sections, topics and series; catch site-wide conflicts;
//! 3. **render** ([`render`], [`markdown`], [`shortcodes`], [`chart`], [`theme`],
//!    [`statics`]): markdown bodies, then every output through the theme's Tera templates,
//!    in parallel;
//! 4. **search** ([`search`]): the search index;
//! 5. **write** ([`write`]): into a work folder, swapped in atomically.
//!
//! [`build`] runs the pipeline and [`serve`] runs it again after every save; `check
//! --external` adds [`external`] after the render stage, to ask servers about links. Under every
//! stage: [`diagnostics`] (messages an editor can act on), [`output`], [`fingerprint`],
//! [`summary`], [`dialect`], [`kind`], [`image_size`]; YAML is parsed only in [`yaml`].

pub mod build;
pub mod cache_dir;
pub mod chart;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod content;
pub mod data;
pub mod diagnostics;
pub mod dialect;
pub mod external;
pub mod filters;
pub mod fingerprint;
pub mod front_matter;
pub mod image_size;
pub mod kind;
pub mod markdown;
pub mod new;
pub mod output;
pub mod pdf;
pub mod placeholders;
pub mod profile;
pub mod render;
pub mod resolve;
pub mod responsive;
pub mod search;
pub mod serve;
pub mod shortcodes;
pub mod statics;
pub mod summary;
pub mod terms;
pub mod theme;
pub mod urls;
pub mod write;
pub mod yaml;
pub mod yaml_doc;
