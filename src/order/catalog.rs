//! The catalog: items a typed or scanned code adds to an order. Read from `catalog.toml` or
//! `catalog.csv` (columns `code,name,price,tax_rate`), with errors naming the file, the entry and
//! what to fix.
//!
//! TOML form:
//! ```toml
//! [[item]]
//! code = "1001"
//! name = "Coffee"
//! price = "3.50"
//! tax_rate = "8.875"   # percent; optional, the order's rate when absent
//! ```

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::protocol::Cents;

use super::model::{MAX_NAME_CHARS, MAX_UNIT_PRICE, NewLine};
use super::rate::Percent;

/// Largest catalog file read, in bytes.
pub const MAX_CATALOG_BYTES: u64 = 4 * 1024 * 1024;
/// Most items a catalog holds.
pub const MAX_ITEMS: usize = 50_000;
/// Longest code, in characters.
pub const MAX_CODE_CHARS: usize = 64;

/// One catalog item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What the cashier types or the scanner sends (printable ASCII, no spaces).
    pub code: String,
    /// The name on the screen, the device and the receipt.
    pub name: String,
    /// Unit price.
    pub price: Cents,
    /// Tax rate; `None` uses the order's rate.
    pub tax_rate: Option<Percent>,
}

impl Item {
    /// One of this item, as an order line.
    pub fn line(&self, quantity: u32) -> NewLine {
        NewLine {
            name: Some(self.name.clone()),
            quantity,
            unit_price: self.price,
            tax_rate: self.tax_rate,
            code: Some(self.code.clone()),
        }
    }
}

/// Items by code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    items: Vec<Item>,
    by_code: HashMap<String, usize>,
}

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The file could not be read.
    #[error("cannot read catalog {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is too big.
    #[error("catalog {path} is larger than {MAX_CATALOG_BYTES} bytes")]
    TooLarge {
        /// The file.
        path: String,
    },
    /// The file's extension is neither `.toml` nor `.csv`.
    #[error("catalog {path}: use a .toml or .csv file")]
    Format {
        /// The file.
        path: String,
    },
    /// The file does not parse.
    #[error("catalog {path} is not valid {kind}: {detail}")]
    Syntax {
        /// The file.
        path: String,
        /// TOML or CSV.
        kind: &'static str,
        /// The parser's message.
        detail: String,
    },
    /// An entry is wrong.
    #[error("catalog {path}, item {index} (code '{code}'): {problem}")]
    Entry {
        /// The file.
        path: String,
        /// 1-based position of the item.
        index: usize,
        /// Its code as written (sanitised).
        code: String,
        /// What to fix.
        problem: String,
    },
    /// Too many items.
    #[error("catalog {path} has more than {MAX_ITEMS} items")]
    TooManyItems {
        /// The file.
        path: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    code: String,
    name: String,
    price: String,
    #[serde(default)]
    tax_rate: Option<String>,
}

impl Catalog {
    /// Reads a catalog file (`.toml` or `.csv`).
    pub fn load(path: &Path) -> Result<Catalog, CatalogError> {
        let shown = path.display().to_string();
        let read = |source| CatalogError::Read {
            path: shown.clone(),
            source,
        };
        use std::io::Read;
        // A FIFO or device would block or never end: only a regular file is read, and never
        // more than the cap (the file may grow between the look and the read).
        let meta = std::fs::metadata(path).map_err(read)?;
        if !meta.is_file() {
            return Err(CatalogError::Read {
                path: shown.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file: point the catalog at a .toml or .csv file",
                ),
            });
        }
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_CATALOG_BYTES + 1).read_to_string(&mut text))
            .map_err(read)?;
        if text.len() as u64 > MAX_CATALOG_BYTES {
            return Err(CatalogError::TooLarge { path: shown });
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Catalog::from_toml(&text, &shown),
            Some("csv") => Catalog::from_csv(&text, &shown),
            _ => Err(CatalogError::Format { path: shown }),
        }
    }

    /// Parses the TOML form; `path` names the source in errors.
    pub fn from_toml(text: &str, path: &str) -> Result<Catalog, CatalogError> {
        let file: TomlFile = toml::from_str(text).map_err(|e| CatalogError::Syntax {
            path: path.to_owned(),
            kind: "TOML",
            detail: e.message().to_owned(),
        })?;
        Catalog::from_raw(file.item, path)
    }

    /// Parses the CSV form (a header row `code,name,price,tax_rate`; `tax_rate` may be empty).
    pub fn from_csv(text: &str, path: &str) -> Result<Catalog, CatalogError> {
        let syntax = |detail: String| CatalogError::Syntax {
            path: path.to_owned(),
            kind: "CSV",
            detail,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| syntax(e.to_string()))?.clone();
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(code), Some(name), Some(price)) = (col("code"), col("name"), col("price")) else {
            return Err(syntax(
                "the first row must name the columns code,name,price[,tax_rate]".into(),
            ));
        };
        let tax = col("tax_rate");
        let mut raw = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| syntax(e.to_string()))?;
            let get = |i: usize| record.get(i).unwrap_or("").to_owned();
            raw.push(RawItem {
                code: get(code),
                name: get(name),
                price: get(price),
                tax_rate: tax.map(get).filter(|t| !t.is_empty()),
            });
            if raw.len() > MAX_ITEMS {
                return Err(CatalogError::TooManyItems {
                    path: path.to_owned(),
                });
            }
        }
        Catalog::from_raw(raw, path)
    }

    fn from_raw(raw: Vec<RawItem>, path: &str) -> Result<Catalog, CatalogError> {
        if raw.len() > MAX_ITEMS {
            return Err(CatalogError::TooManyItems {
                path: path.to_owned(),
            });
        }
        let mut catalog = Catalog::default();
        for (i, r) in raw.into_iter().enumerate() {
            let fail = |problem: String| CatalogError::Entry {
                path: path.to_owned(),
                index: i + 1,
                code: r
                    .code
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(80)
                    .collect(),
                problem,
            };
            let code_ok = (1..=MAX_CODE_CHARS).contains(&r.code.len())
                && r.code.bytes().all(|b| b.is_ascii_graphic());
            if !code_ok {
                return Err(fail(format!(
                    "a code is 1 to {MAX_CODE_CHARS} printable ASCII characters without spaces"
                )));
            }
            let name_chars = r.name.chars().count();
            if !(1..=MAX_NAME_CHARS).contains(&name_chars) || r.name.chars().any(char::is_control) {
                return Err(fail(format!(
                    "a name is 1 to {MAX_NAME_CHARS} printable characters"
                )));
            }
            let price = Cents::parse(&r.price).map_err(|e| fail(format!("price: {e}")))?;
            if price.0 <= 0 || price > MAX_UNIT_PRICE {
                return Err(fail(format!(
                    "price must be above 0.00 and at most {MAX_UNIT_PRICE}"
                )));
            }
            let tax_rate = match &r.tax_rate {
                Some(t) => Some(Percent::parse(t).map_err(|e| fail(format!("tax_rate: {e}")))?),
                None => None,
            };
            if catalog.by_code.contains_key(&r.code) {
                return Err(fail("this code is already used by an earlier item".into()));
            }
            catalog.by_code.insert(r.code.clone(), catalog.items.len());
            catalog.items.push(Item {
                code: r.code,
                name: r.name,
                price,
                tax_rate,
            });
        }
        Ok(catalog)
    }

    /// The item with this code (surrounding white space ignored).
    pub fn get(&self, code: &str) -> Option<&Item> {
        self.by_code.get(code.trim()).map(|&i| &self.items[i])
    }

    /// Every item, in file order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
