//! No import circles: in the core and in the web app, a module that another
//! module uses never uses it back, directly or around a longer circle.
//! Tests, comments and doc links do not count; `use`s and paths in code do.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, by module path (`load::ingest`).
fn modules(root: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts.iter().any(|p| p == "tests" || p == "bin") {
                continue;
            }
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            found.insert(parts.join("::"), path);
        }
    }
    found
}

/// The code of a file: no test module, no comment lines.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source");
    let text = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths that follow `prefix::` in `code` (`crate::load::ingest::Loader`
/// gives `["load", "ingest", "Loader"]`).
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let needle = format!("{prefix}::");
    let mut rest = code;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + needle.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        paths.push(
            path.split("::")
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
        );
    }
    paths
}

/// Module → the other modules of its crate it uses.
fn graph(root: &Path, crate_name: &str) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(root);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in &modules {
        let code = code(path);
        let own: Vec<&str> = module.split("::").filter(|p| !p.is_empty()).collect();
        // `super::` from `a::b` (file a/b.rs) is `a`; from a/b/mod.rs too.
        let parent = &own[..own.len().saturating_sub(1)];
        let mut targets: Vec<Vec<String>> = Vec::new();
        for prefix in ["crate", crate_name] {
            targets.extend(paths_after(&code, prefix));
        }
        for path in paths_after(&code, "super") {
            let mut full: Vec<String> = parent.iter().map(|p| (*p).to_owned()).collect();
            full.extend(path);
            targets.push(full);
        }
        let uses = edges.entry(module.clone()).or_default();
        for target in targets {
            // The longest prefix that names a module.
            let used = (1..=target.len())
                .rev()
                .map(|k| target[..k].join("::"))
                .find(|name| modules.contains_key(name));
            if let Some(used) = used {
                let related = used == *module
                    || module.starts_with(&format!("{used}::"))
                    || used.starts_with(&format!("{module}::"));
                if !related {
                    uses.insert(used);
                }
            }
        }
    }
    edges
}

/// A circle in `edges`, if there is one.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, done, path) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut done, &mut Vec::new()))
}

#[test]
fn the_core_has_no_import_circles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/core/src");
    let edges = graph(&root, "trailglass_core");
    assert!(edges.len() > 25, "found the core's modules: {edges:?}");
    assert!(
        edges["load::ingest"].contains("store"),
        "found what a module uses: {:?}",
        edges["load::ingest"]
    );
    assert_eq!(circle(&edges), None);
}

#[test]
fn the_web_app_has_no_import_circles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&root, "trailglass");
    assert!(
        edges.contains_key("worker::fanout"),
        "found the app's modules"
    );
    assert!(
        edges["client"].contains("worker"),
        "found what a module uses: {:?}",
        edges["client"]
    );
    assert_eq!(circle(&edges), None);
}

#[test]
fn a_circle_is_found() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        circle(&edges),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    edges.get_mut("c").unwrap().clear();
    assert_eq!(circle(&edges), None);
}
