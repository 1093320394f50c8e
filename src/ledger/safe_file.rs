//! Files in the data directory that are what they claim: never followed through a symlink,
//! never someone else's, never a hard link to a file elsewhere.
//!
//! Opening is check-then-verify with the standard library only: the path is examined without
//! following links (`symlink_metadata`), opened, and the open file (`fstat`) must be the very
//! inode the path names (`lstat` again), so a link swapped in between is caught before anything
//! is written, truncated or chmod'ed through it. Permissions are changed on the open file.

use std::fs::{File, Metadata, OpenOptions};
use std::path::Path;

use super::error::{LedgerError, Result};

/// The refusal for `path`, with `reason` saying what it is and what to do.
fn refused(path: &Path, reason: String) -> LedgerError {
    LedgerError::Refused {
        path: path.to_path_buf(),
        reason,
    }
}

/// The user this process runs as, where the platform says (Linux: the owner of `/proc/self`).
#[cfg(unix)]
pub(crate) fn current_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// Refuses what `path` is, if it exists and is not a plain file of ours: a symlink, a
/// directory or device, a file owned by another user, or a file with other hard links.
/// `Ok(None)` when nothing is there.
pub(crate) fn examine(path: &Path) -> Result<Option<Metadata>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(LedgerError::Io {
                action: "examine",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        let target = std::fs::read_link(path)
            .map(|t| format!(" (to {})", t.display()))
            .unwrap_or_default();
        return Err(refused(
            path,
            format!(
                "it is a symbolic link{target}; till does not follow links in its data directory: remove the link (the file it points to was not touched)"
            ),
        ));
    }
    if !kind.is_file() {
        return Err(refused(
            path,
            "it is not a regular file: move it out of the data directory".to_owned(),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Some(me) = current_uid()
            && meta.uid() != me
        {
            return Err(refused(
                path,
                format!(
                    "it is owned by user {} while till runs as user {me}: run till as its owner, or move the file away if it is not yours",
                    meta.uid()
                ),
            ));
        }
        if meta.nlink() > 1 {
            return Err(refused(
                path,
                format!(
                    "it has {} hard links (another name elsewhere for the same file): copy it to a file of its own",
                    meta.nlink()
                ),
            ));
        }
    }
    Ok(Some(meta))
}

/// Opens `path` with `options` (which may create it with mode 0600) after [`examine`], and
/// checks the open file is the one examined (or, when created, the one now at `path`).
pub(super) fn open_checked(path: &Path, options: &mut OpenOptions) -> Result<File> {
    let before = examine(path)?;
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    let file = options.open(path).map_err(|source| LedgerError::Io {
        action: "open",
        path: path.to_path_buf(),
        source,
    })?;
    let opened = file.metadata().map_err(|source| LedgerError::Io {
        action: "examine",
        path: path.to_path_buf(),
        source,
    })?;
    let after = examine(path)?;
    let same = |a: &Metadata, b: &Metadata| same_file(a, b);
    let consistent = match (&before, &after) {
        (Some(b), Some(a)) => same(b, &opened) && same(a, &opened),
        (None, Some(a)) => same(a, &opened),
        _ => false,
    };
    if !consistent {
        return Err(refused(
            path,
            "it changed while being opened (replaced by another file or a link): check who else writes to the data directory".to_owned(),
        ));
    }
    Ok(file)
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// Sets mode 0600 on an open file (never through a path, so never through a link).
pub(super) fn make_private(file: &File, path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|source| LedgerError::Io {
                action: "restrict the permissions of",
                path: path.to_path_buf(),
                source,
            })?;
    }
    #[cfg(not(unix))]
    let _ = (file, path);
    Ok(())
}
