//! The app makes no ids: a transaction asked for without an external id takes the fresh one the
//! runtime handed in (`Event::FreshExternalId`), and `update` asks for the next one once a
//! record is created with it.

use super::*;

fn start_sale(s: &mut State, external_id: Option<&str>) -> Vec<Effect> {
    update(
        s,
        Event::Action(Action::StartSale {
            amount: Cents(1_250),
            tip: None,
            tax: None,
            external_id: external_id.map(str::to_owned),
        }),
    )
}

fn created(fx: &[Effect]) -> Vec<&str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Persist(op) => op.creates(),
            _ => None,
        })
        .collect()
}

#[test]
fn a_transaction_without_an_external_id_takes_the_fresh_one_handed_in() {
    let mut s = ready_state();
    assert_eq!(s.ui.next_external_id, "FRESH-ID-1");
    let fx = start_sale(&mut s, None);
    assert_eq!(created(&fx), ["FRESH-ID-1"], "{fx:?}");
    assert_eq!(sends(&fx), ["sale"]);
    let asked = fx.iter().filter(|e| **e == Effect::FreshExternalId).count();
    assert_eq!(asked, 1, "the next id is asked for once: {fx:?}");
    assert_eq!(
        s.ui.next_external_id, "",
        "a used id is never offered again"
    );
    assert_eq!(
        s.pending().map(|p| p.external_id.as_str()),
        Some("FRESH-ID-1")
    );
}

#[test]
fn an_id_given_leaves_the_fresh_one_for_later() {
    let mut s = ready_state();
    let fx = start_sale(&mut s, Some("MINE-1"));
    assert_eq!(created(&fx), ["MINE-1"]);
    assert!(!fx.contains(&Effect::FreshExternalId), "{fx:?}");
    assert_eq!(s.ui.next_external_id, "FRESH-ID-1");
}

#[test]
fn a_refused_request_does_not_use_up_the_fresh_id() {
    let mut s = ready_state();
    let fx = update(
        &mut s,
        Event::Action(Action::Credit {
            amount: Cents(0),
            external_id: None,
        }),
    );
    assert_eq!(only_refused(&fx), Some(Refusal::InvalidInput), "{fx:?}");
    assert_eq!(s.ui.next_external_id, "FRESH-ID-1");
    // The same id then serves the credit that goes through.
    let fx = update(
        &mut s,
        Event::Action(Action::Credit {
            amount: Cents(500),
            external_id: None,
        }),
    );
    assert_eq!(created(&fx), ["FRESH-ID-1"], "{fx:?}");
}

#[test]
fn without_a_fresh_id_nothing_is_recorded_or_sent_and_none_is_made_up() {
    let mut s = State::new(AppSettings::default());
    update(
        &mut s,
        Event::Device(DeviceInput::Ready(DeviceInfo::default())),
    );
    let fx = start_sale(&mut s, None);
    assert_eq!(only_refused(&fx), Some(Refusal::InvalidInput), "{fx:?}");
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("no fresh external id")),
        "{:?}",
        s.notice
    );
    assert!(s.pending().is_none());
}
