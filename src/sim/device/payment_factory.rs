//! Realistic Clover objects (PROTOCOL.md §5.7): 13-character ids, UUIDs, auth codes and the
//! Payment a device builds when a card is authorised. Everything random comes from the device's
//! seeded generator.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, json};

use crate::protocol::{
    CardEntryType, CardTransaction, CardTransactionState, CardTransactionType, Credit, Payment,
    PaymentResult, Reference, Refund, RequestInfo, Tender, VoidReason,
};
use crate::sim::cards::Card;

/// Characters of Clover ids (no I, L, O, U).
const ID_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A 13-character Clover id, e.g. `JK1P8W3X2Y4ZT`.
pub(super) fn clover_id(rng: &mut ChaCha8Rng) -> String {
    (0..13)
        .map(|_| char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())]))
        .collect()
}

/// A version-4-shaped UUID in its hyphenated form.
pub(super) fn uuid(rng: &mut ChaCha8Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `n` random decimal digits.
pub(super) fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// What an authorisation needs to become a Payment.
#[derive(Debug, Clone)]
pub(super) struct Authorisation<'a> {
    /// The POS's externalPaymentId.
    pub external_id: &'a str,
    /// `requestInfo` of the TX_START (decides the card transaction type).
    pub request_info: Option<&'a RequestInfo>,
    /// Approved amount (may be less than requested after a partial authorisation).
    pub amount: i64,
    /// Tip.
    pub tip: i64,
    /// Tax.
    pub tax: i64,
    /// The card read.
    pub card: &'a Card,
    /// Taken offline (offline challenge).
    pub offline: bool,
    /// The cardholder verification is a signature.
    pub signature: bool,
    /// When the POS started the transaction (`clientCreatedTime`).
    pub started_ms: i64,
    /// Now (`createdTime`).
    pub now_ms: i64,
}

/// Makes the payments of one device: fixed device, tender and employee ids, a running
/// transaction number.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct PaymentFactory {
    device_id: String,
    tender_id: String,
    employee_id: String,
    next_transaction_no: u32,
}

impl PaymentFactory {
    /// A factory for a new device.
    pub fn new(rng: &mut ChaCha8Rng) -> PaymentFactory {
        PaymentFactory {
            device_id: uuid(rng),
            tender_id: clover_id(rng),
            employee_id: clover_id(rng),
            next_transaction_no: 1,
        }
    }

    /// The payment of a successful authorisation.
    pub fn authorised(&mut self, rng: &mut ChaCha8Rng, a: &Authorisation<'_>) -> Payment {
        let (kind, result) = match a.request_info {
            Some(RequestInfo::Auth) => (CardTransactionType::Preauth, PaymentResult::Success),
            Some(RequestInfo::Preauth) => (CardTransactionType::Preauth, PaymentResult::Auth),
            _ => (CardTransactionType::Auth, PaymentResult::Success),
        };
        let transaction_no = format!("{:06}", self.next_transaction_no);
        self.next_transaction_no = self.next_transaction_no.wrapping_add(1);
        let mut card_extra = Map::new();
        let cvm = if a.signature {
            "SIGNATURE"
        } else {
            "NO_CVM_REQUIRED"
        };
        card_extra.insert("cvmResult".into(), json!(cvm));
        card_extra.insert(
            "applicationLabel".into(),
            json!(format!("{} CREDIT", a.card.brand)),
        );
        card_extra.insert("applicationIdentifier".into(), json!("A0000000031010"));
        let entry = CardEntryType::EmvContact;
        let mut extra = Map::new();
        extra.insert(
            "transactionInfo".into(),
            json!({"isTokenBasedTx": false, "emergencyFlag": false, "entryType": entry.as_str()}),
        );
        extra.insert("taxRates".into(), json!({"elements": []}));
        Payment {
            id: Some(clover_id(rng)),
            order: Some(Reference::to(clover_id(rng))),
            device: Some(Reference::to(self.device_id.clone())),
            tender: Some(Tender {
                id: Some(self.tender_id.clone()),
                label_key: Some("com.clover.tender.credit_card".into()),
                label: Some("Credit Card".into()),
                opens_cash_drawer: Some(false),
                supports_tipping: Some(true),
                enabled: Some(true),
                visible: Some(true),
                editable: Some(false),
                ..Tender::default()
            }),
            amount: Some(a.amount),
            tip_amount: Some(a.tip),
            tax_amount: Some(a.tax),
            cashback_amount: Some(0),
            external_payment_id: Some(a.external_id.to_owned()),
            employee: Some(Reference::to(self.employee_id.clone())),
            created_time: Some(a.now_ms),
            client_created_time: Some(a.started_ms),
            modified_time: Some(a.now_ms),
            offline: Some(a.offline),
            result: Some(result),
            card_transaction: Some(CardTransaction {
                card_type: Some(a.card.brand.clone()),
                entry_type: Some(entry),
                first6: Some(a.card.first6.clone()),
                last4: Some(a.card.last4.clone()),
                kind: Some(kind),
                auth_code: Some(auth_code(rng)),
                reference_id: Some(digits(rng, 12)),
                transaction_no: Some(transaction_no),
                state: Some(CardTransactionState::Pending),
                extra: Some(card_extra),
                cardholder_name: Some("SIM/CUSTOMER".into()),
                currency: Some("usd".into()),
                captured: Some(false),
                ..CardTransaction::default()
            }),
            extra,
            ..Payment::default()
        }
    }
}

