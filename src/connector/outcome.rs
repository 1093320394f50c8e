//! From device messages to typed results (PROTOCOL.md §4.4, §5.6, §6). Pure.

use crate::protocol::{
    CardTransactionType, Credit, DiscoveryResponse, FinishCancel, FinishOk, Payment, PaymentResult,
    Refund, RefundResponse, ResetDeviceResponse, ResponseCode, ResultStatus,
    RetrieveDeviceStatusResponse, RetrievePaymentResponse, TxStartResponse, TxStartResponseResult,
    TxState, VoidPaymentResponse,
};

use super::events::{
    DeviceEvent, DeviceStatus, MerchantInfo, ResetResult, RetrievePaymentResult, SaleResponse,
    TxStartResponseEvent,
};

/// Reason/message the JS SDK uses when nothing more is known.
const NO_EXTENDED_INFO: &str = "No extended information provided.";

/// Removes card data beyond brand and last4 (`first6`, cardholder name, card token) so that no
/// event, log or ledger row can carry it. The device matches echoed payments by `id` only.
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

/// The event for a REFUND_RESPONSE: done when its `code` is SUCCESS (or, without a code, when
/// it carries a refund).
pub fn refund_response(r: &RefundResponse) -> DeviceEvent {
    let success = match &r.code {
        Some(code) => *code == TxState::Success,
        None => r.refund.is_some(),
    };
    DeviceEvent::RefundResponse {
        success,
        payment_id: r.payment_id.clone(),
        refund: r.refund.clone().map(sanitize_refund),
        reason: r.reason.as_ref().map(|c| c.to_string()),
        message: r.message.clone(),
    }
}

/// The event for a VOID_PAYMENT_RESPONSE: done when `success` (else `status`) says so.
pub fn void_payment_response(r: &VoidPaymentResponse) -> DeviceEvent {
    let success = r
        .success
        .unwrap_or_else(|| r.status.as_ref() == Some(&ResultStatus::Success));
    DeviceEvent::VoidPaymentResponse {
        success,
        payment: r.payment.clone().map(sanitize_payment),
        message: r.message.clone().or_else(|| r.reason.clone()),
    }
}

fn reason_and_message(reason: Option<&str>, message: Option<&str>) -> Option<String> {
    match (reason, message) {
        (Some(r), Some(m)) => Some(format!("{r}: {m}")),
        (r, m) => m.or(r).map(str::to_owned),
    }
}

/// The event for a CAPTURE_PREAUTH_RESPONSE: done when its `status` is SUCCESS.
pub fn capture_response(r: &crate::protocol::CapturePreAuthResponse) -> DeviceEvent {
    DeviceEvent::CaptureResponse {
        success: r.status.as_ref() == Some(&ResultStatus::Success),
        payment_id: r.payment_id.clone(),
        amount: r.amount,
        tip: r.tip_amount,
        message: reason_and_message(r.reason.as_deref(), r.message.as_deref()),
    }
}

/// The event for an INCREMENT_PREAUTH_RESPONSE: done when its `status` is SUCCESS.
pub fn increment_response(r: &crate::protocol::IncrementPreAuthResponse) -> DeviceEvent {
    let auth = r.authorization.as_ref();
    DeviceEvent::IncrementResponse {
        success: r.status.as_ref() == Some(&ResultStatus::Success),
        payment_id: auth
            .and_then(|a| a.payment.as_ref())
            .and_then(|p| p.id.clone()),
        amount: auth.and_then(|a| a.amount),
        message: r.reason.clone(),
    }
}

/// The event for a TIP_ADJUST_RESPONSE: done when `success` says so.
pub fn tip_adjust_response(r: &crate::protocol::TipAdjustResponse) -> DeviceEvent {
    DeviceEvent::TipAdjustResponse {
        success: r.success == Some(true),
        payment_id: r.payment_id.clone(),
        tip: r.amount,
        message: reason_and_message(r.reason.as_deref(), r.message.as_deref()),
    }
}

