//! Search, end to end, in real headless Chromium: the example site is built, served on
//! 127.0.0.1, and searched as a reader would: a query from the URL, typing, a facet, a phrase,
//! the header search box, and keyboard-only use. The browser's stemmer is also checked
//! against rust-stemmers, which built the index, word for word.

mod common;

use common::browser::{self, Browser};
use fantoccini::Locator;
use fantoccini::key::Key;
use std::path::Path;

fn build_example_site(output: &Path) {
    let root = env!("CARGO_MANIFEST_DIR");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_centerview"))
        .args(["build", "--quiet", "--root", root, "--output"])
        .arg(output)
        .status()
        .expect("run centerview");
    assert!(status.success(), "the example site builds");
}

const READY: &str = "return document.querySelector('[data-search]').getAttribute('data-ready')";

async fn wait_ready(b: &Browser, after: &str) -> String {
    let script = format!(
        "const r = document.querySelector('[data-search]').getAttribute('data-ready'); return r && r !== '{after}' ? r : null;"
    );
    b.wait_for(&script, 15)
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn text_of(b: &Browser, script: &str) -> String {
    b.client
        .execute(script, vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// What the live region says about the results.
async fn status_of(b: &Browser) -> String {
    text_of(
        b,
        "return document.getElementById('search-status').textContent",
    )
    .await
}

async fn marks(b: &Browser) -> Vec<String> {
    let value = b
        .client
        .execute(
            "return [...document.querySelectorAll('#search-results mark')].map(m => m.textContent)",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_works_in_a_real_browser() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("site");
    build_example_site(&output);
    let base = browser::serve(&output).await;
    let b = Browser::start().await;

    // A query in the URL runs on load; stemming finds "coaching" for "coaches", and the
    // title match ranks first.
    b.client
        .goto(&format!("{base}/search/?q=coaches"))
        .await
        .unwrap();
    wait_ready(&b, "").await;
    let status = status_of(&b).await;
    assert!(status.ends_with("results for “coaches”"), "{status}");
    let count: usize = status.split(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3, "{status}");
    let first_title = text_of(
        &b,
        "return document.querySelector('.result-title').innerHTML",
    )
    .await;
    assert!(
        first_title.contains("<mark>Coaching</mark>")
            || first_title.contains("<mark>coaches</mark>"),
        "title matches rank first: {first_title}"
    );
    let found = marks(&b).await;
    assert!(
        found.iter().any(|m| m.eq_ignore_ascii_case("coaches")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|m| m.eq_ignore_ascii_case("coaching")),
        "stemming: {found:?}"
    );
    let link = text_of(
        &b,
        "return document.querySelector('.result-title a').getAttribute('href')",
    )
    .await;
    assert!(
        link.starts_with("/case-studies/long-beach-coaching/")
            || link.starts_with("/case-studies/elk-grove-site-coaches/"),
        "{link}"
    );
    // A page titled with every word of the query comes first, while the last word is still
    // being typed too: a rarer completion ("leadership") must not outrank the word itself.
    for q in ["teacher+leaders", "teacher+leaders+"] {
        b.client
            .goto(&format!("{base}/search/?q={q}"))
            .await
            .unwrap();
        wait_ready(&b, "").await;
        let first = text_of(
            &b,
            "return document.querySelector('.result-title a').getAttribute('href')",
        )
        .await;
        assert_eq!(first, "/insights/teacher-leaders/", "{q}");
    }
    b.client
        .goto(&format!("{base}/search/?q=coaches"))
        .await
        .unwrap();
    let ready = wait_ready(&b, "").await;

    // Where a match sits under a heading, the result links to that heading, and names it.
    let section = b
        .client
        .execute("const s = document.querySelector('.result-section a'); return s && [s.getAttribute('href'), s.textContent, !!document.getElementById(s.getAttribute('href').split('#')[1]) || s.getAttribute('href')];", vec![])
        .await
        .unwrap();
    let section: Vec<serde_json::Value> =
        serde_json::from_value(section).expect("a result names its section");
    assert!(section[0].as_str().unwrap().contains('#'), "{section:?}");

    // Typing: results follow the input, the last word matches as a prefix, and the URL keeps up.
    let input = b.client.find(Locator::Id("search-input")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("district partner").await.unwrap();
    let ready = wait_ready(&b, &ready).await;
    let status = status_of(&b).await;
    assert!(status.contains("for “district partner”"), "{status}");
    let found = marks(&b).await;
    assert!(
        found
            .iter()
            .any(|m| m.to_lowercase().starts_with("partner") && m.len() > 7),
        "prefix match: {found:?}"
    );
    let url = b.client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("q=district+partner"));

    // A facet narrows the results, shows counts, and goes into the URL.
    let brief_label = b
        .client
        .find(Locator::Css("label[for='facet-kind-0']"))
        .await
        .unwrap();
    assert!(
        brief_label
            .text()
            .await
            .unwrap()
            .starts_with("CenterView Brief")
    );
    b.client
        .find(Locator::Id("facet-kind-0"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_ready(&b, &ready).await;
    let kinds: Vec<String> = serde_json::from_value(
        b.client
            .execute(
                "return [...document.querySelectorAll('.result-kind')].map(k => k.textContent)",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k.starts_with("CenterView Brief")),
        "{kinds:?}"
    );
    assert!(
        b.client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("q=district+partner&kind=brief")
    );

    // A quoted phrase matches the words together, and highlights them together.
    b.client
        .goto(&format!("{base}/search/?q=%22teacher+leaders%22"))
        .await
        .unwrap();
    wait_ready(&b, "").await;
    let found = marks(&b).await;
    assert!(
        !found.is_empty()
            && found
                .iter()
                .all(|m| m.eq_ignore_ascii_case("teacher leaders")),
        "{found:?}"
    );

    // No results says so, and suggests what to do.
    b.client
        .goto(&format!("{base}/search/?q=xylophonic"))
        .await
        .unwrap();
    wait_ready(&b, "").await;
    let status = status_of(&b).await;
    assert!(
        status.starts_with("No results for “xylophonic”"),
        "{status}"
    );

    // An empty query browses everything, newest first, with facet counts.
    b.client.goto(&format!("{base}/search/")).await.unwrap();
    wait_ready(&b, "").await;
    let status = status_of(&b).await;
    assert!(status.ends_with("results"), "{status}");
    assert!(
        b.client
            .find(Locator::Css("#facet-year-2019"))
            .await
            .is_ok()
    );

    // The header's search box works from any page, with no script on that page.
    b.client.goto(&format!("{base}/briefs/")).await.unwrap();
    let scripts = b
        .client
        .execute("return document.scripts.length", vec![])
        .await
        .unwrap();
    assert_eq!(scripts, serde_json::json!(0));
    let header = b.client.find(Locator::Id("site-search-q")).await.unwrap();
    header.send_keys("partnership").await.unwrap();
    header.send_keys(&Key::Enter.to_string()).await.unwrap();
    wait_ready(&b, "").await;
    assert!(
        b.client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("/search/?q=partnership")
    );
    assert!(!marks(&b).await.is_empty());

    // Keyboard only: the input is labelled and focusable, Enter searches, Tab reaches a
    // result link.
    let labelled = b.client.execute("const i = document.getElementById('search-input'); return i.labels.length === 1 && document.getElementById('search-status').getAttribute('role') === 'status'", vec![]).await.unwrap();
    assert_eq!(labelled, serde_json::json!(true));
    let input = b.client.find(Locator::Id("search-input")).await.unwrap();
    input.clear().await.unwrap();
    let ready = text_of(&b, READY).await;
    input
        .send_keys(&format!("oakland{}", Key::Enter))
        .await
        .unwrap();
    wait_ready(&b, &ready).await;
    let mut reached = false;
    for _ in 0..40 {
        let active = b.client.active_element().await.unwrap();
        active.send_keys(&Key::Tab.to_string()).await.unwrap();
        let in_results = b
            .client
            .execute(
                "return !!document.activeElement.closest('.result-title')",
                vec![],
            )
            .await
            .unwrap();
        if in_results == serde_json::json!(true) {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the results");
    let outline = b
        .client
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle",
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(outline, serde_json::json!("none"), "focus is visible");

    // The browser stems exactly as the index did.
    let words = vocabulary();
    assert!(words.len() > 2_000, "a large vocabulary: {}", words.len());
    let js = b
        .client
        .execute("const s = document.querySelector('[data-search]').stem; return arguments[0].map(w => s(w));", vec![serde_json::json!(words)])
        .await
        .unwrap();
    let js: Vec<String> = serde_json::from_value(js).unwrap();
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    let mismatches: Vec<String> = words
        .iter()
        .zip(&js)
        .filter(|(w, s)| stemmer.stem(w) != s.as_str())
        .map(|(w, s)| format!("{w}: rust {} / js {s}", stemmer.stem(w)))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} words stem differently:\n{}",
        mismatches.len(),
        words.len(),
        mismatches.join("\n")
    );
    b.close().await;
}

/// Words to check the browser's stemmer on: every word of the example site and of a small
/// generated corpus, and the Snowball algorithm's special cases.
fn vocabulary() -> Vec<String> {
    use centerview::search::tokens::{fold, split};
    let mut words: std::collections::BTreeSet<String> = [
        "generous",
        "generously",
        "generation",
        "communities",
        "community",
        "arsenal",
        "skis",
        "skies",
        "dying",
        "lying",
        "tying",
        "idly",
        "gently",
        "ugly",
        "early",
        "only",
        "singly",
        "sky",
        "news",
        "howe",
        "atlas",
        "cosmos",
        "bias",
        "andes",
        "inning",
        "innings",
        "outing",
        "outings",
        "canning",
        "herring",
        "earring",
        "proceed",
        "proceeding",
        "exceed",
        "exceeded",
        "succeed",
        "succeeding",
        "cared",
        "hopping",
        "filing",
        "tanned",
        "happy",
        "happiness",
        "cries",
        "ties",
        "gas",
        "gaps",
        "kiwis",
        "classes",
        "caress",
        "cats",
        "controllable",
        "conditional",
        "rationality",
        "rational",
        "feed",
        "agreed",
        "disagreed",
        "plastered",
        "bled",
        "motoring",
        "sing",
        "conflated",
        "troubled",
        "sized",
        "hoping",
        "falling",
        "hissing",
        "fizzed",
        "failing",
        "filing",
        "luxuriating",
        "cry",
        "by",
        "say",
        "yes",
        "yesterday",
        "toy",
        "toys",
        "boyish",
        "relational",
        "hopefulness",
        "callousness",
        "formality",
        "sensitivity",
        "sensibility",
        "triplicate",
        "formative",
        "formalize",
        "electriciti",
        "electrical",
        "hopeful",
        "goodness",
        "revival",
        "allowance",
        "inference",
        "airliner",
        "gyroscopic",
        "adjustable",
        "defensible",
        "irritant",
        "replacement",
        "adjustment",
        "dependent",
        "adoption",
        "homologou",
        "communism",
        "activate",
        "angulariti",
        "homologous",
        "effective",
        "bowdlerize",
        "probate",
        "rate",
        "cease",
        "controll",
        "roll",
        "consign",
        "consigned",
        "consigning",
        "consignment",
        "consistency",
        "consistently",
        "consolatory",
        "consolingly",
        "knackeries",
        "kneeling",
        "knightly",
        "knives",
        "fluently",
        "lessli",
        "fearlessly",
        "hopefully",
        "ogi",
        "apology",
        "analogi",
        "analogies",
        "anthology",
        "yelling",
        "ayy",
        "y",
        "yy",
        "eyes",
        "quickly",
        "heavenly",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for entry in walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let folded = fold(&std::fs::read_to_string(entry.path()).unwrap());
            words.extend(split(&folded).map(|(_, t)| t.to_string()));
        }
    }
    let corpus = tempfile::tempdir().unwrap();
    centerview_corpus::generate(corpus.path(), 40, 3).unwrap();
    for entry in walkdir::WalkDir::new(corpus.path()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let folded = fold(&std::fs::read_to_string(entry.path()).unwrap());
            words.extend(split(&folded).map(|(_, t)| t.to_string()));
        }
    }
    words.into_iter().collect()
}

/// Builds `site`, serves its output, and opens its search page with `query` run on load.
async fn search_built_site(site: &common::Site, query: &str) -> Browser {
    site.build().assert_ok();
    let base = browser::serve(&site.path("output")).await;
    let b = Browser::start().await;
    b.client
        .goto(&format!("{base}/search/?q={query}"))
        .await
        .unwrap();
    wait_ready(&b, "").await;
    b
}

/// The first result's excerpt, as text.
async fn first_excerpt(b: &Browser) -> String {
    text_of(
        b,
        "return document.querySelector('#search-results .result-excerpt').textContent",
    )
    .await
}

/// Forty paragraphs of ordinary words: enough text that what follows lands in a record's tail.
fn long_filler() -> String {
    (0..40)
        .map(|i| format!("Paragraph {i} says what districts learned about coaching and planning in year {i}.\n\n"))
        .collect()
}

/// A word found only at the end of a long page is in the record's tail, which the browser
/// fetches only then: the result's excerpt still shows the word, marked,
/// and the phrase around it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_match_deep_in_a_long_page_shows_in_its_excerpt() {
    if browser::skipped() {
        return;
    }
    let site = common::Site::new();
    let filler = long_filler();
    site.page(
        "briefs/long.md",
        &common::brief("A long brief", "2018-05-01"),
        &format!("{filler}## The last word\n\nAt the very end, a zeppelin appears over the district office.\n"),
    );
    site.page(
        "briefs/short.md",
        &common::brief("A short brief", "2018-06-01"),
        "Nothing of note here.\n",
    );
    let b = search_built_site(&site, "zeppelin").await;
    let status = status_of(&b).await;
    assert!(status.starts_with("1 result"), "{status}");
    let excerpt = first_excerpt(&b).await;
    assert!(
        excerpt.contains("a zeppelin appears over the district office"),
        "the excerpt comes from the record's tail: {excerpt:?}"
    );
    assert_eq!(marks(&b).await, ["zeppelin"]);
    let section = text_of(
        &b,
        "const s = document.querySelector('.result-section a'); return s ? s.getAttribute('href') : ''",
    )
    .await;
    assert!(section.ends_with("#the-last-word"), "{section}");
}

/// Where the title already shows a match and the start of the text has none, the result
/// shows the summary and the rest of the text is not fetched: only the record's head is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_title_match_needs_no_more_of_the_text() {
    if browser::skipped() {
        return;
    }
    let site = common::Site::new();
    let filler = long_filler();
    site.page(
        "briefs/titled.md",
        &common::brief("Zeppelins over the district", "2018-05-01"),
        &format!("{filler}At the very end, the zeppelin finally lands.\n"),
    );
    let b = search_built_site(&site, "zeppelin").await;
    assert!(status_of(&b).await.starts_with("1 result"));
    let excerpt = first_excerpt(&b).await;
    assert!(
        excerpt.starts_with("Paragraph 0 says") && !excerpt.contains("finally lands"),
        "the summary, not the tail: {excerpt:?}"
    );
    let record_requests = b
        .client
        .execute(
            "return performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/docs-')).length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        record_requests,
        serde_json::json!(2),
        "the offsets and the head, no tail"
    );
}

/// The results' page addresses, in order.
async fn result_urls(b: &Browser) -> Vec<String> {
    let value = (b.client)
        .execute(
            "return [...document.querySelectorAll('#search-results .result-title a')].map(a => a.getAttribute('href').split('#')[0])",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

/// Runs `query` on the search page already open, as if typed and submitted.
async fn search_again(b: &Browser, query: &str) {
    let before = text_of(b, READY).await;
    let script = format!(
        "const i = document.getElementById('search-input'); i.value = {}; i.form.requestSubmit();",
        serde_json::to_string(query).unwrap()
    );
    b.client.execute(&script, vec![]).await.unwrap();
    wait_ready(b, &before).await;
}

/// Excerpts are sentences around the match: a table's cells and a code sample are passed
/// over where a paragraph has the word, and code is shown only when the match is only there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excerpts_prefer_sentences_to_table_cells_and_code() {
    if browser::skipped() {
        return;
    }
    let site = common::Site::new();
    let body = "| Role | Share |\n|---|---|\n| Instructional coaching staff | 64% |\n| Teachers on special assignment | 71% |\n\n\
        ```\n{{ figure(data=\"coaching-roles\") }}\nzeppelin mooring figure\n```\n\n\
        Districts widened coaching for new teachers once the figure on roles was shared. \
        Principals said so too.\n";
    site.page(
        "briefs/coaching.md",
        &format!(
            "{}\nsummary: Who supports teachers.",
            common::brief("Support roles", "2019-01-01")
        ),
        body,
    );
    let b = search_built_site(&site, "coaching").await;
    let excerpt = first_excerpt(&b).await;
    assert!(
        excerpt.starts_with("Districts widened coaching for new teachers")
            && !excerpt.contains("64%"),
        "the sentence, from its start, not the cells: {excerpt:?}"
    );
    search_again(&b, "figure").await;
    let excerpt = first_excerpt(&b).await;
    assert!(
        excerpt.contains("the figure on roles") && !excerpt.contains("{{"),
        "the sentence, not the code: {excerpt:?}"
    );
    search_again(&b, "zeppelin").await;
    let excerpt = first_excerpt(&b).await;
    assert!(
        excerpt.contains("zeppelin mooring figure") && !excerpt.contains("Districts"),
        "code, where the match is only there, and only the code: {excerpt:?}"
    );
    assert_eq!(marks(&b).await, ["zeppelin"]);
}

/// Query words side by side outrank the same words used more often but apart, and a page's
/// authors, district and region are searched as fields of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_words_and_tags_rank_first() {
    if browser::skipped() {
        return;
    }
    let site = common::Site::new();
    let apart = "The teacher spoke first about the schedule for the spring term and its many \
        meetings across every school site in the county office region. Later our leaders \
        listened.\n\n";
    site.page(
        "briefs/apart.md",
        &common::brief("Notes from the spring", "2019-03-01"),
        &apart.repeat(2),
    );
    site.page(
        "briefs/together.md",
        &common::brief("Notes from the fall", "2019-01-01"),
        "Support from teacher leaders grew over the fall term across the county office \
        region, as every school site planned its meetings and its schedule for the year.\n\n\
        The spring brought the budget, and with it a long season of planning for every \
        office, with many meetings about the schedule and the calendar of the year.\n",
    );
    site.page(
        "briefs/other.md",
        &format!(
            "{}\nauthors: [Zora Quill]",
            common::brief("Notes on budgets", "2019-02-01")
        ),
        "Budgets were planned for the year.\n",
    );
    let b = search_built_site(&site, "teacher+leaders").await;
    assert_eq!(
        result_urls(&b).await,
        ["/briefs/together/", "/briefs/apart/"],
        "the words together first"
    );
    search_again(&b, "quill").await;
    assert_eq!(
        result_urls(&b).await,
        ["/briefs/other/"],
        "found by its author"
    );
}

/// A search for a person's name shows their profile first, before the publications that
/// name them as an author (and a page that only mentions them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_name_finds_their_profile_first() {
    if browser::skipped() {
        return;
    }
    let site = common::Site::new();
    site.page(
        "authors/zora-quill.md",
        "name: Zora Quill\nrole: Researcher",
        "Zora studies school budgets.\n",
    );
    for (slug, date) in [("first", "2019-01-01"), ("second", "2019-02-01")] {
        site.page(
            &format!("briefs/{slug}.md"),
            &format!(
                "{}\nauthors: [Zora Quill]",
                common::brief(&format!("Budgets, {slug} look"), date)
            ),
            "Budgets were planned for the year.\n",
        );
    }
    site.page(
        "briefs/mention.md",
        &common::brief("Notes from a meeting", "2019-03-01"),
        "Zora Quill spoke about the budget. Zora Quill listened.\n",
    );
    let b = search_built_site(&site, "zora+quill").await;
    let urls = result_urls(&b).await;
    assert_eq!(
        urls.first().map(String::as_str),
        Some("/authors/zora-quill/"),
        "{urls:?}"
    );
    assert_eq!(urls.len(), 4, "{urls:?}");
}

/// A query with no results offers the nearest word the site uses; following it searches again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misspelled_query_suggests_the_nearest_word() {
    if browser::skipped() {
        return;
    }
    let site = common::Site::new();
    site.page(
        "briefs/rubric.md",
        &common::brief("Observation rubric", "2019-01-01"),
        "Principals practised calibration of their scores before observing classrooms.\n",
    );
    let b = search_built_site(&site, "calibraton+rubrc").await;
    assert_eq!(
        status_of(&b).await,
        "No results for “calibraton rubrc”. Did you mean calibration rubric?"
    );
    let before = text_of(&b, READY).await;
    (b.client)
        .execute(
            "document.querySelector('.search-suggestion a').click()",
            vec![],
        )
        .await
        .unwrap();
    wait_ready(&b, &before).await;
    assert_eq!(result_urls(&b).await, ["/briefs/rubric/"]);
    let input = text_of(&b, "return document.getElementById('search-input').value").await;
    assert_eq!(input, "calibration rubric");
    // Only the unknown word changes: quotes and known words stay as typed.
    search_again(&b, "\"calibraton of\" Rubric").await;
    assert_eq!(
        status_of(&b).await,
        "No results for \"calibraton of\" Rubric. Did you mean \"calibration of\" Rubric?"
    );
}

