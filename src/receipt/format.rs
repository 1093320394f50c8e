//! The receipt's layout: a header (merchant, date, kind), the order's lines and discounts, the
//! totals, the card (brand, last four, auth code) and the outcome, the refunds and voids, and
//! the external id; every line at most `width` columns (characters), amounts right-aligned.

use crate::ledger::{OrderRecord, PaymentRecord};

use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;
use crate::protocol::text::device_line;

/// The default width, in columns: a common receipt printer's (and the device printer's) line.
pub const WIDTH: usize = 40;
/// The narrowest receipt: the external id (32 characters) fits on one line with its label.
pub const MIN_WIDTH: usize = 36;
/// The widest receipt.
pub const MAX_WIDTH: usize = 80;

/// Lines of text at a fixed width.
struct Sheet {
    width: usize,
    out: String,
}

impl Sheet {
    fn line(&mut self, text: &str) {
        let text = fit(&clean(text), self.width);
        self.out.push_str(text.trim_end());
        self.out.push('\n');
    }

    /// `text` centred, wrapped at spaces onto more lines when it is wider than the sheet.
    fn center(&mut self, text: &str) {
        for part in wrap(&clean(text), self.width) {
            let pad = (self.width - part.chars().count()) / 2;
            self.line(&format!("{}{part}", " ".repeat(pad)));
        }
    }

    /// `left` and `right` on one line, `right` flush right; `left` is cut to make room.
    fn row(&mut self, left: &str, right: &str) {
        let right = fit(&clean(right), self.width);
        let room = self.width.saturating_sub(right.chars().count() + 1);
        let left = fit(&clean(left), room);
        let gap = self.width - left.chars().count() - right.chars().count();
        self.line(&format!("{left}{}{right}", " ".repeat(gap)));
    }

    fn rule(&mut self, c: char) {
        self.line(&c.to_string().repeat(self.width));
    }
}

/// Text safe for a terminal and a printer: control characters and escapes removed.
fn clean(text: &str) -> String {
    device_line(text).into_owned()
}

/// `text` in lines of at most `width` characters, broken at spaces (a word longer than a line
/// is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let n = current.chars().count();
        if n > 0 && n + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines.into_iter().map(|l| fit(&l, width)).collect()
}

/// `text` cut to at most `width` characters, ending in `..` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let keep = width.saturating_sub(2);
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(&"..".chars().take(width - keep).collect::<String>());
    cut
}

/// `a + b` (ledger amounts are far from overflowing; saturates rather than wraps).
fn sum(a: Cents, b: Cents) -> Cents {
    Cents(a.get().saturating_add(b.get()))
}

fn minus(c: Cents) -> String {
    format!("-{c}")
}

/// The framed mark of a payment that did not take (all of) its money, or whose outcome is not
/// known: (headline, what it means). `None` for an approved payment.
fn mark(p: &PaymentRecord) -> Option<(String, String)> {
    let state = p.state;
    let took = if p.kind.gives_back() {
        "No money was given back."
    } else {
        "No money was taken."
    };
    match state {
        PaymentState::Approved if p.partial => {
            let charged = p.charged_amount.unwrap_or(p.amount);
            let due = Cents(p.amount.get() - charged.get()).max(Cents::ZERO);
            Some((
                "PARTIALLY APPROVED".into(),
                format!("Charged {charged} of {}; {due} still due.", p.amount),
            ))
        }
        PaymentState::Approved => None,
        PaymentState::Declined | PaymentState::Canceled | PaymentState::NotFound => Some((
            format!(
                "NOT APPROVED: {}",
                state.as_str().replace('_', " ").to_uppercase()
            ),
            took.into(),
        )),
        PaymentState::Voided => Some(("VOIDED".into(), took.into())),
        PaymentState::Created
        | PaymentState::Sent
        | PaymentState::InProgress
        | PaymentState::Unknown => Some((
            "OUTCOME UNKNOWN".into(),
            "Not a proof of payment: till recover".into(),
        )),
    }
}

fn framed_mark(sheet: &mut Sheet, mark: &(String, String)) {
    sheet.center(&format!("*** {} ***", mark.0));
    sheet.center(&mark.1);
}

/// A kind as the receipt titles it: `SALE`, `REFUND`, …
fn title(kind: PaymentKind) -> String {
    kind.as_str().to_uppercase()
}

fn order_lines(sheet: &mut Sheet, o: &OrderRecord) {
    for l in &o.lines {
        sheet.row(l.display_name(), &l.amount().to_string());
        if l.quantity > 1 {
            sheet.line(&format!("  {} @ {}", l.quantity, l.unit_price));
        }
    }
    for d in &o.discounts {
        sheet.row(&d.name, &minus(d.amount));
    }
    sheet.rule('-');
    sheet.row("Subtotal", &o.subtotal.to_string());
    if o.discount > Cents::ZERO {
        sheet.row("Discount", &minus(o.discount));
    }
    let mut rates: Vec<_> = o.lines.iter().map(|l| l.tax_rate).collect();
    rates.sort();
    rates.dedup();
    let tax = match rates.as_slice() {
        [one] => format!("Tax {one}%"),
        _ => "Tax".to_owned(),
    };
    sheet.row(&tax, &o.tax.to_string());
}

