//! The file an embedded simulator keeps its device's memory in between runs (`sim-device.json`
//! in `till`'s data directory): the payments it made with their refunds and voids, its credits
//! and its last FINISH frame, so `till sale` then `till refund` work across headless commands.
//!
//! Written atomically (0600 temporary file, fsync, rename), with no card data beyond brand, last
//! four digits and auth code; never read through a link or past [`MAX_FILE_BYTES`]; a damaged
//! file is an error that says what to do, never a panic.

use std::io::Read;
use std::path::Path;

use super::device::DeviceMemory;

/// The file name in the data directory.
pub const FILE_NAME: &str = "sim-device.json";

/// A memory file larger than this is refused (the device keeps at most
/// [`super::device::MEMORY_MAX_RECORDS`] payments and credits, far below it).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// What to do about a file that cannot be used.
fn advice(path: &Path) -> String {
    format!(
        "move {} away and start again: the simulator then starts with no payments (the ledger \
         keeps yours, but the simulated device can no longer refund or void the earlier ones)",
        path.display()
    )
}

/// Reads the memory saved at `path`; `Ok(None)` when there is none yet.
pub fn load(path: &Path) -> Result<Option<DeviceMemory>, String> {
    match crate::ledger::safe_file::examine(path) {
        Ok(None) => return Ok(None),
        Ok(Some(meta)) if meta.len() > MAX_FILE_BYTES => {
            return Err(format!(
                "the embedded simulator's memory {} is {} bytes, more than the {MAX_FILE_BYTES} \
                 it ever writes: {}",
                path.display(),
                meta.len(),
                advice(path)
            ));
        }
        Ok(Some(_)) => {}
        Err(e) => return Err(format!("the embedded simulator's memory: {e}")),
    }
    let damaged = |why: String| {
        format!(
            "the embedded simulator's memory {} cannot be read ({why}): {}",
            path.display(),
            advice(path)
        )
    };
    let mut text = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut text))
        .map_err(|e| damaged(e.to_string()))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(damaged("it grew while being read".into()));
    }
    serde_json::from_slice::<DeviceMemory>(&text)
        .map(Some)
        .map_err(|e| damaged(format!("not a simulator memory file: {e}")))
}

/// Saves `memory` at `path` atomically. Oldest records are left out if it would not fit in
/// [`MAX_FILE_BYTES`].
pub fn save(path: &Path, memory: &DeviceMemory) -> Result<(), String> {
    crate::ledger::safe_file::examine(path)
        .map_err(|e| format!("the embedded simulator's memory: {e}"))?;
    let mut memory = memory.clone();
    loop {
        let mut value = serde_json::to_value(&memory).map_err(|e| e.to_string())?;
        scrub_card_data(&mut value);
        let bytes = serde_json::to_vec(&value).map_err(|e| e.to_string())?;
        if bytes.len() as u64 <= MAX_FILE_BYTES
            || (memory.payments.is_empty() && memory.credits.is_empty())
        {
            return crate::connector::token_store::write_private_atomically(path, &bytes).map_err(
                |e| {
                    format!(
                        "cannot save the embedded simulator's memory to {}: {e}",
                        path.display()
                    )
                },
            );
        }
        let payments = memory.payments.len().div_ceil(2);
        memory.payments.drain(..payments);
        let credits = memory.credits.len().div_ceil(2);
        memory.credits.drain(..credits);
    }
}

/// Card data beyond brand, last four digits and auth code never goes into `till`'s data
/// directory: the first six digits, the cardholder's name and any track data are left out
/// (nothing the simulator's answers after a restart depend on).
fn scrub_card_data(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|k, _| {
                let k = k.to_ascii_lowercase();
                k != "first6" && k != "cardholdername" && !k.contains("track")
            });
            map.values_mut().for_each(scrub_card_data);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(scrub_card_data),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Payment;

    #[test]
    fn saved_memory_reads_back_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        assert_eq!(load(&path), Ok(None));
        let memory = DeviceMemory {
            starts: 3,
            payments: vec![Payment {
                id: Some("P1".into()),
                ..Payment::default()
            }],
            ..DeviceMemory::default()
        };
        save(&path, &memory).unwrap();
        assert_eq!(load(&path), Ok(Some(memory)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn no_card_data_beyond_brand_last4_and_auth_code_is_saved() {
        use crate::protocol::{CardTransaction, Credit};
        let card = CardTransaction {
            first6: Some("476173".into()),
            last4: Some("0119".into()),
            cardholder_name: Some("TEST/CARDHOLDER".into()),
            auth_code: Some("OK1234".into()),
            ..CardTransaction::default()
        };
        let mut payment = Payment {
            id: Some("P1".into()),
            card_transaction: Some(card.clone()),
            ..Payment::default()
        };
        payment.extra.insert(
            "refunds".into(),
            serde_json::json!({"elements": [{"id": "R1", "cardTransaction": {"first6": "476173", "last4": "0119"}}]}),
        );
        let memory = DeviceMemory {
            payments: vec![payment],
            credits: vec![crate::sim::device::CreditRecord {
                external_id: "C".into(),
                credit: Credit {
                    card_transaction: Some(card),
                    ..Credit::default()
                },
            }],
            ..DeviceMemory::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        save(&path, &memory).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("476173") && !text.contains("TEST/CARDHOLDER"),
            "{text}"
        );
        assert!(text.contains("0119") && text.contains("OK1234"), "{text}");
        let back = load(&path).unwrap().unwrap();
        assert_eq!(back.payments[0].id.as_deref(), Some("P1"));
    }

    #[test]
    fn a_damaged_or_linked_file_is_an_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        for bad in ["", "{", "[1,2]", "{\"payments\": 7}"] {
            std::fs::write(&path, bad).unwrap();
            let e = load(&path).unwrap_err();
            assert!(e.contains("cannot be read") && e.contains("move"), "{e}");
        }
        std::fs::remove_file(&path).unwrap();
        #[cfg(unix)]
        {
            let target = dir.path().join("elsewhere.json");
            std::fs::write(&target, "{}").unwrap();
            std::os::unix::fs::symlink(&target, &path).unwrap();
            let e = load(&path).unwrap_err();
            assert!(e.contains("symbolic link"), "{e}");
            assert!(save(&path, &DeviceMemory::default()).is_err());
            assert_eq!(std::fs::read_to_string(&target).unwrap(), "{}");
        }
    }
}
