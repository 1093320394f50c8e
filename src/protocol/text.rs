//! The one sanitiser for text that came from a device (or anything else outside `till`) on its
//! way to a terminal: no device may clear the screen, move the cursor, recolour or retitle it.
//!
//! Pure: ESC sequences (CSI, OSC, DCS, SOS/PM/APC strings, two-character escapes) and their
//! 8-bit C1 forms are removed whole; every other control character (C0, DEL, C1) and the
//! Unicode bidirectional overrides are replaced by `�`. What remains prints as plain text.

use std::borrow::Cow;

/// Shown in place of a control character that is not part of an escape sequence.
pub const REPLACEMENT: char = '\u{FFFD}';

/// `text` made safe for a terminal, keeping line breaks (`\n`) and tabs. Our own multi-line
/// output (which holds no escape codes) can be passed whole.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    sanitise(text, true)
}

/// Device text for one line (a field, a span): like [`terminal_safe`], and line breaks and
/// tabs become spaces so a device cannot fake extra lines either.
pub fn device_line(text: &str) -> Cow<'_, str> {
    sanitise(text, false)
}

/// True for characters that could change what a terminal shows beyond printing themselves.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Bidirectional embeddings, overrides and isolates (they reorder what follows them).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

fn sanitise(text: &str, keep_lines: bool) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' if keep_lines => out.push(c),
            '\n' | '\t' | '\r' => out.push(' '),
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // A two-character escape (ESC c, ESC 7, …), or a lone ESC at the end.
                Some(_) | None => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_unsafe(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Skips a CSI sequence's parameters and intermediates up to and including its final byte
/// (`@`..`~`). A control character ends it early (and is dropped with it).
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) || c.is_control() {
            return;
        }
    }
}

/// Skips a control string (OSC, DCS, …) up to its terminator: BEL, ST (`ESC \` or U+009C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

/// Recursively applies [`device_line`] to every string (and object key) in a JSON value, for
/// JSON printed on a terminal (JSON escapes C0 controls but not C1 ones or bidi overrides).
pub fn sanitise_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Cow::Owned(clean) = device_line(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sanitise_json),
        Value::Object(map) => {
            if map.keys().any(|k| k.chars().any(is_unsafe)) {
                let old = std::mem::take(map);
                for (k, v) in old {
                    map.insert(device_line(&k).into_owned(), v);
                }
            }
            map.values_mut().for_each(sanitise_json);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            terminal_safe("VISA ending 0119, auth 123456"),
            Cow::Borrowed(_)
        ));
        assert_eq!(device_line("Montréal café ✓"), "Montréal café ✓");
    }

    #[test]
    fn csi_osc_and_c1_sequences_are_removed_whole() {
        let painted = "\u{1b}[2J\u{1b}[H\u{1b}[1;31mAPPROVED $1,000,000\u{1b}[0m";
        assert_eq!(device_line(painted), "APPROVED $1,000,000");
        assert_eq!(
            device_line("a\u{1b}]0;pwned title\u{7}b\u{1b}]8;;http://x\u{1b}\\c"),
            "abc"
        );
        assert_eq!(device_line("x\u{9b}31my"), "xy");
        assert_eq!(device_line("\u{1b}Pq#0;2;0;0;0\u{1b}\\ok"), "ok");
        assert_eq!(device_line("reset\u{1b}c"), "reset");
        assert_eq!(device_line("lone\u{1b}"), "lone");
    }

    #[test]
    fn other_controls_and_bidi_overrides_are_replaced() {
        assert_eq!(device_line("a\u{7}b\u{8}c\u{7f}"), "a�b�c�");
        assert_eq!(device_line("evil\u{202E}gpj.exe"), "evil�gpj.exe");
        assert_eq!(device_line("two\nlines\r\tx"), "two lines  x");
        assert_eq!(terminal_safe("two\nlines\r"), "two\nlines ");
    }

    #[test]
    fn no_escape_character_survives_any_input() {
        let nasty = "\u{1b}[\u{1b}]\u{9b}\u{9d}\u{1b}P\u{1b}[38;5;1m\u{1b}\u{1b}x\u{90}";
        for input in [nasty, "\u{1b}[", "\u{1b}]no end", "\u{9b}"] {
            let out = device_line(input);
            assert!(!out.chars().any(is_unsafe), "{input:?} → {out:?}");
        }
    }

    #[test]
    fn json_strings_and_keys_are_cleaned() {
        let mut v = serde_json::json!({"msg\u{1b}[2J": ["\u{9b}1mX", 5], "ok": "fine"});
        sanitise_json(&mut v);
        assert_eq!(v, serde_json::json!({"msg": ["X", 5], "ok": "fine"}));
    }
}