/// The receipt of `payment` for `merchant`, `width` columns wide (clamped to
/// [`MIN_WIDTH`]..=[`MAX_WIDTH`]): its `order` when it was rung as one, and its refunds and
/// voids (`children`, oldest first). Pure: the date is the payment's creation time (UTC).
pub fn receipt_text(
    merchant: &str,
    payment: &PaymentRecord,
    order: Option<&OrderRecord>,
    children: &[PaymentRecord],
    width: usize,
) -> String {
    let p = payment;
    let mut sheet = Sheet {
        width: width.clamp(MIN_WIDTH, MAX_WIDTH),
        out: String::new(),
    };
    let mark = mark(p);
    if !merchant.trim().is_empty() {
        sheet.center(merchant.trim());
    }
    sheet.center(&format!("{} UTC", crate::timefmt::minute(p.created_ms)));
    sheet.center(&title(p.kind));
    sheet.rule('=');
    if let Some(m) = &mark {
        framed_mark(&mut sheet, m);
        sheet.rule('-');
    }
    match (p.kind, order) {
        (PaymentKind::Sale, Some(o)) => order_lines(&mut sheet, o),
        (PaymentKind::Sale, None) => {
            sheet.row("Amount", &p.amount.to_string());
            if p.tax > Cents::ZERO {
                sheet.row("  incl. tax", &p.tax.to_string());
            }
        }
        (kind, _) => {
            if let Some(parent) = &p.parent {
                sheet.line(&format!("{} of sale", title(kind).to_lowercase()));
                sheet.line(&format!("  {parent}"));
            }
        }
    }
    let tip = p.charged_tip.unwrap_or(p.tip);
    let charged = p.charged_amount.unwrap_or(p.amount);
    if p.kind == PaymentKind::Sale {
        sheet.rule('-');
        if tip > Cents::ZERO {
            sheet.row("Tip", &tip.to_string());
        }
        if p.partial && p.state == PaymentState::Approved {
            sheet.row("Asked", &p.amounts().total().to_string());
            sheet.row("TOTAL CHARGED", &p.charged().total().to_string());
        } else {
            sheet.row("TOTAL", &p.charged().total().to_string());
        }
    } else {
        sheet.rule('-');
        let total = match p.kind {
            PaymentKind::Void => charged.to_string(),
            _ => minus(charged),
        };
        let label = match p.kind {
            PaymentKind::Void => "VOIDED AMOUNT",
            _ => "TOTAL REFUNDED",
        };
        sheet.row(label, &total);
    }
    sheet.rule('-');
    if let (Some(brand), Some(last4)) = (&p.card_brand, &p.last4) {
        sheet.row("Card", &format!("{brand} ending {last4}"));
    } else if let Some(brand) = &p.card_brand {
        sheet.row("Card", brand);
    }
    if let Some(auth) = &p.auth_code {
        sheet.row("Auth code", auth);
    }
    sheet.row("Status", &p.state.as_str().replace('_', " ").to_uppercase());
    children_lines(&mut sheet, p, children);
    sheet.rule('-');
    sheet.row("Ref", &p.external_id);
    if let Some(id) = &p.device_payment_id {
        sheet.row("Clover payment", id);
    }
    sheet.rule('=');
    if let Some(m) = &mark {
        framed_mark(&mut sheet, m);
    }
    sheet.out
}

/// The refunds and voids of a sale, with their state and amounts, and what the sale comes to
/// after the approved refunds.
fn children_lines(sheet: &mut Sheet, p: &PaymentRecord, children: &[PaymentRecord]) {
    if children.is_empty() {
        return;
    }
    sheet.rule('-');
    let mut refunded = Cents::ZERO;
    for c in children {
        let amount = c.charged_amount.unwrap_or(c.amount);
        let state = c.state.as_str().replace('_', " ");
        let when = crate::timefmt::minute(c.created_ms);
        let (label, money) = match c.kind {
            PaymentKind::Void => ("Void", amount.to_string()),
            _ => ("Refund", minus(amount)),
        };
        sheet.row(&format!("{label} {state}"), &money);
        sheet.line(&format!("  {when} UTC"));
        sheet.line(&format!("  ref {}", c.external_id));
        if c.kind == PaymentKind::Refund && c.state == PaymentState::Approved {
            refunded = sum(refunded, amount);
        }
    }
    if refunded > Cents::ZERO && p.state == PaymentState::Approved {
        let paid = p.charged().total();
        sheet.row("Refunded", &minus(refunded));
        sheet.row(
            "NET",
            &Cents(paid.get().saturating_sub(refunded.get())).to_string(),
        );
    }
}
