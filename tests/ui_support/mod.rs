//! Fixed states for the UI tests and the render bench: every screen and overlay, with fixed
//! times and ids so snapshots are stable.
#![allow(dead_code)]

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use till::app::screens::{Field, HistoryRow, Screen};
use till::app::{
    AppSettings, Connection, CurrentPayment, DeviceInfo, DeviceStatusView, Level, Notice,
    NoticeKind, Outcome, PaymentFacts, Prompt, Recovery, RecoveryReason, RecoveryStep, ResetFlow,
    ResetPhase, State, StepRecord,
};
use till::payment::PaymentState;
use till::protocol::Sender;
use till::protocol::{
    CardTransaction, CardType, Cents, Challenge, ChallengeType, ExternalDeviceState,
    ExternalDeviceSubState, Payment, Point, Signature, Stroke, VoidReason,
};
use till::sim::device::Screen as SimScreen;

/// 2024-02-29 12:34:56 UTC.
pub const NOW: i64 = 1_709_210_096_000;
/// The external id of the running sale.
pub const EXT: &str = "0f8b1c2d3e4f5a6b7c8d9e0f1a2b3c4d";
/// The external id the next sale will use.
pub const NEXT: &str = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";

/// A ready device with names and a fresh external id.
pub fn ready() -> State {
    let mut s = State::new(AppSettings::default());
    s.set_now_ms(NOW);
    s.set_connection(Connection::Ready);
    s.set_device(Some(DeviceInfo {
        merchant_name: "Corner Bakery".into(),
        device_name: "Counter 1".into(),
        serial: "C043UQ03350123".into(),
        merchant_id: "MERCHANT1".into(),
        ..DeviceInfo::default()
    }));
    s.ui_mut().next_external_id = NEXT.into();
    s
}

pub fn notice(level: Level, kind: NoticeKind, text: &str) -> Option<Notice> {
    Some(Notice {
        level,
        text: text.into(),
        kind,
    })
}

pub fn payment(state: PaymentState) -> CurrentPayment {
    CurrentPayment {
        external_id: EXT.into(),
        amount: Cents(1234),
        tip: Some(Cents(200)),
        tax: None,
        state,
        started_ms: NOW - 65_000,
        decline_seen: false,
        authorised: None,
        evidence: Default::default(),
    }
}

pub fn device_payment(amount: i64) -> Payment {
    Payment {
        id: Some("QWERTY123456".into()),
        amount: Some(amount),
        external_payment_id: Some(EXT.into()),
        card_transaction: Some(CardTransaction {
            card_type: Some(CardType::Visa),
            last4: Some("4242".into()),
            auth_code: Some("OK1234".into()),
            ..CardTransaction::default()
        }),
        ..Payment::default()
    }
}

/// A signature that looks handwritten: `points` points over a few strokes of loops.
pub fn signature(points: usize) -> Signature {
    let strokes_n = 4usize;
    let per = (points / strokes_n).max(1);
    let strokes = (0..strokes_n)
        .map(|s| Stroke {
            points: (0..per)
                .map(|i| {
                    let t = i as f64 / per as f64;
                    let base = s as f64 * 150.0;
                    let x = base + 20.0 + t * 120.0 + 18.0 * (t * 18.0).sin();
                    let y = 100.0 - 45.0 * (t * 9.0 + s as f64).sin() * (1.0 - 0.5 * t)
                        + 15.0 * (t * 18.0).cos();
                    Point {
                        x: x as i32,
                        y: y as i32,
                    }
                })
                .collect(),
        })
        .collect();
    Signature {
        width: Some(620),
        height: Some(200),
        strokes,
    }
}

