//! Table tests of the POS state machine, a file per flow: scripted events in, effects and state
//! out. No I/O. The helpers here are shared by the flow files.

use super::*;
use crate::payment::PaymentState;
use crate::protocol::*;

fn ready_state() -> State {
    let mut s = State::new(AppSettings::default());
    update(
        &mut s,
        Event::Device(DeviceInput::Ready(DeviceInfo::default())),
    );
    // The runtime hands in a fresh external id at start (the app makes none).
    update(&mut s, Event::FreshExternalId("FRESH-ID-1".into()));
    s
}

fn sale(s: &mut State, cents: i64, ext: &str) -> Vec<Effect> {
    update(
        s,
        Event::Action(Action::StartSale {
            amount: Cents(cents),
            tip: None,
            tax: None,
            external_id: Some(ext.into()),
        }),
    )
}

fn dev(s: &mut State, input: DeviceInput) -> Vec<Effect> {
    update(s, Event::Device(input))
}

fn paid(ext: &str, result: PaymentResult) -> Payment {
    Payment {
        id: Some("PAY123".into()),
        external_payment_id: Some(ext.into()),
        amount: Some(1234),
        result: Some(result),
        card_transaction: Some(CardTransaction {
            card_type: Some(CardType::Visa),
            last4: Some("4242".into()),
            auth_code: Some("OK1234".into()),
            cardholder_name: Some("SECRET/NAME".into()),
            ..CardTransaction::default()
        }),
        ..Payment::default()
    }
}

/// Why the request was refused, when `fx` is nothing but that answer (nothing recorded or
/// sent).
fn only_refused(fx: &[Effect]) -> Option<Refusal> {
    match fx {
        [Effect::Answer(Answer::Refused { why, .. })] => Some(*why),
        _ => None,
    }
}

fn transitions(fx: &[Effect]) -> Vec<PaymentState> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Persist(LedgerOp::Transition { to, .. }) => Some(*to),
            _ => None,
        })
        .collect()
}

fn sends(fx: &[Effect]) -> Vec<&'static str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(c) => Some(c.name()),
            _ => None,
        })
        .collect()
}

fn in_progress(ext: &str) -> State {
    let mut s = ready_state();
    sale(&mut s, 1234, ext);
    dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some(ext.into()),
            message: None,
        },
    );
    s
}

fn status(state: ExternalDeviceState, ext: Option<&str>) -> DeviceInput {
    DeviceInput::DeviceStatus {
        state,
        substate: None,
        external_id: ext.map(str::to_owned),
    }
}

fn retrieve(query: QueryStatus, ext: &str, payment: Option<Payment>) -> DeviceInput {
    DeviceInput::RetrievePayment {
        query,
        external_id: Some(ext.into()),
        payment,
    }
}

mod answers;
mod auths;
mod defects;
mod ids;
mod money;
mod order;
mod printing;
mod receipt;
mod recovery;
mod refunds;
mod reset;
mod sale;
mod support;
