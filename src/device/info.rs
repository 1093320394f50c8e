//! Who the device is, from its DISCOVERY_RESPONSE.

/// The merchant and the device, and what the device supports, from its DISCOVERY_RESPONSE
/// (absent support flags count as the JS SDK counts them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Merchant name.
    pub merchant_name: String,
    /// Device name.
    pub device_name: String,
    /// Device serial.
    pub serial: String,
    /// Clover merchant id.
    pub merchant_id: String,
    /// Device model.
    pub model: String,
    /// The device sends ACKs.
    pub supports_acks: bool,
    /// The device answers VOID_PAYMENT with VOID_PAYMENT_RESPONSE (else only an ACK).
    pub supports_void_payment_response: bool,
    /// Auths allowed.
    pub supports_auths: bool,
    /// Pre-auths allowed.
    pub supports_pre_auths: bool,
    /// Tip adjust allowed.
    pub supports_tip_adjust: bool,
    /// Manual refunds allowed.
    pub supports_manual_refunds: bool,
    /// Card vaulting allowed.
    pub supports_vault_cards: bool,
}

impl DeviceInfo {
    /// The device's identity for the ledger (`device:SERIAL@MERCHANT`), the same however the
    /// device is reached (`localhost` or `127.0.0.1`, a new IP address); `None` when the device
    /// gave no serial.
    pub fn identity(&self) -> Option<String> {
        (!self.serial.trim().is_empty())
            .then(|| format!("device:{}@{}", self.serial.trim(), self.merchant_id.trim()))
    }
}
