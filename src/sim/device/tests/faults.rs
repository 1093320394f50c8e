//! Run-wide faults (`config.faults`) and their effect on frames and recovery.

use super::*;
use crate::protocol::{QueryStatus, Sender, TxStartResponseResult};

fn faulty(set: impl FnOnce(&mut Faults)) -> Sim {
    let mut config = auto_config();
    set(&mut config.faults);
    Sim::new(config)
}

#[test]
fn drop_before_finish_ok_completes_the_payment() {
    let mut sim = faulty(|f| f.drop_before_finish_ok = true);
    let token = sim.ready(1);
    let out = sim.sale(1, 2500, "EXT-DROP");
    let t = trace(&out);
    assert_eq!(t[t.len() - 2..], ["TX_STATE SUCCESS", "CLOSE None"]);
    sim.disconnect(1);
    sim.reconnect(2, &token);
    let response = one!(sim.retrieve_payment(2, "EXT-DROP"), RetrievePaymentResponse);
    assert_eq!(response.query_status, Some(QueryStatus::Found));
}

#[test]
fn half_open_stalls_after_tx_start_response_and_the_sale_runs_on() {
    let mut sim = faulty(|f| f.half_open_after_tx_start = true);
    let token = sim.ready(1);
    let out = sim.sale(1, 2500, "EXT-HALF");
    assert_eq!(trace(&out), ["ACK", "TX_START_RESPONSE", "STALL"]);
    // The stalled socket neither reads nor writes.
    assert!(trace(&sim.send(1, &Message::DiscoveryRequest(Default::default()))).is_empty());
    assert!(trace(&sim.status(1, true)).is_empty());
    // The customer paid meanwhile; a new connection finds the payment.
    sim.reconnect(2, &token);
    let response = one!(sim.retrieve_payment(2, "EXT-HALF"), RetrievePaymentResponse);
    assert_eq!(response.query_status, Some(QueryStatus::Found));
    // Half-open applies to every sale here; a fresh sale on the new POS stalls it too.
    assert_eq!(
        trace(&sim.sale(2, 3000, "EXT-HALF2")).last().unwrap(),
        "STALL"
    );
}

#[test]
fn never_ready_refuses_sales() {
    let mut sim = faulty(|f| f.never_ready = true);
    sim.ready(1);
    let response = one!(sim.sale(1, 2500, "EXT-NR"), TxStartResponse);
    assert_eq!(response.result, Some(TxStartResponseResult::Fail));
}

