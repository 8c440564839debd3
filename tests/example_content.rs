//! The example site (content/ and site.yaml) is published as a demo, so it names no one's real
//! address: every email address in it, however written, is at a domain reserved for examples
//! (RFC 2606 and RFC 6761), never a real person's or organisation's.

use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Second-level domains reserved for examples (RFC 2606 §3), with any subdomain of theirs.
const EXAMPLE_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];
/// Top-level domains reserved for tests, examples and invalid names (RFC 2606 §2, RFC 6761).
const EXAMPLE_TLDS: [&str; 4] = ["example", "test", "invalid", "localhost"];

/// The ways of writing `@` that spell an address without the sign itself: `[at]`, `(at)`,
/// `{at}`, ` AT `, and the HTML and URL escapes (`&#64;`, `&commat;`, `%40` in a `mailto:`).
static OBFUSCATED_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[\[({]\s*(?i:at)\s*[\])}]\s*|\s+AT\s+|&#0*64;|&#[xX]0*40;|&commat;|%40")
        .unwrap()
});
/// The same for `.`: `[dot]`, `(dot)`, `{dot}`, ` DOT `, `&#46;`, `&period;`.
static OBFUSCATED_DOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[\[({]\s*(?i:dot)\s*[\])}]\s*|\s+DOT\s+|&#0*46;|&#[xX]0*2[eE];|&period;")
        .unwrap()
});
/// An email address once written plainly: a local part, `@`, and a dotted domain whose last
/// label is letters (Unicode ones too).
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{N}._%+'-]+@((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,})")
        .unwrap()
});

/// Whether `domain` is reserved for examples, so that no one receives mail sent to it.
fn is_example_domain(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_lowercase();
    let under = |parent: &str| domain == parent || domain.ends_with(&format!(".{parent}"));
    EXAMPLE_DOMAINS.iter().any(|d| under(d)) || EXAMPLE_TLDS.iter().any(|t| under(t))
}

/// Every email address in `line`, written plainly, as a `mailto:` link or spelled out
/// (`name [at] host [dot] org`), each as it reads with `@` and `.` restored.
fn addresses_in(line: &str) -> Vec<(String, String)> {
    let line = OBFUSCATED_AT.replace_all(line, "@");
    let line = OBFUSCATED_DOT.replace_all(&line, ".");
    (EMAIL.captures_iter(&line))
        .map(|c| (c[0].to_string(), c[1].to_string()))
        .collect()
}

/// `path:line: address` for every address in `text` whose domain is not an example domain.
fn real_addresses(path: &Path, text: &str) -> Vec<String> {
    let lines = text.lines().enumerate();
    let found = lines.flat_map(|(i, line)| addresses_in(line).into_iter().map(move |a| (i + 1, a)));
    found
        .filter(|(_, (_, domain))| !is_example_domain(domain))
        .map(|(line, (address, _))| format!("{}:{line}: {address}", path.display()))
        .collect()
}

/// site.yaml and every text file under content/ (images and PDFs hold no text to read).
fn example_site_texts() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = walkdir::WalkDir::new(root.join("content")).sort_by_file_name();
    let files = content
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file());
    let paths = std::iter::once(root.join("site.yaml")).chain(files.map(|e| e.into_path()));
    paths
        .filter_map(|path| {
            let text = String::from_utf8(std::fs::read(&path).unwrap()).ok()?;
            Some((path.strip_prefix(root).unwrap().to_path_buf(), text))
        })
        .collect()
}

#[test]
fn the_example_site_gives_only_example_addresses() {
    let texts = example_site_texts();
    assert!(texts.iter().any(|(p, _)| p.ends_with("about/index.md")));
    let real: Vec<String> = (texts.iter())
        .flat_map(|(path, text)| real_addresses(path, text))
        .collect();
    assert!(
        real.is_empty(),
        "email addresses outside the reserved example domains:\n{}\n\
         help: give a role and an address at example.org, example.com or example.net \
         (RFC 2606), such as `the Center's director of California initiatives at \
         <california-initiatives@example.org>`",
        real.join("\n")
    );
}

#[test]
fn addresses_are_found_however_they_are_written() {
    let path = Path::new("content/about/index.md");
    for written in [
        "Write to Jo Li at <jo.li@wested.org>.",
        "[Email us](mailto:centre@school.edu?subject=Hello)",
        "[Email us](mailto:centre%40school.edu)",
        "jo.li [at] wested [dot] org",
        "jo.li (at) wested.org",
        "jo.li{at}wested{dot}org",
        "jo.li AT wested DOT org",
        "<a href=\"mailto:jo&#64;wested&#46;org\">",
        "jo&#x40;wested.org",
        "jo&commat;wested&period;org",
        "  - contact: jo@mail.wested.org",
        "mail jo@schule.bayern.de",
        "jo@example.org.uk",
        "jo@notexample.org",
        "jo@example.test.com",
    ] {
        let real = real_addresses(path, written);
        assert_eq!(real.len(), 1, "{written}: {real:?}");
        assert!(
            real[0].starts_with("content/about/index.md:1: "),
            "{real:?}"
        );
    }
    assert_eq!(
        real_addresses(path, "Ask\nrsheffi@wested.org")[0],
        "content/about/index.md:2: rsheffi@wested.org"
    );
}

#[test]
fn example_addresses_and_things_that_are_not_addresses_pass() {
    for written in [
        "Write to <centerview@example.org>.",
        "[Email us](mailto:jo@EXAMPLE.COM)",
        "jo [at] example [dot] net",
        "jo@centerview.example.org, jo@school.example, jo@host.test, jo@x.invalid",
        "jo@printer.localhost",
        "@handle on a social site, and a price @ $3.50",
        "Meet at the office at noon.",
        "We looked at the data and the data (at least most of it) held.",
    ] {
        let real = real_addresses(Path::new("site.yaml"), written);
        assert!(real.is_empty(), "{written}: {real:?}");
    }
}
