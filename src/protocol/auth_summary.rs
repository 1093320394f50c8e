//! The frame-summary fields of the auth, pre-auth, tip adjust and closeout messages.

use super::messages::Message;
use super::money::Cents;

/// The key fields of one of this module's messages for a frame summary (`key=value` through
/// `push`); other messages push nothing. Text is quoted; no card data beyond brand and last4.
pub fn summarize(message: &Message, push: &mut dyn FnMut(&str, String)) {
    let money = |push: &mut dyn FnMut(&str, String), k: &str, v: Option<i64>| {
        if let Some(v) = v {
            push(k, Cents(v).to_string());
        }
    };
    let text = |push: &mut dyn FnMut(&str, String), k: &str, v: Option<&str>| {
        if let Some(v) = v {
            push(k, format!("{v:?}"));
        }
    };
    match message {
        Message::CapturePreAuth(m) => {
            text(push, "payment", m.payment_id.as_deref());
            money(push, "amount", m.amount);
            money(push, "tip", m.tip_amount);
        }
        Message::CapturePreAuthResponse(m) => {
            text(push, "status", m.status.as_ref().map(|s| s.as_str()));
            text(push, "payment", m.payment_id.as_deref());
            money(push, "amount", m.amount);
            money(push, "tip", m.tip_amount);
            text(push, "reason", m.reason.as_deref());
        }
        Message::IncrementPreAuth(m) => {
            text(push, "payment", m.payment_id.as_deref());
            money(push, "amount", m.amount);
        }
        Message::IncrementPreAuthResponse(m) => {
            text(push, "status", m.status.as_ref().map(|s| s.as_str()));
            if let Some(a) = &m.authorization {
                text(
                    push,
                    "payment",
                    a.payment.as_ref().and_then(|p| p.id.as_deref()),
                );
                money(push, "amount", a.amount);
            }
            text(push, "reason", m.reason.as_deref());
        }
        Message::TipAdjust(m) => {
            text(push, "payment", m.payment_id.as_deref());
            money(push, "tip", m.tip_amount);
        }
        Message::TipAdjustResponse(m) => {
            if let Some(ok) = m.success {
                push("success", ok.to_string());
            }
            text(push, "payment", m.payment_id.as_deref());
            money(push, "tip", m.amount);
            text(push, "reason", m.reason.as_deref());
        }
        Message::CloseoutRequest(m) => {
            if let Some(allow) = m.allow_open_tabs {
                push("allowOpenTabs", allow.to_string());
            }
            text(push, "batch", m.batch_id.as_deref());
        }
        Message::CloseoutResponse(m) => {
            text(push, "status", m.status.as_ref().map(|s| s.as_str()));
            if let Some(b) = &m.batch {
                text(push, "batch", b.id.as_deref());
                if let Some(n) = b.tx_count {
                    push("count", n.to_string());
                }
                money(push, "total", b.total_batch_amount);
                text(push, "state", b.state.as_ref().map(|s| s.as_str()));
            }
            text(push, "reason", m.reason.as_deref());
        }
        _ => {}
    }
}
