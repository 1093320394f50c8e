//! The amount-driven outcome table of the simulated customer (COMMON.md): the cents part of a
//! sale's amount picks a scenario.
//!
//! With the auto customer the whole scenario applies. With a manual customer the card the operator
//! taps decides approve / partial / decline, and the customer's own moves (cancel, walk away,
//! reboot) are the operator's; the device-side parts of the scenario (challenges, signature,
//! dropped connection, half-open socket) still follow the amount.

use crate::protocol::ChallengeType;

use super::cards::{APPROVE_VISA, DECLINE_VISA, PARTIAL_VISA};

/// One row of the outcome table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `.01`: declined.
    Decline,
    /// `.02`: approved for half the amount (PARTIAL_AUTH).
    PartialAuth,
    /// `.03`: duplicate challenge (REJECT_DUPLICATE).
    DuplicateChallenge,
    /// `.04`: offline challenge (REJECT_OFFLINE).
    OfflineChallenge,
    /// `.05`: signature required.
    Signature,
    /// `.06`: the connection drops just before FINISH_OK (the payment completes on the device).
    DropBeforeFinishOk,
    /// `.07`: the customer presses Cancel at the card prompt.
    CustomerCancels,
    /// `.08`: the customer walks away (the device waits for its card timeout).
    WalksAway,
    /// `.09`: duplicate challenge, then signature.
    DuplicateThenSignature,
    /// `.10`: the device goes half-open right after TX_START_RESPONSE.
    HalfOpen,
    /// `.11`: the device reboots while waiting for the card.
    RebootAtCardPrompt,
    /// Anything else: approved.
    Approve,
}

/// What the auto customer does when the card prompt appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptMove {
    /// Present this card number.
    Present(&'static str),
    /// Press Cancel.
    Cancel,
    /// Walk away (nothing happens).
    WalkAway,
    /// Power-cycle the device.
    Reboot,
}

impl Scenario {
    /// Every row of the table with its cents value, for help texts and tests.
    pub const TABLE: &'static [(i64, Scenario)] = &[
        (1, Scenario::Decline),
        (2, Scenario::PartialAuth),
        (3, Scenario::DuplicateChallenge),
        (4, Scenario::OfflineChallenge),
        (5, Scenario::Signature),
        (6, Scenario::DropBeforeFinishOk),
        (7, Scenario::CustomerCancels),
        (8, Scenario::WalksAway),
        (9, Scenario::DuplicateThenSignature),
        (10, Scenario::HalfOpen),
        (11, Scenario::RebootAtCardPrompt),
    ];

    /// The scenario for an amount in cents (its cents part, `amount % 100`).
    pub fn for_amount(amount_cents: i64) -> Scenario {
        let cents = amount_cents.rem_euclid(100);
        Scenario::TABLE
            .iter()
            .find(|(c, _)| *c == cents)
            .map_or(Scenario::Approve, |(_, s)| *s)
    }

    /// What the auto customer does at the card prompt.
    pub fn prompt_move(self) -> PromptMove {
        match self {
            Scenario::Decline => PromptMove::Present(DECLINE_VISA),
            Scenario::PartialAuth => PromptMove::Present(PARTIAL_VISA),
            Scenario::CustomerCancels => PromptMove::Cancel,
            Scenario::WalksAway => PromptMove::WalkAway,
            Scenario::RebootAtCardPrompt => PromptMove::Reboot,
            _ => PromptMove::Present(APPROVE_VISA),
        }
    }

    /// The challenge the device raises after authorising, if any.
    pub fn challenge(self) -> Option<ChallengeType> {
        match self {
            Scenario::DuplicateChallenge | Scenario::DuplicateThenSignature => {
                Some(ChallengeType::DuplicateChallenge)
            }
            Scenario::OfflineChallenge => Some(ChallengeType::OfflineChallenge),
            _ => None,
        }
    }

    /// True when the customer must sign on screen.
    pub fn needs_signature(self) -> bool {
        matches!(self, Scenario::Signature | Scenario::DuplicateThenSignature)
    }

    /// True when the connection drops just before FINISH_OK.
    pub fn drops_before_finish_ok(self) -> bool {
        self == Scenario::DropBeforeFinishOk
    }

    /// True when the device goes half-open right after TX_START_RESPONSE.
    pub fn goes_half_open(self) -> bool {
        self == Scenario::HalfOpen
    }

    /// A short description for operator notes.
    pub fn describe(self) -> &'static str {
        match self {
            Scenario::Decline => "declined",
            Scenario::PartialAuth => "partial authorisation",
            Scenario::DuplicateChallenge => "duplicate challenge",
            Scenario::OfflineChallenge => "offline challenge",
            Scenario::Signature => "signature required",
            Scenario::DropBeforeFinishOk => "connection drops before FINISH_OK",
            Scenario::CustomerCancels => "customer cancels",
            Scenario::WalksAway => "customer walks away",
            Scenario::DuplicateThenSignature => "duplicate challenge, then signature",
            Scenario::HalfOpen => "device goes half-open",
            Scenario::RebootAtCardPrompt => "device reboots at the card prompt",
            Scenario::Approve => "approved",
        }
    }
}

