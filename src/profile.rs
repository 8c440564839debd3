//! A person's profile: the front matter of `content/authors/<slug>.md` (name, role,
//! affiliation, photo and its text alternative, ORCID iD, email), checked as strictly as a
//! page's. The body is a short biography, rendered like any page's.

use crate::diagnostics::{Diagnostic, Source};
use crate::front_matter::{IMAGE_EXTENSIONS, Split, non_empty as text, smarten};
use crate::yaml::{Step, Target, Value};
use crate::yaml_doc::YamlDoc;

pub const KEYS: &[&str] = &[
    "name",
    "role",
    "affiliation",
    "photo",
    "photo_alt",
    "orcid",
    "email",
];

/// What a profile's front matter says of its person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// As publications' `authors` write it: an entry equal to it links here.
    pub name: String,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    /// A site-absolute path under `content/assets/` (`/assets/people/ann.jpg`), and its text.
    pub photo: Option<String>,
    pub photo_alt: Option<String>,
    /// `0000-0002-1825-0097`, its check digit checked.
    pub orcid: Option<String>,
    pub email: Option<String>,
}

impl Profile {
    /// The ORCID record's address, which names the person to the world.
    pub fn orcid_url(&self) -> Option<String> {
        self.orcid
            .as_ref()
            .map(|id| format!("https://orcid.org/{id}"))
    }
}

/// Parses and checks a profile's front matter, reporting every problem. `None` when the YAML
/// cannot be read at all; else the profile, with what could be read.
pub fn parse(source: &Source, split: &Split, diagnostics: &mut Vec<Diagnostic>) -> Option<Profile> {
    let doc = YamlDoc::new(source, split.yaml.clone());
    let value = doc.parse().map_err(|d| diagnostics.push(d)).ok()?;
    let entries = (doc.root_map(&value, "a profile's front matter"))
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    let mut profile = Profile::default();
    for (key, value) in entries {
        if let Err(d) = set_field(&mut profile, &doc, key, value) {
            diagnostics.push(d);
        }
    }
    check_together(&profile, &doc, split, entries, diagnostics);
    Some(profile)
}

fn set_field(
    profile: &mut Profile,
    doc: &YamlDoc,
    key: &str,
    value: &Value,
) -> Result<(), Diagnostic> {
    let path = [Step::Key(key.to_string())];
    match key {
        "name" => profile.name = text(doc, &path, value)?,
        "role" => profile.role = Some(smarten(&text(doc, &path, value)?)),
        "affiliation" => profile.affiliation = Some(smarten(&text(doc, &path, value)?)),
        "photo" => profile.photo = Some(photo(doc, &path, value)?),
        "photo_alt" => profile.photo_alt = Some(text(doc, &path, value)?),
        "orcid" => profile.orcid = Some(orcid(doc, &path, value)?),
        "email" => profile.email = Some(email(doc, &path, value)?),
        _ => return Err(doc.unknown_key(&[], key, KEYS, "a profile's front matter")),
    }
    Ok(())
}

/// A missing `name`, and a photo without its text alternative (or the other way round).
fn check_together(
    profile: &Profile,
    doc: &YamlDoc,
    split: &Split,
    entries: &[(String, Value)],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let has = |key: &str| entries.iter().any(|(k, _)| k == key);
    if !has("name") {
        let opening = split.yaml.start.saturating_sub(4)..split.yaml.start.saturating_sub(1);
        diagnostics.push(
            Diagnostic::error("the profile has no `name`, which is required")
                .at(doc.source, opening)
                .help("add the person's name as publications' `authors` write it, for example `name: Pamela Fong`"),
        );
    }
    let lone = match (has("photo"), has("photo_alt")) {
        (true, false) => Some("photo"),
        (false, true) => Some("photo_alt"),
        _ => None,
    };
    if let Some(key) = lone {
        let name = match profile.name.as_str() {
            "" => "the person",
            name => name,
        };
        diagnostics.push(
            doc.error(&[key.into()], Target::Key, "`photo` and `photo_alt` go together")
                .help(format!("a photo needs a text alternative for readers who cannot see it: give both, for example `photo: /assets/people/portrait.jpg` and `photo_alt: Portrait of {name}`")),
        );
    }
}

