//! `centerview check --external`: every `http:` and `https:` link and image in the content
//! is asked for, and each broken one is reported where it is written.
//!
//! Only `check --external` runs this: a build never goes on the network. The links come from
//! the rendered bodies ([`crate::markdown::ExternalLink`]), so they are found exactly as the
//! build reads them (shortcodes expanded, reference links resolved). Each URL is asked for
//! once, however many pages use it ([`fetch`]), and only on the public internet: this machine
//! and private networks are never contacted, whatever a link or a redirect says ([`address`],
//! [`resolver`]). Links found working are remembered for a day ([`cache`]).

pub mod address;
pub mod cache;
pub mod fetch;
pub mod resolver;

use crate::diagnostics::{Diagnostic, Source};
use crate::render::Bodies;
use crate::resolve::Site;
use fetch::{Broken, Outcome};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

/// How long one request may take, unless `--timeout` says otherwise.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Requests under way at once, in all.
pub const WORKERS: usize = 16;
/// Requests under way at once to one server (however many names it has).
pub const PER_HOST: usize = 2;
/// The variable naming ports of this machine's loopback address that the checker may ask:
/// the test suite's own servers stand in for the internet on them. Nothing else opens this
/// machine, or any private address, to the checker.
pub const TEST_PORTS_VARIABLE: &str = "CENTERVIEW_TEST_LOOPBACK_PORTS";

#[derive(Debug, Clone)]
pub struct Settings {
    /// How long one request (one hop of a redirect) may take.
    pub timeout: Duration,
    pub workers: usize,
    pub per_host: usize,
    /// Loopback ports open to the checker, from [`TEST_PORTS_VARIABLE`]; empty in real use.
    pub open_loopback_ports: Vec<u16>,
}

impl Default for Settings {
    fn default() -> Settings {
        let ports = std::env::var(TEST_PORTS_VARIABLE).unwrap_or_default();
        Settings {
            timeout: TIMEOUT,
            workers: WORKERS,
            per_host: PER_HOST,
            open_loopback_ports: ports
                .split(',')
                .filter_map(|p| p.trim().parse().ok())
                .collect(),
        }
    }
}

/// How many distinct URLs were checked, and how many of them the cache answered for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub urls: usize,
    pub cached: usize,
}

/// Where a URL is written.
type Places<'a> = Vec<(&'a Source, Range<usize>)>;

/// Checks every external link of the site's bodies, adding an error for each place of each
/// broken one and a warning for each place of each permanently moved one.
pub fn check(
    site: &Site,
    bodies: &Bodies,
    root: &Path,
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) -> Summary {
    let links = collect(site, bodies);
    let now = crate::clock::now().timestamp().as_second();
    let mut cache = cache::Cache::load(root, now);
    let unknown: Vec<String> = (links.keys())
        .filter(|url| cache.get(url).is_none())
        .cloned()
        .collect();
    let summary = Summary {
        urls: links.len(),
        cached: links.len() - unknown.len(),
    };
    let mut outcomes: BTreeMap<String, Outcome> =
        fetch::check_all(unknown, settings).into_iter().collect();
    for (url, outcome) in &outcomes {
        match outcome {
            Outcome::Fine { moved } => cache.insert(
                url.clone(),
                cache::Entry {
                    checked: now,
                    moved: moved.clone(),
                },
            ),
            _ => cache.remove(url),
        }
    }
    for (url, places) in &links {
        let outcome = outcomes.remove(url).unwrap_or_else(|| Outcome::Fine {
            moved: cache.get(url).and_then(|e| e.moved.clone()),
        });
        for (source, span) in places {
            if let Some(d) = diagnostic(url, &outcome, settings) {
                diagnostics.push(d.at(source, span.clone()));
            }
        }
    }
    if let Err(e) = cache.save(root) {
        diagnostics.push(
            Diagnostic::warning(format!(
                "cannot save the links found working in `{}/{}`: {e}",
                crate::cache_dir::FOLDER,
                cache::FILE
            ))
            .help(format!(
                "{}; until then, each `check --external` asks every server again",
                e.help()
            )),
        );
    }
    summary
}

/// Every external link of every body, by URL, in reading order.
fn collect<'a>(site: &'a Site, bodies: &'a Bodies) -> BTreeMap<String, Places<'a>> {
    let mut links: BTreeMap<String, Places<'a>> = BTreeMap::new();
    for (source, rendered) in crate::render::bodies::with_sources(site, bodies) {
        for link in &rendered.external_links {
            let places = links.entry(link.url.clone()).or_default();
            places.push((source, link.span.clone()));
        }
    }
    links
}

