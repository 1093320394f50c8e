//! One-line, redacted summaries of frames: what `till decode`, the frames screen and logs show.

use super::frame::Frame;
use super::messages::Message;
use super::money::Cents;
use super::objects::Payment;
use super::redact::mask_secret;
use super::sender::Sender;

/// `key=value` pairs, skipping absent values.
struct Fields(Vec<String>);

impl Fields {
    fn put(&mut self, key: &str, value: Option<impl std::fmt::Display>) {
        if let Some(v) = value {
            self.0.push(format!("{key}={v}"));
        }
    }
    fn text(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.0.push(format!("{key}={v:?}"));
        }
    }
    fn money(&mut self, key: &str, value: Option<i64>) {
        self.put(key, value.map(Cents));
    }
    fn payment(&mut self, p: Option<&Payment>) {
        let Some(p) = p else { return };
        self.put("payment", p.id.as_deref());
        self.put("result", p.result.as_ref());
        self.money("amount", p.amount);
        self.money("tip", p.tip_amount.filter(|t| *t != 0));
        self.put("externalId", p.external_payment_id.as_deref());
        self.put("card", p.card_brand());
        self.put("last4", p.last4());
        self.put("auth", p.auth_code());
    }
}

/// The key fields of a message, e.g. `amount=25.00 externalId=POS-1 requestInfo=SALE`.
/// Tokens are masked and no card data beyond brand and last4 appears.
pub fn message_fields(message: &Message) -> String {
    let mut f = Fields(Vec::new());
    match message {
        Message::PairingRequest(m) => {
            f.text("name", m.name.as_deref());
            f.text("serial", m.serial_number.as_deref());
            f.put(
                "token",
                Some(
                    m.authentication_token
                        .as_deref()
                        .map_or("none".into(), mask_secret),
                ),
            );
        }
        Message::PairingCode(m) => f.put("code", m.pairing_code.as_deref()),
        Message::PairingResponse(m) => {
            f.put("state", m.pairing_state.as_ref());
            f.put("token", m.authentication_token.as_deref().map(mask_secret));
        }
        Message::DiscoveryResponse(m) => {
            f.put("ready", m.ready);
            f.text("merchant", m.merchant_name.as_deref());
            f.text("device", m.name.as_deref());
            f.put("serial", m.serial.as_deref());
            f.put("acks", m.supports_acknowledgement);
        }
        Message::Ack(m) => {
            f.put("of", m.source_message_id.as_deref());
            f.put("method", m.source_method.as_deref());
        }
        Message::TerminalMessage(m) => f.text("text", m.text.as_deref()),
        Message::TxStart(m) => {
            if let Some(pi) = &m.pay_intent {
                f.money("amount", pi.amount);
                f.money("tip", pi.tip_amount.filter(|t| *t != 0));
                f.money("tax", pi.tax_amount);
                f.put("externalId", pi.external_payment_id.as_deref());
            }
            f.put("requestInfo", m.request_info.as_ref());
        }
        Message::TxStartResponse(m) => {
            f.put("result", Some(m.outcome()));
            f.put("externalId", m.external_payment_id.as_deref());
            f.put("requestInfo", m.request_info.as_ref());
            f.text("reason", m.reason.as_deref());
        }
        Message::UiState(m) => {
            f.put("state", m.ui_state.as_ref());
            f.put("direction", m.ui_direction.as_ref());
            f.text("text", m.ui_text.as_deref());
        }
        Message::TxState(m) => f.put("state", m.tx_state.as_ref()),
        Message::PartialAuth(m) => f.money("amount", m.partial_auth_amount),
        Message::TipAdded(m) => f.money("tip", m.tip_amount),
        Message::ConfirmPayment(m) => {
            for c in m.challenges.iter().flatten() {
                f.put("challenge", c.kind.as_ref());
            }
            f.payment(m.payment.as_ref());
        }
        Message::PaymentConfirmed(m) => f.payment(m.payment.as_ref()),
        Message::PaymentRejected(m) => {
            f.put("reason", m.reason.as_ref());
            f.payment(m.payment.as_ref());
        }
        Message::VerifySignature(m) => {
            if let Some(s) = &m.signature {
                f.put("strokes", Some(s.strokes.len()));
                f.put("points", Some(s.point_count()));
            }
            f.payment(m.payment.as_ref());
        }
        Message::SignatureVerified(m) => {
            f.put("verified", m.verified);
            f.payment(m.payment.as_ref());
        }
        Message::FinishOk(m) => {
            f.put("requestInfo", m.request_info.as_ref());
            f.payment(m.payment.as_ref());
            if let Some(c) = &m.credit {
                f.put("credit", c.id.as_deref());
                f.money("amount", c.amount);
            }
            if let Some(r) = &m.refund {
                f.put("refund", r.id.as_deref());
                f.money("amount", r.amount);
            }
            if m.signature.is_some() {
                f.put("signature", Some("yes"));
            }
        }
        Message::FinishCancel(m) => f.put("requestInfo", m.request_info.as_ref()),
        Message::KeyPress(m) => f.put("key", m.key_press.as_ref()),
        Message::RetrievePaymentRequest(m) => f.put("externalId", m.external_payment_id.as_deref()),
        Message::RetrievePaymentResponse(m) => {
            f.put("query", m.query_status.as_ref());
            f.put("status", m.status.as_ref());
            f.put("externalId", m.external_payment_id.as_deref());
            if let Some(p) = &m.payment {
                f.put("payment", p.id.as_deref());
                f.put("result", p.result.as_ref());
                f.money("amount", p.amount);
            }
        }
        Message::RetrieveDeviceStatusRequest(m) => f.put("sendLastMessage", m.send_last_message),
        Message::RetrieveDeviceStatusResponse(m) => {
            f.put("result", m.outcome());
            f.put("state", m.state.as_ref());
            f.put("substate", m.substate.as_ref());
            f.put(
                "externalId",
                m.data
                    .as_ref()
                    .and_then(|d| d.external_payment_id.as_deref()),
            );
        }
        Message::ResetDeviceResponse(m) => {
            f.put("result", m.outcome());
            f.put("state", m.state.as_ref());
        }
        Message::PaymentVoided(m) => {
            f.put("voidReason", m.void_reason.as_ref());
            f.payment(m.payment.as_ref());
        }
        Message::VoidPayment(m) => {
            f.put("voidReason", m.void_reason.as_ref());
            f.payment(m.payment.as_ref());
        }
        Message::VoidPaymentResponse(m) => {
            f.put("status", m.status.as_ref());
            f.put("voidReason", m.void_reason.as_ref());
            f.payment(m.payment.as_ref());
        }
        Message::RefundRequest(m) => {
            f.put("payment", m.payment_id.as_deref());
            f.money("amount", m.amount);
            f.put("full", m.full_refund);
        }
        Message::RefundResponse(m) => {
            f.put("code", m.code.as_ref());
            f.put("payment", m.payment_id.as_deref());
            f.put("reason", m.reason.as_ref());
        }
        Message::ForceConnect(m) => f.text("friendlyId", m.friendly_id.as_deref()),
        Message::RemoteError(m) => {
            f.put("code", m.error_code);
            f.text("message", m.error_message.as_deref());
        }
        Message::InvalidStateTransition(m) => {
            f.put("result", m.result.as_ref());
            f.put("requested", m.requested_transition.as_deref());
            f.put("state", m.state.as_ref());
            f.text("reason", m.reason.as_deref());
        }
        Message::ShowOrderScreen(m) => {
            super::display::summarize_order_update(m, &mut |k, v| f.0.push(format!("{k}={v}")))
        }
        Message::PrintText(m) => {
            f.put("job", m.external_print_job_id.as_deref());
            f.put("lines", m.text_lines.as_ref().map(Vec::len));
        }
        Message::PrintJobStatusRequest(m) => f.put("job", m.external_print_job_id.as_deref()),
        Message::PrintJobStatusResponse(m) => {
            f.put("job", m.external_print_job_id.as_deref());
            f.put("status", m.status.as_deref());
        }
        Message::GetPrintersRequest(m) => f.put("category", m.category.as_deref()),
        Message::GetPrintersResponse(m) => f.put("printers", Some(m.printers.len())),
        Message::ShowPaymentReceiptOptions(m) => f.put("payment", m.payment_id.as_deref()),
        Message::ShowReceiptOptions(m) => f.put("payment", m.payment_id.as_deref()),
        Message::ShowReceiptOptionsResponse(m) => f.put("status", m.status.as_deref()),
        Message::CapturePreAuth(_)
        | Message::CapturePreAuthResponse(_)
        | Message::IncrementPreAuth(_)
        | Message::IncrementPreAuthResponse(_)
        | Message::TipAdjust(_)
        | Message::TipAdjustResponse(_)
        | Message::CloseoutRequest(_)
        | Message::CloseoutResponse(_) => {
            super::auth_summary::summarize(message, &mut |k, v| f.0.push(format!("{k}={v}")))
        }
        Message::DiscoveryRequest(_)
        | Message::ShowWelcomeScreen(_)
        | Message::ShowThankYouScreen(_)
        | Message::Break(_)
        | Message::Shutdown(_)
        | Message::Reset(_)
        | Message::Unknown { .. } => {}
    }
    cap_summary(f.0.join(" "))
}

