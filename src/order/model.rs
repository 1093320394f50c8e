//! The order being rung: lines, order discounts and tax rates, edited by the cashier. Every edit
//! returns the [`Change`] the customer display must be told about.

use crate::protocol::Cents;

use super::rate::Percent;

/// Most lines one order holds (a bounded screen and a bounded frame).
pub const MAX_LINES: usize = 200;
/// Most discounts one order holds.
pub const MAX_DISCOUNTS: usize = 20;
/// Largest quantity of one line.
pub const MAX_QUANTITY: u32 = 9_999;
/// Largest unit price of one line: 999,999.99.
pub const MAX_UNIT_PRICE: Cents = Cents(99_999_999);
/// Longest line or discount name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Stable within the order (`L1`, `L2`, …); the display's line item id.
    pub id: String,
    /// What the customer sees; `None` shows as "Item".
    pub name: Option<String>,
    /// How many, ≥ 1.
    pub quantity: u32,
    /// Price of one.
    pub unit_price: Cents,
    /// This line's tax rate; `None` uses the order's rate.
    pub tax_rate: Option<Percent>,
    /// The catalog code the line came from, if any.
    pub code: Option<String>,
}

impl Line {
    /// `quantity × unit_price`.
    pub fn amount(&self) -> Cents {
        Cents(self.unit_price.0 * i64::from(self.quantity))
    }

    /// The name shown for this line.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or("Item")
    }
}

/// How much a discount takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountKind {
    /// A fixed amount off the order (never more than the subtotal).
    Amount(Cents),
    /// A percentage of the subtotal, rounded half-up to the cent.
    Percent(Percent),
}

/// An order-level discount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    /// Stable within the order (`D1`, `D2`, …).
    pub id: String,
    /// What the customer sees.
    pub name: String,
    /// Amount or percent.
    pub kind: DiscountKind,
}

/// What changed, in the terms of the customer display's operations (PROTOCOL.md §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Lines were added (`lineItemsAddedOperation`).
    LinesAdded(Vec<String>),
    /// Lines were removed (`lineItemsDeletedOperation`).
    LinesDeleted(Vec<String>),
    /// Discounts were added (`discountsAddedOperation`).
    DiscountsAdded(Vec<String>),
    /// Discounts were removed (`discountsDeletedOperation`).
    DiscountsDeleted(Vec<String>),
    /// A line was edited in place: the protocol has no operation for it, so the whole order is
    /// shown again without one (the SDK's `showDisplayOrder`).
    Modified,
}

/// Why an edit was refused; the order is unchanged and the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// The order is full.
    #[error("the order already has {MAX_LINES} lines: charge it or remove a line first")]
    TooManyLines,
    /// Too many discounts.
    #[error("the order already has {MAX_DISCOUNTS} discounts")]
    TooManyDiscounts,
    /// Quantity out of range.
    #[error("quantity {0} is out of range: use 1 to {MAX_QUANTITY}")]
    Quantity(u32),
    /// Unit price out of range.
    #[error("a unit price must be more than 0.00 and at most {MAX_UNIT_PRICE}")]
    Price,
    /// A name that is too long or holds control characters.
    #[error("a name must be 1 to {MAX_NAME_CHARS} printable characters")]
    Name,
    /// An amount discount of zero, or a percent discount of 0 %.
    #[error("a discount must take something off: an amount above 0.00 or 0.001 % to 100 %")]
    EmptyDiscount,
    /// No such line.
    #[error("there is no line {0}")]
    NoLine(String),
    /// No such discount.
    #[error("there is no discount {0}")]
    NoDiscount(String),
}

/// An order: the cashier's lines and discounts plus the order-wide tax rate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Order {
    lines: Vec<Line>,
    discounts: Vec<Discount>,
    tax_rate: Percent,
    next_line: u32,
    next_discount: u32,
}

/// A line as the cashier typed it, before it joins an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine {
    /// Optional name.
    pub name: Option<String>,
    /// Quantity, 1 to [`MAX_QUANTITY`].
    pub quantity: u32,
    /// Unit price, above zero and at most [`MAX_UNIT_PRICE`].
    pub unit_price: Cents,
    /// The line's own tax rate, if not the order's.
    pub tax_rate: Option<Percent>,
    /// Catalog code, if it came from the catalog.
    pub code: Option<String>,
}

fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=MAX_NAME_CHARS).contains(&n) && !name.chars().any(char::is_control)
}

impl Order {
    /// An empty order taxed at `tax_rate` unless a line says otherwise.
    pub fn new(tax_rate: Percent) -> Order {
        Order {
            tax_rate,
            ..Order::default()
        }
    }

    /// The lines, in the order they were added.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The discounts, in the order they were added.
    pub fn discounts(&self) -> &[Discount] {
        &self.discounts
    }

    /// The order-wide tax rate.
    pub fn tax_rate(&self) -> Percent {
        self.tax_rate
    }

    /// True when there is nothing to charge for.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds a line.
    pub fn add_line(&mut self, line: NewLine) -> Result<Change, OrderError> {
        if self.lines.len() >= MAX_LINES {
            return Err(OrderError::TooManyLines);
        }
        check_quantity(line.quantity)?;
        check_price(line.unit_price)?;
        if line.name.as_deref().is_some_and(|n| !valid_name(n)) {
            return Err(OrderError::Name);
        }
        self.next_line += 1;
        let id = format!("L{}", self.next_line);
        self.lines.push(Line {
            id: id.clone(),
            name: line.name,
            quantity: line.quantity,
            unit_price: line.unit_price,
            tax_rate: line.tax_rate,
            code: line.code,
        });
        Ok(Change::LinesAdded(vec![id]))
    }

    /// Removes line `id`.
    pub fn remove_line(&mut self, id: &str) -> Result<Change, OrderError> {
        let at = self.line_index(id)?;
        self.lines.remove(at);
        Ok(Change::LinesDeleted(vec![id.to_owned()]))
    }

    /// Sets the quantity of line `id`.
    pub fn set_quantity(&mut self, id: &str, quantity: u32) -> Result<Change, OrderError> {
        check_quantity(quantity)?;
        let at = self.line_index(id)?;
        self.lines[at].quantity = quantity;
        Ok(Change::Modified)
    }

    /// Sets the unit price of line `id`.
    pub fn set_unit_price(&mut self, id: &str, price: Cents) -> Result<Change, OrderError> {
        check_price(price)?;
        let at = self.line_index(id)?;
        self.lines[at].unit_price = price;
        Ok(Change::Modified)
    }

    /// Adds an order discount.
    pub fn add_discount(&mut self, name: &str, kind: DiscountKind) -> Result<Change, OrderError> {
        if self.discounts.len() >= MAX_DISCOUNTS {
            return Err(OrderError::TooManyDiscounts);
        }
        if !valid_name(name) {
            return Err(OrderError::Name);
        }
        match kind {
            DiscountKind::Amount(c) if c.0 <= 0 || c > MAX_UNIT_PRICE => {
                return Err(OrderError::EmptyDiscount);
            }
            DiscountKind::Percent(p) if p == Percent::ZERO => {
                return Err(OrderError::EmptyDiscount);
            }
            _ => {}
        }
        self.next_discount += 1;
        let id = format!("D{}", self.next_discount);
        self.discounts.push(Discount {
            id: id.clone(),
            name: name.to_owned(),
            kind,
        });
        Ok(Change::DiscountsAdded(vec![id]))
    }

    /// Removes discount `id`.
    pub fn remove_discount(&mut self, id: &str) -> Result<Change, OrderError> {
        let at = self
            .discounts
            .iter()
            .position(|d| d.id == id)
            .ok_or_else(|| OrderError::NoDiscount(id.to_owned()))?;
        self.discounts.remove(at);
        Ok(Change::DiscountsDeleted(vec![id.to_owned()]))
    }

    fn line_index(&self, id: &str) -> Result<usize, OrderError> {
        self.lines
            .iter()
            .position(|l| l.id == id)
            .ok_or_else(|| OrderError::NoLine(id.to_owned()))
    }
}

fn check_quantity(q: u32) -> Result<(), OrderError> {
    if (1..=MAX_QUANTITY).contains(&q) {
        Ok(())
    } else {
        Err(OrderError::Quantity(q))
    }
}

fn check_price(p: Cents) -> Result<(), OrderError> {
    if p.0 > 0 && p <= MAX_UNIT_PRICE {
        Ok(())
    } else {
        Err(OrderError::Price)
    }
}
