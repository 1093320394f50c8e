//! What a device remembers between runs, as plain data: its finished payments (with their refunds
//! and void state), the credits it made, the last FINISH frame (for `sendLastMessage`) and the
//! identity its payments carry. A real device keeps these while the POS is away; the embedded
//! simulator of `till` starts again with every command, so the caller saves this snapshot and
//! hands it back at the next start (the file lives outside this pure module: `sim::memory_file`).
//!
//! Pure: [`Device::memory`] copies the snapshot out, [`Device::restore`] takes one in, and
//! [`Device::memory_version`] says when it changed. No I/O here.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::protocol::{Credit, Message, Payment};

use super::Device;
use super::payment_factory::PaymentFactory;

/// At most this many payments and credits are kept in a snapshot (newest kept); the device also
/// forgets payments older than 24 h.
pub const MEMORY_MAX_RECORDS: usize = 2_000;

/// A credit (manual refund) the device made, with the external id of the TX_START that asked
/// for it (the device's own record; a POS cannot look credits up by it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CreditRecord {
    /// The `externalPaymentId` of the TX_START `requestInfo:"CREDIT"`.
    pub external_id: String,
    /// The credit as sent in FINISH_OK `{credit}`.
    pub credit: Credit,
}

/// The last FINISH frame as method and payload fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LastMessage {
    /// Its `method`.
    pub method: String,
    /// Its payload fields.
    pub fields: Map<String, Value>,
}

/// A device's memory, to be kept while it is off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeviceMemory {
    /// How many times the device has started from a snapshot (keeps ids from repeating when the
    /// seed is fixed).
    pub starts: u64,
    /// Finished payments, oldest first.
    pub payments: Vec<Payment>,
    /// Credits made, oldest first.
    pub credits: Vec<CreditRecord>,
    /// The frame `sendLastMessage` re-sends when idle.
    pub last_message: Option<LastMessage>,
    /// Device, tender and employee ids and the next transaction number.
    pub identity: Option<Value>,
    /// Auths whose tip was adjusted (payment ids): they are no open tips at closeout.
    pub tip_adjusted: Vec<String>,
    /// Batches closed on the device, oldest first.
    pub batches: Vec<crate::protocol::Batch>,
}

impl Device {
    /// A copy of what the device remembers (bounded to [`MEMORY_MAX_RECORDS`] of each kind).
    pub fn memory(&self) -> DeviceMemory {
        let newest = |len: usize| len.saturating_sub(MEMORY_MAX_RECORDS);
        DeviceMemory {
            starts: self.memory_starts,
            payments: self.payments[newest(self.payments.len())..].to_vec(),
            credits: self.credits[newest(self.credits.len())..].to_vec(),
            last_message: self.last_outcome.as_ref().and_then(|m| {
                m.fields().ok().map(|fields| LastMessage {
                    method: m.method().to_owned(),
                    fields,
                })
            }),
            identity: serde_json::to_value(&self.factory).ok(),
            tip_adjusted: self.tabs.tip_adjusted.iter().cloned().collect(),
            batches: self.tabs.closed.clone(),
        }
    }

    /// Takes back a snapshot from [`Device::memory`] (a new device only: the transaction state is
    /// not part of it). Parts that do not read back are left out, never half applied.
    pub fn restore(&mut self, memory: DeviceMemory) {
        self.memory_starts = memory.starts.saturating_add(1);
        // Another stream of ids than the earlier runs of the same seed.
        let seed = self.config.seed ^ self.memory_starts.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.rng = ChaCha8Rng::seed_from_u64(seed);
        let keep = |len: usize| len.saturating_sub(MEMORY_MAX_RECORDS);
        let mut payments = memory.payments;
        payments.drain(..keep(payments.len()));
        self.payments = payments;
        let mut credits = memory.credits;
        credits.drain(..keep(credits.len()));
        self.credits = credits;
        self.last_outcome = memory
            .last_message
            .and_then(|m| Message::from_payload(&m.method, Value::Object(m.fields)).ok())
            .filter(|m| {
                matches!(
                    m,
                    Message::FinishOk(_)
                        | Message::FinishCancel(_)
                        | Message::CapturePreAuthResponse(_)
                        | Message::IncrementPreAuthResponse(_)
                        | Message::TipAdjustResponse(_)
                        | Message::CloseoutResponse(_)
                )
            });
        self.tabs.tip_adjusted = memory
            .tip_adjusted
            .into_iter()
            .take(MEMORY_MAX_RECORDS)
            .collect();
        let mut batches = memory.batches;
        batches.drain(
            ..batches
                .len()
                .saturating_sub(super::auths::MAX_CLOSED_BATCHES),
        );
        self.tabs.closed = batches;
        if let Some(factory) = memory
            .identity
            .and_then(|v| serde_json::from_value::<PaymentFactory>(v).ok())
        {
            self.factory = factory;
        }
        self.memory_version = self.memory_version.wrapping_add(1);
    }