/// A picture under `content/assets/`, written from the site's root; that it exists is
/// checked when the assets are known, as for every image a page names.
fn photo(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<String, Diagnostic> {
    let photo = text(doc, path, value)?;
    if !photo.starts_with("/assets/") || photo.split('/').any(|s| s == "..") {
        return Err(doc
            .error(path, Target::Value, format!("`photo` must be a file under content/assets/, written from the site's root, found `{photo}`"))
            .help("put the picture in content/assets/ and write, for example, `photo: /assets/people/portrait.jpg`"));
    }
    let extension = (photo.rsplit('/').next().unwrap_or_default())
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    if extension.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str())) {
        return Ok(photo);
    }
    Err(doc
        .error(
            path,
            Target::Value,
            format!("`photo` must be a PNG, JPEG, WebP, GIF, AVIF or SVG picture, found `{photo}`"),
        )
        .label("not a picture")
        .help("give a .png, .jpg, .jpeg, .webp, .gif, .avif or .svg file"))
}

/// An ORCID iD, `0000-0002-1825-0097`: four groups of four digits, the last character a
/// digit or `X`, which is the check digit of the fifteen before it (ISO 7064 MOD 11-2).
fn orcid(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<String, Diagnostic> {
    let written = text(doc, path, value)?;
    let bare = (written
        .trim_start_matches("https://")
        .trim_start_matches("http://"))
    .trim_start_matches("orcid.org/");
    let Some(digits) = orcid_digits(bare) else {
        return Err(doc
            .error(path, Target::Value, format!("`orcid` must be an ORCID iD, four groups of four digits, found `{written}`"))
            .label("not an ORCID iD")
            .help("write the iD as the person's ORCID record shows it, for example `orcid: 0000-0002-1825-0097`"));
    };
    if bare != written {
        return Err(doc
            .error(
                path,
                Target::Value,
                format!("`orcid` is the iD alone, found the address `{written}`"),
            )
            .label("an address, not an iD")
            .help(format!(
                "write `orcid: {bare}`: the link to the ORCID record is made from it"
            )));
    }
    let expected = check_digit(&digits[..15]);
    let last = digits[15];
    if last != expected {
        let right = format!("{}{expected}", &bare[..bare.len() - 1]);
        return Err(doc
            .error(path, Target::Value, format!("the ORCID iD `{bare}` ends in `{last}`, but its check digit is `{expected}`"))
            .label("a digit is mistyped")
            .help(format!("copy the iD from the person's ORCID record: with these first fifteen digits it would be `{right}`")));
    }
    Ok(bare.to_string())
}

/// The sixteen characters of an iD written `dddd-dddd-dddd-dddc`, or `None`.
fn orcid_digits(id: &str) -> Option<Vec<char>> {
    let groups: Vec<&str> = id.split('-').collect();
    let well_formed = groups.len() == 4
        && groups.iter().all(|g| g.len() == 4)
        && id.chars().enumerate().all(|(i, c)| match i {
            4 | 9 | 14 => c == '-',
            18 => c.is_ascii_digit() || c == 'X',
            _ => c.is_ascii_digit(),
        });
    well_formed.then(|| id.chars().filter(|&c| c != '-').collect())
}

/// The ISO 7064 MOD 11-2 check character of an ORCID iD's first fifteen digits.
pub fn check_digit(digits: &[char]) -> char {
    let total = (digits.iter())
        .filter_map(|c| c.to_digit(10))
        .fold(0, |total, d| (total + d) * 2);
    match (12 - total % 11) % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('0'),
    }
}

