//! Who the device is, from its DISCOVERY_RESPONSE.

/// Merchant and device names from the device's DISCOVERY_RESPONSE.
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
    /// The device answers VOID_PAYMENT with VOID_PAYMENT_RESPONSE (else only an ACK).
    pub supports_void_payment_response: bool,
    /// The device takes auths (discovery `supportsAuth`).
    pub supports_auth: bool,
    /// The device takes pre-auths (discovery `supportsPreAuth`).
    pub supports_pre_auth: bool,
    /// The device adjusts an auth's tip (discovery `supportsTipAdjust`).
    pub supports_tip_adjust: bool,
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
