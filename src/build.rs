//! The build pipeline: load → resolve → render → write.
//!
//! Each stage is a module that owns its data ([`crate::content`], [`crate::resolve`],
//! [`crate::render`], [`crate::write`]). Stages keep going after errors where they can, so one
//! run reports every problem; nothing is written unless there are none.

use crate::config::Config;
use crate::diagnostics::{self, Category, Diagnostic, Source};
use crate::output::Output;
use crate::render;
use crate::shortcodes::Registry;
use crate::theme::Theme;
use crate::{content, data, resolve, search, statics, write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// Defaults to `output/` in the site.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// `false` for `check`: everything but the write stage.
    pub write: bool,
    /// Whether to write the search index (benchmarks measure its cost by turning it off).
    pub search: bool,
    /// Whether the site has its PDF editions (`build --no-pdf` leaves them out, as
    /// `pdf_edition: false` in `site.yaml` does).
    pub pdf: bool,
    /// Whether to typeset them: `check` does not (their paths are still checked).
    pub typeset: bool,
    /// Who writes the output folder, for a second writer's message.
    pub writer: write::Writer,
    /// Publish pages dated after today too (`--future`).
    pub future: bool,
    /// The day pages are published by (scheduled pages are held back until theirs); the
    /// clock's today when unset (see [`crate::clock`]).
    pub today: Option<jiff::civil::Date>,
    /// Check every `http(s)` link by asking its server (`check --external` only: a build
    /// never goes on the network).
    pub external: Option<crate::external::Settings>,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Options {
        Options {
            root: root.into(),
            output: None,
            drafts: false,
            base_url: None,
            write: true,
            search: true,
            pdf: true,
            typeset: true,
            writer: write::Writer::Build,
            future: false,
            today: None,
            external: None,
        }
    }
}

#[derive(Debug)]
pub struct Report {
    /// HTML pages written.
    pub pages: usize,
    /// All files written.
    pub files: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// How long each stage took, in order.
    pub stages: Vec<(&'static str, Duration)>,
    pub warnings: Vec<Diagnostic>,
    /// How many pages are held back until their date, and the first of those dates.
    pub held_back: (usize, Option<jiff::civil::Date>),
    /// What `check --external` asked for.
    pub external: Option<crate::external::Summary>,
    /// The PDF editions, and which this build typeset.
    pub editions: render::editions::Stats,
    /// The images shown with resized copies, and how many copies this build made.
    pub images: render::images::Stats,
    /// The generated sharing cards, and how many this build drew.
    pub share_cards: render::share_cards::Stats,
}

#[derive(Debug)]
pub struct Failure {
    /// Errors and warnings, in reading order, at most [`diagnostics::MOST_PER_FILE`] a file.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors found but not among `diagnostics`, as there were too many in their file.
    pub omitted_errors: usize,
}

impl Failure {
    /// 2 when the command line or the file system failed, 1 for content errors.
    pub fn exit_code(&self) -> i32 {
        if self
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.category == Category::Io)
        {
            2
        } else {
            1
        }
    }

    /// How many errors the build found, shown or not.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count() + self.omitted_errors
    }

    fn usage(diagnostic: Diagnostic) -> Failure {
        let mut d = diagnostic;
        d.category = Category::Io;
        Failure {
            diagnostics: vec![d],
            omitted_errors: 0,
        }
    }
}

/// Builds the site at `options.root`.
pub fn build(options: &Options) -> Result<Report, Failure> {
    let mut session = Session::new(options)?;
    session.one_off = true;
    let built = session.build(None)?;
    let report = session.finish(built);
    // Let go of the output folder now: the session is freed in the background.
    drop(session.folder.take());
    // Freeing a large site's millions of small allocations takes a tenth of a second that
    // nobody waits for: a process that exits now does not, a test that goes on does later.
    std::thread::spawn(move || drop(session));
    report
}