/// The event for a CLOSEOUT_RESPONSE: done when its `status` is SUCCESS.
pub fn closeout_response(r: &crate::protocol::CloseoutResponse) -> DeviceEvent {
    DeviceEvent::CloseoutResponse {
        success: r.status.as_ref() == Some(&ResultStatus::Success),
        batch: r.batch.clone(),
        message: r.reason.clone(),
    }
}

/// MerchantInfo from DISCOVERY_RESPONSE, with the JS SDK's defaults for absent flags.
pub fn merchant_info(d: &DiscoveryResponse) -> MerchantInfo {
    MerchantInfo {
        merchant_id: d.merchant_id.clone(),
        merchant_name: d.merchant_name.clone(),
        merchant_mid: d.merchant_mid.clone(),
        device_name: d.name.clone(),
        device_serial: d.serial.clone(),
        device_model: d.model.clone(),
        supports_acks: d.supports_acknowledgement.unwrap_or(false),
        supports_void_payment_response: d.supports_void_payment_response.unwrap_or(false),
        supports_auths: d.supports_auth.unwrap_or(true),
        supports_pre_auths: d.supports_pre_auth.unwrap_or(true),
        supports_tip_adjust: d.supports_tip_adjust.unwrap_or(true),
        supports_manual_refunds: d.supports_manual_refund.unwrap_or(true),
        supports_vault_cards: d.supports_vault_card.unwrap_or(true),
    }
}

fn flags(payment: Option<&Payment>) -> (bool, bool, bool) {
    let Some(p) = payment else {
        return (false, false, false);
    };
    let kind = p.card_transaction.as_ref().and_then(|c| c.kind.as_ref());
    let result = p.result.as_ref();
    let is_sale =
        kind == Some(&CardTransactionType::Auth) && result == Some(&PaymentResult::Success);
    let is_auth =
        kind == Some(&CardTransactionType::Preauth) && result == Some(&PaymentResult::Success);
    let is_pre_auth =
        kind == Some(&CardTransactionType::Preauth) && result == Some(&PaymentResult::Auth);
    (is_sale, is_auth, is_pre_auth)
}

/// FINISH_OK → SaleResponse. As the JS SDK: SUCCESS / "SUCCESS" / "No extended information
/// provided." — except that a payment whose own `result` is FAIL or VOIDED is reported as FAIL
/// (the JS SDK would call it a success).
pub fn sale_from_finish_ok(ok: &FinishOk) -> SaleResponse {
    let payment = ok.payment.clone().map(sanitize_payment);
    let (is_sale, is_auth, is_pre_auth) = flags(payment.as_ref());
    let failed = matches!(
        payment.as_ref().and_then(|p| p.result.as_ref()),
        Some(PaymentResult::Fail | PaymentResult::Voided)
    );
    let (success, result, reason, message) = if failed {
        let r = payment
            .as_ref()
            .and_then(|p| p.result.as_ref())
            .map(|r| r.to_string())
            .unwrap_or_default();
        (
            false,
            ResponseCode::Fail,
            r.clone(),
            format!("The device finished the sale with a payment whose result is {r}."),
        )
    } else {
        (
            true,
            ResponseCode::Success,
            "SUCCESS".to_owned(),
            NO_EXTENDED_INFO.to_owned(),
        )
    };
    SaleResponse {
        success,
        result,
        reason,
        message,
        external_id: payment.as_ref().and_then(|p| p.external_payment_id.clone()),
        payment,
        signature: ok.signature.clone(),
        request_info: ok.request_info.clone(),
        is_sale,
        is_auth,
        is_pre_auth,
    }
}

