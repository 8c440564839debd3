//! Incremental rebuilds write exactly what a clean build writes. A sequence of edits is
//! applied to a generated site through one long-lived session (as `serve` and `watch` do);
//! after each, its outputs are compared byte for byte with a fresh session's full build.

mod common;

use centerview::build::{Built, Options, Session};
use centerview::output::OutputData;
use common::example_site;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

fn bytes(built: &Built) -> BTreeMap<String, Vec<u8>> {
    built
        .outputs
        .iter()
        .map(|o| {
            let data = match &o.data {
                OutputData::Bytes(b) => b.as_ref().clone(),
                OutputData::Static(b) => b.to_vec(),
                OutputData::Copy(path) => std::fs::read(path).unwrap(),
                OutputData::Written => unreachable!("sessions here keep their outputs"),
            };
            (o.path.clone(), data)
        })
        .collect()
}

/// The day the builds here take as today: pages dated after it are held back.
fn today() -> jiff::civil::Date {
    jiff::civil::date(2040, 1, 1)
}

fn options(root: &Path) -> Options {
    let mut options = Options::new(root);
    options.write = false;
    options.today = Some(today());
    options
}

fn clean(root: &Path) -> BTreeMap<String, Vec<u8>> {
    clean_on(root, today())
}

/// A clean build that takes `day` as today.
fn clean_on(root: &Path, day: jiff::civil::Date) -> BTreeMap<String, Vec<u8>> {
    let mut options = options(root);
    options.today = Some(day);
    let mut session = Session::new(&options).unwrap();
    let built = session.build(None).unwrap_or_else(|f| {
        panic!(
            "clean build failed: {:?}",
            f.diagnostics
                .iter()
                .map(|d| d.render(false))
                .collect::<Vec<_>>()
        )
    });
    bytes(&built)
}

/// Applies an edit to the site at the path; returns the paths it touched.
type Edit = Box<dyn Fn(&Path) -> Vec<PathBuf>>;

struct Step {
    name: &'static str,
    edit: Edit,
    /// Whether the build should fail after it.
    fails: bool,
}

fn write(path: PathBuf, text: &str) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn first(root: &Path, section: &str) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("content").join(section))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .unwrap()
}

/// The highest-numbered generated page of a section (`page-<n>.md`).
fn last_generated(root: &Path, section: &str) -> PathBuf {
    std::fs::read_dir(root.join("content").join(section))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let n: usize = p
                .file_stem()?
                .to_str()?
                .strip_prefix("page-")?
                .parse()
                .ok()?;
            Some((n, p))
        })
        .max()
        .unwrap()
        .1
}