/// The most bytes of one summary's fields: 1 KiB. A device's screen text can be as long as a
/// frame; what the frames inspector keeps of it is bounded by this.
pub const MAX_SUMMARY_BYTES: usize = 1024;

/// Cuts `text` to [`MAX_SUMMARY_BYTES`] on a character boundary, ending in `…` when cut.
fn cap_summary(mut text: String) -> String {
    if text.len() <= MAX_SUMMARY_BYTES {
        return text;
    }
    let mut cut = MAX_SUMMARY_BYTES - '…'.len_utf8();
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push('…');
    text
}

/// `direction type method fields…` for a decoded frame. `direction` overrides the direction
/// implied by the method (a frame log knows which way each frame went).
pub fn frame_line(frame: &Frame, direction: Option<&str>) -> String {
    let dir = direction
        .map(str::to_owned)
        .or_else(|| {
            frame.message.as_ref().map(|m| {
                m.sender()
                    .map_or(Sender::UNKNOWN_ARROW, Sender::arrow)
                    .to_owned()
            })
        })
        .unwrap_or_else(|| "?".to_owned());
    let kind = frame.kind();
    let mut line = format!("{dir} {kind}");
    if let Some(method) = frame.method() {
        line.push(' ');
        line.push_str(method);
    }
    if frame.is_fragment() {
        line.push_str(&format!(
            " fragment={} last={}",
            frame.envelope.fragment_index.unwrap_or(0),
            frame.envelope.last_fragment.unwrap_or(false)
        ));
    }
    if let Some(message) = &frame.message {
        let fields = message_fields(message);
        if !fields.is_empty() {
            line.push(' ');
            line.push_str(&fields);
        }
    }
    line
}