/// A build that has been computed but not yet written.
pub struct Built {
    pub outputs: Vec<Output>,
    pub warnings: Vec<Diagnostic>,
    pub stages: Vec<(&'static str, Duration)>,
    pub started: Instant,
    /// Bodies and outputs rendered this time (the rest came from the cache).
    pub rendered: render::RenderStats,
    /// Whether the search index is among the outputs yet (see [`Session::build_pages`]).
    pub complete: bool,
    /// The output folder being written, when pages were written as they were rendered.
    staging: Option<write::Staging>,
    /// How many pages are held back until their date, and the first of those dates.
    pub held_back: (usize, Option<jiff::civil::Date>),
    /// What `check --external` asked for.
    pub external: Option<crate::external::Summary>,
}

/// The build pipeline with its caches. A full build is a fresh session run once; `serve` and
/// `watch` keep one session and run it again after every change, and the caches make it redo
/// only what the change affects. Both go through exactly the same code, so an incremental
/// build writes what a full build of the same sources would.
pub struct Session {
    pub options: Options,
    pub root: PathBuf,
    /// The output folder as named (it may be a symbolic link to the folder written).
    pub output: PathBuf,
    /// The output folder, held for writing, when the session writes one.
    pub folder: Option<write::OutputFolder>,
    load: content::LoadCache,
    render: render::RenderCache,
    /// What the last search index was made of.
    search: search::SearchCache,
    theme: Option<Theme>,
    registry: Registry,
    /// The site and bodies of the last build without errors, for the search index and for
    /// previews.
    last: Option<(resolve::Site, render::Bodies)>,
    /// A session that builds once (`centerview build`): it writes each page as soon as it is
    /// rendered and keeps no rendered files for a next build.
    pub one_off: bool,
    /// Whether [`Session::build_pages`] leaves the PDF editions not in a cache for
    /// [`Session::finish_pdfs`]: `serve` and `watch` show the pages first.
    pub defer_pdfs: bool,
}

impl Session {
    /// Checks the site folder and the output folder.
    pub fn new(options: &Options) -> Result<Session, Failure> {
        let root = write::absolute(&options.root).map_err(|e| {
            Failure::usage(Diagnostic::io(
                "cannot resolve the site folder",
                &options.root,
                &e,
            ))
        })?;
        if !root.join("site.yaml").is_file() {
            return Err(Failure::usage(
                Diagnostic::error(format!(
                    "{} is not a CenterView site: it has no site.yaml",
                    root.display()
                ))
                .help("run centerview in the site's folder, or pass --root DIR"),
            ));
        }
        let output = match &options.output {
            Some(o) => write::absolute(o),
            None => Ok(root.join("output")),
        }
        .map_err(|e| {
            Failure::usage(Diagnostic::io(
                "cannot resolve the output folder",
                &root,
                &e,
            ))
        })?;
        let folder = match options.write {
            true => Some(
                write::OutputFolder::open(&root, &output, options.writer)
                    .map_err(Failure::usage)?,
            ),
            false => None,
        };
        Ok(Session {
            options: options.clone(),
            root,
            output,
            folder,
            load: Default::default(),
            render: Default::default(),
            search: Default::default(),
            theme: None,
            registry: Registry::builtin(),
            last: None,
            one_off: false,
            defer_pdfs: false,
        })
    }

    /// Runs load → resolve → render, search index included. `changed` names the files that
    /// changed since the last run (`None`: assume everything did). Nothing is written.
    pub fn build(
        &mut self,
        changed: Option<&std::collections::HashSet<PathBuf>>,
    ) -> Result<Built, Failure> {
        let mut built = self.build_pages(changed)?;
        self.finish_search(&mut built)?;
        Ok(built)
    }

    /// Like [`Session::build`], but without the search index, which [`Session::finish_search`]
    /// adds: `serve` shows the pages first, since the index takes longest.
    pub fn build_pages(
        &mut self,
        changed: Option<&std::collections::HashSet<PathBuf>>,
    ) -> Result<Built, Failure> {
        let started = Instant::now();
        let mut laps = Laps::default();
        let mut diags: Vec<Diagnostic> = Vec::new();
        let (config, content) = self.load(changed, &mut diags)?;
        laps.stage("load");
        let tables = data::load(&content.data, &mut diags);
        let schedule = resolve::Schedule {
            today: self.options.today.unwrap_or_else(crate::clock::today),
            future: self.options.future,
        };
        let site = resolve::resolve(
            self.root.clone(),
            config,
            content,
            tables,
            schedule,
            &mut diags,
        );
        let held_back = site.held_back();
        laps.stage("resolve");
        let Some(theme) = &self.theme else {
            return Err(fail(diags));
        };
        let mut bodies = render::render_bodies(
            &site,
            theme,
            &self.registry,
            &mut self.render.bodies,
            self.options.search,
            &mut diags,
        );
        render::check_anchors(&site, &bodies, &mut diags);
        if self.one_off {
            rayon::broadcast(|_| crate::terms::forget_stems());
        }
        laps.stage("render markdown");
        let external = self.options.external.as_ref().map(|settings| {
            let summary = crate::external::check(&site, &bodies, &self.root, settings, &mut diags);
            laps.stage("external links");
            summary
        });
        let (outputs, staging) = self.render_outputs(&site, &mut bodies, &mut laps, &mut diags)?;
        laps.stage("render templates");
        if diags.iter().any(Diagnostic::is_error) {
            return Err(fail(diags));
        }
        diagnostics::sort(&mut diags);
        diagnostics::cap_per_file(&mut diags);
        self.last = Some((site, bodies));
        Ok(Built {
            outputs,
            warnings: diags,
            stages: laps.stages,
            started,
            rendered: self.render.stats(),
            complete: !self.options.search,
            staging,
            held_back,
            external,
        })
    }