#[test]
fn every_edit_through_the_incremental_path_matches_a_clean_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    centerview_corpus::generate(&root, 120, 11).unwrap();
    let mut session = Session::new(&options(&root)).unwrap();
    let first_build = session.build(None).unwrap();
    assert_eq!(bytes(&first_build), clean(&root));
    let total_pages = first_build.rendered.bodies;

    let steps: Vec<Step> = vec![
        Step {
            name: "body edit",
            edit: Box::new(|root| {
                let path = first(root, "briefs");
                let text = std::fs::read_to_string(&path).unwrap();
                vec![write(
                    path,
                    &format!("{text}\nA new closing paragraph about coaching.\n"),
                )]
            }),
            fails: false,
        },
        Step {
            name: "title change",
            edit: Box::new(|root| {
                let path = first(root, "case-studies");
                let text = std::fs::read_to_string(&path).unwrap();
                let (front, body) = text.split_once("\n---\n").unwrap();
                let front: Vec<String> = front
                    .lines()
                    .map(|l| {
                        if l.starts_with("title:") {
                            "title: \"A renamed case study\"".to_string()
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                vec![write(path, &format!("{}\n---\n{body}", front.join("\n")))]
            }),
            fails: false,
        },
        Step {
            // Other pages' related publications follow its new topics.
            name: "topics change",
            edit: Box::new(|root| {
                let path = first(root, "reports");
                let text = std::fs::read_to_string(&path).unwrap();
                let (front, body) = text.split_once("\n---\n").unwrap();
                let front: Vec<&str> = front
                    .lines()
                    .map(|l| match l.starts_with("topics:") {
                        true => "topics: [Science, Early learning, Policy]",
                        false => l,
                    })
                    .collect();
                vec![write(path, &format!("{}\n---\n{body}", front.join("\n")))]
            }),
            fails: false,
        },
        Step {
            name: "new page",
            edit: Box::new(|root| {
                let brief = first(root, "briefs");
                let name = brief.file_name().unwrap().to_string_lossy();
                vec![write(
                    root.join("content/posts/brand-new.md"),
                    &format!(
                        "---\ntitle: A brand new post\ndate: 2030-01-01\ntopics: [Coaching, A new topic]\n---\nIt links to [the first brief](../briefs/{name}).\n"
                    ),
                )]
            }),
            fails: false,
        },
        Step {
            name: "renamed page",
            edit: Box::new(|root| {
                let from = root.join("content/posts/brand-new.md");
                let to = root.join("content/posts/renamed-new.md");
                std::fs::rename(&from, &to).unwrap();
                vec![from, to]
            }),
            fails: false,
        },
        Step {
            name: "deleted page",
            edit: Box::new(|root| {
                let path = root.join("content/posts/renamed-new.md");
                std::fs::remove_file(&path).unwrap();
                vec![path]
            }),
            fails: false,
        },
        Step {
            name: "data table edit",
            edit: Box::new(|root| {
                let path = root.join("content/data/table-0.yaml");
                let text = std::fs::read_to_string(&path).unwrap();
                // A new title and a new (valid) first value.
                let at = text.find("value: ").unwrap() + "value: ".len();
                let end = at + text[at..].find(' ').unwrap();
                let edited = format!("{}42{}", &text[..at], &text[end..]).replacen(
                    "title:",
                    "title: \"Edited\" #",
                    1,
                );
                vec![write(path, &edited)]
            }),
            fails: false,
        },
        Step {
            name: "template edit",
            edit: Box::new(|_| vec![]),
            fails: false,
        },
        Step {
            name: "broken front matter",
            edit: Box::new(|root| {
                let path = first(root, "insights");
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(root.join("saved.txt"), &text).unwrap();
                vec![write(path, &text.replacen("title:", "titel:", 1))]
            }),
            fails: true,
        },
        Step {
            name: "fixed front matter",
            edit: Box::new(|root| {
                let path = first(root, "insights");
                let text = std::fs::read_to_string(root.join("saved.txt")).unwrap();
                vec![write(path, &text)]
            }),
            fails: false,
        },
        Step {
            name: "alias added",
            edit: Box::new(|root| {
                let path = first(root, "briefs");
                let text = std::fs::read_to_string(&path).unwrap();
                vec![write(
                    path,
                    &text.replacen(
                        "\ntitle:",
                        "\naliases: [/briefs/an-old-address/]\ntitle:",
                        1,
                    ),
                )]
            }),
            fails: false,
        },
        Step {
            name: "page renamed, its old address kept as an alias",
            edit: Box::new(|root| {
                // The corpus links only to earlier pages: the last one has no inbound links.
                let from = last_generated(root, "posts");
                let slug = from.file_stem().unwrap().to_string_lossy().into_owned();
                let to = from.with_file_name("renamed-report.md");
                let text = std::fs::read_to_string(&from).unwrap();
                std::fs::remove_file(&from).unwrap();
                let text = text.replacen(
                    "\ntitle:",
                    &format!("\naliases: [/posts/{slug}/]\ntitle:"),
                    1,
                );
                vec![from, write(to, &text)]
            }),
            fails: false,
        },
        Step {
            name: "a new page crosses a pagination boundary",
            edit: Box::new(|root| {
                vec![
                    write(
                        root.join("site.yaml"),
                        "title: CenterView\ndescription: A generated CenterView site\nbase_url: https://example.org/\npage_size: 5\n",
                    ),
                    write(
                        root.join("content/briefs/newest.md"),
                        "---\ntitle: The newest brief\ndate: 2039-12-31\ntopics: [Coaching]\n---\nIt shifts every listing page by one.\n",
                    ),
                ]
            }),
            fails: false,
        },
        Step {
            name: "a scheduled page",
            edit: Box::new(|root| {
                vec![write(
                    root.join("content/briefs/scheduled.md"),
                    "---\ntitle: A scheduled brief\ndate: 2040-01-02\ntopics: [Coaching]\n---\nIt waits for its day.\n",
                )]
            }),
            fails: false,
        },
        Step {
            name: "the scheduled page's day comes",
            edit: Box::new(|_| vec![]),
            fails: false,
        },
        Step {
            name: "a figure of an image",
            edit: Box::new(|root| {
                vec![
                    write(
                        root.join("content/assets/diagram.svg"),
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 200\"/>",
                    ),
                    write(
                        root.join("content/posts/diagram.md"),
                        "---\ntitle: A diagram\ndate: 2030-01-02\n---\n![Circles](../assets/diagram.svg \"The structures\")\n",
                    ),
                ]
            }),
            fails: false,
        },
        Step {
            // The page draws the image at its size, and links to its full size when wide.
            name: "the figure's image grows",
            edit: Box::new(|root| {
                vec![write(
                    root.join("content/assets/diagram.svg"),
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 900 600\"/>",
                )]
            }),
            fails: false,
        },
        Step {
            name: "site.yaml change",
            edit: Box::new(|root| {
                vec![write(
                    root.join("site.yaml"),
                    "title: CenterView Renamed\ndescription: Changed\nbase_url: https://example.org/\n",
                )]
            }),
            fails: false,
        },
    ];

    let mut last = bytes(&first_build);
    for step in &steps {
        let mut changed: Vec<PathBuf> = (step.edit)(&root);
        if step.name == "template edit" {
            let template = root.join("themes/centerview/templates/page.html");
            let builtin = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/centerview/templates/page.html"),
            )
            .unwrap();
            changed.push(write(
                template,
                &builtin.replace("<div class=\"prose\">", "<div class=\"prose\" data-edited>"),
            ));
        }
        let mut day = session.options.today.unwrap();
        if step.name == "the scheduled page's day comes" {
            day = jiff::civil::date(2040, 1, 2);
            session.options.today = Some(day);
        }
        let changed: HashSet<PathBuf> = changed.into_iter().collect();
        let result = session.build(Some(&changed));
        if step.fails {
            assert!(result.is_err(), "{}: the build should fail", step.name);
            continue;
        }
        let built = result.unwrap_or_else(|f| {
            panic!(
                "{}: {:?}",
                step.name,
                f.diagnostics
                    .iter()
                    .map(|d| d.render(false))
                    .collect::<Vec<_>>()
            )
        });
        let incremental = bytes(&built);
        let full = clean_on(&root, day);
        let differing: Vec<&String> = full
            .keys()
            .chain(incremental.keys())
            .filter(|k| full.get(*k) != incremental.get(*k))
            .collect();
        assert!(
            differing.is_empty(),
            "{}: {} outputs differ from a clean build, e.g. {:?}",
            step.name,
            differing.len(),
            &differing[..differing.len().min(5)]
        );
        if step.name == "body edit" {
            assert_eq!(
                built.rendered.bodies, 1,
                "a body edit re-renders one body of {total_pages}"
            );
            assert!(
                built.rendered.outputs < 20,
                "and a handful of outputs, not {}",
                built.rendered.outputs
            );
        }
        if step.name == "topics change" {
            let edited = first(&root, "reports");
            let slug = edited.file_stem().unwrap().to_string_lossy().into_owned();
            let own = format!("reports/{slug}/index.html");
            let others = related_sections_changed(&last, &incremental, &own);
            assert!(others > 0, "no other page's related publications changed");
        }
        last = incremental.clone();
        let has = |path: &str| incremental.contains_key(path);
        match step.name {
            "alias added" => assert!(has("briefs/an-old-address/index.html")),
            "a new page crosses a pagination boundary" => {
                assert!(has("briefs/page/2/index.html"));
            }
            "a scheduled page" => {
                assert!(!has("briefs/scheduled/index.html"));
                assert_eq!(built.held_back.0, 1);
            }
            "the scheduled page's day comes" => {
                assert!(has("briefs/scheduled/index.html"));
                assert_eq!(built.held_back.0, 0);
            }
            _ => {}
        }
        if step.name == "the figure's image grows" {
            let page =
                String::from_utf8_lossy(&incremental["posts/diagram/index.html"]).into_owned();
            assert!(page.contains("width=\"900\" height=\"600\""), "{page}");
        }
        if step.name == "template edit" {
            assert!(
                incremental
                    .values()
                    .any(|b| String::from_utf8_lossy(b).contains("data-edited"))
            );
        }
    }
}

/// How many pages but `own` show other related publications in `after` than in `before`.
fn related_sections_changed(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
    own: &str,
) -> usize {
    let related = |bytes: &[u8]| {
        let html = String::from_utf8_lossy(bytes).into_owned();
        html.find("<section class=\"related-pubs\"")
            .map(|at| html[at..].split("</section>").next().unwrap().to_string())
    };
    after
        .iter()
        .filter(|(path, _)| path.ends_with("index.html") && path.as_str() != own)
        .filter(|(path, bytes)| before.get(*path).map(|b| related(b)) != Some(related(bytes)))
        .count()
}

#[test]
fn a_preview_of_a_body_edit_is_the_page_the_rebuild_writes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    example_site(&root);
    let mut session = Session::new(&options(&root)).unwrap();
    // As `serve`: the rebuild keeps the last PDF editions until they are typeset after it.
    session.defer_pdfs = true;
    session.build(None).unwrap();
    // A brief in a series with a figure, a report embedding case studies, a case study
    // featured elsewhere, the one-pager with pull quotes.
    let pages = [
        ("briefs/partnership.md", "briefs/partnership/index.html"),
        (
            "reports/math-in-common.md",
            "reports/math-in-common/index.html",
        ),
        (
            "insights/teacher-leaders.md",
            "insights/teacher-leaders/index.html",
        ),
    ];
    let mut cases: Vec<(String, String)> = pages
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let case = first(&root, "case-studies");
    let slug = case.file_stem().unwrap().to_string_lossy().into_owned();
    cases.push((
        format!("case-studies/{slug}.md"),
        format!("case-studies/{slug}/index.html"),
    ));
    for (rel, output) in cases {
        let path = root.join("content").join(&rel);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        std::fs::write(
            &path,
            format!("{text}\nA paragraph added while the server runs, with *emphasis*.\n"),
        )
        .unwrap();
        let changed: HashSet<PathBuf> = [path.clone()].into_iter().collect();
        let preview = session
            .preview(&changed)
            .unwrap_or_else(|| panic!("{rel}: a body edit is previewed"));
        assert_eq!(preview.path, output);
        let built = session.build(Some(&changed)).unwrap();
        assert_eq!(
            bytes(&built)[&output],
            match &preview.data {
                OutputData::Bytes(b) => b.as_ref().clone(),
                _ => unreachable!("pages are rendered"),
            },
            "{rel}: the preview is what the rebuild writes"
        );
    }

    // Saves that may change more than the page are not previewed.
    let brief = root.join("content/briefs/partnership.md");
    let original = std::fs::read_to_string(&brief).unwrap();
    let one: HashSet<PathBuf> = [brief.clone()].into_iter().collect();
    for (what, text) in [
        ("a new title", original.replacen("title:", "title: New", 1)),
        (
            "a link to a missing anchor",
            format!("{original}\n[gone](snapshot.md#no-such-heading)\n"),
        ),
        ("a new heading", format!("{original}\n## A new heading\n")),
        (
            "an unknown shortcode",
            format!("{original}\n{{{{ nope() }}}}\n"),
        ),
    ] {
        std::fs::write(&brief, text).unwrap();
        assert!(session.preview(&one).is_none(), "{what} is not previewed");
    }
    std::fs::write(&brief, &original).unwrap();
    let two: HashSet<PathBuf> = [brief.clone(), first(&root, "posts")].into_iter().collect();
    assert!(
        session.preview(&two).is_none(),
        "two files are not previewed"
    );
}

