//! Fuzz the configuration loader: any file content must give settings or a located error,
//! never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use till::config::{Config, ConfigOverrides, LoadContext};

fn dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("till-fuzz-config-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let file = dir().join("config.toml");
    std::fs::write(&file, data).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let ctx = LoadContext { default_data_dir: Some(dir().join("data")), ..LoadContext::default() };
    let overrides = ConfigOverrides { config_file: Some(file), ..ConfigOverrides::default() };
    if let Err(e) = Config::load_with(&ctx, overrides) {
        let _ = e.to_string();
    }
});