/// The tip the customer chooses on the device's tip screen (the request asked for an on-screen
/// tip), by the tens digit of the amount's cents — the manual operator has no tip command, so
/// this rule plays the customer in both modes:
///
/// | cents | tip |
/// |---|---|
/// | .0x, .1x, .6x–.9x | 15 % |
/// | .2x | the request's 1st tip suggestion, else 18 % |
/// | .3x | its 2nd suggestion, else 20 % |
/// | .4x | its 3rd suggestion, else 25 % |
/// | .5x | no tip |
///
/// A percentage is of the amount, rounded half up to the cent; a suggestion is (percentage,
/// flat amount) and its flat amount wins when it has one.
pub fn on_screen_tip(amount_cents: i64, suggestions: &[(Option<i64>, Option<i64>)]) -> i64 {
    let percent = |p: i64| amount_cents.saturating_mul(p).saturating_add(50) / 100;
    let suggestion = |index: usize, fallback: i64| match suggestions.get(index) {
        Some((_, Some(flat))) => (*flat).max(0),
        Some((Some(p), None)) => percent((*p).clamp(0, 100)),
        _ => percent(fallback),
    };
    match amount_cents.rem_euclid(100) / 10 {
        2 => suggestion(0, 18),
        3 => suggestion(1, 20),
        4 => suggestion(2, 25),
        5 => 0,
        _ => percent(15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_customer_tips_on_screen_by_the_cents() {
        assert_eq!(on_screen_tip(2000, &[]), 300);
        assert_eq!(on_screen_tip(2015, &[]), 302);
        assert_eq!(on_screen_tip(2020, &[]), 364);
        assert_eq!(on_screen_tip(2030, &[]), 406);
        assert_eq!(on_screen_tip(2040, &[]), 510);
        assert_eq!(on_screen_tip(2050, &[]), 0);
        assert_eq!(on_screen_tip(2075, &[]), 311);
        let offered = [(Some(10), None), (None, Some(500)), (Some(30), None)];
        assert_eq!(on_screen_tip(2020, &offered), 202);
        assert_eq!(on_screen_tip(2030, &offered), 500);
        assert_eq!(on_screen_tip(2040, &offered), 612);
        assert_eq!(on_screen_tip(2045, &offered[..1]), 511);
        assert_eq!(on_screen_tip(i64::MAX, &[]), i64::MAX / 100);
    }

    #[test]
    fn cents_pick_the_scenario() {
        assert_eq!(Scenario::for_amount(2501), Scenario::Decline);
        assert_eq!(Scenario::for_amount(2502), Scenario::PartialAuth);
        assert_eq!(Scenario::for_amount(2503), Scenario::DuplicateChallenge);
        assert_eq!(Scenario::for_amount(2504), Scenario::OfflineChallenge);
        assert_eq!(Scenario::for_amount(2505), Scenario::Signature);
        assert_eq!(Scenario::for_amount(2506), Scenario::DropBeforeFinishOk);
        assert_eq!(Scenario::for_amount(2507), Scenario::CustomerCancels);
        assert_eq!(Scenario::for_amount(2508), Scenario::WalksAway);
        assert_eq!(Scenario::for_amount(2509), Scenario::DuplicateThenSignature);
        assert_eq!(Scenario::for_amount(2510), Scenario::HalfOpen);
        assert_eq!(Scenario::for_amount(2511), Scenario::RebootAtCardPrompt);
        for other in [2500, 2512, 2599, 1, 100, 0] {
            let expected = if other == 1 {
                Scenario::Decline
            } else {
                Scenario::Approve
            };
            assert_eq!(Scenario::for_amount(other), expected, "{other}");
        }
    }

    #[test]
    fn flow_parts_of_each_scenario() {
        assert_eq!(
            Scenario::DuplicateThenSignature.challenge(),
            Some(ChallengeType::DuplicateChallenge)
        );
        assert!(Scenario::DuplicateThenSignature.needs_signature());
        assert_eq!(
            Scenario::OfflineChallenge.challenge(),
            Some(ChallengeType::OfflineChallenge)
        );
        assert!(!Scenario::Approve.needs_signature());
        assert_eq!(
            Scenario::Decline.prompt_move(),
            PromptMove::Present(DECLINE_VISA)
        );
        assert_eq!(
            Scenario::PartialAuth.prompt_move(),
            PromptMove::Present(PARTIAL_VISA)
        );
        assert_eq!(Scenario::CustomerCancels.prompt_move(), PromptMove::Cancel);
        assert_eq!(Scenario::WalksAway.prompt_move(), PromptMove::WalkAway);
        assert_eq!(
            Scenario::RebootAtCardPrompt.prompt_move(),
            PromptMove::Reboot
        );
        assert!(Scenario::DropBeforeFinishOk.drops_before_finish_ok());
        assert!(Scenario::HalfOpen.goes_half_open());
    }
}