pub fn history_rows(offset: usize, count: usize, total: usize) -> Vec<HistoryRow> {
    const STATES: [PaymentState; 6] = [
        PaymentState::Approved,
        PaymentState::Approved,
        PaymentState::Declined,
        PaymentState::Canceled,
        PaymentState::Voided,
        PaymentState::NotFound,
    ];
    (offset..(offset + count).min(total))
        .map(|i| {
            let state = STATES[i % STATES.len()];
            HistoryRow {
                external_id: format!("{:032x}", 0xabc0_0000_u64 + i as u64),
                created_ms: NOW - i as i64 * 97_000,
                amount: Cents(100 + (i as i64 * 37) % 10_000),
                state,
                card: if state == PaymentState::Approved {
                    "VISA 4242".into()
                } else {
                    String::new()
                },
                items: None,
            }
        })
        .collect()
}

/// A history screen over `total` ledger rows with a window around `selected`.
pub fn history(total: usize, selected: usize) -> State {
    let mut s = ready();
    s.ui_mut().screen = Screen::History;
    let offset = selected.saturating_sub(50);
    s.ui_mut().history = history_rows(offset, 100, total);
    s.ui_mut().history_offset = offset;
    s.ui_mut().history_total = total;
    s.ui_mut().history_selected = selected;
    s
}

pub fn frames(n: usize) -> Vec<(Sender, String)> {
    let lines = [
        (
            Sender::Pos,
            "→ COMMAND TX_START payIntent.amount=1234 externalPaymentId=0f8b…",
        ),
        (Sender::Device, "← COMMAND ACK sourceMessageId=17"),
        (Sender::Device, "← COMMAND TX_START_RESPONSE result=SUCCESS"),
        (
            Sender::Device,
            "← COMMAND UI_STATE uiState=START_TAP_CARD uiText=\"Tap, insert or swipe\"",
        ),
        (Sender::Device, "← COMMAND TX_STATE txState=IN_PROGRESS"),
        (Sender::Pos, "→ COMMAND ACK sourceMessageId=d42"),
    ];
    (0..n)
        .map(|i| {
            let (d, l) = lines[i % lines.len()];
            (d, format!("{l} #{i}"))
        })
        .collect()
}

pub fn outcome(state: PaymentState, facts: PaymentFacts, message: &str) -> Outcome {
    Outcome {
        external_id: EXT.into(),
        state,
        amount: Cents(1234),
        tip: Some(Cents(200)),
        tax: Some(Cents(99)),
        facts,
        message: message.into(),
    }
}

pub fn approved_facts() -> PaymentFacts {
    PaymentFacts {
        device_payment_id: Some("QWERTY123456".into()),
        order_id: Some("ORDER98765".into()),
        card_brand: Some("VISA".into()),
        last4: Some("4242".into()),
        auth_code: Some("OK1234".into()),
        result: Some("SUCCESS".into()),
        amount_charged: Some(Cents(1434)),
        tip: Some(Cents(200)),
        ..PaymentFacts::default()
    }
}

pub fn recovering() -> State {
    let mut s = ready();
    s.ui_mut().screen = Screen::Status;
    s.set_payment(Some(payment(PaymentState::Unknown)));
    s.set_device_status(Some(DeviceStatusView {
        state: ExternalDeviceState::WaitingForCustomer,
        substate: Some(ExternalDeviceSubState::ProcessingPayment),
        external_id: Some(EXT.into()),
    }));
    s.set_recovery(Some(Recovery {
        reason: RecoveryReason::Ready,
        step: RecoveryStep::Polling,
        steps: vec![
            StepRecord {
                what: "device status (send last message)".into(),
                answer: format!("WAITING_FOR_CUSTOMER/PROCESSING_PAYMENT, working on {EXT}"),
            },
            StepRecord {
                what: format!("retrieve payment {EXT}"),
                answer: "IN_PROGRESS".into(),
            },
            StepRecord {
                what: "device status (send last message)".into(),
                answer: "asked".into(),
            },
        ],
        rounds: 2,
        device_state: Some(ExternalDeviceState::WaitingForCustomer),
        device_external_id: Some(EXT.into()),
    }));
    s.set_notice(notice(
        Level::Info,
        NoticeKind::General,
        "The device is WAITING_FOR_CUSTOMER (PROCESSING_PAYMENT). Checking again shortly.",
    ));
    s
}

