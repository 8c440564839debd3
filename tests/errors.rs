//! Every error the contract names for the generator: exit status 1, the file, the line (and
//! column), the message, a help line where one is useful, and `output/` byte-for-byte
//! unchanged. Each case starts from a site that built successfully, then breaks one thing.
//! Broken external links are found only by `check --external`, which needs servers to ask:
//! their diagnostics are tested in tests/external_links.rs.

mod common;

use common::{Site, brief};

/// A site that builds, with an existing output folder.
fn good_site() -> Site {
    let site = Site::new();
    site.page(
        "briefs/good.md",
        &brief("Good", "2017-01-01"),
        "## A heading\n\nText.\n",
    );
    site.page(
        "briefs/other.md",
        &brief("Other", "2017-02-01"),
        "Other text.\n",
    );
    site.build().assert_ok();
    site
}

/// A theme's own body shortcode, as docs/themes.md declares one.
const CALLOUT_PATH: &str = "themes/centerview/templates/shortcodes/callout.html";
const CALLOUT: &str = "{#\nshortcode: body\ntitle: text, required\nlevel: integer\n#}\n<aside class=\"callout\">{{ title }}\n{{ body }}\n</aside>\n";

/// A valid data table.
const TABLE: &str =
    "title: T\nsource: S\ncolumns:\n  - key: a\n    label: A\nrows:\n  - { a: x }\n";

