//! No circular imports between the files of one layer: every `crate::`, `super::` and `self::`
//! path in `src/` (in `use` trees and in code), and every path through a child module named by
//! its parent, becomes an edge from the file's module to the module it reaches; a layer passes
//! when no two of its modules reach each other. Test modules (`#[cfg(test)]`, `tests/`) are left
//! out: they may import anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`connector::session`; `""` for the crate root) → source without comments and
/// without its `#[cfg(test)]` tail.
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                parts.clear();
            }
            if parts
                .iter()
                .any(|p| p == "tests" || p.starts_with("tests_"))
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source readable");
            out.insert(parts.join("::"), clean(&text));
        }
    }
    out
}

/// The source without `//` comments, without `#[cfg(test)] mod tests;` declarations and without
/// everything from an inline `#[cfg(test)]` module on.
fn clean(text: &str) -> String {
    let mut kept = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            // A test module in its own file: the code after the declaration still counts.
            if lines
                .next()
                .is_some_and(|decl| decl.trim_end().ends_with(';'))
            {
                continue;
            }
            break;
        }
        let code = match line.find("//") {
            // `://` is a URL inside a string, not a comment.
            Some(i) if !line[..i].ends_with(':') => &line[..i],
            _ => line,
        };
        kept.push_str(code);
        kept.push('\n');
    }
    kept
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path a `use` tree names, e.g. `super::{a, b::{c, d}}` → `super::a`, `super::b::c`,
/// `super::b::d` (renames dropped: `d as e` → `d`).
fn expand_use(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let plain = tree.split_whitespace().next().unwrap_or("");
        let plain: String = plain.chars().filter(|c| !c.is_whitespace()).collect();
        return vec![plain];
    };
    let prefix: String = tree[..open]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let prefix = prefix.trim_end_matches("::").to_owned();
    let close = tree.rfind('}').filter(|c| *c > open).unwrap_or(tree.len());
    let inner = &tree[open + 1..close];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| {
            let prefix = prefix.clone();
            expand_use(p).into_iter().map(move |sub| {
                if sub == "self" {
                    prefix.clone()
                } else if prefix.is_empty() {
                    sub
                } else {
                    format!("{prefix}::{sub}")
                }
            })
        })
        .collect()
}

/// The paths of a module's `use` trees; with `public`, only of its re-exports (`pub use`).
fn use_paths(src: &str, public: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in src.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let code = line.trim_start();
        let stripped = ["pub(crate) ", "pub(super) ", "pub "]
            .iter()
            .find_map(|v| code.strip_prefix(v));
        if public && stripped.is_none() {
            continue;
        }
        let code = stripped.unwrap_or(code);
        if code.starts_with("use ")
            && let Some(end) = src[start..].find(';')
        {
            let from = start + line.find("use ").unwrap_or(0) + 4;
            if from < start + end {
                out.extend(expand_use(&src[from..start + end]));
            }
        }
    }
    out
}

