//! Text from the POS as the simulated device shows or prints it: control characters removed, so
//! no escape code reaches a screen or the paper.

/// `text` without its control characters.
pub(super) fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}