/// A theme's own shortcode: a changed template re-renders the pages using it, a changed
/// declaration is checked again, and each rebuild writes what a clean build writes.
#[test]
fn a_changed_theme_shortcode_is_used_by_the_next_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    example_site(&root);
    let template = root.join("themes/centerview/templates/shortcodes/callout.html");
    let declared = "{#\nshortcode: body\ntitle: text, required\n#}\n";
    write(
        template.clone(),
        &format!("{declared}<aside class=\"callout\">{{{{ title }}}}\n{{{{ body }}}}\n</aside>\n"),
    );
    let brief = root.join("content/briefs/partnership.md");
    let original = std::fs::read_to_string(&brief).unwrap();
    write(
        brief.clone(),
        &format!("{original}\n{{% callout(title=\"Note\") %}}\nCalled out.\n{{% end %}}\n"),
    );
    let mut session = Session::new(&options(&root)).unwrap();
    let page = "briefs/partnership/index.html";
    let html = |built: &Built| String::from_utf8(bytes(built)[page].clone()).unwrap();
    let first_build = session.build(None).unwrap();
    assert!(html(&first_build).contains("<aside class=\"callout\">Note"));

    let changed: HashSet<PathBuf> = [write(
        template.clone(),
        &format!(
            "{declared}<aside class=\"callout changed\">{{{{ title }}}}\n{{{{ body }}}}\n</aside>\n"
        ),
    )]
    .into_iter()
    .collect();
    let built = session.build(Some(&changed)).unwrap();
    assert!(html(&built).contains("<aside class=\"callout changed\">Note"));
    assert_eq!(bytes(&built), clean(&root), "the rebuild is a clean build");

    // A new required parameter: the page's call no longer gives everything.
    let changed: HashSet<PathBuf> = [write(
        template.clone(),
        "{#\nshortcode: body\ntitle: text, required\nlevel: integer, required\n#}\n<aside>{{ body }}</aside>\n",
    )]
    .into_iter()
    .collect();
    let messages = failure_messages(session.build(Some(&changed)));
    assert!(
        messages
            .iter()
            .any(|m| m.contains("content/briefs/partnership.md")
                && m.contains("`callout` needs the argument `level`")),
        "{messages:?}"
    );
    // A broken declaration fails the next build at the template's line.
    let changed: HashSet<PathBuf> = [write(
        template.clone(),
        "{# shortcode: bdy #}\n{{ body }}\n",
    )]
    .into_iter()
    .collect();
    let messages = failure_messages(session.build(Some(&changed)));
    assert!(
        messages.iter().any(|m| m.contains(
            "themes/centerview/templates/shortcodes/callout.html:1:15: error: `shortcode:` must be `body` or `inline`, found `bdy`"
        )),
        "{messages:?}"
    );
}