/// The paths a module's source names: `use` trees, and `crate::`/`super::`/`self::` paths and
/// `child::` paths in code.
fn paths(src: &str, children: &BTreeSet<String>) -> Vec<String> {
    let mut out = use_paths(src, false);
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let word_start = i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':');
        if word_start && is_ident(chars[i]) {
            let mut j = i;
            let mut path = String::new();
            loop {
                let s = j;
                while j < chars.len() && is_ident(chars[j]) {
                    j += 1;
                }
                path.extend(&chars[s..j]);
                if j + 2 < chars.len()
                    && chars[j] == ':'
                    && chars[j + 1] == ':'
                    && is_ident(chars[j + 2])
                {
                    path.push_str("::");
                    j += 2;
                } else {
                    break;
                }
            }
            let head = path.split("::").next().unwrap_or("");
            if path.contains("::")
                && (matches!(head, "crate" | "super" | "self") || children.contains(head))
            {
                out.push(path);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// What a module re-exports: names → the modules they come from, and the modules it re-exports
/// wholesale (`pub use m::*`).
#[derive(Default)]
struct Exports {
    names: BTreeMap<String, BTreeSet<String>>,
    globs: BTreeSet<String>,
}

/// True when `src` itself defines an item called `name`.
fn defines(src: &str, name: &str) -> bool {
    [
        "struct", "enum", "fn", "type", "const", "trait", "static", "mod", "union",
    ]
    .iter()
    .any(|kw| {
        let pat = format!("{kw} {name}");
        src.match_indices(&pat).any(|(i, _)| {
            let after = src[i + pat.len()..].chars().next().unwrap_or(' ');
            let before = src[..i].chars().next_back().unwrap_or(' ');
            !is_ident(after) && !is_ident(before)
        })
    })
}

/// The segments `path` (named inside module `me`) stands for, from the crate root.
fn absolute<'a>(me: &'a str, path: &'a str) -> Vec<&'a str> {
    let mine: Vec<&str> = if me.is_empty() {
        Vec::new()
    } else {
        me.split("::").collect()
    };
    let segs: Vec<&str> = path.split("::").filter(|s| *s != "*").collect();
    let (mut full, rest): (Vec<&str>, &[&str]) = match segs[0] {
        "crate" => (Vec::new(), &segs[1..]),
        "self" => (mine.clone(), &segs[1..]),
        "super" => {
            let mut base = mine.clone();
            base.pop();
            let mut rest = &segs[1..];
            while rest.first() == Some(&"super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        // A child module named by its parent.
        _ => (mine.clone(), &segs[..]),
    };
    full.extend_from_slice(rest);
    full
}

/// The longest prefix of `full` that is a module, and the segment after it.
fn module_of<'a>(
    full: &[&'a str],
    mods: &BTreeMap<String, String>,
) -> Option<(String, Option<&'a str>)> {
    (0..=full.len())
        .rev()
        .map(|n| (full[..n].join("::"), full.get(n).copied()))
        .find(|(m, _)| mods.contains_key(m))
}

/// The modules `path` (named inside module `me`) reaches: the module it names, or, for an item
/// a module only re-exports, the module the item comes from.
fn resolve(
    me: &str,
    path: &str,
    mods: &BTreeMap<String, String>,
    exports: &BTreeMap<String, Exports>,
) -> BTreeSet<String> {
    let full = absolute(me, path);
    let Some((module, item)) = module_of(&full, mods) else {
        return BTreeSet::new();
    };
    let mut out = BTreeSet::from([module.clone()]);
    if let (Some(item), Some(ex)) = (item, exports.get(&module)) {
        if let Some(from) = ex.names.get(item) {
            out = from.clone();
        } else if !ex.globs.is_empty() && !defines(&mods[&module], item) {
            out = ex.globs.clone();
        }
    }
    out.remove(me);
    out
}

fn children(me: &str, mods: &BTreeMap<String, String>) -> BTreeSet<String> {
    let prefix = if me.is_empty() {
        String::new()
    } else {
        format!("{me}::")
    };
    mods.keys()
        .filter_map(|m| m.strip_prefix(&prefix))
        .filter(|rest| !rest.is_empty() && !rest.contains("::"))
        .map(str::to_owned)
        .collect()
}

/// Edges between modules.
fn graph() -> (BTreeMap<String, String>, BTreeMap<String, BTreeSet<String>>) {
    let mods = modules();
    let mut exports: BTreeMap<String, Exports> = BTreeMap::new();
    for (me, src) in &mods {
        let ex = exports.entry(me.clone()).or_default();
        for path in use_paths(src, true) {
            let full = absolute(me, &path);
            let Some((from, item)) = module_of(&full, &mods) else {
                continue;
            };
            if path.ends_with("::*") {
                ex.globs.insert(from);
            } else if let Some(name) = item.or(full.last().copied()) {
                ex.names.entry(name.to_owned()).or_default().insert(from);
            }
        }
    }
    let mut edges = BTreeMap::new();
    for (me, src) in &mods {
        let targets: BTreeSet<String> = paths(src, &children(me, &mods))
            .iter()
            .flat_map(|p| resolve(me, p, &mods, &exports))
            .collect();
        edges.insert(me.clone(), targets);
    }
    (mods, edges)
}

/// A circle among `nodes`, as `a -> b -> a`, if there is one.
fn circle(nodes: &BTreeSet<String>, edges: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    fn visit(
        v: &str,
        nodes: &BTreeSet<String>,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<String> {
        if let Some(at) = stack.iter().position(|s| s == v) {
            let mut path = stack[at..].to_vec();
            path.push(v.to_owned());
            return Some(path.join(" -> "));
        }
        if done.contains(v) {
            return None;
        }
        stack.push(v.to_owned());
        for w in edges.get(v).into_iter().flatten() {
            if nodes.contains(w)
                && let Some(c) = visit(w, nodes, edges, stack, done)
            {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(v.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    nodes
        .iter()
        .find_map(|v| visit(v, nodes, edges, &mut Vec::new(), &mut done))
}

fn group(mods: &BTreeMap<String, String>, roots: &[&str], except: &[&str]) -> BTreeSet<String> {
    let under = |m: &str, r: &str| m == r || m.starts_with(&format!("{r}::"));
    mods.keys()
        .filter(|m| roots.iter().any(|r| under(m, r)))
        .filter(|m| !except.iter().any(|e| under(m, e)))
        .cloned()
        .collect()
}

#[test]
fn the_checker_finds_a_circle_and_reads_use_trees() {
    assert_eq!(
        expand_use("super::{a, b::{c, self}, d as e}"),
        ["super::a", "super::b::c", "super::b", "super::d"]
    );
    let nodes: BTreeSet<String> = ["x", "y", "z"].map(String::from).into();
    let mut edges = BTreeMap::new();
    edges.insert("x".to_owned(), BTreeSet::from(["y".to_owned()]));
    edges.insert("y".to_owned(), BTreeSet::from(["z".to_owned()]));
    assert_eq!(circle(&nodes, &edges), None);
    edges.insert("z".to_owned(), BTreeSet::from(["x".to_owned()]));
    assert_eq!(circle(&nodes, &edges).as_deref(), Some("x -> y -> z -> x"));
    // The real graph has the edges the code has.
    let (_, edges) = graph();
    assert!(edges["connector::session"].contains("connector::link"));
    assert!(edges["logging"].contains("config::log_file"));
    // Code after a `#[cfg(test)] mod tests;` declaration counts.
    assert!(edges["sim::device"].contains("sim::device::order_screen"));
}

#[test]
fn no_circular_imports_between_the_files_of_each_layer() {
    let (mods, edges) = graph();
    for (name, nodes) in [
        ("connector", group(&mods, &["connector"], &[])),
        (
            "config and logging",
            group(&mods, &["config", "logging"], &[]),
        ),
        (
            "simulator servers",
            group(&mods, &["sim"], &["sim::device"]),
        ),
        ("device vocabulary", group(&mods, &["device"], &[])),
        ("runtime", group(&mods, &["runtime"], &[])),
        // The device's files, without `sim/device/mod.rs`: it holds the one `Device` that every
        // file of the state machine adds its handlers to.
        ("simulated device", {
            let mut files = group(&mods, &["sim::device"], &[]);
            files.remove("sim::device");
            files
        }),
        ("command line", group(&mods, &["cli"], &[])),
    ] {
        assert!(nodes.len() > 1, "{name}: no modules found");
        if let Some(c) = circle(&nodes, &edges) {
            panic!("{name}: circular imports {c}");
        }
    }
}

#[test]
fn no_circular_imports_between_the_files_of_the_app_state_machine() {
    let (mods, edges) = graph();
    let nodes = group(&mods, &["app"], &[]);
    // The layers it holds, bottom up: data (events, state, ui_state…), steps, settle and guards,
    // recovery, the flows, the actions, the key handlers and screens, the dispatcher (mod.rs).
    for m in [
        "app",
        "app::events",
        "app::steps",
        "app::recovery",
        "app::screens",
    ] {
        assert!(nodes.contains(m), "app: module {m} not found");
    }
    if let Some(c) = circle(&nodes, &edges) {
        panic!("app: circular imports {c}");
    }
}
