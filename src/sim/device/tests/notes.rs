//! What the simulated device tells its operator (#13): a sale's outcome when it happens, and a
//! pairing remembered from an earlier run.

use super::*;

fn notes(out: &[Output]) -> Vec<String> {
    out.iter()
        .filter_map(|o| match o {
            Output::Note(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_manual_sale_is_logged_as_started_and_its_outcome_when_it_happens() {
    let mut sim = Sim::manual();
    sim.ready(1);
    let started = notes(&sim.sale(1, 1234, "N1"));
    assert!(
        started
            .iter()
            .any(|n| n.contains("N1") && n.contains("started")),
        "{started:?}"
    );
    assert!(
        !started.iter().any(|n| n.contains("approved")),
        "nothing is approved yet: {started:?}"
    );
    let tapped = notes(
        &sim.act(CustomerAction::TapCard(
            crate::sim::cards::APPROVE_VISA.into(),
        ))
        .unwrap(),
    );
    let later = notes(&sim.advance(60_000));
    let all: Vec<&String> = tapped.iter().chain(&later).collect();
    assert!(all.iter().any(|n| n.starts_with("approved")), "{all:?}");
}

#[test]
fn a_token_known_from_an_earlier_run_pairs_at_once() {
    let mut first = Sim::manual();
    let token = first.paired(1);
    let mut again = Sim::new(DeviceConfig {
        known_tokens: vec![token.clone()],
        ..DeviceConfig::default()
    });
    again.connect(1);
    let out = again.pairing_request(1, Some(&token));
    assert!(
        out.iter()
            .any(|o| method_of(o).as_deref() == Some("PAIRING_RESPONSE")),
        "paired without a code: {:?}",
        trace(&out)
    );
    // Single use, like any token.
    again.connect(2);
    let out = again.pairing_request(2, Some(&token));
    assert!(
        out.iter()
            .any(|o| method_of(o).as_deref() == Some("PAIRING_CODE")),
        "{:?}",
        trace(&out)
    );
}