/// FINISH_CANCEL → SaleResponse CANCEL / "Request Canceled".
pub fn sale_from_finish_cancel(cancel: &FinishCancel) -> SaleResponse {
    SaleResponse {
        success: false,
        result: ResponseCode::Cancel,
        reason: "Request Canceled".to_owned(),
        message: "The Sale Request was canceled.".to_owned(),
        payment: None,
        signature: None,
        request_info: cancel.request_info.clone(),
        external_id: None,
        is_sale: false,
        is_auth: false,
        is_pre_auth: false,
    }
}

/// TX_START_RESPONSE → event, and for anything but SUCCESS the final SaleResponse (the device
/// sends no FINISH after a refused TX_START).
pub fn tx_start_response(r: &TxStartResponse) -> (TxStartResponseEvent, Option<SaleResponse>) {
    let result = r.outcome();
    let event = TxStartResponseEvent {
        success: result == TxStartResponseResult::Success,
        result: result.clone(),
        external_id: r.external_payment_id.clone(),
        request_info: r.request_info.clone(),
        reason: r.reason.clone(),
        message: r.message.clone(),
    };
    let finished = match result {
        TxStartResponseResult::Success => None,
        TxStartResponseResult::Duplicate => Some((
            ResponseCode::Cancel,
            r.reason.clone().unwrap_or_else(|| "CANCEL".to_owned()),
            format!(
                "The provided transaction id of {} has already been processed and cannot be resubmitted.",
                r.external_payment_id.as_deref().unwrap_or("")
            ),
        )),
        _ => Some((
            ResponseCode::Fail,
            r.reason.clone().unwrap_or_else(|| "FAIL".to_owned()),
            r.message
                .clone()
                .unwrap_or_else(|| NO_EXTENDED_INFO.to_owned()),
        )),
    };
    let finished = finished.map(|(result, reason, message)| SaleResponse {
        success: false,
        result,
        reason,
        message,
        payment: None,
        signature: None,
        request_info: r.request_info.clone(),
        external_id: r.external_payment_id.clone(),
        is_sale: false,
        is_auth: false,
        is_pre_auth: false,
    });
    (event, finished)
}

/// RETRIEVE_PAYMENT_RESPONSE → result.
pub fn retrieve_payment(r: &RetrievePaymentResponse) -> RetrievePaymentResult {
    RetrievePaymentResult {
        success: r.status == Some(ResultStatus::Success),
        status: r.status.clone(),
        query_status: r.query_status.clone(),
        external_id: r.external_payment_id.clone().or_else(|| {
            r.payment
                .as_ref()
                .and_then(|p| p.external_payment_id.clone())
        }),
        payment: r.payment.clone().map(sanitize_payment),
        reason: r.reason.clone(),
        message: r.message.clone(),
    }
}

/// RETRIEVE_DEVICE_STATUS_RESPONSE → status (`status` or `result`, whichever came).
pub fn device_status(r: &RetrieveDeviceStatusResponse) -> DeviceStatus {
    let result = r.outcome().cloned();
    DeviceStatus {
        success: matches!(result, None | Some(ResultStatus::Success)),
        result,
        state: r.state.clone(),
        substate: r.substate.clone(),
        external_payment_id: r.data.as_ref().and_then(|d| d.external_payment_id.clone()),
        reason: r.reason.clone(),
    }
}

