//! The order desk for a session: the catalog (`catalog.toml` or `catalog.csv` next to the
//! configuration file; the example in `assets/` with the embedded simulator when there is none),
//! the tax rate and the display title and note from `[sale]`.

use std::path::PathBuf;

use super::exit;
use super::failure::Failure;
use crate::app::order_desk::OrderDesk;
use crate::config::LoadedConfig;
use crate::order::{Catalog, Order};

/// The example catalog the embedded simulator uses when no catalog file exists.
pub const EXAMPLE_CATALOG: &str = include_str!("../../assets/catalog.toml");

/// The catalog files looked for, in order, next to the configuration file.
pub fn catalog_paths(config: &LoadedConfig) -> Vec<PathBuf> {
    let Some(dir) = config.paths.config_file.as_ref().and_then(|f| f.parent()) else {
        return Vec::new();
    };
    vec![dir.join("catalog.toml"), dir.join("catalog.csv")]
}

/// Loads the catalog: the first file of [`catalog_paths`] that exists, else the example when
/// `embedded_sim`, else an empty catalog. A file that exists but is wrong is an error (exit 2).
pub fn load_catalog(config: &LoadedConfig, embedded_sim: bool) -> Result<Catalog, Failure> {
    for path in catalog_paths(config) {
        if path.exists() {
            return Catalog::load(&path).map_err(|e| Failure::new(exit::USAGE, e.to_string()));
        }
    }
    if embedded_sim {
        return Catalog::from_toml(EXAMPLE_CATALOG, "assets/catalog.toml")
            .map_err(|e| Failure::new(exit::USAGE, e.to_string()));
    }
    Ok(Catalog::default())
}

/// The desk for a session.
pub fn desk(config: &LoadedConfig, embedded_sim: bool) -> Result<OrderDesk, Failure> {
    let s = &config.settings.sale;
    let text = |t: &str| (!t.is_empty()).then(|| t.to_owned());
    Ok(OrderDesk {
        order: Order::new(s.tax_rate),
        catalog: load_catalog(config, embedded_sim)?,
        tax_rate: s.tax_rate,
        title: text(&s.order_title),
        note: text(&s.order_note),
        ..OrderDesk::default()
    })
}