struct Case {
    name: &'static str,
    /// Files to write (path under the site, contents), where `{300 letters}` stands for a
    /// name longer than a file system allows, and `{80 characters}` for a file name within
    /// the limit whose slug is not (`中` is three bytes, and `zhong-` in a slug).
    files: &'static [(&'static str, &'static str)],
    /// Lines that must all appear in the diagnostics.
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "footer settings that are not what they say",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/\norganization: { url: https://www.wested.org/ }\ncontact: the director\nlicense_url: creativecommons.org/licenses/by/4.0/\n",
        )],
        expect: &[
            "site.yaml:3:1: error: `organization` has no `name`",
            "site.yaml:4:10: error: `contact` must be an email address or a web address, found `the director`",
            "help: for example `contact: centerview@example.org` or `contact: https://example.org/contact/`",
            "site.yaml:5:14: error: `creativecommons.org/licenses/by/4.0/` is not a web address",
            "site.yaml:5:1: error: `license_url` is set but `license` is not",
        ],
    },
    Case {
        name: "a case-study box inside a paragraph",
        files: &[
            (
                "content/case-studies/c.md",
                "---\ntitle: C\ndate: 2017-01-01\n---\nThe case.\n",
            ),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\nAs {{ case_study(id=\"c\") }} shows, it works.\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:4: error: `{{ case_study(...) }}` makes a block (`<aside>`), which cannot stand inside a paragraph",
            "help: put the tag on a line of its own, outside any quotation or table",
        ],
    },
    Case {
        name: "unknown front matter key",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ntitel: Y\ndate: 2017-01-01\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:3:1: error: unknown field `titel` in front matter",
            "help: did you mean `title`?",
        ],
    },
    Case {
        name: "wrong type",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nauthors: Jane Doe\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:10: error: `authors` must be a list, found text",
            "write `authors: [First, Second]`",
        ],
    },
    Case {
        name: "bad date",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-02-30\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:3:7: error: `2017-02-30` is not a valid date: February 2017 has no day 30",
            "not a day of the calendar",
            "help: check the month and the day",
        ],
    },
    Case {
        name: "date in the wrong format",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: May 1, 2017\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:3:7: error: `May 1, 2017` is not a valid date",
            "YYYY-MM-DD",
        ],
    },
    Case {
        name: "bad slug",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nslug: My Slug\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:7: error: `slug` may only contain a-z, 0-9 and -, found `My Slug`",
            "for example `slug: my-slug`",
        ],
    },
    Case {
        name: "missing title",
        files: &[("content/briefs/x.md", "---\ndate: 2017-01-01\n---\nBody.\n")],
        expect: &[
            "content/briefs/x.md:1:1: error: the front matter has no `title`, which is required",
        ],
    },
    Case {
        name: "missing date on a dated kind",
        files: &[("content/posts/x.md", "---\ntitle: X\n---\nBody.\n")],
        expect: &[
            "content/posts/x.md:1:1: error: the front matter has no `date`, which every post needs",
        ],
    },
    Case {
        name: "unknown kind",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nkind: breif\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:7: error: unknown kind `breif`",
            "did you mean `brief`?",
        ],
    },
    Case {
        name: "part is not a number",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nseries: S\npart: two\n---\nBody.\n",
        )],
        expect: &["content/briefs/x.md:5:7: error: `part` must be a whole number, found text"],
    },
    Case {
        name: "part zero",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nseries: S\npart: 0\n---\nBody.\n",
        )],
        expect: &["content/briefs/x.md:5:7: error: `part` must be 1 or more"],
    },
    Case {
        name: "part without series",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\npart: 2\n---\nBody.\n",
        )],
        expect: &["content/briefs/x.md:4:1: error: `part` is set but `series` is not"],
    },
    Case {
        name: "YAML syntax error",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\ntopics: [a, b\n---\nBody.\n",
        )],
        expect: &["content/briefs/x.md:", "error: invalid YAML"],
    },
    Case {
        name: "duplicate front matter key",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\ntitle: Y\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:1: error: invalid YAML: duplicate entry with key \"title\"",
        ],
    },
    Case {
        name: "unclosed front matter",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nBody.\n",
        )],
        expect: &["content/briefs/x.md:1:1: error: the front matter is never closed"],
    },
    Case {
        name: "no front matter",
        files: &[("content/briefs/x.md", "Just text.\n")],
        expect: &["content/briefs/x.md:1:1: error: the file does not start with front matter"],
    },
    Case {
        name: "empty file",
        files: &[("content/briefs/x.md", "")],
        expect: &["content/briefs/x.md:1:1: error: the file is empty"],
    },
    Case {
        name: "two pages with one URL",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nslug: good\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/good.md:2:1: error: two pages have the URL /briefs/good/: this one and content/briefs/x.md",
            "content/briefs/x.md:4:7: error: two pages have the URL /briefs/good/: this one and content/briefs/good.md",
        ],
    },
    Case {
        name: "a page on a generated URL",
        files: &[(
            "content/topics/index.md",
            "---\ntitle: Topics\n---\nBody.\n",
        )],
        expect: &[
            "content/topics/index.md:2:1: error: this page's URL /topics/ is already the list of topics",
        ],
    },
    Case {
        name: "two parts with one number",
        files: &[
            (
                "content/briefs/a.md",
                "---\ntitle: A\ndate: 2017-01-01\nseries: S\npart: 1\n---\nA.\n",
            ),
            (
                "content/briefs/b.md",
                "---\ntitle: B\ndate: 2017-01-02\nseries: S\npart: 1\n---\nB.\n",
            ),
        ],
        expect: &[
            "content/briefs/b.md:5:7: error: series `S` already has a part 1: content/briefs/a.md",
        ],
    },
    Case {
        name: "link to a missing page",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\nSee [the other](othr.md).\n",
        )],
        expect: &[
            "content/briefs/x.md:5:17: error: the link `othr.md` goes to content/briefs/othr.md, which does not exist",
            "did you mean `other.md`?",
        ],
    },
    Case {
        name: "link to a missing anchor on another page",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n\nSee [it](good.md#a-headin).\n",
        )],
        expect: &[
            "content/briefs/x.md:6:10: error: the anchor `#a-headin` does not exist on content/briefs/good.md",
            "did you mean `#a-heading`?",
        ],
    },
    Case {
        name: "link to a missing anchor on the same page",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n## Real\n\n[down](#rael)\n",
        )],
        expect: &[
            "content/briefs/x.md:7:8: error: the anchor `#rael` does not exist on this page",
            "did you mean `#real`?",
        ],
    },
    Case {
        name: "link out of content",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n[x](../../site.yaml)\n",
        )],
        expect: &[
            "content/briefs/x.md:5:5: error: the link `../../site.yaml` points outside content/",
        ],
    },
    Case {
        name: "link to a draft",
        files: &[
            (
                "content/briefs/d.md",
                "---\ntitle: D\ndate: 2017-01-01\ndraft: true\n---\nDraft.\n",
            ),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n[draft](d.md)\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:9: error: the link `d.md` goes to a draft, which this build leaves out",
        ],
    },
    Case {
        name: "missing image",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n![A chart](../assets/chart.png)\n",
        )],
        expect: &[
            "content/briefs/x.md:5:12: error: the image `../assets/chart.png` goes to content/assets/chart.png, which does not exist",
        ],
    },
    Case {
        name: "image without alt text",
        files: &[
            ("content/assets/chart.png", "png"),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n\n![](../assets/chart.png)\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:6:1: error: this image has no alt text",
            "describe the image",
        ],
    },
    Case {
        name: "undefined endnote",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\nA claim.[^missing]\n",
        )],
        expect: &["content/briefs/x.md:5:1: error: the endnote `[^missing]` is never defined"],
    },
    Case {
        name: "unknown shortcode",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n\n{% sidebr(title=\"x\") %}\nBody.\n{% end %}\n",
        )],
        expect: &[
            "content/briefs/x.md:6:4: error: unknown shortcode `sidebr`",
            "did you mean `sidebar`?",
        ],
    },
    Case {
        name: "unknown shortcode argument",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n{% pullquote(by=\"A\", from=\"B\") %}\nQ.\n{% end %}\n",
        )],
        expect: &[
            "content/briefs/x.md:5:22: error: `pullquote` has no argument `from`",
            "`pullquote` takes `by`",
        ],
    },
    Case {
        name: "missing required argument",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n{% sidebar() %}\nBody.\n{% end %}\n",
        )],
        expect: &["content/briefs/x.md:5:1: error: `sidebar` needs the argument `title`"],
    },
    Case {
        name: "argument of the wrong type",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n{% sidebar(title=3) %}\nBody.\n{% end %}\n",
        )],
        expect: &[
            "content/briefs/x.md:5:12: error: argument `title` of `sidebar` must be quoted text, found a number",
        ],
    },
    Case {
        name: "unclosed body shortcode",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\nText.\n\n{% summary() %}\nNever closed.\n",
        )],
        expect: &["content/briefs/x.md:7:1: error: `{% summary %}` is never closed"],
    },
    Case {
        name: "end without a shortcode",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\nText.\n{% end %}\n",
        )],
        expect: &["content/briefs/x.md:6:1: error: `{% end %}` closes nothing"],
    },
    Case {
        name: "malformed shortcode",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n{% sidebar(title=x) %}\n{% end %}\n",
        )],
        expect: &["content/briefs/x.md:5:18: error: `x` is not a value: text must be quoted"],
    },
    Case {
        name: "theme shortcode: unknown argument",
        files: &[
            (CALLOUT_PATH, CALLOUT),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n{% callout(titel=\"A\") %}\nQ.\n{% end %}\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:12: error: `callout` has no argument `titel`",
            "did you mean `title`? `callout` takes `title` or `level`",
            "content/briefs/x.md:5:1: error: `callout` needs the argument `title`",
        ],
    },
    Case {
        name: "theme shortcode: missing required argument",
        files: &[
            (CALLOUT_PATH, CALLOUT),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n{% callout(level=2) %}\nQ.\n{% end %}\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:1: error: `callout` needs the argument `title`",
            "help: for example `title=\"...\"`",
        ],
    },
    Case {
        name: "theme shortcode: argument of the wrong type",
        files: &[
            (CALLOUT_PATH, CALLOUT),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n{% callout(title=\"A\", level=\"two\") %}\nQ.\n{% end %}\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:23: error: argument `level` of `callout` must be a whole number, found text",
        ],
    },
    Case {
        name: "theme shortcode: misspelled name",
        files: &[
            (CALLOUT_PATH, CALLOUT),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n{% calout(title=\"A\") %}\nQ.\n{% end %}\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:4: error: unknown shortcode `calout`",
            "did you mean `callout`?",
        ],
    },
    Case {
        name: "theme shortcode: written inline",
        files: &[
            (CALLOUT_PATH, CALLOUT),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n{{ callout(title=\"A\") }}\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:1: error: `callout` has a body: write `{% callout(...) %}`",
        ],
    },
    Case {
        name: "theme shortcode: unknown parameter type",
        files: &[(
            CALLOUT_PATH,
            "{#\nshortcode: body\ntitle: text, required\nlevel: number\n#}\n{{ body }}\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:4:8: error: the type of `level` must be `text`, `integer` or `true/false`, found `number`",
        ],
    },
    Case {
        name: "theme shortcode: misspelled type",
        files: &[(
            CALLOUT_PATH,
            "{#\nshortcode: body\ntitle: txt\n#}\n{{ body }}\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:3:8: error: the type of `title` must be",
            "did you mean `text`?",
        ],
    },
    Case {
        name: "theme shortcode: neither body nor inline",
        files: &[(
            CALLOUT_PATH,
            "{# shortcode: box\ntitle: text #}\n{{ body }}\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:1:15: error: `shortcode:` must be `body` or `inline`, found `box`",
        ],
    },
    Case {
        name: "theme shortcode: a line that is not a parameter",
        files: &[(
            CALLOUT_PATH,
            "{#\nshortcode: inline\ntitle text\n#}\n<b>{{ title }}</b>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:3:1: error: expected a parameter, `name: type`, found `title text`",
        ],
    },
    Case {
        name: "theme shortcode: an unknown word after the type",
        files: &[(
            CALLOUT_PATH,
            "{#\nshortcode: inline\ntitle: text, requried\n#}\n<b>{{ title }}</b>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:3:14: error: after the type, a parameter can only say `required`, found `requried`",
        ],
    },
    Case {
        name: "theme shortcode: every mistake in a declaration, in one run",
        files: &[(
            CALLOUT_PATH,
            "{#\nshortcode: body\ntitle: text, required\nopen true/false\nbody: text\nsize: integer, optional\n#}\n<aside>{{ title }}{{ body }}</aside>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:4:1: error: expected a parameter, `name: type`, found `open true/false`",
            "themes/centerview/templates/shortcodes/callout.html:5:1: error: `body` cannot be a parameter",
            "themes/centerview/templates/shortcodes/callout.html:6:16: error: after the type, a parameter can only say `required`, found `optional`",
            "Build failed: 3 errors",
        ],
    },
    Case {
        name: "theme shortcode: an inline one called with a body and a wrong argument",
        files: &[
            (
                CALLOUT_PATH,
                "{#\nshortcode: inline\ntitle: text, required\n#}\n<b>{{ title }}</b>\n",
            ),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n{% callout(titel=\"A\") %}\nQ.\n{% end %}\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:1: error: `callout` has no body: write `{{ callout(...) }}`",
            "content/briefs/x.md:5:12: error: `callout` has no argument `titel`",
            "content/briefs/x.md:5:1: error: `callout` needs the argument `title`",
            "Build failed: 3 errors",
        ],
    },
    Case {
        name: "theme shortcode: a parameter declared twice",
        files: &[(
            CALLOUT_PATH,
            "{#\nshortcode: inline\ntitle: text\ntitle: integer\n#}\n<b>{{ title }}</b>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:4:1: error: the parameter `title` is declared twice",
        ],
    },
    Case {
        name: "theme shortcode: a parameter named like what every template gets",
        files: &[(
            CALLOUT_PATH,
            "{#\nshortcode: inline\nid: text\n#}\n<b>{{ id }}</b>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:3:1: error: `id` cannot be a parameter: every shortcode template receives `id` already",
        ],
    },
    Case {
        name: "theme shortcode: declaration never closed",
        files: &[(
            CALLOUT_PATH,
            "{# shortcode: inline\ntitle: text\n<b>{{ title }}</b>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:1:1: error: the template `shortcodes/callout.html` does not compile: Closing comment tag `#}` not found",
            "help: fix themes/centerview/templates/shortcodes/callout.html",
        ],
    },
    Case {
        name: "theme shortcode: body declared, never printed",
        files: &[(CALLOUT_PATH, "{# shortcode: body #}\n<aside></aside>\n")],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:1:1: error: `callout` is declared with a body, but its template never prints `{{ body }}`",
        ],
    },
    Case {
        name: "a built-in body shortcode's template replaced by one that never prints the body",
        files: &[(
            "themes/centerview/templates/shortcodes/sidebar.html",
            "<aside class=\"sidebar-body\">{{ title }}</aside>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/sidebar.html:1:1: error: the template of `sidebar` never prints `{{ body }}`: every call's body would be lost",
            "help: print `{{ body }}` once where the body goes, as the built-in `shortcodes/sidebar.html` does",
        ],
    },
    Case {
        name: "theme shortcode: not declared",
        files: &[(CALLOUT_PATH, "<aside>{{ body }}</aside>\n")],
        expect: &[
            "themes/centerview/templates/shortcodes/callout.html:1:1: error: the template adds a shortcode `callout`, but does not declare it",
            "shortcode: body",
        ],
    },
    Case {
        name: "theme shortcode: a name a tag cannot spell",
        files: &[(
            "themes/centerview/templates/shortcodes/call-out.html",
            "{# shortcode: inline #}\n<b></b>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/call-out.html: error: `call-out.html` cannot name a shortcode",
            "rename the file, for example to `call_out.html`",
        ],
    },
    Case {
        name: "theme shortcode: redeclaring a built-in one",
        files: &[(
            "themes/centerview/templates/shortcodes/sidebar.html",
            "{#\nshortcode: body\nheading: text\n#}\n<aside>{{ body }}</aside>\n",
        )],
        expect: &[
            "themes/centerview/templates/shortcodes/sidebar.html:1:1: error: `sidebar` is a built-in shortcode: a theme can change its template, not declare its parameters",
            "remove the declaration to keep `sidebar`'s own parameters (`title`)",
        ],
    },
    Case {
        name: "unknown site.yaml key",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/\nthme: centerview\n",
        )],
        expect: &[
            "site.yaml:3:1: error: unknown field `thme` in site.yaml",
            "did you mean `theme`?",
        ],
    },
    Case {
        name: "a largest page size that is not a number of megabytes in range",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/\nmax_page_mb: 0\n",
        )],
        expect: &[
            "site.yaml:3:14: error: `max_page_mb` must be a number of megabytes from 0.1 to 1,000, found 0",
            "help: the largest page, in MB of HTML, before the build fails; the default is `max_page_mb: 50`",
        ],
    },
    Case {
        name: "a PDF paper size that is not letter or a4",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/\npdf_paper: legal\n",
        )],
        expect: &[
            "site.yaml:3:12: error: `pdf_paper` must be `letter` or `a4`, found `legal`",
            "help: write `pdf_paper: letter` (8.5 × 11 in, the default) or `pdf_paper: a4`",
        ],
    },
    Case {
        name: "a PDF edition switch in site.yaml that is not true or false",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/\npdf_posts: sometimes\n",
        )],
        expect: &[
            "site.yaml:3:12: error: `pdf_posts` must be `true` or `false`, found text",
            "help: write `pdf_posts: true` to make PDF editions of posts too",
        ],
    },
    Case {
        name: "a page's PDF edition switch that is not true or false",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-05-01\npdf_edition: none\n---\nBody\n",
        )],
        expect: &[
            "content/briefs/x.md:4:14: error: `pdf_edition` must be `true` or `false`, found text",
            "help: write `pdf_edition: false` to leave this page's PDF edition out",
        ],
    },
    Case {
        name: "site.yaml without base_url",
        files: &[("site.yaml", "title: CenterView\n")],
        expect: &["site.yaml:1:1: error: site.yaml has no `base_url`, which is required"],
    },
    Case {
        name: "site.yaml with a relative base_url",
        files: &[("site.yaml", "title: CenterView\nbase_url: example.org\n")],
        expect: &[
            "site.yaml:2:11: error: `base_url` must be an absolute http or https URL, found `example.org`",
        ],
    },
    Case {
        name: "site.yaml with an empty title",
        files: &[("site.yaml", "title: \"\"\nbase_url: https://example.org/\n")],
        expect: &[
            "site.yaml:1:8: error: `title` is empty",
            "help: give the site's name, for example `title: CenterView`",
        ],
    },
    Case {
        name: "site.yaml with an empty publisher",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/\npublisher: ' '\n",
        )],
        expect: &[
            "site.yaml:3:12: error: `publisher` is empty",
            "or remove the line to name the site's `title`",
        ],
    },
    Case {
        name: "site.yaml with an empty image_alt",
        files: &[
            (
                "site.yaml",
                "title: CenterView\nbase_url: https://example.org/\nimage: /assets/share.png\nimage_alt: \"\"\n",
            ),
            ("content/assets/share.png", "png"),
        ],
        expect: &[
            "site.yaml:4:12: error: `image_alt` is empty",
            "help: describe the picture for readers who cannot see it",
        ],
    },
    Case {
        name: "site.yaml with a password in base_url",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://editor:s3cret@example.org/cv/\n",
        )],
        expect: &[
            "site.yaml:2:11: error: `base_url` holds a user name or password, which every page would show",
            "help: give the public address alone: `base_url: https://example.org/cv/`",
        ],
    },
    Case {
        name: "site.yaml with a space in base_url",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/my site/\n",
        )],
        expect: &[
            "site.yaml:2:11: error: `base_url` cannot hold a space as it is: `https://example.org/my site/`",
            "help: did you mean `base_url: https://example.org/my%20site/`?",
        ],
    },
    Case {
        name: "site.yaml with a brace in base_url",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: \"https://example.org/cv}/\"\n",
        )],
        expect: &[
            "site.yaml:2:11: error: `base_url` cannot hold `}` as it is: `https://example.org/cv}/`",
            "help: did you mean `base_url: https://example.org/cv%7D/`?",
        ],
    },
    Case {
        name: "site.yaml with a PDF as the sharing image",
        files: &[
            (
                "site.yaml",
                "title: CenterView\nbase_url: https://example.org/\nimage: /assets/report.pdf\nimage_alt: The report\n",
            ),
            ("content/assets/report.pdf", "%PDF-1.4"),
        ],
        expect: &[
            "site.yaml:3:8: error: `image` must be a PNG, JPEG, WebP, GIF, AVIF or SVG picture, found `/assets/report.pdf`",
            "help: sharing sites show a picture beside the link: give a .png, .jpg, .jpeg, .webp, .gif, .avif or .svg file, for example `image: /assets/share.png`",
        ],
    },
    Case {
        name: "a page with a PDF as its sharing image",
        files: &[
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\nimage: /assets/report.pdf\nimage_alt: The report\n---\nBody.\n",
            ),
            ("content/assets/report.pdf", "%PDF-1.4"),
        ],
        expect: &[
            "content/briefs/x.md:4:8: error: `image` must be a PNG, JPEG, WebP, GIF, AVIF or SVG picture, found `/assets/report.pdf`",
        ],
    },
    Case {
        name: "a DOI that would close its BibTeX field",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\ndoi: \"10.5555/x},note={INJECTED\"\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:6: error: a DOI cannot hold `}`: `10.5555/x},note={INJECTED`",
            "help: a DOI has no spaces, line breaks, braces, quotes or backslashes",
        ],
    },
    Case {
        name: "a DOI with a line break",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\ndoi: \"10.5555/x\\nER  - \"\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:6: error: a DOI cannot hold a line break: `10.5555/x\\nER  -`",
        ],
    },
    Case {
        name: "a page_size larger than any whole number YAML reads",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/\npage_size: 99999999999999999999\n",
        )],
        expect: &[
            "site.yaml:3:12: error: `page_size` must be a whole number from 1 to 1,000, found 99999999999999999999",
            "help: how many entries a listing page shows; the default is `page_size: 20`",
        ],
    },
    Case {
        name: "a part larger than any whole number YAML reads",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nseries: S\npart: -99999999999999999999\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:5:7: error: `part` must be a whole number from 1 to 4,294,967,295, found -99999999999999999999",
        ],
    },
    Case {
        name: "a control character in front matter",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nsubtitle: Before \u{1b}[2J after\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:18: error: invalid YAML: an invisible control character (U+001B) is not allowed",
            "help: delete it (it often comes with text pasted from another program); a value that needs it writes it in double quotes as `\\u001B`",
        ],
    },
    Case {
        name: "a control character in a data table",
        files: &[(
            "content/data/t.yaml",
            "title: T\nsource: S\ncolumns:\n  - key: a\n    label: A\u{7}\nrows:\n  - { a: x }\n",
        )],
        expect: &[
            "content/data/t.yaml:5:13: error: invalid YAML: an invisible control character (U+0007) is not allowed",
        ],
    },
    Case {
        name: "a theme that does not exist",
        files: &[(
            "site.yaml",
            "title: CenterView\nbase_url: https://example.org/\ntheme: fancy\n",
        )],
        expect: &["error: site.yaml names the theme `fancy`, but there is no folder themes/fancy/"],
    },
    Case {
        name: "a template that does not compile",
        files: &[(
            "themes/centerview/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}{{ page.title {% endblock main %}",
        )],
        expect: &[
            "themes/centerview/templates/page.html:1:56: error: the template `page.html` does not compile: Found `{` but expected }}.",
            "help: fix themes/centerview/templates/page.html, or delete it to use the built-in `page.html`",
        ],
    },
    Case {
        name: "a misspelt tag in a template",
        files: &[(
            "themes/centerview/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}\n{% if page.title %}\n<h1>{{ page.title }}</h1>\n{% endiff %}\n{% endblock main %}",
        )],
        expect: &[
            "themes/centerview/templates/page.html:4:4: error: the template `page.html` does not compile: unknown tag `endiff`",
            "help: did you mean `endif`? fix themes/centerview/templates/page.html, or delete it to use the built-in `page.html`",
        ],
    },
    Case {
        name: "unknown filters in a template, each at its place",
        files: &[(
            "themes/centerview/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}\n<h1>{{ page.title | uper }}</h1>\n<p>{{ page.date | dat }}</p>\n{% endblock main %}",
        )],
        expect: &[
            "themes/centerview/templates/page.html:2:21: error: the template `page.html` does not compile: Unknown filter `uper`",
            "themes/centerview/templates/page.html:3:19: error: the template `page.html` does not compile: Unknown filter `dat`",
        ],
    },
    Case {
        name: "a data table with a percent over 100 and a chart column that does not exist",
        files: &[(
            "content/data/pct.yaml",
            "title: Shares\ncolumns:\n  - key: a\n    label: A\n  - key: p\n    label: P\n    type: percent\nrows:\n  - a: x\n    p: 120\nchart:\n  type: bar\n  label: a\n  value: q\n",
        )],
        expect: &[
            "content/data/pct.yaml:10:8: error: `p` is a percent, so it must be between 0 and 100, found 120",
            "content/data/pct.yaml:14:10: error: the chart's `value` names the column `q`, which is not declared",
        ],
    },
    Case {
        name: "a figure of a data table that does not exist",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n{{ figure(data=\"nowhere\") }}\n",
        )],
        expect: &["content/briefs/x.md:5:11: error: there is no data table `nowhere`"],
    },
    Case {
        name: "a figure of an image that does not exist",
        files: &[
            (
                "content/assets/diagram.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n{{ figure(image=\"../assets/diagam.svg\", alt=\"A\", caption=\"C\") }}\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:11: error: the image `../assets/diagam.svg` goes to content/assets/diagam.svg, which does not exist",
            "help: did you mean `../assets/diagram.svg`?",
        ],
    },
    Case {
        name: "a figure of an image without alt text",
        files: &[
            (
                "content/assets/diagram.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\n---\n{{ figure(image=\"../assets/diagram.svg\", alt=\"\", caption=\"C\") }}\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:5:42: error: this figure's image has no alt text",
            "help: describe the image for readers who cannot see it",
        ],
    },
    Case {
        name: "a figure with an unknown argument",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n{{ figure(image=\"../assets/x.svg\", alt=\"A\", captoin=\"C\") }}\n",
        )],
        expect: &[
            "content/briefs/x.md:5:45: error: `figure` has no argument `captoin`",
            "help: did you mean `caption`?",
        ],
    },
    Case {
        name: "a captioned image whose file does not exist",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n![Circles](../assets/diagram.svg \"The structures\")\n",
        )],
        expect: &[
            "content/briefs/x.md:5:12: error: the image `../assets/diagram.svg` goes to content/assets/diagram.svg, which does not exist",
        ],
    },
    Case {
        name: "a case study that does not exist",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n{{ case_study(id=\"nowhere\") }}\n",
        )],
        expect: &["content/briefs/x.md:5:15: error: there is no case study `nowhere`"],
    },
    Case {
        name: "a case study that embeds itself",
        files: &[(
            "content/case-studies/c.md",
            "---\ntitle: C\ndate: 2017-01-01\n---\n{{ case_study(id=\"c\", full=true) }}\n",
        )],
        expect: &["content/case-studies/c.md:5:15: error: a case study cannot embed itself"],
    },
    Case {
        name: "two data tables with one id (.yaml and .yml)",
        files: &[
            ("content/data/t.yaml", TABLE),
            ("content/data/t.yml", TABLE),
        ],
        expect: &[
            "content/data/t.yml:1:1: error: the data table `t` is defined twice: by content/data/t.yaml and by this file",
        ],
    },
    Case {
        name: "two data tables with one id (one in a subfolder)",
        files: &[
            ("content/data/t.yaml", TABLE),
            ("content/data/more/t.yaml", TABLE),
        ],
        expect: &[
            "error: the data table `t` is defined twice: by content/data",
            "rename one of them",
        ],
    },
    Case {
        name: "a page and an asset on one output path",
        files: &[
            ("content/assets.md", "---\ntitle: Assets\n---\nText.\n"),
            ("content/assets/index.html", "<p>a file</p>"),
        ],
        expect: &[
            "content/assets/index.html: error: content/assets/index.html would be written to assets/index.html in the site, where the page content/assets.md is written",
        ],
    },
    Case {
        name: "a theme file on a generated page's path",
        files: &[("themes/centerview/static/atom.xml", "<feed/>")],
        expect: &[
            "themes/centerview/static/atom.xml: error: themes/centerview/static/atom.xml would be written to atom.xml in the site, where the feed is written",
        ],
    },
    Case {
        name: "a theme file on a page's path",
        files: &[(
            "themes/centerview/static/briefs/good/index.html",
            "<p>mine</p>",
        )],
        expect: &["where the page content/briefs/good.md is written"],
    },
    Case {
        name: "a heading id that is the endnotes' own",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n## Notes {#endnotes}\n\nText.[^1]\n\n## Sources {#fn_1}\n\n[^1]: A note.\n",
        )],
        expect: &[
            "content/briefs/x.md:5:1: error: the id `endnotes` is already the Endnotes section's heading",
            "content/briefs/x.md:9:1: error: the id `fn_1` is already an endnote's link",
        ],
    },
    Case {
        name: "a heading id that is the skip link's target",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n## Start {#main-content}\n",
        )],
        expect: &["error: the id `main-content` is already the skip link's target"],
    },
    Case {
        name: "links and images to javascript:, vbscript: and data: URLs",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\n[a](javascript:alert(1))\n\n[b](JaVaScRiPt:alert(1))\n\n[c](java&#x09;script:alert(1))\n\n[d](<java\tscript:alert(1)>)\n\n[e]( vbscript:msgbox)\n\n![f](data:image/png;base64,AAAA)\n\n<javascript:alert(1)>\n\n[g][ref]\n\n[ref]: DATA:text/html,<script>alert(1)</script>\n\n[fine](https://example.org/) [mail](mailto:a@example.org) [phone](tel:+15555550100)\n",
        )],
        expect: &[
            "content/briefs/x.md:5:5: error: a link to a `javascript:` URL would run code or hide content in the page, so it is not allowed",
            "content/briefs/x.md:7:5: error: a link to a `javascript:` URL",
            "content/briefs/x.md:9:1: error: a link to a `javascript:` URL",
            "content/briefs/x.md:11:",
            "content/briefs/x.md:13:6: error: a link to a `vbscript:` URL",
            "content/briefs/x.md:15:6: error: an image to a `data:` URL",
            "content/briefs/x.md:17:2: error: a link to a `javascript:` URL",
            "content/briefs/x.md:19:",
            "links may go to pages and files of the site, and to http:, https:, mailto: and tel: addresses",
            "Build failed: 8 errors",
        ],
    },
    Case {
        // Fails while pages are being written (a build writes them as it renders them).
        name: "a template that fails when a page is rendered",
        files: &[(
            "themes/centerview/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field }}{% endblock main %}",
        )],
        expect: &[
            "themes/centerview/templates/page.html:1:50: error: the template `page.html` failed while rendering 2 pages (briefs/good/index.html, briefs/other/index.html)",
        ],
    },
    Case {
        name: "a double quote inside a double-quoted value",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: \"The \"best\" school\"\ndate: 2017-01-01\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:2:13: error: invalid YAML: the quoted text ends at the second `\"` before `best\"`, and more text follows it",
            "help: a `\"` inside double quotes must be written `\\\"`; or put the text in single quotes: `title: 'The \"best\" school'`",
        ],
    },
    Case {
        name: "an apostrophe inside a single-quoted value",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: 'The school's year'\ndate: 2017-01-01\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:2:19: error: invalid YAML: the quoted text ends at the second `'` before `s`",
            "help: a `'` inside single quotes must be written twice (`''`): `title: 'The school''s year'`",
        ],
    },
    Case {
        name: "an alias onto another page's citation file",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\naliases: [/briefs/good/cite.bib]\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:11: error: the alias `/briefs/good/cite.bib` is the BibTeX citation of content/briefs/good.md",
            "help: an alias is an old address that now redirects here",
        ],
    },
    Case {
        name: "an alias with a `_redirects` wildcard",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\naliases: [/old/*]\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:11: error: the alias `/old/*` holds `*`, a wildcard in `_redirects`",
            "help: write the old address as a plain path from the site's root",
        ],
    },
    Case {
        name: "a content folder whose name is not safe in an address",
        files: &[(
            "content/about us/index.md",
            "---\ntitle: About\n---\nBody.\n",
        )],
        expect: &[
            "content/about us: error: the name of the folder content/about us is not safe in a web address: it holds a space",
            "help: rename it `about-us`",
        ],
    },
    Case {
        name: "a slug longer than a folder name may be",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nslug: {300 letters}\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:7: error: the slug is 300 bytes long, more than the 255 bytes a folder name may have",
            "help: a slug of a few words makes a better address too: for example `slug: aaaaaaaa",
        ],
    },
    Case {
        name: "a topic whose slug is longer than a folder name may be",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\ntopics: [Science, {300 letters}]\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:19: error: the topic `aaaaaaaaaa",
            "…` makes a folder name of 300 bytes, more than the 255 bytes a folder name may have",
        ],
    },
    Case {
        name: "a series whose slug is longer than a folder name may be",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nseries: {300 letters}\npart: 1\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:9: error: the series `aaaaaaaaaa",
            "…` makes a folder name of 300 bytes, more than the 255 bytes a folder name may have",
        ],
    },
    Case {
        name: "an alias with a name longer than a file system allows",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\naliases: [/old/{300 letters}/]\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:11: error: the alias `/old/aaaaaaaaaa",
            "/` has a name of 300 bytes, longer than a file name may be (255)",
        ],
    },
    Case {
        name: "a file name whose slug is longer than a folder name may be",
        files: &[(
            "content/briefs/{80 characters}.md",
            "---\ntitle: X\ndate: 2017-01-01\n---\nBody.\n",
        )],
        expect: &[
            ".md:2:1: error: this page's slug, made from its file name, is 479 bytes long, more than the 255 bytes a folder name may have",
            "help: give the page a shorter `slug`, for example `slug: zhong-zhong-",
        ],
    },
    Case {
        name: "a content folder named like the feed",
        files: &[("content/atom.xml/a.md", "---\ntitle: A\n---\nText.\n")],
        expect: &[
            "content/atom.xml/a.md:2:1: error: this page's address /atom.xml/a/ needs `atom.xml` to be a folder, where the feed is written",
            "help: give the page another `slug`, or move it to another folder",
        ],
    },
    Case {
        name: "a profile's ORCID iD with a wrong check digit",
        files: &[(
            "content/authors/ann-lee.md",
            "---\nname: Ann Lee\norcid: 0000-0002-1825-0096\n---\nA biography.\n",
        )],
        expect: &[
            "content/authors/ann-lee.md:3:8: error: the ORCID iD `0000-0002-1825-0096` ends in `6`, but its check digit is `7`",
            "help: copy the iD from the person's ORCID record: with these first fifteen digits it would be `0000-0002-1825-0097`",
        ],
    },
    Case {
        name: "a profile's ORCID iD written as its address",
        files: &[(
            "content/authors/ann-lee.md",
            "---\nname: Ann Lee\norcid: https://orcid.org/0000-0002-1825-0097\n---\nA biography.\n",
        )],
        expect: &[
            "content/authors/ann-lee.md:3:8: error: `orcid` is the iD alone, found the address `https://orcid.org/0000-0002-1825-0097`",
            "help: write `orcid: 0000-0002-1825-0097`: the link to the ORCID record is made from it",
        ],
    },
    Case {
        name: "a profile's photo without its text alternative, and not there",
        files: &[(
            "content/authors/ann-lee.md",
            "---\nname: Ann Lee\nphoto: /assets/ann.png\n---\nA biography.\n",
        )],
        expect: &[
            "content/authors/ann-lee.md:3:1: error: `photo` and `photo_alt` go together",
            "help: a photo needs a text alternative for readers who cannot see it: give both, for example `photo: /assets/people/portrait.jpg` and `photo_alt: Portrait of Ann Lee`",
            "content/authors/ann-lee.md:3:8: error: the photo `/assets/ann.png` is not a file in content/assets/",
        ],
    },
    Case {
        name: "a profile without a name, and with a page's key",
        files: &[(
            "content/authors/ann-lee.md",
            "---\ntitle: Ann Lee\nrole: Researcher\n---\nA biography.\n",
        )],
        expect: &[
            "content/authors/ann-lee.md:1:1: error: the profile has no `name`, which is required",
            "help: add the person's name as publications' `authors` write it, for example `name: Pamela Fong`",
            "content/authors/ann-lee.md:2:1: error: unknown field `title` in a profile's front matter",
        ],
    },
    Case {
        name: "two profiles of one name",
        files: &[
            (
                "content/authors/ann-lee.md",
                "---\nname: Ann Lee\n---\nOne.\n",
            ),
            (
                "content/authors/ann-lee-2.md",
                "---\nname: Ann Lee\n---\nTwo.\n",
            ),
        ],
        expect: &[
            "content/authors/ann-lee.md:2:7: error: two profiles have the name `Ann Lee`: this one and content/authors/ann-lee-2.md",
        ],
    },
    Case {
        name: "a related publication that does not exist",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nrelated: [othr.md]\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:11: error: the related publication `othr.md` goes to content/briefs/othr.md, which does not exist",
            "help: did you mean `other.md`?",
        ],
    },
    Case {
        name: "more related publications than a page shows",
        files: &[
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\nrelated:\n  - good.md\n  - other.md\n  - y.md\n  - z.md\n---\nBody.\n",
            ),
            (
                "content/briefs/y.md",
                "---\ntitle: Y\ndate: 2017-01-01\n---\nY.\n",
            ),
            (
                "content/briefs/z.md",
                "---\ntitle: Z\ndate: 2017-01-01\n---\nZ.\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:8:5: error: a page shows at most 3 related publications; `related` names more",
            "help: keep the three that readers should see next, and remove the rest",
        ],
    },
    Case {
        name: "a related publication written as an address",
        files: &[(
            "content/briefs/x.md",
            "---\ntitle: X\ndate: 2017-01-01\nrelated: [/briefs/good/]\n---\nBody.\n",
        )],
        expect: &[
            "content/briefs/x.md:4:11: error: `/briefs/good/` is not the file of a page",
            "help: name a publication by its file, relative to this one, as a link does: for example `../briefs/partnership.md`",
        ],
    },
    Case {
        name: "related publications that are not others' publications",
        files: &[
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\nrelated: [x.md, ../about.md, d.md]\n---\nBody.\n",
            ),
            ("content/about.md", "---\ntitle: About\n---\nUs.\n"),
            (
                "content/briefs/d.md",
                "---\ntitle: D\ndate: 2017-01-01\ndraft: true\n---\nD.\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:4:11: error: `x.md` is this page itself",
            "content/briefs/x.md:4:17: error: the related publication `../about.md` is a page, not a publication",
            "content/briefs/x.md:4:30: error: the related publication `d.md` goes to a draft, which this build leaves out",
        ],
    },
    Case {
        name: "a related publication that is an author's profile",
        files: &[
            (
                "content/briefs/x.md",
                "---\ntitle: X\ndate: 2017-01-01\nrelated: [../authors/ann-lee.md]\n---\nBody.\n",
            ),
            (
                "content/authors/ann-lee.md",
                "---\nname: Ann Lee\n---\nA biography.\n",
            ),
        ],
        expect: &[
            "content/briefs/x.md:4:11: error: the related publication `../authors/ann-lee.md` is a page, not a publication",
        ],
    },
    Case {
        name: "a theme file where a page needs a folder",
        files: &[("themes/centerview/static/briefs/good", "mine")],
        expect: &[
            "themes/centerview/static/briefs/good: error: themes/centerview/static/briefs/good and the page content/briefs/good.md cannot both be written: one needs `briefs/good` in the site to be a folder, the other is that file",
        ],
    },
];

/// A case's text with its placeholders filled in (see [`Case::files`]).
fn filled(text: &str) -> String {
    text.replace("{300 letters}", &"a".repeat(300))
        .replace("{80 characters}", &"中".repeat(80))
}

/// Writes a case's files into `site`.
fn write_case(site: &Site, case: &Case) {
    for (path, text) in case.files {
        site.write(&filled(path), &filled(text));
    }
}

#[test]
fn every_error_names_file_line_and_message_and_leaves_output_alone() {
    let mut failures = Vec::new();
    for case in CASES {
        let site = good_site();
        let before = site.output_files();
        write_case(&site, case);
        let run = site.build();
        let mut problems = Vec::new();
        if run.code != 1 {
            problems.push(format!("exit status {} instead of 1", run.code));
        }
        for needle in case.expect {
            if !run.stderr.contains(needle) {
                problems.push(format!("missing {needle:?}"));
            }
        }
        if !run.stderr.contains("Build failed:") {
            problems.push("no failure summary".into());
        }
        if site.output_files() != before {
            problems.push("output/ changed".into());
        }
        let left = common::temporary_folders(site.root());
        if !left.is_empty() {
            problems.push(format!("temporary folders left behind: {left:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n{}",
                case.name,
                problems.join("; "),
                run.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

/// The lines a failed run printed, with the summary line in the words `check` uses (`Check
/// failed: 2 errors`), so a build's and a check's diagnostics can be compared.
fn diagnostic_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|line| match line.strip_prefix("Build failed: ") {
            Some(rest) => format!(
                "Check failed: {}",
                rest.trim_end_matches("; the output folder was not changed")
            ),
            None => line.to_string(),
        })
        .collect()
}

/// `check` is `build` without writing: every input that fails a build fails a check with the
/// same diagnostics and exit status.
#[test]
fn check_reports_what_build_reports_for_every_case() {
    let mut failures = Vec::new();
    for case in CASES {
        let site = good_site();
        write_case(&site, case);
        let (build, check) = (site.build(), site.run(&["check"]));
        let (built, checked) = (
            diagnostic_lines(&build.stderr),
            diagnostic_lines(&check.stderr),
        );
        if build.code != check.code || built != checked {
            failures.push(format!(
                "{}: build exited with {}, check with {}\n--- build:\n{}\n--- check:\n{}",
                case.name, build.code, check.code, build.stderr, check.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

/// A file whose path, with the folder the site is first written in, is longer than a path
/// may be (PATH_MAX) is an error before anything is written, for `check` as for `build`.
#[test]
fn a_path_too_long_to_write_is_an_error_for_check_and_build() {
    let site = good_site();
    let before = site.output_files();
    // 4,090 bytes in content/, within the limit; 26 more in the work folder, over it.
    let root = site.root().as_os_str().len();
    let mut rel = String::from("content/assets");
    while root + rel.len() + 2 * 201 < 4090 {
        rel = format!("{rel}/{}", "a".repeat(200));
    }
    let name = "x".repeat(4090 - root - rel.len() - 2 - ".png".len());
    site.write(&format!("{rel}/{name}.png"), "not an image");
    let (build, check) = (site.build(), site.run(&["check"]));
    build.assert_error(".png: error: this file would be written to a path of");
    assert!(
        build
            .stderr
            .contains("more than the 4095 bytes a path may have")
    );
    assert_eq!(check.code, 1);
    assert_eq!(
        diagnostic_lines(&build.stderr),
        diagnostic_lines(&check.stderr)
    );
    assert_eq!(site.output_files(), before);
}

#[test]
fn every_error_of_a_build_is_reported_not_only_the_first() {
    let site = good_site();
    site.page(
        "briefs/a.md",
        "titel: A\ndate: 2017-01-01",
        "[x](nope.md)\n",
    );
    site.page(
        "posts/b.md",
        "title: B\ndate: 2017-13-01",
        "{{ nothing(x=1) }}\n",
    );
    site.write(
        "site.yaml",
        "title: CenterView\nbase_url: https://example.org/\nlanguage: en\ncolour: teal\n",
    );
    let run = site.build();
    run.assert_error("Build failed: 6 errors");
    let order = [
        "content/briefs/a.md:1:1: error: the front matter has no `title`",
        "content/briefs/a.md:2:1: error: unknown field `titel`",
        "content/briefs/a.md:5:5: error: the link `nope.md`",
        "content/posts/b.md:3:7: error: `2017-13-01` is not a valid date: there is no month 13",
        "content/posts/b.md:5:4: error: unknown shortcode `nothing`",
        "site.yaml:4:1: error: unknown field `colour`",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|needle| {
            run.stderr
                .find(needle)
                .unwrap_or_else(|| panic!("missing {needle}\n{}", run.stderr))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "sorted by file and line:\n{}",
        run.stderr
    );
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_its_line() {
    let site = good_site();
    let before = site.output_files();
    std::fs::write(
        site.path("content/briefs/latin1.md"),
        b"---\ntitle: Caf\xe9\ndate: 2017-01-01\n---\n",
    )
    .unwrap();
    let run = site.build();
    run.assert_error("content/briefs/latin1.md:2:11: error: the file is not UTF-8 text");
    assert!(run.stderr.contains("Save with encoding"));
    assert_eq!(site.output_files(), before);
}

#[test]
fn warnings_do_not_fail_the_build() {
    let site = good_site();
    site.page(
        "briefs/w.md",
        &brief("W", "2017-01-01"),
        "# A top heading\n\nText.[^a]\n\n[^a]: Used.\n\n[^b]: Never used.\n",
    );
    site.write("content/briefs/notes.txt", "stray");
    let run = site.build();
    run.assert_ok();
    assert!(
        run.stderr
            .contains("content/briefs/w.md:5:1: warning: a `#` heading in the body"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: the endnote `[^b]` is defined but never referenced"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/briefs/notes.txt: warning: content/briefs/notes.txt is ignored"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("3 warnings"));
}

/// An author entry close to a profile's name (a typo, another case, initials) is a warning
/// at that entry with the name it probably meant; a different name is left alone.
#[test]
fn an_author_near_a_profile_name_is_a_warning_with_did_you_mean() {
    let site = good_site();
    site.page(
        "authors/pamela-fong.md",
        "name: Pamela Fong",
        "A biography.\n",
    );
    site.page(
        "briefs/w.md",
        "title: W\ndate: 2017-03-01\nauthors:\n  - Sam Lee\n  - Pamela Fnog\n  - P. Fong",
        "Text.\n",
    );
    let run = site.build();
    run.assert_ok();
    let lines = diagnostic_lines(&run.stderr);
    for needle in [
        "content/briefs/w.md:6:5: warning: the author `Pamela Fnog` has no profile, but `Pamela Fong` (content/authors/pamela-fong.md) does",
        "content/briefs/w.md:7:5: warning: the author `P. Fong` has no profile, but `Pamela Fong` (content/authors/pamela-fong.md) does",
        "help: did you mean \"Pamela Fong\"? An author links to a profile only when written exactly as its `name`",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(needle)),
            "missing {needle:?} in {}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("`Sam Lee`"), "{}", run.stderr);
}

/// The sample text `centerview new` writes is a warning at its line, recognised exactly:
/// however the value is quoted, but not text that only resembles it.
#[test]
fn samples_new_wrote_are_warnings_at_their_lines() {
    let site = good_site();
    site.page(
        "case-studies/c.md",
        "title: C\ndate: 2017-01-01\ndistrict: \"Name of the district\"",
        "\nWrite the opening paragraph here. Remove `draft: true` above to publish.\n\n## A first section\n\nWrite the section here. Then more.\n",
    );
    site.page(
        "case-studies/d.md",
        "title: D\ndate: 2017-01-01\ndistrict: Name of the district.",
        "Written.\n",
    );
    site.page(
        "about/index.md",
        "title: About",
        "Write the page here.   \n",
    );
    let run = site.build();
    run.assert_ok();
    for needle in [
        "content/case-studies/c.md:4:11: warning: `district` still holds the sample text `centerview new` wrote",
        "content/case-studies/c.md:7:1: warning: this line is the sample text `centerview new` wrote",
        "content/case-studies/c.md:9:1: warning: this line is the sample text `centerview new` wrote",
        "help: replace it with the page's own text, or delete it",
        "content/about/index.md:4:1: warning: this line is the sample text `centerview new` wrote",
        "4 warnings",
    ] {
        assert!(run.stderr.contains(needle), "{needle}\n{}", run.stderr);
    }
}

/// The warning about a `#` heading marks the heading's line, not the line after it too.
#[test]
fn a_top_heading_warning_marks_its_line_only() {
    let site = good_site();
    site.page(
        "briefs/w.md",
        &brief("W", "2017-01-01"),
        "# A top heading\nText.\n\nSetext top heading\n==================\n\nMore.\n",
    );
    let run = site.build();
    run.assert_ok();
    for (line, heading, written) in [
        (5, "# A top heading", "a `#` heading"),
        (8, "Setext top heading", "a heading underlined with `===`"),
    ] {
        let header = format!("content/briefs/w.md:{line}:1: warning: {written} in the body");
        let at = run
            .stderr
            .find(&header)
            .unwrap_or_else(|| panic!("{header}\n{}", run.stderr));
        let shown: Vec<&str> = run.stderr[at..]
            .lines()
            .skip(1)
            .take_while(|l| !l.contains("help:"))
            .collect();
        let marks: Vec<&&str> = shown.iter().filter(|l| l.contains('━')).collect();
        let marked = format!("│ {}", "━".repeat(heading.chars().count()));
        assert!(
            marks.len() == 1 && marks[0].trim_end().ends_with(&marked),
            "one line marked, under the heading:\n{}",
            shown.join("\n")
        );
        assert!(
            shown
                .iter()
                .any(|l| l.ends_with(&format!("{line} │ {heading}")))
                && !shown.iter().any(|l| l.contains(['┏', '┃', '┗'])),
            "the heading's line only:\n{}",
            shown.join("\n")
        );
    }
}

/// A series' part whose front matter cannot be read is reported once, as itself: the next
/// part is not warned about a missing part.
#[test]
fn a_series_part_that_fails_to_load_does_not_make_a_gap_warning() {
    let site = good_site();
    let part =
        |n: u32| format!("title: Part {n}\ndate: 2017-0{n}-01\nseries: Growing leaders\npart: {n}");
    site.page("briefs/p1.md", &part(1), "One.\n");
    site.page(
        "briefs/p2.md",
        &format!("{}\nsummary: \"A \"broken\" one\"", part(2)),
        "Two.\n",
    );
    site.page("briefs/p3.md", &part(3), "Three.\n");
    let run = site.build();
    run.assert_error("content/briefs/p2.md:6:");
    assert!(!run.stderr.contains("has no part"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Build failed: 1 error"),
        "{}",
        run.stderr
    );
    // Fixed, the series is whole; with part 2 gone, the gap is reported.
    site.page("briefs/p2.md", &part(2), "Two.\n");
    site.build().assert_ok();
    std::fs::remove_file(site.path("content/briefs/p2.md")).unwrap();
    let run = site.build();
    run.assert_ok();
    assert!(
        run.stderr
            .contains("content/briefs/p3.md:5:7: warning: series `Growing leaders` has no part 2"),
        "{}",
        run.stderr
    );
}

/// One mistake in a template that every page uses is one error, at its place in the
/// template, counting the pages it failed.
#[test]
fn a_template_mistake_is_one_error_for_all_the_pages_it_fails() {
    let site = good_site();
    for n in 1..=4 {
        site.page(
            &format!("briefs/b{n}.md"),
            &brief(&format!("B{n}"), "2017-03-01"),
            "Text.\n",
        );
    }
    site.write(
        "themes/centerview/templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n{{ page.no_such_field }}\n{% endblock main %}\n",
    );
    let run = site.build();
    run.assert_error(
        "themes/centerview/templates/page.html:4:9: error: the template `page.html` failed while rendering 6 pages (",
    );
    assert!(run.stderr.contains(" and 3 more): "), "{}", run.stderr);
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("Build failed: 1 error;"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("4 │ {{ page.no_such_field }}"),
        "{}",
        run.stderr
    );
}

/// `--message-format json`: one JSON object a line on stdout for each diagnostic, then the
/// summary, and nothing else there.
#[test]
fn json_messages_are_one_object_a_line_on_stdout() {
    let site = good_site();
    site.page(
        "briefs/x.md",
        "title: X\ntitel: Y\ndate: 2017-01-01",
        "# Top\n\nBody.\n",
    );
    let run = site.run(&["check", "--message-format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(
        lines[0],
        serde_json::json!({
            "type": "diagnostic",
            "severity": "error",
            "file": "content/briefs/x.md",
            "line": 3,
            "column": 1,
            "end_line": 3,
            "end_column": 6,
            "message": "unknown field `titel` in front matter",
            "label": "not a field of front matter",
            "help": "did you mean `title`?",
        })
    );
    assert_eq!(lines[1]["severity"], "warning");
    assert_eq!(lines[1]["line"], 6);
    assert_eq!(
        lines[2],
        serde_json::json!({"type": "summary", "success": false, "errors": 1, "warnings": 1})
    );
    assert!(!run.stderr.contains("unknown field"), "{}", run.stderr);
    // A good build: only its summary.
    let ok = good_site().run(&["build", "--message-format", "json"]);
    ok.assert_ok();
    assert_eq!(
        ok.stdout.trim(),
        r#"{"errors":0,"success":true,"type":"summary","warnings":0}"#
    );
    // `new`'s refusal is a diagnostic, then the summary, like every command's.
    let refused = good_site().run(&["new", "brief", "?!", "--message-format", "json"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    let lines: Vec<serde_json::Value> = (refused.stdout.lines())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    assert_eq!(lines.len(), 2, "{}", refused.stdout);
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[1]["type"], "summary");
    assert_eq!(lines[1]["success"], false);
}

/// `--color` decides; with `auto`, NO_COLOR turns colour off and CLICOLOR_FORCE on.
#[test]
fn color_follows_the_flag_then_no_color_then_clicolor_force() {
    let site = good_site();
    site.page("briefs/x.md", "titel: X\ndate: 2017-01-01", "Body.\n");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_centerview"));
        command
            .args(args)
            .current_dir(site.root())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8_lossy(&output.stderr).contains('\x1b')
    };
    assert!(run(&["check", "--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!run(
        &["check", "--color", "never"],
        &[("CLICOLOR_FORCE", "1")]
    ));
    // stderr is not a terminal here: auto means no colour, unless forced.
    assert!(!run(&["check"], &[]));
    assert!(run(&["check"], &[("CLICOLOR_FORCE", "1")]));
    assert!(!run(
        &["check"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(!run(&["check", "--color", "auto"], &[("NO_COLOR", "1")]));
}

/// A site whose file names and values hold control characters: a page named with ESC, BEL
/// and a line break, with a bad date; a value quoted by its error (`kind: "no\e[2Jpe"`); a
/// body line with ESC, a C1 CSI and BEL around a broken link.
fn site_with_control_characters() -> Site {
    let site = good_site();
    site.page(
        "briefs/a\u{1b}[2Jb\u{7}c\nd.md",
        "title: A\ndate: 2017-02-30",
        "Body.\n",
    );
    site.page(
        "briefs/kind.md",
        "title: K\ndate: 2017-01-01\nkind: \"no\\e[2Jpe\"",
        "Body.\n",
    );
    site.page(
        "briefs/body.md",
        "title: B\ndate: 2017-01-01",
        "Text \u{1b}[2J here \u{9b}1m [l](missing.md) \u{7}.\n",
    );
    site
}

/// Control characters left in `text` once the colour codes centerview writes itself
/// (`ESC [ digits ; … m`) are taken out, and line breaks.
fn raw_controls(text: &str) -> Vec<char> {
    let mut left = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        left.push_str(&rest[..at]);
        let code = &rest[at + 2..];
        let digits = code
            .find(|c: char| !c.is_ascii_digit() && c != ';')
            .unwrap_or(code.len());
        match code[digits..].starts_with('m') {
            true => rest = &code[digits + 1..],
            false => {
                left.push('\u{1b}');
                rest = &rest[at + 1..];
            }
        }
    }
    left.push_str(rest);
    left.chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect()
}

#[test]
fn names_and_values_are_shown_never_obeyed() {
    let site = site_with_control_characters();
    for color in ["never", "always"] {
        let run = site.run(&["build", "--color", color]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(
            raw_controls(&run.stderr),
            Vec::<char>::new(),
            "--color {color}: control characters printed raw:\n{:?}",
            run.stderr
        );
        let plain = run.stderr.replace("\u{1b}[0m", "").replace("\u{1b}[1m", "");
        for shown in [
            "content/briefs/a\\u001B[2Jb\\u0007c\\nd.md:3:7: ",
            "unknown kind `no\\u001B[2Jpe`",
            "Text \\u001B[2J here \\u009B1m [l](missing.md) \\u0007.",
        ] {
            assert!(
                plain.contains(shown),
                "--color {color}: no {shown:?} in\n{plain}"
            );
        }
    }
    let run = site.run(&["build", "--color", "never"]);
    // The mark is still under the link, past the escapes before it.
    let line = run
        .stderr
        .lines()
        .position(|l| l.contains("[l](missing.md)"))
        .unwrap();
    let mark = run.stderr.lines().nth(line + 1).unwrap();
    let text = run.stderr.lines().nth(line).unwrap();
    assert_eq!(
        mark.find('━').map(|b| mark[..b].chars().count()),
        text.find("missing.md").map(|b| text[..b].chars().count()),
        "{}",
        run.stderr
    );
}

#[test]
fn json_keeps_every_file_name_exactly() {
    use base64::Engine;
    use std::os::unix::ffi::OsStrExt;
    let site = site_with_control_characters();
    let latin = b"content/briefs/caf\xe9.md";
    std::fs::write(
        site.root().join(std::ffi::OsStr::from_bytes(latin)),
        "---\ntitle: C\ndate: 2017-13-01\n---\nBody.\n",
    )
    .unwrap();
    let run = site.run(&["check", "--message-format", "json"]);
    let lines: Vec<serde_json::Value> = (run.stdout.lines())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    let about = |name: &str| {
        lines
            .iter()
            .find(|l| l["file"].as_str().is_some_and(|f| f.starts_with(name)))
            .unwrap_or_else(|| panic!("nothing about {name} in\n{}", run.stdout))
    };
    // Control characters are kept: JSON escapes them itself.
    let named = about("content/briefs/a");
    assert_eq!(named["file"], "content/briefs/a\u{1b}[2Jb\u{7}c\nd.md");
    assert!(named.get("file_bytes").is_none(), "{named}");
    assert_eq!(
        about("content/briefs/kind.md")["message"],
        "unknown kind `no\u{1b}[2Jpe`"
    );
    // A name that is not UTF-8: shown with U+FFFD, and exactly in base64.
    let latin1 = about("content/briefs/caf");
    assert_eq!(latin1["file"], "content/briefs/caf\u{fffd}.md");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(latin1["file_bytes"].as_str().expect("file_bytes"))
        .unwrap();
    assert_eq!(bytes, latin);
    // Its name is reported (not safe in an address), and so is its bad date, at its line.
    assert!(
        latin1["message"]
            .as_str()
            .unwrap()
            .contains("not safe in a web address")
    );
    let date = lines.iter().find(|l| {
        l["file"]
            .as_str()
            .is_some_and(|f| f.starts_with("content/briefs/caf"))
            && l["line"] == 3
    });
    assert!(
        date.is_some_and(|d| d["file_bytes"] == latin1["file_bytes"]),
        "{}",
        run.stdout
    );
}

#[test]
fn usage_and_io_problems_exit_with_2() {
    let site = good_site();
    let before = site.output_files();
    for (args, needle) in [
        (
            vec!["build", "--output", "."],
            "it is the site's own folder",
        ),
        (
            vec!["build", "--output", "content"],
            "it is or contains the site's content",
        ),
        (
            vec!["build", "--output", "content/briefs"],
            "it is or contains the site's content",
        ),
        (
            vec!["build", "--output", "themes"],
            "it is or contains the site's themes",
        ),
        (
            vec!["build", "--output", ".."],
            "it contains the site's sources",
        ),
        (
            vec!["build", "--base-url", "not a url"],
            "--base-url must be an absolute http or https URL",
        ),
        (
            vec!["build", "--base-url", "https://editor:s3cret@example.org/"],
            "--base-url holds a user name or password, which every page would show; give the public address alone: `--base-url https://example.org/`",
        ),
        (
            vec!["build", "--root", "/nonexistent-site"],
            "it has no site.yaml",
        ),
        (
            vec!["new", "brief", "?! — …"],
            "the title `?! — …` has no letters or digits, so it cannot name the file",
        ),
    ] {
        let run = site.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    }
    assert_eq!(site.output_files(), before);
    assert!(site.exists("content/briefs/good.md"), "sources untouched");
}

#[test]
fn a_folder_centerview_did_not_make_is_never_replaced() {
    let site = good_site();
    site.write("mine/notes.txt", "my own notes");
    let run = site.run(&["build", "--output", "mine"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("already holds files that centerview did not make"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("mine/notes.txt"), "my own notes");
    // An empty folder, or one centerview made, is fine.
    std::fs::create_dir(site.path("public")).unwrap();
    site.run(&["build", "--output", "public"]).assert_ok();
    site.run(&["build", "--output", "public"]).assert_ok();
    assert!(site.exists("public/briefs/good/index.html"));
}

/// A body shortcode whose opening tag is wrong is one error: its `{% end %}` still closes it,
/// rather than being reported as closing nothing.
#[test]
fn one_mistake_in_a_body_shortcode_is_one_error() {
    let site = good_site();
    site.page(
        "briefs/x.md",
        &brief("X", "2017-01-01"),
        "{% sidebar(title=\"a\", title=\"b\") %}\nBody.\n{% end %}\n\n{% pullquote(by=\"x\", bogus=1) %}\nQ.\n{% end %}\n\n{% sidebar(title=unquoted) %}\nB\n{% end %}\n",
    );
    let run = site.build();
    run.assert_error("content/briefs/x.md:5:23: error: argument `title` is given twice");
    assert!(
        run.stderr
            .contains("content/briefs/x.md:13:18: error: `unquoted` is not a value")
    );
    assert!(!run.stderr.contains("closes nothing"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Build failed: 3 errors"),
        "{}",
        run.stderr
    );
    // A real stray `{% end %}` is still one.
    site.page(
        "briefs/x.md",
        &brief("X", "2017-01-01"),
        "Text.\n\n{% end %}\n",
    );
    site.build()
        .assert_error("content/briefs/x.md:7:1: error: `{% end %}` closes nothing");
}

/// The built-in sidebar's template, as a site copies it to change it.
const SIDEBAR_PATH: &str = "themes/centerview/templates/shortcodes/sidebar.html";
const SIDEBAR: &str = include_str!("../themes/centerview/templates/shortcodes/sidebar.html");

/// A mistake in a shortcode's template is the template's: one error at its line and column,
/// naming the calls it failed, not one error at each call.
#[test]
fn a_shortcode_template_mistake_is_one_error_at_the_template() {
    let site = good_site();
    site.write(SIDEBAR_PATH, &SIDEBAR.replace("{{ title }}", "{{ titel }}"));
    for name in ["a", "b"] {
        site.page(
            &format!("briefs/{name}.md"),
            &brief(name, "2017-03-01"),
            "Text.\n\n{% sidebar(title=\"x\") %}\nAside.\n{% end %}\n",
        );
    }
    let run = site.build();
    let line = SIDEBAR
        .lines()
        .position(|l| l.contains("{{ title }}"))
        .unwrap()
        + 1;
    let column = SIDEBAR
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("title }}")
        .unwrap()
        + 1;
    run.assert_error(&format!(
        "{SIDEBAR_PATH}:{line}:{column}: error: the template `shortcodes/sidebar.html` failed: "
    ));
    assert!(
        run.stderr
            .contains("; it failed 2 calls (content/briefs/a.md:7, content/briefs/b.md:7)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("titel"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("Build failed: 1 error;"),
        "{}",
        run.stderr
    );

    // The same in JSON: one object, at the template's line and column, naming the calls.
    let run = site.run(&["check", "--message-format", "json"]);
    let errors: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["type"] == "diagnostic")
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0]["file"], SIDEBAR_PATH);
    assert_eq!(errors[0]["line"], line);
    assert_eq!(errors[0]["column"], column);
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("content/briefs/b.md:7"), "{message}");
}

/// A body shortcode's template that prints its body twice fails every call: one error, at
/// the template.
#[test]
fn a_shortcode_template_printing_its_body_twice_is_one_error() {
    let site = good_site();
    site.write(
        CALLOUT_PATH,
        &CALLOUT.replace("{{ body }}", "{{ body }}{{ body }}"),
    );
    for name in ["a", "b", "c", "d", "e"] {
        site.page(
            &format!("briefs/{name}.md"),
            &brief(name, "2017-03-01"),
            "{% callout(title=\"x\") %}\nAside.\n{% end %}\n",
        );
    }
    let run = site.build();
    run.assert_error(
        "themes/centerview/templates/shortcodes/callout.html: error: the template `shortcodes/callout.html` must print `{{ body }}` exactly once; it failed 5 calls (content/briefs/a.md:5, content/briefs/b.md:5, content/briefs/c.md:5 and 2 more)",
    );
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
}
