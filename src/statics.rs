//! Files copied into the site as they are: the site's assets (`content/assets/**`) and the
//! theme's static files (stylesheets, scripts, fonts), scripts compacted on the way.

use crate::output::{Deps, Output, OutputData};
use crate::resolve::Site;
use crate::theme::{Origin, Theme};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Every asset and theme static file, as outputs.
pub fn outputs(site: &Site, theme: &Theme) -> Vec<Output> {
    let mut outputs = Vec::with_capacity(site.assets.len() + theme.statics.len());
    for asset in &site.assets {
        outputs.push(Output {
            path: asset.rel.clone(),
            data: OutputData::Copy(asset.path.clone()),
            deps: Arc::new(Deps {
                files: [format!("content/{}", asset.rel)].into(),
                templates: BTreeSet::new(),
            }),
        });
    }
    for file in &theme.statics {
        let (mut data, files) = match &file.origin {
            Origin::Builtin(bytes) => (OutputData::Static(bytes), BTreeSet::new()),
            Origin::Site(path) => (
                OutputData::Copy(path.clone()),
                [format!("themes/{}/static/{}", site.config.theme, file.rel)].into(),
            ),
        };
        // Scripts are sent compacted: readers download every byte.
        if file.rel.ends_with(".js") {
            let source = match &data {
                OutputData::Static(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
                OutputData::Copy(path) => std::fs::read_to_string(path).ok(),
                OutputData::Bytes(_) | OutputData::Written => None,
            };
            if let Some(source) = source {
                data = OutputData::Bytes(Arc::new(compact_script(&source).into_bytes()));
            }
        }
        outputs.push(Output {
            path: file.rel.clone(),
            data,
            deps: Arc::new(Deps {
                files,
                templates: BTreeSet::new(),
            }),
        });
    }
    outputs
}

/// The path each asset and theme static file takes in the site, and its source as shown to
/// editors, for the check that every path has one owner.
pub fn claims(site: &Site, theme: &Theme) -> Vec<(String, String)> {
    let assets = site
        .assets
        .iter()
        .map(|a| (a.rel.clone(), format!("content/{}", a.rel)));
    let statics = theme.statics.iter().map(|file| {
        let display = match &file.origin {
            Origin::Site(_) => format!("themes/{}/static/{}", site.config.theme, file.rel),
            Origin::Builtin(_) => format!("the built-in theme's static/{}", file.rel),
        };
        (file.rel.clone(), display)
    });
    assets.chain(statics).collect()
}

/// A script without its full-line `//` comments, blank lines and indentation. Line breaks
/// stay, so the script means exactly what it did (automatic semicolons included), provided it
/// has no string or template literal spanning lines, which the theme's scripts never do.
pub fn compact_script(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_lose_comments_and_indentation_only() {
        let source = "// A comment.\n(() => {\n  const a = 1; // kept: not a full line\n\n  return a\n})();\n";
        assert_eq!(
            compact_script(source),
            "(() => {\nconst a = 1; // kept: not a full line\nreturn a\n})();\n"
        );
    }
}