/// The messages of a build that must fail.
fn failure_messages<T>(result: Result<T, centerview::build::Failure>) -> Vec<String> {
    let Err(failure) = result else {
        panic!("the build should fail")
    };
    (failure.diagnostics.iter())
        .map(|d| d.render(false))
        .collect()
}

/// People's profiles through one session: a profile added, edited, renamed (file and name)
/// and deleted, and a publication's authors changed, each rebuild equal to a clean build.
#[test]
fn profile_and_author_edits_match_a_clean_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let brief = |name: &str, date: &str, authors: &str| {
        write(
            root.join(format!("content/briefs/{name}.md")),
            &format!("---\ntitle: Brief {name}\ndate: {date}\nauthors: [{authors}]\n---\nText.\n"),
        )
    };
    write(
        root.join("site.yaml"),
        &format!("{}page_size: 2\n", common::SITE_YAML),
    );
    brief("a", "2017-01-01", "Ann Lee");
    brief("b", "2018-01-01", "Ann Lee, Sam Other");
    brief("c", "2019-01-01", "Sam Other");
    let profile =
        |file: &str, text: &str| write(root.join(format!("content/authors/{file}.md")), text);
    let mut session = Session::new(&options(&root)).unwrap();
    assert_eq!(bytes(&session.build(None).unwrap()), clean(&root));

    type ProfileEdit<'a> = Box<dyn Fn() -> Vec<PathBuf> + 'a>;
    let steps: Vec<(&str, ProfileEdit)> = vec![
        (
            "profile added",
            Box::new(|| vec![profile("ann-lee", "---\nname: Ann Lee\n---\nAnn writes.\n")]),
        ),
        (
            "profile edited",
            Box::new(|| {
                vec![profile(
                    "ann-lee",
                    "---\nname: Ann Lee\nrole: Researcher\norcid: 0000-0002-1825-0097\n---\nAnn writes.\n",
                )]
            }),
        ),
        (
            "a publication's authors change",
            Box::new(|| vec![brief("c", "2019-01-01", "Sam Other, Ann Lee")]),
        ),
        (
            "profile file renamed",
            Box::new(|| {
                let (from, to) = (
                    root.join("content/authors/ann-lee.md"),
                    root.join("content/authors/ann.md"),
                );
                std::fs::rename(&from, &to).unwrap();
                vec![from, to]
            }),
        ),
        (
            "profile's name changed",
            Box::new(|| vec![profile("ann", "---\nname: Ann B. Lee\n---\nAnn writes.\n")]),
        ),
        (
            "publications follow the new name",
            Box::new(|| vec![brief("a", "2017-01-01", "Ann B. Lee")]),
        ),
        (
            "profile deleted",
            Box::new(|| {
                let path = root.join("content/authors/ann.md");
                std::fs::remove_file(&path).unwrap();
                vec![path]
            }),
        ),
    ];
    for (name, edit) in &steps {
        let changed: HashSet<PathBuf> = edit().into_iter().collect();
        let built = session.build(Some(&changed)).unwrap_or_else(|f| {
            panic!(
                "{name}: {:?}",
                f.diagnostics
                    .iter()
                    .map(|d| d.render(false))
                    .collect::<Vec<_>>()
            )
        });
        let incremental = bytes(&built);
        let full = clean(&root);
        let differing: Vec<&String> = (full.keys().chain(incremental.keys()))
            .filter(|k| full.get(*k) != incremental.get(*k))
            .collect();
        assert!(
            differing.is_empty(),
            "{name}: {differing:?} differ from a clean build"
        );
        let has = |path: &str| incremental.contains_key(path);
        match *name {
            "profile added" => {
                assert!(has("authors/ann-lee/index.html") && has("authors/index.html"))
            }
            "a publication's authors change" => assert!(has("authors/ann-lee/page/2/index.html")),
            "profile file renamed" => {
                assert!(has("authors/ann/index.html") && !has("authors/ann-lee/index.html"))
            }
            "profile deleted" => assert!(!has("authors/index.html")),
            _ => {}
        }
    }
}
