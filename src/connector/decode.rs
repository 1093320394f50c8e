//! From device messages to the app's [`DeviceInput`]s, once (PROTOCOL.md §4.4, §5.6, §6). Pure.
//!
//! Decoding only: what the device said, typed, with card data cut to brand and last4. What a
//! payment proves about a transaction (approved, declined, voided…) is decided in
//! `app::verdict`, never here.

use crate::device::{DeviceErrorCode, DeviceInfo, DeviceInput};
use crate::protocol::summary::message_fields;
use crate::protocol::{
    Cents, Credit, DiscoveryResponse, Frame, Message, Payment, Refund, ResultStatus, TxState,
    UiDirection, UiState,
};

/// At most this many characters of a print job status the device reports are kept.
const MAX_PRINT_STATUS_CHARS: usize = 32;

/// Removes card data beyond brand and last4 (`first6`, cardholder name, card token) so that no
/// input, log or ledger row can carry it. The device matches echoed payments by `id` only.
pub fn sanitize_payment(mut payment: Payment) -> Payment {
    if let Some(ct) = payment.card_transaction.as_mut() {
        ct.first6 = None;
        ct.cardholder_name = None;
        ct.token = None;
    }
    payment
}

/// A refund stripped of card data beyond brand and last4, like [`sanitize_payment`].
pub fn sanitize_refund(mut refund: Refund) -> Refund {
    if let Some(ct) = refund.card_transaction.as_mut() {
        ct.first6 = None;
        ct.cardholder_name = None;
        ct.token = None;
    }
    refund
}

/// A credit stripped of card data beyond brand and last4, like [`sanitize_payment`].
pub fn sanitize_credit(mut credit: Credit) -> Credit {
    if let Some(ct) = credit.card_transaction.as_mut() {
        ct.first6 = None;
        ct.cardholder_name = None;
        ct.token = None;
    }
    credit
}

/// Who the device is, from DISCOVERY_RESPONSE, with the JS SDK's defaults for absent flags.
pub fn device_info(d: &DiscoveryResponse) -> DeviceInfo {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    DeviceInfo {
        merchant_name: text(&d.merchant_name),
        device_name: text(&d.name),
        serial: text(&d.serial),
        merchant_id: text(&d.merchant_id),
        model: text(&d.model),
        supports_acks: d.supports_acknowledgement.unwrap_or(false),
        supports_void_payment_response: d.supports_void_payment_response.unwrap_or(false),
        supports_auths: d.supports_auth.unwrap_or(true),
        supports_pre_auths: d.supports_pre_auth.unwrap_or(true),
        supports_tip_adjust: d.supports_tip_adjust.unwrap_or(true),
        supports_manual_refunds: d.supports_manual_refund.unwrap_or(true),
        supports_vault_cards: d.supports_vault_card.unwrap_or(true),
    }
}

/// A refusal's reason code and the device's message, as one text.
fn reason_and_message(reason: Option<String>, message: Option<String>) -> Option<String> {
    match (reason, message) {
        (Some(r), Some(m)) => Some(format!("{r}: {m}")),
        (r, m) => m.or(r),
    }
}

/// The one-line summary of a message the POS sends, for the frames inspector.
pub fn sent_summary(message: &Message) -> String {
    join(message.method(), &message_fields(message))
}

/// The one-line summary of a decoded frame from the device, for the frames inspector.
pub fn received_summary(frame: &Frame) -> String {
    let fields = frame
        .message
        .as_ref()
        .map(message_fields)
        .unwrap_or_default();
    join(frame.method().unwrap_or(frame.kind().as_str()), &fields)
}

fn join(method: &str, fields: &str) -> String {
    if fields.is_empty() {
        method.to_owned()
    } else {
        format!("{method} {fields}")
    }
}

fn protocol_error(what: &str) -> DeviceInput {
    DeviceInput::DeviceError {
        code: DeviceErrorCode::Protocol,
        message: what.to_owned(),
    }
}

