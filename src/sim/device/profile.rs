//! Device profiles: which wire shapes and habits the simulated device has.
//!
//! - [`Profile::Default`]: the project's simulator as PROTOCOL.md describes a current Pay Display
//!   (envelope version 2, `remoteSourceSDK`, echoed `requestInfo`, 13 discovery flags, …).
//! - [`Profile::Real`]: the shapes recorded on real Clover devices and produced by Clover's own
//!   message library (EVIDENCE.md and `fixtures/real/`): bare envelopes, `{success}`-only
//!   TX_START_RESPONSE, FINISH_* without `requestInfo`, explicit `null`s in payments, UI_STATE
//!   CONFIGURING and TX_STATE START before the card prompt, five discovery flags, `result`-only
//!   status and reset responses, ACK with `sourceMessageId` only, PAYMENT_VOIDED whose payment
//!   keeps `result:"SUCCESS"`, partial authorisation as a PARTIAL_AUTH_CHALLENGE, and a PING
//!   about once a second.
//!
//! The profile is data in [`super::DeviceConfig`]; the state machine stays pure.

use std::fmt;
use std::str::FromStr;

/// How often a real device PINGs its POS, ms (EVIDENCE.md row 9: "about every second").
pub const REAL_PING_INTERVAL_MS: u64 = 1_000;

/// Which device the simulator imitates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    /// The project's simulator (PROTOCOL.md shapes).
    #[default]
    Default,
    /// The shapes real Clover devices and Clover's message library produce (EVIDENCE.md).
    Real,
}

impl Profile {
    /// Every profile name, as the CLI and the config spell them.
    pub const NAMES: [&'static str; 2] = ["default", "real"];

    /// The name as the CLI and the config spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Real => "real",
        }
    }

    /// True for the real-device profile.
    pub fn is_real(self) -> bool {
        self == Profile::Real
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Profile, String> {
        match s {
            "default" => Ok(Profile::Default),
            "real" => Ok(Profile::Real),
            other => Err(format!(
                "unknown device profile '{other}'; use one of: {}",
                Profile::NAMES.join(", ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::device::DeviceConfig;

    #[test]
    fn names_round_trip_and_unknown_names_say_what_to_use() {
        for name in Profile::NAMES {
            assert_eq!(name.parse::<Profile>().unwrap().as_str(), name);
        }
        let err = "realistic".parse::<Profile>().unwrap_err();
        assert!(err.contains("default, real"), "{err}");
    }

    #[test]
    fn real_profile_pings_every_second_unless_told_otherwise() {
        let real = DeviceConfig::default().with_profile(Profile::Real);
        assert_eq!(real.ping_interval_ms, REAL_PING_INTERVAL_MS);
        assert_eq!(real.envelope_version, 1);
        let custom = DeviceConfig {
            ping_interval_ms: 250,
            ..DeviceConfig::default()
        }
        .with_profile(Profile::Real);
        assert_eq!(custom.ping_interval_ms, 250);
        let default = DeviceConfig::default().with_profile(Profile::Default);
        assert_eq!(default, DeviceConfig::default());
    }
}
