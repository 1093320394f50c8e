//! The printer and receipt options on demand (PROTOCOL.md §7.2, issue #18 item 6), in both
//! profiles: what is printed, job status, refusals of malformed requests, receipt choices.

use super::*;
use crate::connector::display_requests as req;
use crate::protocol::RefundRequest;
use crate::protocol::display::{
    PrintJobStatusRequest, Printer, ShowPaymentReceiptOptions, ShowReceiptOptions, TextPrint,
};

const PROFILES: [Profile; 2] = [Profile::Default, Profile::Real];

fn sim(profile: Profile) -> Sim {
    let mut sim = Sim::new(auto_config().with_profile(profile));
    sim.ready(1);
    sim
}

fn approved(sim: &mut Sim, amount: i64, external_id: &str) -> Payment {
    let out = sim.sale(1, amount, external_id);
    let out = [out, sim.advance(60_000)].concat();
    all!(out, FinishOk)
        .into_iter()
        .find_map(|f| f.payment)
        .expect("an approved payment")
}

fn receipt_options(sim: &mut Sim, m: ShowReceiptOptions) -> Vec<Output> {
    sim.send(1, &Message::ShowReceiptOptions(m))
}

#[test]
fn printed_jobs_show_on_the_screen_and_answer_their_status() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        assert!(sim.dev.screen().printer.is_empty(), "{profile:?}");
        let lines: Vec<String> = (1..=45).map(|n| format!("line {n}")).collect();
        let out = sim.send(1, &req::print_text(&lines, "R-1").unwrap());
        assert_eq!(trace(&out), ["ACK"], "{profile:?}");
        let screen = sim.dev.screen().printer;
        assert_eq!(screen[0], "printed job 'R-1', 45 lines (1 job so far)");
        assert_eq!(screen[1], "line 1");
        assert_eq!(screen.last().unwrap(), "… 5 more lines");
        let out = sim.send(1, &req::print_job_status("R-1").unwrap());
        let status = one!(out, PrintJobStatusResponse);
        assert_eq!(status.external_print_job_id.as_deref(), Some("R-1"));
        assert_eq!(status.status.as_deref(), Some("DONE"), "{profile:?}");
        if profile.is_real() {
            let payload = raw_payload(&out, "PRINT_JOB_STATUS_RESPONSE");
            assert_eq!(payload["version"], 1, "devices write payload version 1");
        }
    }
}

#[test]
fn malformed_print_requests_are_refused_and_print_nothing() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let bad = [
            Message::PrintText(TextPrint::default()),
            Message::PrintText(TextPrint {
                text_lines: Some(vec!["x".into(); 1_001]),
                ..TextPrint::default()
            }),
            Message::PrintText(TextPrint {
                text_lines: Some(vec!["x".into()]),
                printer: Some(Printer {
                    id: Some("KITCHEN".into()),
                    ..Printer::default()
                }),
                ..TextPrint::default()
            }),
            Message::PrintJobStatusRequest(PrintJobStatusRequest::default()),
            Message::PrintJobStatusRequest(PrintJobStatusRequest {
                external_print_job_id: Some(String::new()),
            }),
        ];
        for message in bad {
            let out = sim.send(1, &message);
            let error = one!(out, RemoteError);
            assert_eq!(error.error_code, Some(422), "{profile:?} {message:?}");
        }
        assert_eq!(sim.dev.printed_jobs().count(), 0);
        // A long line is cut to what a receipt printer could hold.
        let long = TextPrint {
            text_lines: Some(vec!["y".repeat(5_000)]),
            external_print_job_id: Some("R-2".into()),
            printer: None,
        };
        sim.send(1, &Message::PrintText(long));
        let job = sim.dev.printed_jobs().last().unwrap();
        assert_eq!(job.lines[0].chars().count(), 200);
    }
}