#[test]
fn duplicate_frames_send_everything_twice() {
    let mut sim = faulty(|f| f.duplicate_frames = true);
    sim.ready(1);
    let out = sim.sale(1, 2500, "EXT-TWICE");
    let sends: Vec<&String> = out
        .iter()
        .filter_map(|o| match o {
            Output::Send { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(sends.len(), 22);
    for pair in sends.chunks(2) {
        assert_eq!(pair[0], pair[1]);
    }
}

#[test]
fn slow_device_delays_every_frame_in_order() {
    let mut sim = faulty(|f| f.slow_ms = 250);
    sim.connect(1);
    assert!(trace(&sim.pairing_request(1, None)).is_empty());
    assert_eq!(
        trace(&sim.advance(10_000)),
        ["PAIRING_CODE", "PAIRING_RESPONSE"]
    );
    let out = sim.sale(1, 2500, "EXT-SLOW");
    assert!(trace(&out).is_empty(), "nothing goes out at once");
    assert!(trace(&sim.advance(249)).is_empty());
    assert_eq!(trace(&sim.advance(1)), APPROVED_TRACE);
}

const APPROVED_TRACE: [&str; 11] = [
    "ACK",
    "TX_START_RESPONSE",
    "UI START ENTER",
    "UI START EXIT",
    "UI PROCESSING ENTER",
    "TX_STATE START",
    "UI PROCESSING EXIT",
    "UI RECEIPT_OPTIONS ENTER",
    "UI RECEIPT_OPTIONS EXIT",
    "TX_STATE SUCCESS",
    "FINISH_OK",
];

#[test]
fn late_frames_repeat_the_finish_frame_later() {
    let mut sim = faulty(|f| f.late_frames = true);
    sim.ready(1);
    let out = sim.sale(1, 2500, "EXT-LATE");
    let first = one!(out, FinishOk);
    let first_id = frames(&out).last().unwrap().envelope.id.clone();
    let late = sim.advance(10_000);
    assert_eq!(trace(&late), ["FINISH_OK"]);
    assert_eq!(one!(late, FinishOk), first);
    assert_ne!(frames(&late)[0].envelope.id, first_id);
}

#[test]
fn random_faults_are_seeded() {
    let run = |seed: u64| {
        let mut config = auto_config();
        config.seed = seed;
        config.faults.random_rate = 1.0;
        let mut sim = Sim::new(config);
        sim.ready(1);
        let mut t = trace(&sim.sale(1, 2500, "EXT-RANDOM"));
        t.extend(trace(&sim.advance(10_000)));
        t
    };
    let a = run(5);
    assert_eq!(a, run(5));
    let faulted = |t: &[String]| {
        t.contains(&"STALL".to_owned())
            || t.contains(&"CLOSE None".to_owned())
            || t.iter().filter(|s| *s == "FINISH_OK").count() == 2
    };
    for seed in 0..8 {
        assert!(
            faulted(&run(seed)),
            "seed {seed}: rate 1.0 always injects a fault"
        );
    }
    let mut config = auto_config();
    config.faults.random_rate = 0.0;
    let mut sim = Sim::new(config);
    sim.ready(1);
    assert_eq!(trace(&sim.sale(1, 2500, "EXT-CLEAN")), APPROVED_TRACE);
}

fn cut_at(direction: Sender, method: &str, deliver: bool, kind: CutKind) -> Sim {
    faulty(|f| {
        f.cut = Some(Cut {
            direction,
            method: method.into(),
            skip: 0,
            deliver,
            kind,
        })
    })
}

#[test]
fn cut_skips_the_first_matching_frames() {
    let mut sim = faulty(|f| {
        f.cut = Some(Cut {
            direction: Sender::Device,
            method: "ACK".into(),
            skip: 1,
            deliver: true,
            kind: CutKind::Drop,
        })
    });
    sim.ready(1); // DISCOVERY_REQUEST's ACK goes through
    assert_eq!(trace(&sim.sale(1, 2500, "EXT-CUT6")), ["ACK", "CLOSE None"]);
}

#[test]
fn cut_after_a_device_frame_sends_it_then_drops_once() {
    let mut sim = cut_at(Sender::Device, "FINISH_OK", true, CutKind::Drop);
    let token = sim.ready(1);
    let t = trace(&sim.sale(1, 2500, "EXT-CUT1"));
    assert_eq!(t[t.len() - 2..], ["FINISH_OK", "CLOSE None"]);
    sim.disconnect(1);
    sim.reconnect(2, &token);
    // Once per device: the next sale runs through.
    assert_eq!(trace(&sim.sale(2, 3000, "EXT-CUT2")), APPROVED_TRACE);
}

#[test]
fn cut_instead_of_a_device_frame_loses_it_but_the_device_moves_on() {
    let mut sim = cut_at(Sender::Device, "TX_START_RESPONSE", false, CutKind::Drop);
    let token = sim.ready(1);
    assert_eq!(trace(&sim.sale(1, 2500, "EXT-CUT3")), ["ACK", "CLOSE None"]);
    sim.disconnect(1);
    sim.reconnect(2, &token);
    let response = one!(sim.retrieve_payment(2, "EXT-CUT3"), RetrievePaymentResponse);
    assert_eq!(response.query_status, Some(QueryStatus::Found));
}

#[test]
fn cut_instead_of_a_pos_frame_means_the_device_never_got_it() {
    let mut sim = cut_at(Sender::Pos, "TX_START", false, CutKind::Drop);
    let token = sim.ready(1);
    assert_eq!(trace(&sim.sale(1, 2500, "EXT-CUT4")), ["CLOSE None"]);
    sim.disconnect(1);
    sim.reconnect(2, &token);
    let response = one!(sim.retrieve_payment(2, "EXT-CUT4"), RetrievePaymentResponse);
    assert_eq!(response.query_status, Some(QueryStatus::NotFound));
}

#[test]
fn cut_after_a_pos_frame_acts_on_it_and_loses_the_answers() {
    let mut sim = cut_at(Sender::Pos, "TX_START", true, CutKind::HalfOpen);
    let token = sim.ready(1);
    assert_eq!(trace(&sim.sale(1, 2500, "EXT-CUT5")), ["STALL"]);
    // The stalled socket neither reads nor writes; a new connection finds the payment.
    assert!(trace(&sim.status(1, true)).is_empty());
    sim.reconnect(2, &token);
    let response = one!(sim.retrieve_payment(2, "EXT-CUT5"), RetrievePaymentResponse);
    assert_eq!(response.query_status, Some(QueryStatus::Found));
}