/// What one device message (after pairing and discovery, which the session handles) tells the
/// app: usually one input, none for a message the app has no use for, two when a FINISH_OK
/// carries both a refund and a credit.
pub fn inputs(message: Message) -> Vec<DeviceInput> {
    let one = match message {
        Message::Ack(ack) => match ack.source_message_id {
            Some(id) => DeviceInput::Ack {
                message_id: id,
                method: ack.source_method,
            },
            None => return Vec::new(),
        },
        Message::UiState(ui) => DeviceInput::UiState {
            declined: ui.ui_state == Some(UiState::Declined),
            timed_out: ui.ui_state == Some(UiState::TimedOut),
            signing: ui.ui_state == Some(UiState::AddSignature)
                && ui.ui_direction != Some(UiDirection::Exit),
            text: ui.ui_text.unwrap_or_default(),
            direction: ui.ui_direction,
        },
        Message::TxState(s) => match s.tx_state {
            Some(state) => DeviceInput::TxState(state),
            None => return Vec::new(),
        },
        Message::TxStartResponse(r) => DeviceInput::TxStartResponse {
            result: r.outcome(),
            external_id: r.external_payment_id,
            message: r.message.or(r.reason),
        },
        Message::ConfirmPayment(c) => match c.payment {
            Some(p) => DeviceInput::ConfirmPayment {
                payment: sanitize_payment(p),
                challenges: c.challenges.unwrap_or_default(),
            },
            None => protocol_error("CONFIRM_PAYMENT_MESSAGE without a payment: cannot be answered"),
        },
        Message::VerifySignature(v) => match v.payment {
            Some(p) => DeviceInput::VerifySignature {
                payment: sanitize_payment(p),
                signature: v.signature.unwrap_or_default(),
            },
            None => protocol_error("VERIFY_SIGNATURE without a payment: cannot be answered"),
        },
        Message::TipAdded(t) => DeviceInput::TipAdded(Cents(t.tip_amount.unwrap_or(0))),
        Message::PrintJobStatusResponse(r) => DeviceInput::PrintJobStatus {
            job_id: r.external_print_job_id,
            // Shown in the receipt box's title and in notices: one short, terminal-safe word.
            status: r.status.map_or_else(
                || "UNKNOWN".to_owned(),
                |s| {
                    crate::protocol::text::device_line(&s)
                        .chars()
                        .take(MAX_PRINT_STATUS_CHARS)
                        .collect()
                },
            ),
        },
        Message::PartialAuth(p) => {
            DeviceInput::PartialAuth(Cents(p.partial_auth_amount.unwrap_or(0)))
        }
        Message::RefundResponse(r) => DeviceInput::RefundResponse {
            // Done when its `code` is SUCCESS (or, without a code, when it carries a refund).
            success: match &r.code {
                Some(code) => *code == TxState::Success,
                None => r.refund.is_some(),
            },
            payment_id: r.payment_id,
            refund: r.refund.map(sanitize_refund),
            message: match (r.reason.map(|c| c.to_string()), r.message) {
                (Some(r), Some(m)) => Some(format!("{r}: {m}")),
                (r, m) => m.or(r),
            },
        },
        Message::VoidPaymentResponse(r) => DeviceInput::VoidResponse {
            // Done when `success` (else `status`) says so.
            success: r
                .success
                .unwrap_or_else(|| r.status.as_ref() == Some(&ResultStatus::Success)),
            payment: r.payment.map(sanitize_payment),
            message: r.message.or(r.reason),
        },
        Message::CapturePreAuthResponse(r) => DeviceInput::CaptureResponse {
            success: r.status.as_ref() == Some(&ResultStatus::Success),
            payment_id: r.payment_id,
            amount: r.amount.map(Cents),
            tip: r.tip_amount.map(Cents),
            message: reason_and_message(r.reason, r.message),
        },
        Message::IncrementPreAuthResponse(r) => {
            let auth = r.authorization.as_ref();
            DeviceInput::IncrementResponse {
                success: r.status.as_ref() == Some(&ResultStatus::Success),
                payment_id: auth
                    .and_then(|a| a.payment.as_ref())
                    .and_then(|p| p.id.clone()),
                amount: auth.and_then(|a| a.amount).map(Cents),
                message: r.reason,
            }
        }
        Message::TipAdjustResponse(r) => DeviceInput::TipAdjustResponse {
            success: r.success == Some(true),
            payment_id: r.payment_id,
            tip: r.amount.map(Cents),
            message: reason_and_message(r.reason, r.message),
        },
        Message::CloseoutResponse(r) => DeviceInput::CloseoutResponse {
            success: r.status.as_ref() == Some(&ResultStatus::Success),
            batch: r.batch.map(|b| crate::payment::Batch {
                id: b.id,
                count: b.tx_count.map(|c| c.max(0) as u64),
                total: b.total_batch_amount.map(Cents),
                state: b.state.map(|s| s.to_string()),
            }),
            message: r.reason,
        },
        Message::FinishOk(ok) => {
            let mut out = Vec::new();
            if let Some(refund) = ok.refund {
                out.push(DeviceInput::RefundFinished(sanitize_refund(refund)));
            }
            if let Some(credit) = ok.credit {
                out.push(DeviceInput::CreditFinished(sanitize_credit(credit)));
            }
            if let Some(payment) = ok.payment {
                out.push(DeviceInput::FinishOk {
                    payment: Some(sanitize_payment(payment)),
                    request_info: ok.request_info,
                });
            }
            return out;
        }
        Message::FinishCancel(c) => DeviceInput::FinishCancel {
            request_info: c.request_info,
        },
        Message::RetrievePaymentResponse(r) => match r.query_status {
            Some(query) => DeviceInput::RetrievePayment {
                query,
                external_id: r.external_payment_id.or_else(|| {
                    r.payment
                        .as_ref()
                        .and_then(|p| p.external_payment_id.clone())
                }),
                payment: r.payment.map(sanitize_payment),
            },
            None => return Vec::new(),
        },
        Message::RetrieveDeviceStatusResponse(r) => DeviceInput::DeviceStatus {
            state: r
                .state
                .unwrap_or(crate::protocol::ExternalDeviceState::UnknownValue),
            substate: r.substate,
            external_id: r.data.and_then(|d| d.external_payment_id),
        },
        Message::ResetDeviceResponse(r) => DeviceInput::ResetDone { state: r.state },
        Message::PaymentVoided(v) => DeviceInput::PaymentVoided {
            payment: v.payment.map(sanitize_payment),
            reason: v.void_reason.map(|r| r.to_string()),
        },
        Message::RemoteError(e) => {
            let mut text = e.error_message.unwrap_or_else(|| "no message".to_owned());
            if let Some(code) = e.error_code {
                text.push_str(&format!(" (code {code})"));
            }
            if let Some(detail) = e.error_detail.filter(|d| !d.is_empty()) {
                text.push_str(&format!(": {detail}"));
            }
            DeviceInput::DeviceError {
                code: DeviceErrorCode::UnknownError,
                message: format!("the device reported an error: {text}"),
            }
        }
        Message::InvalidStateTransition(t) => {
            let state = match (&t.state, &t.substate) {
                (Some(s), Some(ss)) => format!("{s}/{ss}"),
                (Some(s), None) => s.to_string(),
                _ => "its current state".to_owned(),
            };
            DeviceInput::Busy(format!(
                "the device refused {} in {state}: {}",
                t.requested_transition.as_deref().unwrap_or("the request"),
                t.reason.as_deref().unwrap_or("no reason given")
            ))
        }
        // Frames the POS itself sends, connection control (the session's), and methods not
        // modelled: shown in the frames inspector only.
        _ => return Vec::new(),
    };
    vec![one]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{
        CardTransaction, CardTransactionType, CardType, FinishCancel, FinishOk, PaymentResult,
        RequestInfo, RetrieveDeviceStatusResponse, TxStartResponse, TxStartResponseResult,
    };

    fn payment(result: PaymentResult) -> Payment {
        Payment {
            id: Some("PAY1".into()),
            amount: Some(1050),
            external_payment_id: Some("EXT1".into()),
            result: Some(result),
            card_transaction: Some(CardTransaction {
                card_type: Some(CardType::Visa),
                last4: Some("4242".into()),
                first6: Some("424242".into()),
                cardholder_name: Some("DOE/JANE".into()),
                kind: Some(CardTransactionType::Auth),
                ..CardTransaction::default()
            }),
            ..Payment::default()
        }
    }

    #[test]
    fn finish_ok_hands_over_the_payment_whatever_its_result_without_card_data() {
        for result in [PaymentResult::Success, PaymentResult::Voided] {
            let ok = FinishOk {
                payment: Some(payment(result.clone())),
                request_info: Some(RequestInfo::Sale),
                ..FinishOk::default()
            };
            let inputs = inputs(Message::FinishOk(ok));
            let [
                DeviceInput::FinishOk {
                    payment: Some(p),
                    request_info,
                },
            ] = inputs.as_slice()
            else {
                panic!("{inputs:?}")
            };
            assert_eq!(p.result, Some(result));
            assert_eq!(request_info, &Some(RequestInfo::Sale));
            let ct = p.card_transaction.clone().unwrap();
            assert_eq!((ct.first6, ct.cardholder_name), (None, None));
            assert_eq!(ct.last4.as_deref(), Some("4242"));
        }
    }

    #[test]
    fn a_print_job_status_is_one_short_terminal_safe_word() {
        let long = format!("DONE\x1b[2J\n{}", "X".repeat(10_000));
        let inputs = inputs(Message::PrintJobStatusResponse(
            crate::protocol::display::PrintJobStatusResponse {
                external_print_job_id: Some("J1".into()),
                status: Some(long),
            },
        ));
        let [DeviceInput::PrintJobStatus { status, .. }] = inputs.as_slice() else {
            panic!("{inputs:?}")
        };
        assert!(status.starts_with("DONE"), "{status}");
        assert!(status.chars().count() <= MAX_PRINT_STATUS_CHARS, "{status}");
        assert!(!status.chars().any(char::is_control), "{status:?}");
    }

    #[test]
    fn finish_cancel_is_finish_cancel() {
        let inputs = inputs(Message::FinishCancel(FinishCancel {
            request_info: Some(RequestInfo::Sale),
        }));
        assert_eq!(
            inputs,
            vec![DeviceInput::FinishCancel {
                request_info: Some(RequestInfo::Sale)
            }]
        );
    }

    #[test]
    fn tx_start_response_result_from_result_or_success() {
        let ok = TxStartResponse {
            success: Some(true),
            ..TxStartResponse::default()
        };
        let dup = TxStartResponse {
            result: Some(TxStartResponseResult::Duplicate),
            external_payment_id: Some("EXT9".into()),
            reason: Some("DUPLICATE".into()),
            ..TxStartResponse::default()
        };
        assert_eq!(
            inputs(Message::TxStartResponse(ok)),
            vec![DeviceInput::TxStartResponse {
                result: TxStartResponseResult::Success,
                external_id: None,
                message: None
            }]
        );
        assert_eq!(
            inputs(Message::TxStartResponse(dup)),
            vec![DeviceInput::TxStartResponse {
                result: TxStartResponseResult::Duplicate,
                external_id: Some("EXT9".into()),
                message: Some("DUPLICATE".into())
            }]
        );
    }

    #[test]
    fn status_without_a_state_is_unknown() {
        let s = inputs(Message::RetrieveDeviceStatusResponse(
            RetrieveDeviceStatusResponse::default(),
        ));
        assert!(
            matches!(
                s.as_slice(),
                [DeviceInput::DeviceStatus {
                    state: crate::protocol::ExternalDeviceState::UnknownValue,
                    ..
                }]
            ),
            "{s:?}"
        );
    }

    #[test]
    fn discovery_defaults() {
        let d = device_info(&DiscoveryResponse {
            ready: Some(true),
            ..DiscoveryResponse::default()
        });
        assert!(!d.supports_acks && d.supports_auths && d.supports_vault_cards);
        assert!(!d.supports_void_payment_response);
    }
}