#[test]
fn receipt_options_show_the_screen_then_answer_the_customers_choice() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let payment = approved(&mut sim, 1000, "EXT-RCPT");
        let pid = payment.id.clone().unwrap();
        let oid = payment.order.as_ref().and_then(|o| o.id.clone()).unwrap();
        // The 4.x SDK's displayReceiptOptions: SHOW_RECEIPT_OPTIONS.
        let out = receipt_options(
            &mut sim,
            ShowReceiptOptions {
                order_id: Some(oid.clone()),
                payment_id: Some(pid.clone()),
                ..ShowReceiptOptions::default()
            },
        );
        assert_eq!(
            trace(&out),
            [
                "ACK",
                "UI RECEIPT_OPTIONS ENTER",
                "UI RECEIPT_OPTIONS EXIT",
                "SHOW_RECEIPT_OPTIONS_RESPONSE"
            ],
            "{profile:?}"
        );
        assert_eq!(
            one!(out, ShowReceiptOptionsResponse).status.as_deref(),
            Some("SUCCESS")
        );
        // A refund of the payment has its own receipt.
        let refund = RefundRequest {
            order_id: Some(oid.clone()),
            payment_id: Some(pid.clone()),
            amount: Some(300),
            full_refund: Some(false),
            ..RefundRequest::default()
        };
        let out = sim.send(1, &Message::RefundRequest(refund));
        let refund_id = one!(out, RefundResponse)
            .refund
            .and_then(|r| r.id)
            .expect("a refund id");
        let out = receipt_options(
            &mut sim,
            ShowReceiptOptions {
                refund_id: Some(refund_id),
                ..ShowReceiptOptions::default()
            },
        );
        let r = one!(out, ShowReceiptOptionsResponse);
        assert_eq!(r.status.as_deref(), Some("SUCCESS"), "{profile:?}");
        // Unknown ids fail with a reason; the screen is not shown.
        for (m, reason) in [
            (
                ShowReceiptOptions {
                    refund_id: Some("NOREFUND".into()),
                    ..ShowReceiptOptions::default()
                },
                "REFUND_NOT_FOUND",
            ),
            (
                ShowReceiptOptions {
                    payment_id: Some("NOPAYMENT".into()),
                    ..ShowReceiptOptions::default()
                },
                "PAYMENT_NOT_FOUND",
            ),
            (
                ShowReceiptOptions {
                    credit_id: Some("C1".into()),
                    ..ShowReceiptOptions::default()
                },
                "CREDIT_NOT_FOUND",
            ),
        ] {
            let out = receipt_options(&mut sim, m);
            assert_eq!(trace(&out), ["ACK", "SHOW_RECEIPT_OPTIONS_RESPONSE"]);
            let r = one!(out, ShowReceiptOptionsResponse);
            assert_eq!(r.status.as_deref(), Some("FAIL"));
            assert_eq!(r.reason.as_deref(), Some(reason), "{profile:?}");
        }
        // Naming nothing is malformed.
        let out = receipt_options(&mut sim, ShowReceiptOptions::default());
        assert_eq!(one!(out, RemoteError).error_code, Some(422));
        let bare = ShowPaymentReceiptOptions {
            order_id: Some(oid),
            ..ShowPaymentReceiptOptions::default()
        };
        let out = sim.send(1, &Message::ShowPaymentReceiptOptions(bare));
        assert_eq!(one!(out, RemoteError).error_code, Some(422));
    }
}

#[test]
fn receipt_options_wait_for_a_running_transaction() {
    let mut sim = Sim::manual();
    sim.ready(1);
    sim.sale(1, 1000, "EXT-BUSY");
    let out = sim.send(
        1,
        &req::show_payment_receipt_options("O1", "SOMEPAYMENT").unwrap(),
    );
    let r = one!(out, ShowReceiptOptionsResponse);
    assert_eq!(
        (r.status.as_deref(), r.reason.as_deref()),
        (Some("FAIL"), Some("DEVICE_BUSY"))
    );
}
