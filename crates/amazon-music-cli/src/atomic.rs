//! The one way the command writes a file: atomically, so that a reader (or a run after a crash)
//! sees the old file or the new one, never a part of either. The login store and `export` use
//! it.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Who may read a file written here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The user's defaults (the umask): an export's files.
    Default,
    /// The user alone: the file 0600 in a folder of mode 0700 (made so if it was open): the
    /// stored login.
    Private,
}

/// Writes `bytes` to `path`: into a temporary file beside it (its folder created if need be),
/// flushed to disk, then renamed over `path`, and the rename flushed too. The temporary file
/// is removed when anything fails.
///
/// # Errors
/// What the file system says.
pub fn write(path: &Path, bytes: &[u8], access: Access) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    match access {
        Access::Default => fs::create_dir_all(folder)?,
        Access::Private => create_private_folder(folder)?,
    }
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = create(&temporary, access)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)?;
        // The rename itself, on disk.
        if let Ok(folder) = fs::File::open(folder) {
            let _ = folder.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

#[cfg(unix)]
fn create_private_folder(folder: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};

    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)?;
    // A folder made by an earlier version, or by hand, may be open to others.
    fs::set_permissions(folder, fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn create_private_folder(folder: &Path) -> std::io::Result<()> {
    fs::create_dir_all(folder)
}

/// A new file at `path` (never an existing one, which a stale temporary file would be).
fn create(path: &Path, access: Access) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if access == Access::Private {
        use std::os::unix::fs::OpenOptionsExt;

        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = access;
    match options.open(path) {
        // Left by a run of the same process ID that crashed: it holds nothing of value.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            options.open(path)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("nested/list.json");
        write(&path, b"old", Access::Default).expect("written");
        write(&path, b"new", Access::Default).expect("written again");
        assert_eq!(fs::read(&path).expect("read"), b"new");
        let names: Vec<_> = fs::read_dir(path.parent().expect("a folder"))
            .expect("a folder")
            .map(|entry| entry.expect("an entry").file_name())
            .collect();
        assert_eq!(names, ["list.json"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("file");
        write(&path, b"old", Access::Default).expect("written");
        // A folder in the way of the rename.
        let blocked = dir.path().join("blocked");
        fs::create_dir_all(blocked.join("inside")).expect("a folder");
        assert!(write(&blocked, b"new", Access::Default).is_err());
        assert_eq!(fs::read(&path).expect("read"), b"old");
        let temporary = fs::read_dir(dir.path())
            .expect("a folder")
            .filter_map(Result::ok)
            .any(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"));
        assert!(!temporary, "no temporary file left");
    }
}
