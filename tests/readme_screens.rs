//! The README's screen captures (`assets/screens/*.txt`) are the snapshot tests' own renders, so
//! they never go stale: each capture must equal both a fresh render of its scenario (the same
//! states and render call as `tests/ui_snapshots.rs`) and the accepted insta snapshot of it, and
//! every capture the README embeds (between `<!-- screen: NAME -->` and `<!-- /screen -->`) must
//! equal its file. `TILL_UPDATE_SCREENS=1 cargo test --test readme_screens` rewrites the files and
//! the README's blocks from the renders (after the snapshots were reviewed with `cargo insta`).

mod ui_support;

use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use till::ui::{self, Theme};
use ui_support::*;

/// The captures: (file name, snapshot scenario, width, height).
const CAPTURES: &[(&str, &str, u16, u16)] = &[
    ("sale-with-order", "sim_order", 120, 30),
    ("challenge", "prompt_challenge", 80, 24),
    ("signature", "prompt_signature", 80, 24),
    ("result", "result_approved", 80, 24),
    ("check-payment-status", "status_recovering", 80, 24),
    ("history", "history_detail", 80, 24),
    ("report", "report_today", 80, 24),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn capture_path(name: &str) -> PathBuf {
    root()
        .join("assets")
        .join("screens")
        .join(format!("{name}.txt"))
}

/// The render of `scenario` at `w`×`h`, as the snapshot test renders it.
fn render(scenario: &str, w: u16, h: u16) -> String {
    let (_, state, sim) = scenarios()
        .into_iter()
        .find(|(n, ..)| *n == scenario)
        .unwrap_or_else(|| panic!("no snapshot scenario {scenario}"));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|frame| ui::render(&state, sim.as_ref(), &Theme::default(), frame))
        .expect("draw");
    buffer_text(terminal.backend().buffer())
}

/// The body of an accepted insta snapshot (after its `---` header).
fn snapshot_body(scenario: &str, w: u16, h: u16) -> String {
    let path = root()
        .join("tests")
        .join("snapshots")
        .join(format!("ui_snapshots__{scenario}_{w}x{h}.snap"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut parts = text.splitn(3, "---\n");
    parts.next();
    parts.next();
    parts.next().unwrap_or_default().to_owned()
}

fn updating() -> bool {
    std::env::var_os("TILL_UPDATE_SCREENS").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn captures_are_the_snapshot_renders() {
    let mut stale = Vec::new();
    for &(name, scenario, w, h) in CAPTURES {
        let fresh = render(scenario, w, h);
        assert_eq!(
            fresh.trim_end(),
            snapshot_body(scenario, w, h).trim_end(),
            "{scenario}_{w}x{h}: the render differs from its accepted snapshot; review it with \
             `cargo insta review` first"
        );
        let path = capture_path(name);
        if updating() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(saved) if saved == fresh => {}
            _ => stale.push(path.display().to_string()),
        }
    }
    assert!(
        stale.is_empty(),
        "stale screen captures {stale:?}: run `TILL_UPDATE_SCREENS=1 cargo test --test readme_screens`"
    );
}

/// The README's embedded captures: (name, the text between the markers without the fence).
fn embedded(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = readme;
    while let Some(start) = rest.find("<!-- screen: ") {
        let after = &rest[start + "<!-- screen: ".len()..];
        let name_end = after.find(" -->").expect("a closed screen marker");
        let name = after[..name_end].to_owned();
        let body_start = name_end + " -->".len();
        let end = after.find("<!-- /screen -->").expect("a /screen marker");
        let block = &after[body_start..end];
        let inner = block
            .trim()
            .strip_prefix("```text")
            .and_then(|b| b.strip_suffix("```"))
            .unwrap_or_else(|| panic!("screen {name}: a ```text fenced block"));
        out.push((name, inner.trim_start_matches('\n').to_owned()));
        rest = &after[end..];
    }
    out
}

fn fenced(capture: &str) -> String {
    format!("\n```text\n{capture}```\n")
}

#[test]
fn the_readme_shows_the_captures_as_they_are() {
    let readme_path = root().join("README.md");
    let mut readme = std::fs::read_to_string(&readme_path).unwrap();
    let shown = embedded(&readme);
    assert!(
        shown.len() >= 3,
        "the README embeds {} captures",
        shown.len()
    );
    if updating() {
        for (name, _) in &shown {
            let &(_, scenario, w, h) = CAPTURES
                .iter()
                .find(|(n, ..)| n == name)
                .unwrap_or_else(|| panic!("the README shows an unknown capture {name}"));
            let capture = render(scenario, w, h);
            let open = format!("<!-- screen: {name} -->");
            let start = readme.find(&open).unwrap() + open.len();
            let end = start + readme[start..].find("<!-- /screen -->").unwrap();
            readme.replace_range(start..end, &fenced(&capture));
        }
        std::fs::write(&readme_path, &readme).unwrap();
        return;
    }
    for (name, text) in &shown {
        assert!(
            CAPTURES.iter().any(|(n, ..)| n == name),
            "the README shows an unknown capture {name}"
        );
        let capture = std::fs::read_to_string(capture_path(name)).unwrap();
        assert_eq!(
            text, &capture,
            "README's {name} differs from assets/screens/{name}.txt: run \
             `TILL_UPDATE_SCREENS=1 cargo test --test readme_screens`"
        );
    }
    // Every capture is at least linked.
    for (name, ..) in CAPTURES {
        assert!(
            readme.contains(&format!("assets/screens/{name}.txt")),
            "the README does not link assets/screens/{name}.txt"
        );
    }
}

#[test]
fn captures_have_no_escape_codes_and_fit_their_size() {
    for &(name, _, w, h) in CAPTURES {
        let path = capture_path(name);
        let Ok(text) = std::fs::read_to_string(Path::new(&path)) else {
            continue; // reported by captures_are_the_snapshot_renders
        };
        assert_eq!(text.lines().count(), usize::from(h), "{name}");
        for line in text.lines() {
            assert!(line.chars().count() <= usize::from(w), "{name}: {line}");
            assert!(!line.chars().any(char::is_control), "{name}: {line:?}");
        }
    }
}