/// Where the host ignores Range requests, search still answers: results show their summaries
/// from the small card files, a phrase is its words, and no record or positions file (which
/// would come whole) is fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_works_on_a_host_without_range_requests() {
    if browser::skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out");
    build_example_site(&output);
    let (base, requests) = browser::serve_without_ranges(&output).await;
    let b = Browser::start().await;
    b.client
        .goto(&format!("{base}/search/?q=coaching"))
        .await
        .unwrap();
    wait_ready(&b, "").await;
    let status = status_of(&b).await;
    assert!(status.contains("results for “coaching”"), "{status}");
    let urls = result_urls(&b).await;
    assert!(
        urls.contains(&"/case-studies/long-beach-coaching/".to_string()),
        "{urls:?}"
    );
    let excerpt = first_excerpt(&b).await;
    assert!(!excerpt.is_empty(), "the summary is shown");
    assert!(!marks(&b).await.is_empty(), "with its matches marked");
    search_again(&b, "\"teacher leaders\"").await;
    let urls = result_urls(&b).await;
    assert!(
        urls.contains(&"/insights/teacher-leaders/".to_string()),
        "{urls:?}"
    );
    let asked = requests.lock().unwrap().clone();
    assert!(
        asked.iter().any(|p| p.starts_with("/search/cards-")),
        "{asked:?}"
    );
    let whole: Vec<&String> = (asked.iter())
        .filter(|p| p.starts_with("/search/docs-") || p.starts_with("/search/pos-"))
        .collect();
    assert!(whole.is_empty(), "no record or positions file: {whole:?}");
}