/// What to tell the editor about one place of a link, if anything.
fn diagnostic(url: &str, outcome: &Outcome, settings: &Settings) -> Option<Diagnostic> {
    match outcome {
        Outcome::Fine { moved: None } => None,
        Outcome::Fine { moved: Some(to) } => Some(
            Diagnostic::warning(format!("the link `{url}` has moved permanently to `{to}`"))
                .label("moved")
                .help(format!(
                    "link to `{to}` instead: readers skip the redirect, and the link keeps working if the old address goes"
                )),
        ),
        Outcome::Unknown { status } => Some(
            Diagnostic::warning(format!(
                "the link `{url}` could not be checked: the server answered {}",
                status_text(*status)
            ))
            .help("the server limits how often it may be asked: run the check again later"),
        ),
        // Not contacted, so not known to be broken: said so, and as an error all the same,
        // since readers cannot reach such an address either.
        Outcome::Broken(broken @ Broken::NotPublic { .. }) => {
            let (what, help) = explain(broken, settings);
            Some(
                Diagnostic::error(format!("the link `{url}` is not checked: {what}"))
                    .label("not a public address")
                    .help(help),
            )
        }
        Outcome::Broken(broken) => {
            let (what, help) = explain(broken, settings);
            Some(
                Diagnostic::error(format!("the link `{url}` is broken: {what}"))
                    .label("broken link")
                    .help(help),
            )
        }
    }
}

/// What went wrong, and what to do about it.
fn explain(broken: &Broken, settings: &Settings) -> (String, String) {
    match broken {
        Broken::Status { code, at } => {
            let what = match at {
                Some(at) => format!(
                    "it redirects to `{at}`, which answered {}",
                    status_text(*code)
                ),
                None => format!("the server answered {}", status_text(*code)),
            };
            let help = match code {
                404 | 410 => {
                    "the page is gone: link to where it moved (search its title), to an archived copy (web.archive.org), or remove the link"
                }
                401 | 403 => {
                    "the server would not show the page: open the link in a browser to see whether it is public; link to a public page instead"
                }
                500.. => {
                    "the server failed: it may be down for now; open the link in a browser, and run the check again later"
                }
                _ => "open the link in a browser, then correct the address or remove the link",
            };
            (what, help.to_string())
        }
        Broken::Timeout => (
            format!(
                "the server did not answer within {}",
                seconds(settings.timeout)
            ),
            "it may be slow or down for now: run the check again later, or allow longer with `--timeout 30`".into(),
        ),
        Broken::Refused { host } => (
            format!("{host} refused the connection"),
            "no server is answering at that address: check the address, and run the check again later".into(),
        ),
        Broken::HostNotFound { host } => (
            format!("there is no host named `{host}`"),
            "check the spelling of the address; if the site is gone, link to an archived copy (web.archive.org) or remove the link".into(),
        ),
        Broken::TooManyRedirects => (
            format!("it redirects more than {} times", fetch::MOST_REDIRECTS),
            "open the link in a browser: the site may be redirecting in a loop; link to the page it should reach".into(),
        ),
        Broken::NotPublic { refusal, redirect } => (
            match redirect {
                Some(location) => format!(
                    "it redirects to `{location}`, and {refusal}, which `check --external` never contacts"
                ),
                None => format!("{refusal}, which `check --external` never contacts"),
            },
            "readers on the internet cannot reach it either: link to the page's public address (if the name is public and only this network's own DNS gives it a private address, run the check from outside this network)".into(),
        ),
        Broken::BadRedirect { location } => (
            format!("it redirects to `{location}`, which is not a web address"),
            "open the link in a browser and link to the page it should reach".into(),
        ),
        Broken::Insecure { reason } => (
            format!("the secure (https) connection failed ({reason})"),
            "the site's certificate may be expired or wrong: open the link in a browser; link to another copy of the page, or remove the link".into(),
        ),
        Broken::Invalid { reason } => (
            format!("it is not a valid address ({reason})"),
            "check the address as written: copy it again from the browser's address bar".into(),
        ),
        Broken::Failed { reason } => (
            format!("the request failed ({reason})"),
            "open the link in a browser; if it works there, run the check again later".into(),
        ),
    }
}

/// "404 Not Found".
fn status_text(code: u16) -> String {
    let reason = ureq::http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

/// "10 s", "0.5 s".
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_timeouts_read_plainly() {
        assert_eq!(status_text(404), "404 Not Found");
        assert_eq!(status_text(599), "599");
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(2500)), "2.5 s");
    }
}