impl PaymentFactory {
    /// A refund of `amount` (tip included) of `payment`, made now: the payment's card, a closed
    /// REFUND card transaction.
    pub fn refund(
        &mut self,
        rng: &mut ChaCha8Rng,
        payment: &Payment,
        amount: i64,
        now_ms: i64,
    ) -> Refund {
        let card = payment.card_transaction.as_ref();
        Refund {
            id: Some(clover_id(rng)),
            order_ref: payment.order.clone(),
            device: Some(Reference::to(self.device_id.clone())),
            amount: Some(amount),
            tax_amount: Some(0),
            tip_amount: Some(0),
            created_time: Some(now_ms),
            payment: payment.id.clone().map(Reference::to),
            employee: Some(Reference::to(self.employee_id.clone())),
            card_transaction: Some(CardTransaction {
                card_type: card.and_then(|c| c.card_type.clone()),
                entry_type: card.and_then(|c| c.entry_type.clone()),
                first6: card.and_then(|c| c.first6.clone()),
                last4: card.and_then(|c| c.last4.clone()),
                kind: Some(CardTransactionType::Refund),
                reference_id: Some(digits(rng, 12)),
                state: Some(CardTransactionState::Closed),
                currency: Some("usd".into()),
                ..CardTransaction::default()
            }),
            extra: Map::new(),
        }
    }

    /// A manual refund (naked credit) of `amount` to `card`, made now.
    pub fn credit(
        &mut self,
        rng: &mut ChaCha8Rng,
        card: &Card,
        amount: i64,
        now_ms: i64,
    ) -> Credit {
        Credit {
            id: Some(clover_id(rng)),
            order_ref: Some(Reference::to(clover_id(rng))),
            device: Some(Reference::to(self.device_id.clone())),
            tender: Some(Tender {
                id: Some(self.tender_id.clone()),
                label_key: Some("com.clover.tender.credit_card".into()),
                label: Some("Credit Card".into()),
                ..Tender::default()
            }),
            employee: Some(Reference::to(self.employee_id.clone())),
            amount: Some(amount),
            tax_amount: Some(0),
            created_time: Some(now_ms),
            card_transaction: Some(CardTransaction {
                card_type: Some(card.brand.clone()),
                entry_type: Some(CardEntryType::EmvContact),
                first6: Some(card.first6.clone()),
                last4: Some(card.last4.clone()),
                kind: Some(CardTransactionType::Nakedrefund),
                auth_code: Some(auth_code(rng)),
                reference_id: Some(digits(rng, 12)),
                state: Some(CardTransactionState::Closed),
                currency: Some("usd".into()),
                ..CardTransaction::default()
            }),
            extra: Map::new(),
        }
    }
}

