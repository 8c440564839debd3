//! The command line: `centerview build | check | new`.

use crate::build::{self, Options};
use crate::console::{ColorChoice, Console, MessageFormat};
use crate::diagnostics::Diagnostic;
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  centerview build                          build the site in this folder into output/
  centerview build --root ../site --drafts  build another site, drafts included
  centerview check                          report every problem, write nothing
  centerview check --external               ... and ask every http(s) link's server too
  centerview serve --open                   preview at http://127.0.0.1:3030/, reloading on save
  centerview watch                          rebuild output/ on every save
  centerview new brief \"It begins with a partnership\"
                                            start a new brief in content/briefs/

Exit status: 0 success, 1 content errors (all are reported), 2 bad usage or I/O failure.";

#[derive(Parser, Debug)]
#[command(
    name = "centerview",
    version,
    about = "Builds CenterView publications (briefs, case studies, reports, CA Insights, posts) into a static site",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// Print only errors and warnings.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print how long each build stage took (for serve and watch, every rebuild's; for
    /// new, the file written).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Colour messages: auto (only on a terminal, heeding NO_COLOR and CLICOLOR_FORCE),
    /// always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How to print errors and warnings: human, or json (one JSON object a line on stdout,
    /// for editors' tools and CI).
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human, value_name = "FORMAT")]
    pub message_format: MessageFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder.
    #[command(
        after_help = "Example:\n  centerview build --root site --output public --base-url https://example.org/centerview/"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site (default: output/ in the site folder).
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Override site.yaml's base_url (for a preview or staging copy).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Leave the search index out (a quicker build; the search page then says search
        /// is not available).
        #[arg(long)]
        no_search: bool,
        /// Leave the PDF editions out (a quicker build; pages then have no download link
        /// but an editor's own `pdf`).
        #[arg(long)]
        no_pdf: bool,
    },
    /// Check everything a build checks, without writing anything.
    #[command(after_help = CHECK_HELP)]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Also check every http:// and https:// link and image by asking its server. Each
        /// broken one is an error at its line; a permanent redirect is a warning naming the new
        /// address.
        #[arg(long)]
        external: bool,
        /// With --external: how long one request may take before the link counts as broken.
        #[arg(long, value_name = "SECONDS", requires = "external", value_parser = parse_seconds)]
        timeout: Option<std::time::Duration>,
    },
    /// Build, serve on 127.0.0.1 (or --bind), rebuild on every change and reload open pages.
    #[command(
        after_help = "The site is served from memory; output/ is not touched. A save that breaks the build shows its errors over the last good page in the browser, and in the terminal.\n\nExamples:\n  centerview serve --port 8080 --open\n  centerview serve --bind 0.0.0.0   preview on a phone on this network"
    )]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on; 0 picks a free one (the address is printed).
        #[arg(long, default_value_t = 3030)]
        port: u16,
        /// The address to listen on: 0.0.0.0 (or this machine's network address) lets other
        /// devices on the network, such as a phone, open the preview; so can anyone else on it.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Rebuild into the output folder on every change, with no server.
    #[command(after_help = "Example:\n  centerview watch --output public")]
    Watch {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site (default: output/ in the site folder).
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Create a new content file with its front matter filled in.
    #[command(
        after_help = "Kinds: brief, case-study, report, insight, post, page.\n\nExample:\n  centerview new case-study \"Oakland's site-based grants\""
    )]
    New {
        /// brief, case-study, report, insight, post or page.
        kind: String,
        /// The title, in quotes.
        title: String,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
}

const CHECK_HELP: &str = "\
With --external, each address is asked for once however many pages link to it: a HEAD request,
then GET if the server refuses HEAD, following up to 10 redirects, 16 requests at a time and 2
at a time to one server, each allowed 10 seconds (--timeout). Only public addresses are asked:
a link or redirect to this machine or a private network is reported, never followed, however it
is spelled or whatever its name resolves to. Links found working are remembered
for a day in .centerview-cache/external-links.json in the site's folder (delete it to ask again);
broken ones are asked for again every time. That folder (the file, and a .gitignore that keeps
it out of version control) is all `check` ever writes.

Examples:
  centerview check --drafts
  centerview check --external --timeout 30";

/// A `--timeout`: a positive number of seconds, fractions allowed.
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 3600.0 => Ok(std::time::Duration::from_secs_f64(s)),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 3600, such as 10 or 2.5"
        )),
    }
}

#[derive(Args, Debug)]
pub struct SiteArgs {
    /// The site folder (the one with site.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include pages dated after today (otherwise held back until their day).
    #[arg(long)]
    pub future: bool,
}