    /// Changes whenever what [`Device::memory`] returns may have changed: a counter bumped where
    /// payments, credits and the last message change, mixed with a cheap fingerprint of them
    /// (ids, results, amounts, modification times, refund counts) so a change made without the
    /// bump is seen too.
    pub fn memory_version(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.memory_version.hash(&mut h);
        self.memory_starts.hash(&mut h);
        self.payments.len().hash(&mut h);
        for p in &self.payments {
            p.id.hash(&mut h);
            p.result.as_ref().map(|r| r.to_string()).hash(&mut h);
            (p.amount, p.tip_amount, p.modified_time).hash(&mut h);
            p.extra
                .get("refunds")
                .and_then(|r| r.get("elements"))
                .and_then(Value::as_array)
                .map(Vec::len)
                .hash(&mut h);
        }
        self.credits.len().hash(&mut h);
        self.last_outcome.as_ref().map(Message::method).hash(&mut h);
        h.finish()
    }

    /// Marks the memory changed.
    pub(super) fn memory_changed(&mut self) {
        self.memory_version = self.memory_version.wrapping_add(1);
    }

    /// Credits the device made (oldest first), with the external ids that asked for them.
    pub fn credits(&self) -> &[CreditRecord] {
        &self.credits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::device::DeviceConfig;

    #[test]
    fn a_snapshot_reads_back_and_a_fixed_seed_gives_new_ids_after_a_restart() {
        let mut device = Device::new(DeviceConfig::default());
        let mut payment = Payment {
            id: Some("PAY1".into()),
            external_payment_id: Some("EXT1".into()),
            created_time: Some(1_000),
            ..Payment::default()
        };
        payment.amount = Some(500);
        device.payments.push(payment.clone());
        device.credits.push(CreditRecord {
            external_id: "CR1".into(),
            credit: Credit {
                id: Some("C1".into()),
                amount: Some(700),
                ..Credit::default()
            },
        });
        device.last_outcome = Some(Message::FinishCancel(crate::protocol::FinishCancel {
            request_info: None,
        }));
        let snapshot = device.memory();
        let text = serde_json::to_string(&snapshot).unwrap();
        let back: DeviceMemory = serde_json::from_str(&text).unwrap();
        assert_eq!(back, snapshot);

        let mut again = Device::new(DeviceConfig::default());
        let before = again.memory_version();
        again.restore(back);
        assert_ne!(again.memory_version(), before);
        assert_eq!(again.payments_by_external_id("EXT1"), vec![&payment]);
        assert_eq!(again.credits().len(), 1);
        assert_eq!(again.last_outcome, device.last_outcome);
        assert_eq!(again.memory().starts, 1);
        assert_eq!(again.memory().identity, device.memory().identity);
        // Same seed, another start: another stream of ids.
        let fresh = Device::new(DeviceConfig::default());
        assert_ne!(
            super::super::payment_factory::clover_id(&mut again.rng.clone()),
            super::super::payment_factory::clover_id(&mut fresh.rng.clone())
        );
    }

    #[test]
    fn a_snapshot_keeps_tip_adjusts_closed_batches_and_the_last_answer() {
        let mut device = Device::new(DeviceConfig::default());
        device.tabs.tip_adjusted.insert("PAY9".into());
        device.tabs.closed.push(crate::protocol::Batch {
            id: Some("B1".into()),
            tx_count: Some(1),
            ..crate::protocol::Batch::default()
        });
        device.last_outcome = Some(Message::TipAdjustResponse(
            crate::protocol::TipAdjustResponse {
                success: Some(true),
                amount: Some(300),
                ..Default::default()
            },
        ));
        let text = serde_json::to_string(&device.memory()).unwrap();
        let mut again = Device::new(DeviceConfig::default());
        again.restore(serde_json::from_str(&text).unwrap());
        assert!(again.tabs.tip_adjusted.contains("PAY9"));
        assert_eq!(again.tabs.closed, device.tabs.closed);
        assert_eq!(again.last_outcome, device.last_outcome);
    }

    #[test]
    fn a_snapshot_keeps_only_the_newest_records() {
        let mut device = Device::new(DeviceConfig::default());
        for i in 0..(MEMORY_MAX_RECORDS + 5) {
            device.credits.push(CreditRecord {
                external_id: format!("CR{i}"),
                credit: Credit::default(),
            });
        }
        let snapshot = device.memory();
        assert_eq!(snapshot.credits.len(), MEMORY_MAX_RECORDS);
        assert_eq!(snapshot.credits[0].external_id, "CR5");
    }
}