/// An email address: one `@` between a name and a domain with a dot, no spaces. (Whether
/// the mailbox exists no build can know.)
fn email(doc: &YamlDoc, path: &[Step], value: &Value) -> Result<String, Diagnostic> {
    let email = text(doc, path, value)?;
    let address = email.trim_start_matches("mailto:");
    let valid = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !address
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:".contains(c))
        }
        None => false,
    };
    if valid && address == email {
        return Ok(email);
    }
    Err(doc
        .error(
            path,
            Target::Value,
            format!("`email` must be an email address, found `{email}`"),
        )
        .label("not an email address")
        .help("write the address alone, for example `email: pfong@example.org`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(yaml: &str) -> (Option<Profile>, Vec<String>) {
        let text = format!("---\n{yaml}---\nBiography.\n");
        let source = Source::new("a.md".into(), "content/authors/a.md".into(), &text);
        let split = crate::front_matter::split(&source).expect("front matter");
        let mut diagnostics = Vec::new();
        let profile = parse(&source, &split, &mut diagnostics);
        (
            profile,
            diagnostics.iter().map(|d| d.render(false)).collect(),
        )
    }

    #[test]
    fn check_digits_of_known_ids() {
        // The ORCID documentation's examples.
        for id in [
            "0000-0002-1825-0097",
            "0000-0001-5109-3700",
            "0000-0002-1694-233X",
        ] {
            let digits = orcid_digits(id).unwrap();
            assert_eq!(check_digit(&digits[..15]), digits[15], "{id}");
        }
    }

    #[test]
    fn reads_every_key() {
        let (p, errors) = profile(
            "name: Ann Lee\nrole: Senior researcher\naffiliation: The Center\nphoto: /assets/ann.jpg\nphoto_alt: Ann Lee\norcid: 0000-0002-1825-0097\nemail: alee@example.org\n",
        );
        assert!(errors.is_empty(), "{errors:#?}");
        let p = p.unwrap();
        assert_eq!(p.name, "Ann Lee");
        assert_eq!(
            p.orcid_url().unwrap(),
            "https://orcid.org/0000-0002-1825-0097"
        );
    }

    #[test]
    fn reports_each_mistake_at_its_line() {
        let (_, errors) = profile(
            "title: Ann Lee\norcid: 0000-0002-1825-0096\nemail: alee at example.org\nphoto: /assets/ann.pdf\n",
        );
        let joined = errors.join("\n");
        assert!(
            joined.contains("a.md:2:1: error: unknown field `title`"),
            "{joined}"
        );
        assert!(joined.contains("a.md:3:8: error: the ORCID iD `0000-0002-1825-0096` ends in `6`, but its check digit is `7`"), "{joined}");
        assert!(
            joined.contains("it would be `0000-0002-1825-0097`"),
            "{joined}"
        );
        assert!(
            joined.contains("a.md:4:8: error: `email` must be an email address"),
            "{joined}"
        );
        assert!(
            joined.contains("a.md:5:8: error: `photo` must be a PNG"),
            "{joined}"
        );
        assert!(joined.contains("no `name`"), "{joined}");
        assert!(
            joined.contains("`photo` and `photo_alt` go together"),
            "{joined}"
        );
    }

    #[test]
    fn orcid_forms() {
        let (_, errors) = profile("name: A\norcid: https://orcid.org/0000-0002-1825-0097\n");
        assert!(
            errors[0].contains("write `orcid: 0000-0002-1825-0097`"),
            "{errors:?}"
        );
        let (_, errors) = profile("name: A\norcid: 0000-0002-1825-009\n");
        assert!(
            errors[0].contains("four groups of four digits"),
            "{errors:?}"
        );
        let (p, errors) = profile("name: A\norcid: 0000-0002-1694-233X\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.unwrap().orcid.unwrap(), "0000-0002-1694-233X");
    }
}
