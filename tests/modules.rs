//! The crate's structure, as docs/design.md states it: modules depend downwards only, so no
//! two modules import each other, directly or around a circle; and `serde_yaml` is used in
//! `src/yaml.rs` only.
//!
//! A module is a file directly under `src/` or a folder there (a folder's files are one
//! module, as the design's table has them), and it imports another when any of its files
//! names `crate::other`, in a `use` or in a path, test code included. The files are read as
//! Rust tokens, so comments and strings do not count.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each module of the crate (by name) and its files.
fn modules() -> BTreeMap<String, Vec<PathBuf>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let files = walkdir::WalkDir::new(&path)
                .into_iter()
                .map(|e| e.unwrap().into_path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect();
            modules.insert(name, files);
        } else if path.extension().is_some_and(|x| x == "rs") && name != "lib" && name != "main" {
            modules.insert(name, vec![path]);
        }
    }
    modules
}

fn tokens(file: &Path) -> TokenStream {
    let text = std::fs::read_to_string(file).unwrap();
    text.parse()
        .unwrap_or_else(|e| panic!("{} does not tokenize: {e:?}", file.display()))
}

/// The first name of every `crate::name` path in `tokens` (for `crate::{a, b::c}`, `a` and
/// `b`), inside macro calls too.
fn crate_paths(tokens: TokenStream, found: &mut BTreeSet<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == "crate" && is_path_sep(&trees[i + 1..]) => {
                match trees.get(i + 3) {
                    Some(TokenTree::Ident(name)) => {
                        found.insert(name.to_string());
                    }
                    Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                        first_names(group.stream(), found)
                    }
                    _ => {}
                }
            }
            TokenTree::Group(group) => crate_paths(group.stream(), found),
            _ => {}
        }
    }
}

fn is_path_sep(rest: &[TokenTree]) -> bool {
    matches!(rest, [TokenTree::Punct(a), TokenTree::Punct(b), ..] if a.as_char() == ':' && b.as_char() == ':')
}

/// The first name of each item of a `use` group (`a, b::c, self` gives `a` and `b`).
fn first_names(group: TokenStream, found: &mut BTreeSet<String>) {
    let mut at_start = true;
    for tree in group {
        match tree {
            TokenTree::Ident(ident) if at_start && ident != "self" => {
                found.insert(ident.to_string());
                at_start = false;
            }
            TokenTree::Punct(p) if p.as_char() == ',' => at_start = true,
            _ => at_start = false,
        }
    }
}

/// Who imports whom: module → (module it imports → the files that do).
fn imports() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let modules = modules();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut graph = BTreeMap::new();
    for (name, files) in &modules {
        let edges: &mut BTreeMap<String, BTreeSet<String>> = graph.entry(name.clone()).or_default();
        for file in files {
            let mut found = BTreeSet::new();
            crate_paths(tokens(file), &mut found);
            let shown = file.strip_prefix(root).unwrap().display().to_string();
            for other in found {
                if other != *name && modules.contains_key(&other) {
                    edges.entry(other).or_default().insert(shown.clone());
                }
            }
        }
    }
    graph
}

/// A way from `from` to `to` along imports, if there is one.
fn path_between(
    graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    from: &str,
    to: &str,
) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(at) = queue.pop_front() {
        if at == to {
            let mut way = vec![to.to_string()];
            let mut step = to;
            while step != from {
                step = came_from[step];
                way.push(step.to_string());
            }
            way.reverse();
            return Some(way);
        }
        for next in graph.get(at).into_iter().flat_map(|e| e.keys()) {
            if next != from && !came_from.contains_key(next.as_str()) {
                came_from.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = imports();
    assert!(graph.len() > 20, "only {} modules found", graph.len());
    let mut circles = Vec::new();
    for (module, edges) in &graph {
        for (imported, files) in edges {
            if let Some(back) = path_between(&graph, imported, module) {
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                circles.push(format!(
                    "{module} -> {} (imported in {})",
                    back.join(" -> "),
                    files.join(", ")
                ));
            }
        }
    }
    assert!(
        circles.is_empty(),
        "modules import each other (docs/design.md: modules depend downwards only):\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_checker_sees_imports_in_uses_groups_and_paths() {
    let text = "use crate::{a, b::c, self}; fn f() { crate::d::e(); format!(\"{}\", crate::f::G); } // crate::h\n";
    let mut found = BTreeSet::new();
    crate_paths(text.parse().unwrap(), &mut found);
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["a", "b", "d", "f"],
        "a comment is not an import"
    );
}

#[test]
fn serde_yaml_is_used_in_yaml_rs_only() {
    let mut users = Vec::new();
    for files in modules().values() {
        for file in files {
            let mut names = BTreeSet::new();
            idents(tokens(file), &mut names);
            if names.contains("serde_yaml") && !file.ends_with("src/yaml.rs") {
                users.push(file.display().to_string());
            }
        }
    }
    assert!(
        users.is_empty(),
        "serde_yaml is used outside src/yaml.rs: {users:?}"
    );
}

fn idents(tokens: TokenStream, found: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                found.insert(ident.to_string());
            }
            TokenTree::Group(group) => idents(group.stream(), found),
            _ => {}
        }
    }
}