/// The refunds a payment carries (`refunds: {"elements": […]}`), oldest first.
pub(super) fn refunds(payment: &Payment) -> Vec<Refund> {
    payment
        .extra
        .get("refunds")
        .and_then(|r| r.get("elements"))
        .and_then(|e| serde_json::from_value::<Vec<Refund>>(e.clone()).ok())
        .unwrap_or_default()
}

/// Adds a refund to a payment's `refunds` list.
pub(super) fn add_refund(payment: &mut Payment, refund: &Refund, now_ms: i64) {
    let mut all = refunds(payment);
    all.push(refund.clone());
    let elements = serde_json::to_value(&all).unwrap_or_else(|_| json!([]));
    payment
        .extra
        .insert("refunds".into(), json!({ "elements": elements }));
    payment.modified_time = Some(now_ms);
}

/// A six-character alphanumeric authorisation code, e.g. `OK4821`.
fn auth_code(rng: &mut ChaCha8Rng) -> String {
    let prefix: String = (0..2)
        .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
        .collect();
    format!("{prefix}{}", digits(rng, 4))
}

/// Marks a payment voided for `reason` at `now_ms`.
pub(super) fn void(payment: &mut Payment, reason: VoidReason, now_ms: i64) {
    payment.result = Some(PaymentResult::Voided);
    payment.void_reason = Some(reason);
    payment.modified_time = Some(now_ms);
}

/// A voided payment as real devices show it in PAYMENT_VOIDED (EVIDENCE.md row 1):
/// `result:"SUCCESS"`, card transaction CLOSED, no void reason. Other payments are unchanged.
pub(super) fn reads_success(mut payment: Payment) -> Payment {
    if payment.result == Some(PaymentResult::Voided) {
        payment.result = Some(PaymentResult::Success);
        payment.void_reason = None;
        if let Some(ct) = payment.card_transaction.as_mut() {
            ct.state = Some(CardTransactionState::Closed);
        }
    }
    payment
}

/// Stamps a payment as finished at `now_ms`.
pub(super) fn finish(payment: &mut Payment, now_ms: i64) {
    payment.modified_time = Some(now_ms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ids_look_like_clover_ids() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let id = clover_id(&mut rng);
        assert_eq!(id.len(), 13);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)), "{id}");
        let u = uuid(&mut rng);
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
        assert_eq!(digits(&mut rng, 12).len(), 12);
    }

    #[test]
    fn authorised_payment_is_complete() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut factory = PaymentFactory::new(&mut rng);
        let card = Card::test_card(crate::sim::cards::APPROVE_VISA);
        let p = factory.authorised(
            &mut rng,
            &Authorisation {
                external_id: "EXT1",
                request_info: Some(&RequestInfo::Sale),
                amount: 2500,
                tip: 0,
                tax: 0,
                card: &card,
                offline: false,
                signature: false,
                started_ms: 10,
                now_ms: 20,
            },
        );
        assert_eq!(p.id.as_deref().map(str::len), Some(13));
        assert_eq!(
            p.order.as_ref().and_then(|o| o.id.as_deref()).map(str::len),
            Some(13)
        );
        assert_eq!(p.result, Some(PaymentResult::Success));
        assert_eq!(p.created_time, Some(20));
        let ct = p.card_transaction.as_ref().unwrap();
        assert_eq!(ct.kind, Some(CardTransactionType::Auth));
        assert_eq!(ct.last4.as_deref(), Some("4242"));
        assert_eq!(ct.auth_code.as_deref().map(str::len), Some(6));
        assert_eq!(ct.state, Some(CardTransactionState::Pending));
        assert!(ct.reference_id.is_some());
        assert!(p.tender.is_some());
    }
}
