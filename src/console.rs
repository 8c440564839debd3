//! How a command talks to the terminal: diagnostics for people (with or without colour) or
//! as JSON lines for tools, progress lines unless `--quiet`, stage timings with `--verbose`.
//!
//! Human output all goes to stderr, and shows names and values without obeying them: a
//! control character in a file name or a value is written as an escape (`\u001B`; see
//! [`crate::diagnostics::escape_controls`]), whatever `--color` says. With
//! `--message-format json`, diagnostics and each build's summary go to stdout, one JSON
//! object a line, and nothing else does: a tool reads stdout and parses every line, while the
//! progress lines a person watches stay on stderr (as `cargo --message-format json` does).

use crate::diagnostics::{Diagnostic, Severity};
use std::time::Duration;

/// `--message-format`: for people, or one JSON object a line for editors' tools and CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum MessageFormat {
    #[default]
    Human,
    Json,
}

/// `--color`: `auto` colours only a terminal, and heeds `NO_COLOR` and `CLICOLOR_FORCE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour, given the choice, whether stderr is a terminal, and the values of
/// `NO_COLOR` and `CLICOLOR_FORCE`. An explicit `--color` wins over both variables; with
/// `auto`, a non-empty `NO_COLOR` turns colour off (<https://no-color.org>), else a
/// `CLICOLOR_FORCE` that is neither empty nor `0` turns it on (<https://bixense.com/clicolors/>).
pub fn use_color(
    choice: ColorChoice,
    terminal: bool,
    no_color: Option<&str>,
    clicolor_force: Option<&str>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if no_color.is_some_and(|v| !v.is_empty()) => false,
        ColorChoice::Auto if clicolor_force.is_some_and(|v| !v.is_empty() && v != "0") => true,
        ColorChoice::Auto => terminal,
    }
}

/// What the command line asked for about printing, handed to every command.
#[derive(Debug, Clone, Copy, Default)]
pub struct Console {
    /// `--quiet`: only errors and warnings.
    pub quiet: bool,
    /// `--verbose`: also each build's stage timings (and `new`'s file).
    pub verbose: bool,
    /// Colour human output (see [`use_color`]).
    pub color: bool,
    pub format: MessageFormat,
}

impl Console {
    /// Prints one diagnostic: rendered to stderr, or as a JSON line to stdout.
    pub fn diagnostic(&self, d: &Diagnostic) {
        match self.format {
            MessageFormat::Human => eprint!("{}", d.render(self.color)),
            MessageFormat::Json => println!("{}", d.to_json()),
        }
    }

    pub fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            self.diagnostic(d);
        }
    }

    /// A progress line for people, on stderr, unless `--quiet`; control characters in it
    /// (from a folder's name, say) are shown escaped, as in diagnostics.
    pub fn progress(&self, line: &str) {
        if !self.quiet {
            eprintln!("{}", crate::diagnostics::escape_controls(line));
        }
    }

    /// With `--verbose`, how long each stage of a build took.
    pub fn stages(&self, stages: &[(&'static str, Duration)]) {
        if self.verbose {
            for (stage, time) in stages {
                eprintln!("  {stage:<18} {:>8.1} ms", time.as_secs_f64() * 1000.0);
            }
        }
    }

    /// With `--message-format json`, the last line of a build: whether it succeeded, and how
    /// many errors (counting those of a file too many to print) and warnings it found.
    pub fn summary(&self, errors: usize, warnings: &[Diagnostic]) {
        if self.format != MessageFormat::Json {
            return;
        }
        let warnings = warnings
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        let summary = serde_json::json!({
            "type": "summary",
            "success": errors == 0,
            "errors": errors,
            "warnings": warnings,
        });
        println!("{summary}");
    }
}

/// Whether `CENTERVIEW_PROFILE` is set: the build then says how long each of its stages and
/// the search index's steps took, with the memory at each ([`profile_step`]).
pub fn profiling() -> bool {
    std::env::var_os("CENTERVIEW_PROFILE").is_some()
}

/// One line of profile, on stderr: the step, how long it took, and the process's memory as
/// it ends and at most so far (`VmRSS`, `VmHWM`).
pub fn profile_step(what: &str, took: Duration) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let memory: Vec<&str> = (status.lines())
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
        .collect();
    eprintln!(
        "  {what:<20} {:>8.1} ms {memory:?}",
        took.as_secs_f64() * 1000.0
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_choice_wins_over_the_environment() {
        assert!(use_color(ColorChoice::Always, false, Some("1"), None));
        assert!(!use_color(ColorChoice::Never, true, None, Some("1")));
    }

    #[test]
    fn auto_heeds_no_color_then_clicolor_force_then_the_terminal() {
        use ColorChoice::Auto;
        assert!(use_color(Auto, true, None, None));
        assert!(!use_color(Auto, false, None, None));
        assert!(!use_color(Auto, true, Some("1"), None));
        // An empty NO_COLOR is as if unset.
        assert!(use_color(Auto, true, Some(""), None));
        assert!(use_color(Auto, false, None, Some("1")));
        assert!(!use_color(Auto, false, None, Some("0")));
        assert!(!use_color(Auto, false, None, Some("")));
        assert!(!use_color(Auto, false, Some("1"), Some("1")));
    }
}