pub fn sim_screen() -> SimScreen {
    SimScreen {
        title: "Insert, tap or swipe card".into(),
        detail: "Amount 14.34".into(),
        pairing_code: None,
        actions: vec![
            "card".into(),
            "decline".into(),
            "cancel".into(),
            "walk-away".into(),
        ],
        order: Vec::new(),
        printer: Vec::new(),
    }
}

/// Every screen and overlay: (name, state, simulator screen).
pub fn scenarios() -> Vec<(&'static str, State, Option<SimScreen>)> {
    let mut out: Vec<(&'static str, State, Option<SimScreen>)> = Vec::new();
    let mut push = |name, state, sim| out.push((name, state, sim));

    // 1. Connect / pairing.
    let mut s = ready();
    s.set_connection(Connection::Idle);
    s.set_device(None);
    push("connect_idle", s, None);
    let mut s = ready();
    s.set_connection(Connection::Connecting { attempt: 3 });
    s.set_device(None);
    push("connect_connecting", s, None);
    let mut s = ready();
    s.set_connection(Connection::Pairing {
        code: "492815".into(),
    });
    s.set_device(None);
    push("connect_pairing", s, None);
    let mut s = ready();
    s.set_connection(Connection::NotReady("the device shows another app".into()));
    push("connect_not_ready", s, None);
    let mut s = ready();
    s.set_connection(Connection::Disconnected("connection reset by peer".into()));
    s.set_notice(notice(
        Level::Error,
        NoticeKind::NotConnected,
        "Nothing was sent: the device is not connected (connection reset by peer).",
    ));
    push("connect_disconnected", s, None);

    // 2. Sale entry.
    push("sale_empty", ready(), None);
    let mut s = ready();
    s.ui_mut().amount = "12.34".into();
    s.ui_mut().tip = "2".into();
    s.ui_mut().field = Field::Tip;
    push("sale_typing_tip", s, None);
    push("sale_order", order_state(), None);
    let mut s = ready();
    s.ui_mut().amount = "12.345".into();
    s.set_notice(notice(
        Level::Error,
        NoticeKind::Validation,
        "Nothing was sent: amount: more than two decimal places in '12.345'; type at most 2 digits after the point",
    ));
    push("sale_validation", s, None);
    let mut s = ready();
    s.set_payment(Some(payment(PaymentState::Unknown)));
    s.set_notice(notice(
        Level::Error,
        NoticeKind::PendingPayment,
        &format!(
            "Refused: payment {EXT} of 12.34 is still unknown. Resolve it first: run `till recover`, or press s (Check Payment Status)."
        ),
    ));
    push("sale_refused_pending", s, None);

    // 3. In progress.
    let mut s = ready();
    s.ui_mut().screen = Screen::InProgress;
    s.set_payment(Some(payment(PaymentState::InProgress)));
    s.set_device_text(Some("Tap, insert or swipe card".into()));
    push("in_progress", s, None);
    let mut s = ready();
    s.ui_mut().screen = Screen::InProgress;
    s.set_payment(Some(payment(PaymentState::Unknown)));
    s.set_connection(Connection::Disconnected("connection reset by peer".into()));
    s.set_notice(notice(
        Level::Error,
        NoticeKind::General,
        "Could not send cancel: not connected.",
    ));
    push("in_progress_unknown_disconnected", s, None);

    // 4. Prompts.
    let mut s = ready();
    s.ui_mut().screen = Screen::Prompt;
    s.set_payment(Some(payment(PaymentState::InProgress)));
    s.set_prompt(Some(Prompt::Challenge {
        payment: device_payment(1234),
        challenges: vec![Challenge {
            kind: Some(ChallengeType::DuplicateChallenge),
            message: Some(
                "This card was used for a payment of the same amount a moment ago. Continue?"
                    .into(),
            ),
            reason: Some(VoidReason::RejectDuplicate),
        }],
    }));
    push("prompt_challenge", s, None);
    let mut s = ready();
    s.ui_mut().screen = Screen::Prompt;
    s.set_payment(Some(payment(PaymentState::InProgress)));
    s.set_prompt(Some(Prompt::Signature {
        payment: device_payment(1234),
        signature: signature(400),
    }));
    push("prompt_signature", s, None);

    // 5. Results (the app leaves the screen on InProgress when the sale ends).
    let results = [
        (
            "result_approved",
            PaymentState::Approved,
            approved_facts(),
            "approved on VISA ending 4242",
        ),
        (
            "result_partial",
            PaymentState::Approved,
            PaymentFacts {
                amount_charged: Some(Cents(617)),
                remaining: Some(Cents(617)),
                ..approved_facts()
            },
            "approved on VISA ending 4242",
        ),
        (
            "result_declined",
            PaymentState::Declined,
            PaymentFacts::default(),
            "the card was declined: no money taken",
        ),
        (
            "result_canceled",
            PaymentState::Canceled,
            PaymentFacts::default(),
            "canceled on the device: no money taken",
        ),
        (
            "result_voided",
            PaymentState::Voided,
            PaymentFacts {
                result: Some("VOIDED".into()),
                ..approved_facts()
            },
            "authorised, then voided: no money taken",
        ),
        (
            "result_not_found",
            PaymentState::NotFound,
            PaymentFacts::default(),
            "the device has no such payment and is idle: no money taken",
        ),
        (
            "result_unknown",
            PaymentState::Unknown,
            PaymentFacts::default(),
            "the device did not answer in time",
        ),
    ];
    for (name, st, facts, msg) in results {
        let mut s = ready();
        s.ui_mut().screen = if name == "result_approved" {
            Screen::InProgress
        } else {
            Screen::Result
        };
        s.set_last_outcome(Some(outcome(st, facts, msg)));
        push(name, s, None);
    }

    // 6. Check payment status, reset.
    push("status_recovering", recovering(), None);
    let mut s = recovering();
    let mut suspended = s.recovery().clone();
    if let Some(r) = suspended.as_mut() {
        r.step = RecoveryStep::Suspended;
    }
    s.set_recovery(suspended);
    s.set_reset(Some(ResetFlow {
        phase: ResetPhase::NeedsConfirmation,
        confirm: None,
    }));
    s.ui_mut().modal = Some(till::app::Modal::ResetInput("0f8b1c".into()));
    s.set_notice(notice(
        Level::Error,
        NoticeKind::ResetNeedsConfirmation,
        &format!(
            "Payment {EXT} of 12.34 is still unknown on the device; a reset may void it. To reset anyway, confirm with its external id (till reset --yes-void-pending {EXT})."
        ),
    ));
    push("status_reset_confirm", s, None);
    let mut s = ready();
    s.ui_mut().screen = Screen::Status;
    s.set_device_status(Some(DeviceStatusView {
        state: ExternalDeviceState::Idle,
        substate: None,
        external_id: None,
    }));
    s.set_notice(notice(
        Level::Info,
        NoticeKind::General,
        "No payment is pending; asking the device what it is doing.",
    ));
    push("status_nothing_pending", s, None);

    // 7. History.
    push("history_top", history(100_000, 0), None);
    let mut s = history(100_000, 54_321);
    s.ui_mut().history_detail = Some(vec![
        "2024-02-29 12:30:01 created (amount 12.34)".into(),
        "2024-02-29 12:30:01 sent TX_START".into(),
        "2024-02-29 12:30:02 in_progress TX_START_RESPONSE: the device accepted the sale".into(),
        "2024-02-29 12:30:19 approved FINISH_OK: approved on VISA ending 4242".into(),
    ]);
    push("history_detail", s, None);
    let mut s = ready();
    s.ui_mut().screen = Screen::History;
    push("history_empty", s, None);
    // The receipt box (p) over the history, for the order of the sale screen's scenario.
    let mut s = history(100_000, 0);
    s.ui_mut().modal = Some(till::app::Modal::Receipt(order_receipt(0)));
    push("history_receipt", s, None);
    let mut s = history(100_000, 0);
    s.ui_mut().modal = Some(till::app::Modal::Receipt(order_receipt(12)));
    push("history_receipt_scrolled", s, None);

    // Check Payment Status: resolving the pending payment by hand, at the confirmation.
    let mut s = recovering();
    s.ui_mut().screen = Screen::Status;
    s.ui_mut().modal = Some(till::app::Modal::Resolve(till::app::manual::ResolveInput {
        to: Some(PaymentState::NotFound),
        note: "not on the Clover dashboard (Sam)".into(),
        confirming: true,
    }));
    push("status_resolve_by_hand", s, None);

    // Today's totals, with an action item first.
    let mut s = ready();
    s.ui_mut().screen = Screen::Report;
    let mut rows = Vec::new();
    for (i, (state, amount, charged, brand)) in [
        (PaymentState::Approved, 1234, None, Some("VISA")),
        (PaymentState::Approved, 2000, Some(1000), Some("MC")),
        (PaymentState::Declined, 500, None, Some("VISA")),
        (PaymentState::Unknown, 777, None, None),
    ]
    .into_iter()
    .enumerate()
    {
        rows.push(till::ledger::PaymentRecord {
            cursor: Default::default(),
            external_id: format!("{:032x}", 0xfeed_0000_u64 + i as u64),
            device: "sim".into(),
            kind: till::payment::PaymentKind::Sale,
            amount: till::protocol::Cents(amount),
            tip: till::protocol::Cents(100),
            tax: till::protocol::Cents(0),
            state,
            device_payment_id: None,
            order_id: None,
            card_brand: brand.map(Into::into),
            last4: None,
            auth_code: None,
            charged_amount: charged.map(till::protocol::Cents),
            charged_tip: None,
            result: None,
            reason: None,
            message: None,
            partial: charged.is_some_and(|c| c < amount),
            parent: None,
            created_ms: s.now_ms(),
            updated_ms: s.now_ms(),
        });
    }
    s.ui_mut().report = Some(Ok(Box::new(till::ledger::Report::from_rows(&rows))));
    push("report_today", s, None);

    // 8. Frames.
    let mut s = ready();
    s.ui_mut().screen = Screen::Frames;
    s.set_frames(frames(40));
    push("frames", s, None);
    let mut s = ready();
    s.ui_mut().screen = Screen::Frames;
    s.set_frames(frames(40));
    s.ui_mut().frames_back = 12;
    push("frames_scrolled_back", s, None);

    // Overlays and the simulator panel.
    let mut s = ready();
    s.ui_mut().modal = Some(till::app::Modal::Help);
    push("overlay_help", s, None);
    let mut s = ready();
    s.ui_mut().screen = Screen::InProgress;
    s.set_payment(Some(payment(PaymentState::InProgress)));
    s.set_device_text(Some("Tap, insert or swipe card".into()));
    s.ui_mut().modal = Some(till::app::Modal::QuitConfirm);
    push("overlay_quit", s, None);
    let mut s = ready();
    s.ui_mut().screen = Screen::InProgress;
    s.set_payment(Some(payment(PaymentState::InProgress)));
    s.set_device_text(Some("Tap, insert or swipe card".into()));
    push("sim_in_progress", s, Some(sim_screen()));
    push("sim_order", order_state(), Some(sim_order_screen()));
    // The device's printer printed a receipt (PRINT_TEXT): the panel shows the job and its
    // last lines.
    let mut printed = sim_screen();
    printed.title = "Welcome".into();
    printed.detail = String::new();
    printed.actions = vec!["reboot".into()];
    printed.printer = vec![
        "printed job 'TILL3f2a9c0d1b7e4f6a8c5d2e1f0a9b', 4 lines (1 job so far)".into(),
        "Corner Bakery".into(),
        "Tea x3                6.00".into(),
        "TOTAL                11.95".into(),
        "VISA **** 4242  Auth A1B2C3".into(),
    ];
    push("sim_printed", ready(), Some(printed));
    let mut s = ready();
    s.set_connection(Connection::Pairing {
        code: "492815".into(),
    });
    s.set_device(None);
    push(
        "sim_pairing",
        s,
        Some(SimScreen {
            title: "Pair with POS".into(),
            detail: "Enter the code shown on the POS".into(),
            pairing_code: Some("492815".into()),
            actions: vec!["approve-pairing".into(), "reject-pairing".into()],
            order: Vec::new(),
            printer: Vec::new(),
        }),
    );
    out
}

/// The buffer as text, one line per row (styles dropped).
pub fn buffer_text(buf: &Buffer) -> String {
    let a: Rect = buf.area;
    let mut out = String::new();
    for y in a.top()..a.bottom() {
        let mut line = String::new();
        for x in a.left()..a.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A sale screen with an order rung from the example catalog: three lines, one with a quantity,
/// a 10 % discount, the order's tax rate 8.875 %, and a code being typed in the item field.
pub fn order_state() -> State {
    let mut s = ready();
    s.desk_mut().catalog = till::order::Catalog::from_toml(
        include_str!("../../assets/catalog.toml"),
        "assets/catalog.toml",
    )
    .expect("example catalog");
    s.desk_mut().tax_rate = till::order::Percent::parse("8.875").expect("rate");
    for entry in ["1001", "1002", "Tea=2.00x3", "1005", "%10"] {
        s.desk_mut().add(entry).expect("entry");
    }
    s.desk_mut().selected = 2;
    s.ui_mut().field = Field::Item;
    s.ui_mut().item = "100".into();
    s
}

/// The receipt box showing the receipt of [`order_state`]'s order, approved, scrolled `scroll`
/// lines down.
pub fn order_receipt(scroll: u16) -> till::app::receipt_box::ReceiptView {
    let order = till::ledger::OrderRecord::of(&order_state().desk().order).expect("an order");
    let ext = format!("{:032x}", 0xabc0_0000_u64);
    let payment = till::ledger::PaymentRecord {
        cursor: Default::default(),
        external_id: ext.clone(),
        device: "dev".into(),
        kind: till::payment::PaymentKind::Sale,
        parent: None,
        amount: order.total,
        tip: Cents::ZERO,
        tax: order.tax,
        state: PaymentState::Approved,
        device_payment_id: Some("DMKJWJTVR3GSR".into()),
        order_id: None,
        card_brand: Some("VISA".into()),
        last4: Some("4242".into()),
        auth_code: Some("A1B2C3".into()),
        charged_amount: Some(order.total),
        charged_tip: Some(Cents::ZERO),
        result: None,
        reason: None,
        message: None,
        partial: false,
        created_ms: NOW,
        updated_ms: NOW,
    };
    let text = till::receipt::receipt_text(
        "Corner Bakery",
        &payment,
        Some(&order),
        &[],
        till::receipt::WIDTH,
    );
    till::app::receipt_box::ReceiptView {
        external_id: ext,
        text: Some(Ok(text)),
        scroll,
    }
}

/// The simulated device showing that order on its customer display.
pub fn sim_order_screen() -> SimScreen {
    SimScreen {
        title: "Welcome".into(),
        detail: String::new(),
        pairing_code: None,
        actions: vec!["reboot".into()],
        order: vec![
            "1 × Coffee  $3.50".into(),
            "1 × Bagel  $2.25".into(),
            "3 × Tea  $6.00".into(),
            "1 × Newspaper  $1.50".into(),
            "10% off  -$1.33".into(),
            "Subtotal $13.25".into(),
            "Tax $0.94".into(),
            "Total $12.86".into(),
        ],
        printer: Vec::new(),
    }
}