    /// The load stage: `site.yaml` (a build with errors in it goes on checking the content
    /// with stand-in settings), the theme (loaded again when a file under `themes/` changed,
    /// or `site.yaml` names another theme), and the content.
    fn load(
        &mut self,
        changed: Option<&std::collections::HashSet<PathBuf>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<(Config, content::Content), Failure> {
        let config_path = self.root.join("site.yaml");
        let config_text = std::fs::read_to_string(&config_path)
            .map_err(|e| Failure::usage(Diagnostic::io("cannot read", &config_path, &e)))?;
        let config_source = Source::new(config_path.clone(), "site.yaml".into(), &config_text);
        let (mut config, errors) = Config::load_all(&config_source);
        diags.extend(errors);
        if !self.options.pdf {
            config.pdf_edition = false;
        }
        if let Some(url) = &self.options.base_url {
            config
                .set_base_url(url)
                .map_err(|m| Failure::usage(Diagnostic::error(m)))?;
        }
        let themes = self.root.join("themes");
        let theme_changed = changed.is_none_or(|c| c.iter().any(|p| p.starts_with(&themes)));
        if theme_changed || self.theme.as_ref().is_none_or(|t| t.name != config.theme) {
            // The theme's own shortcodes come with it: a theme whose declarations are wrong
            // is not used, like one whose templates do not compile.
            self.theme = Theme::load(&self.root, &config.theme)
                .and_then(|theme| {
                    self.registry = Registry::for_theme(&theme)?;
                    Ok(theme)
                })
                .map_err(|errors| diags.extend(errors))
                .ok();
        }
        let drafts = self.options.drafts;
        let content = content::load_cached(&self.root, drafts, &mut self.load, changed, diags);
        check_site_image(&config, &config_source, &content.assets, diags);
        Ok((config, content))
    }

    /// Every output file but the search index: the PDF editions first (pages link to them
    /// with their size), then the templates' files. A one-off build without errors so far
    /// writes each file into its staging folder as soon as it is made.
    fn render_outputs(
        &mut self,
        site: &resolve::Site,
        bodies: &mut render::Bodies,
        laps: &mut Laps,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<(Vec<Output>, Option<write::Staging>), Failure> {
        let theme = self.theme.as_ref().expect("a theme to render with");
        let staging = match &self.folder {
            Some(folder) if self.one_off && !diags.iter().any(Diagnostic::is_error) => {
                Some(write::Staging::new(folder).map_err(Failure::usage)?)
            }
            _ => None,
        };
        let written_under = self.folder.as_ref().map_or(&self.output, |f| &f.path);
        let claims = crate::output::Claims {
            copied: statics::claims(site, theme),
            made: render::editions::claims(site)
                .into_iter()
                .chain(render::images::claims(site, bodies))
                .chain(render::share_cards::claims(site))
                .collect(),
            prefix_len: write::work_prefix_len(written_under),
        };
        let outputs = {
            let put = put_into(staging.as_ref());
            let sink: Option<&render::Sink> = staging.is_some().then_some(&put);
            let path_for = |rel: &str| staging.as_ref().expect("staging").path_for(rel);
            let place: Option<&render::editions::Place> = staging.is_some().then_some(&path_for);
            self.pdfs_and_templates(site, bodies, (sink, place), &claims, laps, diags)
        };
        Ok((outputs, staging))
    }

    /// The PDF editions, then every file the templates make, handed to `sink` as they come
    /// when there is one.
    fn pdfs_and_templates(
        &mut self,
        site: &resolve::Site,
        bodies: &mut render::Bodies,
        (sink, place): (Option<&render::Sink>, Option<&render::editions::Place>),
        claims: &crate::output::Claims,
        laps: &mut Laps,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Output> {
        let theme = self.theme.as_ref().expect("a theme to render with");
        // A build with errors writes nothing: typesetting would be wasted, and its warnings
        // would differ from `check`'s, which never typesets.
        let mut editions = render::editions::Made::default();
        if self.options.typeset && !diags.iter().any(Diagnostic::is_error) {
            editions = render::editions::make(
                site,
                theme,
                bodies,
                &mut self.render.editions,
                (sink, place),
                !self.defer_pdfs,
                diags,
            );
            laps.stage("PDF editions");
        }
        bodies.editions = editions.editions;
        // Like typesetting, resizing is left to builds that write (`check` reads only the
        // images' headers, when their bodies are rendered).
        let mut images = Vec::new();
        if self.options.typeset && !diags.iter().any(Diagnostic::is_error) {
            images =
                render::images::make(site, bodies, &mut self.render.images, (sink, place), diags);
            laps.stage("images");
            let cards = &mut self.render.share_cards;
            images.extend(render::share_cards::make(
                site,
                theme,
                cards,
                (sink, place),
                diags,
            ));
            laps.stage("sharing cards");
        }
        let mut outputs =
            render::render_outputs(site, theme, bodies, &mut self.render, sink, claims, diags);
        outputs.extend(editions.outputs);
        outputs.extend(images);
        outputs.extend(statics::outputs(site, theme));
        if self.one_off {
            self.render.forget_rendered();
        }
        outputs
    }

    /// Adds the search index to a build from [`Session::build_pages`]. A one-off build writes
    /// its largest files into the staging folder as they are made; failing to is an error.
    pub fn finish_search(&mut self, built: &mut Built) -> Result<(), Failure> {
        if built.complete {
            return Ok(());
        }
        let lap = Instant::now();
        if self.one_off {
            // Nothing is built after this: the bodies go as soon as the index has read them.
            self.search.one_off = true;
            if let Some((mut site, mut bodies)) = self.last.take() {
                // Every page is rendered: the index needs their text, not their HTML.
                for body in &mut bodies.pages {
                    if let Some(body) = std::sync::Arc::get_mut(body) {
                        body.html = String::new();
                    }
                }
                // The pages' sources too: every diagnostic about them has been made.
                self.load = Default::default();
                for page in &mut site.pages {
                    if let Some(src) = std::sync::Arc::get_mut(&mut page.src) {
                        src.source.text = "".into();
                    }
                }
                let put = put_into(built.staging.as_ref());
                let sink: Option<&render::Sink> = built.staging.is_some().then_some(&put);
                let bodies = std::borrow::Cow::Owned(bodies);
                let files = search::build(&site, bodies, &mut self.search, sink);
                self.last = Some((site, render::Bodies::default()));
                built.outputs.extend(files.map_err(|e| fail(vec![e]))?);
            }
        } else if let Some((site, bodies)) = &self.last {
            let bodies = std::borrow::Cow::Borrowed(bodies);
            let files = search::build(site, bodies, &mut self.search, None);
            built.outputs.extend(files.map_err(|e| fail(vec![e]))?);
        }
        built.stages.push(("search index", lap.elapsed()));
        built.complete = true;
        Ok(())
    }

    /// Typesets the PDF editions a deferred build left (see [`Session::defer_pdfs`]) and
    /// builds again with them, which renders again only the pages whose download link
    /// changed. `built` becomes that build, with the first one's count of rendered bodies.
    pub fn finish_pdfs(&mut self, built: &mut Built) -> Result<(), Failure> {
        if built.rendered.editions.pending == 0 {
            return Ok(());
        }
        let defer = std::mem::replace(&mut self.defer_pdfs, false);
        let again = self.build(Some(&Default::default()));
        self.defer_pdfs = defer;
        let mut again = again?;
        again.rendered.bodies = built.rendered.bodies;
        again.started = built.started;
        *built = again;
        Ok(())
    }

    /// The page a save changed, rendered at once against the last build, when the save can
    /// only have changed that page's body (see [`render::preview`]).
    pub fn preview(&self, changed: &std::collections::HashSet<PathBuf>) -> Option<Output> {
        let (site, bodies) = self.last.as_ref()?;
        let theme = self.theme.as_ref()?;
        let mut paths = changed.iter();
        let (Some(path), None) = (paths.next(), paths.next()) else {
            return None;
        };
        render::preview(site, theme, &self.registry, bodies, &self.root, path)
    }

    /// Writes a build to the output folder (atomically), and reports on it.
    pub fn finish(&self, mut built: Built) -> Result<Report, Failure> {
        if let Some(folder) = &self.folder {
            let lap = Instant::now();
            match built.staging.take() {
                Some(staging) => staging.finish(folder, &built.outputs),
                None => write::write(folder, &built.outputs),
            }
            .map_err(|d| {
                let mut diags = std::mem::take(&mut built.warnings);
                diags.push(d);
                fail(diags)
            })?;
            built.stages.push(("write", lap.elapsed()));
        }
        let pages = built
            .outputs
            .iter()
            .filter(|o| o.path.ends_with(".html"))
            .count();
        Ok(Report {
            pages,
            files: built.outputs.len(),
            output: self.output.clone(),
            elapsed: built.started.elapsed(),
            stages: built.stages,
            held_back: built.held_back,
            warnings: built.warnings,
            external: built.external,
            editions: built.rendered.editions,
            images: built.rendered.images,
            share_cards: built.rendered.share_cards,
        })
    }
}

/// What the summary line says of scheduled pages: "; 2 scheduled pages held back (the next
/// on 2027-01-15)", or nothing.
pub fn held_back_note((count, next): (usize, Option<jiff::civil::Date>)) -> String {
    match (count, next) {
        (0, _) => String::new(),
        (n, Some(next)) => format!(
            "; {} held back (the next on {next})",
            crate::diagnostics::count(n, "scheduled page", "scheduled pages")
        ),
        (n, None) => format!(
            "; {} held back",
            crate::diagnostics::count(n, "scheduled page", "scheduled pages")
        ),
    }
}

/// The default sharing image `site.yaml` names is a file under `content/assets/`.
fn check_site_image(
    config: &Config,
    source: &Source,
    assets: &[content::Asset],
    diags: &mut Vec<Diagnostic>,
) {
    let Some(image) = &config.image else { return };
    let rel = image.trim_start_matches('/');
    if image.starts_with("/assets/") && assets.iter().any(|a| a.rel == rel) {
        return;
    }
    let doc = crate::yaml_doc::YamlDoc::new(source, 0..source.text.len());
    let close = crate::diagnostics::did_you_mean(rel, assets.iter().map(|a| a.rel.as_str()));
    let help = match close {
        Some(close) => format!("did you mean `image: /{close}`?"),
        None => "put the image in content/assets/ and write its path from the site's root, for example `image: /assets/share.png`".into(),
    };
    diags.push(
        doc.error(
            &["image".into()],
            crate::yaml::Target::Value,
            format!("the image `{image}` is not a file in content/assets/"),
        )
        .label("no such file")
        .help(help),
    );
}

/// How long each stage of a build took.
struct Laps {
    stages: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Default for Laps {
    fn default() -> Laps {
        Laps {
            stages: Vec::new(),
            lap: Instant::now(),
        }
    }
}

impl Laps {
    /// The stage `name` ends now.
    fn stage(&mut self, name: &'static str) {
        self.stages.push((name, self.lap.elapsed()));
        if crate::console::profiling() {
            crate::console::profile_step(name, self.lap.elapsed());
        }
        self.lap = Instant::now();
    }
}

/// Writes each file into `staging` as soon as it is made, where a one-off build has one.
fn put_into(
    staging: Option<&write::Staging>,
) -> impl Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + '_ {
    move |rel, bytes| staging.map_or(Ok(()), |staging| staging.put(rel, bytes))
}

fn fail(mut diags: Vec<Diagnostic>) -> Failure {
    diagnostics::sort(&mut diags);
    let omitted_errors = diagnostics::cap_per_file(&mut diags);
    Failure {
        diagnostics: diags,
        omitted_errors,
    }
}

/// The site folder to use when `--root` is not given: the current folder.
pub fn default_root() -> PathBuf {
    Path::new(".").to_path_buf()
}
