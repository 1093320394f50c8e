//! Fuzz the amount parser: never panics; whatever parses displays and parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use till::protocol::Cents;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(c) = Cents::parse(text) {
        assert_eq!(Cents::parse(&c.to_string()), Ok(c));
    }
});