/// Runs the command line and returns the exit status.
pub fn run(cli: Cli) -> i32 {
    let env = |name: &str| std::env::var(name).ok();
    let console = Console {
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: crate::console::use_color(
            cli.color,
            std::io::stderr().is_terminal(),
            env("NO_COLOR").as_deref(),
            env("CLICOLOR_FORCE").as_deref(),
        ),
        format: cli.message_format,
    };
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            no_search,
            no_pdf,
        } => {
            let mut options = Options::new(site.root);
            options.output = output;
            options.search = !no_search;
            options.pdf = !no_pdf;
            options.drafts = site.drafts;
            options.future = site.future;
            options.base_url = base_url;
            run_build(&options, console)
        }
        Command::Check {
            site,
            external,
            timeout,
        } => {
            let mut options = Options::new(site.root);
            if external {
                let mut settings = crate::external::Settings::default();
                settings.timeout = timeout.unwrap_or(settings.timeout);
                options.external = Some(settings);
            }
            options.drafts = site.drafts;
            options.future = site.future;
            options.write = false;
            // The index checks nothing, and check writes nothing; typesetting the PDF
            // editions would take longest of all to find only what the build warns of.
            options.search = false;
            options.typeset = false;
            run_build(&options, console)
        }
        Command::Serve {
            site,
            port,
            bind,
            open,
        } => {
            let mut options = Options::new(site.root);
            options.drafts = site.drafts;
            options.future = site.future;
            crate::serve::serve(options, (bind, port), open, console)
        }
        Command::Watch { site, output } => {
            let mut options = Options::new(site.root);
            options.drafts = site.drafts;
            options.future = site.future;
            options.output = output;
            options.writer = crate::write::Writer::Watch;
            crate::serve::watch(options, console)
        }
        Command::New { kind, title, root } => {
            let today = jiff::Zoned::now().date();
            match crate::new::new_page(&root, &kind, &title, today) {
                Ok(path) => {
                    let created = format!("Created {}", path.display());
                    // On stdout for people; stdout is only JSON with --message-format json.
                    match console.format {
                        _ if console.quiet => {}
                        MessageFormat::Human => println!("{created}"),
                        MessageFormat::Json => eprintln!("{created}"),
                    }
                    if console.verbose {
                        let text = std::fs::read_to_string(&path).unwrap_or_default();
                        eprint!("{text}");
                    }
                    console.summary(0, &[]);
                    0
                }
                Err(message) => {
                    let mut d = Diagnostic::error(message);
                    d.category = crate::diagnostics::Category::Io;
                    console.diagnostic(&d);
                    // Every command's JSON ends with its summary.
                    console.summary(1, &[]);
                    2
                }
            }
        }
    }
}

/// " and 120 external links (80 known to work from the last day)".
fn external_note(summary: crate::external::Summary) -> String {
    let links = crate::diagnostics::count(summary.urls, "external link", "external links");
    match summary.cached {
        0 => format!(" and {links}"),
        n => format!(" and {links} ({n} known to work from the last day)"),
    }
}

/// What the summary line says of the PDF editions: "; 8 PDF editions (2 typeset)".
fn editions_note(stats: &crate::render::editions::Stats, on: bool) -> String {
    match (on, stats.editions) {
        (false, _) => "; no PDF editions (--no-pdf)".into(),
        (true, 0) => String::new(),
        (true, n) => format!(
            "; {} ({} typeset)",
            crate::diagnostics::count(n, "PDF edition", "PDF editions"),
            stats.typeset.len()
        ),
    }
}

/// What the summary line says of the resized images: "; 12 images resized (40 copies, 6 made)".
fn images_note(stats: &crate::render::images::Stats) -> String {
    match stats.images {
        0 => String::new(),
        n => format!(
            "; {} resized ({}, {} made)",
            crate::diagnostics::count(n, "image", "images"),
            crate::diagnostics::count(stats.copies, "copy", "copies"),
            stats.made
        ),
    }
}

/// What the summary line says of the sharing cards: "; 8 sharing cards (2 drawn)".
fn share_cards_note(stats: &crate::render::share_cards::Stats) -> String {
    match stats.cards {
        0 => String::new(),
        n => format!(
            "; {} ({} drawn)",
            crate::diagnostics::count(n, "sharing card", "sharing cards"),
            stats.drawn
        ),
    }
}

fn run_build(options: &Options, console: Console) -> i32 {
    if options.write {
        // A build stopped by a signal removes its work folder; the output stays as it was.
        let _ = crate::write::folder::clean_up_on_signals();
    }
    match build::build(options) {
        Ok(report) => {
            console.diagnostics(&report.warnings);
            console.stages(&report.stages);
            console.summary(0, &report.warnings);
            let warnings = match report.warnings.len() {
                0 => String::new(),
                1 => ", 1 warning".into(),
                n => format!(", {n} warnings"),
            };
            let ms = report.elapsed.as_secs_f64() * 1000.0;
            let held = crate::build::held_back_note(report.held_back);
            let search = match options.search {
                true => "",
                false => "; no search index (--no-search)",
            };
            let pdf = editions_note(&report.editions, options.pdf)
                + &images_note(&report.images)
                + &share_cards_note(&report.share_cards);
            console.progress(&if options.write {
                format!(
                    "Built {} pages ({} files) into {} in {ms:.0} ms{warnings}{held}{search}{pdf}",
                    report.pages,
                    report.files,
                    report.output.display()
                )
            } else {
                let external = report.external.map(external_note).unwrap_or_default();
                format!(
                    "Checked {} pages{external} in {ms:.0} ms: no errors{warnings}{held}",
                    report.pages
                )
            });
            0
        }
        Err(failure) => {
            console.diagnostics(&failure.diagnostics);
            let errors = failure.errors();
            console.summary(errors, &failure.diagnostics);
            let what = if options.write {
                "Build failed"
            } else {
                "Check failed"
            };
            let untouched = if options.write {
                "; the output folder was not changed"
            } else {
                ""
            };
            eprintln!(
                "{what}: {}{untouched}",
                crate::diagnostics::count(errors, "error", "errors")
            );
            failure.exit_code()
        }
    }
}