/// RESET_DEVICE_RESPONSE → result.
pub fn reset(r: &ResetDeviceResponse) -> ResetResult {
    ResetResult {
        result: r.outcome().cloned(),
        reason: r.reason.clone(),
        state: r.state.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{CardTransaction, CardType, RequestInfo};

    fn payment(kind: CardTransactionType, result: PaymentResult) -> Payment {
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
                kind: Some(kind),
                ..CardTransaction::default()
            }),
            ..Payment::default()
        }
    }

    #[test]
    fn finish_ok_is_success_with_flags_and_no_card_data() {
        let ok = FinishOk {
            payment: Some(payment(CardTransactionType::Auth, PaymentResult::Success)),
            request_info: Some(RequestInfo::Sale),
            ..FinishOk::default()
        };
        let r = sale_from_finish_ok(&ok);
        assert!(r.success);
        assert_eq!(r.result, ResponseCode::Success);
        assert_eq!(
            (r.reason.as_str(), r.message.as_str()),
            ("SUCCESS", NO_EXTENDED_INFO)
        );
        assert_eq!((r.is_sale, r.is_auth, r.is_pre_auth), (true, false, false));
        assert_eq!(r.external_id.as_deref(), Some("EXT1"));
        let ct = r.payment.unwrap().card_transaction.unwrap();
        assert_eq!((ct.first6, ct.cardholder_name), (None, None));
        assert_eq!(ct.last4.as_deref(), Some("4242"));
    }

    #[test]
    fn preauth_flags() {
        let ok = |res| FinishOk {
            payment: Some(payment(CardTransactionType::Preauth, res)),
            ..FinishOk::default()
        };
        let r = sale_from_finish_ok(&ok(PaymentResult::Success));
        assert_eq!((r.is_sale, r.is_auth, r.is_pre_auth), (false, true, false));
        let r = sale_from_finish_ok(&ok(PaymentResult::Auth));
        assert_eq!((r.is_sale, r.is_auth, r.is_pre_auth), (false, false, true));
    }

    #[test]
    fn voided_payment_in_finish_ok_is_a_failure() {
        let ok = FinishOk {
            payment: Some(payment(CardTransactionType::Auth, PaymentResult::Voided)),
            ..FinishOk::default()
        };
        let r = sale_from_finish_ok(&ok);
        assert!(!r.success);
        assert_eq!(r.result, ResponseCode::Fail);
    }

    #[test]
    fn finish_cancel_is_cancel() {
        let r = sale_from_finish_cancel(&FinishCancel {
            request_info: Some(RequestInfo::Sale),
        });
        assert_eq!(r.result, ResponseCode::Cancel);
        assert_eq!(r.reason, "Request Canceled");
        assert!(!r.success && r.payment.is_none());
    }

    #[test]
    fn tx_start_response_outcomes() {
        let ok = TxStartResponse {
            success: Some(true),
            ..TxStartResponse::default()
        };
        let (e, fin) = tx_start_response(&ok);
        assert!(e.success && fin.is_none());

        let dup = TxStartResponse {
            result: Some(TxStartResponseResult::Duplicate),
            external_payment_id: Some("EXT9".into()),
            request_info: Some(RequestInfo::Sale),
            ..TxStartResponse::default()
        };
        let (e, fin) = tx_start_response(&dup);
        let fin = fin.unwrap();
        assert!(!e.success);
        assert_eq!(fin.result, ResponseCode::Cancel);
        assert_eq!(fin.reason, "CANCEL");
        assert!(fin.message.contains("EXT9"), "{}", fin.message);

        let fail = TxStartResponse {
            success: Some(false),
            message: Some("amount too large".into()),
            ..TxStartResponse::default()
        };
        let fin = tx_start_response(&fail).1.unwrap();
        assert_eq!(
            (fin.result, fin.reason.as_str(), fin.message.as_str()),
            (ResponseCode::Fail, "FAIL", "amount too large")
        );
    }

    #[test]
    fn status_accepts_result_or_status() {
        let s = device_status(&RetrieveDeviceStatusResponse {
            result: Some(ResultStatus::Success),
            ..RetrieveDeviceStatusResponse::default()
        });
        assert!(s.success);
        let s = device_status(&RetrieveDeviceStatusResponse {
            status: Some(ResultStatus::Fail),
            ..RetrieveDeviceStatusResponse::default()
        });
        assert!(!s.success);
    }

    #[test]
    fn discovery_defaults() {
        let m = merchant_info(&DiscoveryResponse {
            ready: Some(true),
            ..DiscoveryResponse::default()
        });
        assert!(!m.supports_acks && m.supports_auths && m.supports_vault_cards);
    }
}
