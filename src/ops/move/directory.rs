//! clusterctl's backup directory format: what `move --to-directory` writes and
//! `move --from-directory` reads, file for file as clusterctl v1.13.5 does it.
//!
//! Each object is one file, `<Kind>_<Namespace>_<Name>.yaml` (an empty namespace part for
//! cluster-scoped objects), holding the object as compact JSON the way Go's
//! `encoding/json` prints it ([`go_json`]) followed by a newline, mode 0600. Reading takes
//! every entry of the directory in file-name order and parses each file as YAML (JSON is
//! YAML), so hand-written YAML files are restored too.
//!
//! Known differences from clusterctl, both on backups clusterctl cannot restore as written:
//! - clusterctl writes U+0085 raw into the JSON and its YAML parser reads it back as a
//!   space; here it reads back as U+0085 (see [`crate::yaml`] on YAML 1.2). Both refuse the
//!   DEL, C1 controls and U+FFFE/U+FFFF that Go's JSON also writes raw.
//! - A subdirectory, FIFO or other non-file entry makes clusterctl fail ("is a directory")
//!   or hang; here it is an error naming the entry.

mod go_json;

#[cfg(test)]
mod tests;

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use crate::yaml::{self, YamlError};

pub use go_json::go_json;

/// The backup file name clusterctl uses for an object: `<Kind>_<Namespace>_<Name>.yaml`.
///
/// Missing fields give empty parts, so a cluster-scoped object is `Kind__name.yaml`.
pub fn backup_file_name(obj: &Value) -> String {
    let text = |field: Option<&Value>| field.and_then(Value::as_str).unwrap_or("").to_owned();
    let metadata = obj.get("metadata");
    format!(
        "{}_{}_{}.yaml",
        text(obj.get("kind")),
        text(metadata.and_then(|m| m.get("namespace"))),
        text(metadata.and_then(|m| m.get("name"))),
    )
}

/// The bytes of an object's backup file: [`go_json`] and a newline (clusterctl writes with a
/// `json.Encoder`, which ends every value with one).
pub fn backup_file_content(obj: &Value) -> String {
    let mut text = go_json(obj);
    text.push('\n');
    text
}

/// Checks that the directory given to `move --to-directory` exists, as clusterctl does
/// before it pauses anything. [`write_object`] reports a missing directory too, but only
/// once the move has started.
///
/// # Errors
///
/// [`DirectoryError::ToDirectoryMissing`] or [`DirectoryError::NotADirectory`].
pub fn check_to_directory(dir: &Path) -> Result<(), DirectoryError> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(DirectoryError::NotADirectory {
            dir: dir.to_path_buf(),
        }),
        Err(source) => Err(DirectoryError::ToDirectoryMissing {
            dir: dir.to_path_buf(),
            source,
        }),
    }
}

/// Writes one object's backup file into `dir` and returns its path.
///
/// The file is written beside its final name and renamed into place, so a reader never sees
/// half an object and an existing file is replaced whole; it is created with mode 0600 (less
/// the umask, as Go's `os.WriteFile` does). `dir` must exist. An interrupted write can leave
/// a `.capictl-tmp-*` file behind, which [`read_directory`] would read; it is removed on
/// every error this function sees.
///
/// # Errors
///
/// [`DirectoryError::InvalidObject`] when the object has no kind or name, or one that would
/// not make a plain file name; [`DirectoryError::ToDirectoryMissing`];
/// [`DirectoryError::Write`].
pub fn write_object(dir: &Path, obj: &Value) -> Result<PathBuf, DirectoryError> {
    let file_name = backup_file_name(obj);
    check_nameable(obj, &file_name)?;
    let path = dir.join(&file_name);
    let tmp = dir.join(format!(
        ".capictl-tmp-{}-{}",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result =
        write_new(&tmp, backup_file_content(obj).as_bytes()).and_then(|()| fs::rename(&tmp, &path));
    if let Err(source) = result {
        let _ = fs::remove_file(&tmp);
        if source.kind() == io::ErrorKind::NotFound && !dir.is_dir() {
            return Err(DirectoryError::ToDirectoryMissing {
                dir: dir.to_path_buf(),
                source,
            });
        }
        return Err(DirectoryError::Write { path, source });
    }
    Ok(path)
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Refuses objects whose file could not be read back or would land outside the directory.
fn check_nameable(obj: &Value, file_name: &str) -> Result<(), DirectoryError> {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let reason = if kind.is_empty() {
        "has no kind"
    } else if name.is_empty() {
        "has no metadata.name"
    } else if file_name.contains(['/', '\\', '\0']) {
        "has a kind, namespace or name with a path separator or NUL in it"
    } else {
        return Ok(());
    };
    Err(DirectoryError::InvalidObject {
        file_name: file_name.to_owned(),
        reason,
    })
}

/// Creates `path` (which must not exist) with mode 0600 and writes `bytes` to disk.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_data()
}

/// Reads every object of a backup directory, as `move --from-directory` does.
///
/// Every entry of `dir` is read, whatever its name or extension, in byte order of the file
/// names (clusterctl's `os.ReadDir` order); the objects come back in that order, and in
/// document order within a file. Each file may hold several YAML or JSON documents; empty
/// documents are skipped. Symbolic links are followed.
///
/// # Errors
///
/// [`DirectoryError::FromDirectoryMissing`], [`DirectoryError::NotADirectory`] or
/// [`DirectoryError::List`] for the directory; for an entry,
/// [`DirectoryError::NotAFile`], [`DirectoryError::Read`], [`DirectoryError::Parse`] or
/// [`DirectoryError::NotAnObject`], naming the file.
pub fn read_directory(dir: &Path) -> Result<Vec<Value>, DirectoryError> {
    let mut paths = list(dir)?;
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let mut objects = Vec::new();
    for path in paths {
        objects.extend(read_file(&path)?);
    }
    Ok(objects)
}

fn list(dir: &Path) -> Result<Vec<PathBuf>, DirectoryError> {
    let entries = fs::read_dir(dir).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => DirectoryError::FromDirectoryMissing {
            dir: dir.to_path_buf(),
            source,
        },
        io::ErrorKind::NotADirectory => DirectoryError::NotADirectory {
            dir: dir.to_path_buf(),
        },
        _ => DirectoryError::List {
            dir: dir.to_path_buf(),
            source,
        },
    })?;
    entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<_>>()
        .map_err(|source| DirectoryError::List {
            dir: dir.to_path_buf(),
            source,
        })
}

fn read_file(path: &Path) -> Result<Vec<Value>, DirectoryError> {
    let read_error = |source| DirectoryError::Read {
        path: path.to_path_buf(),
        source,
    };
    // A FIFO would block the read, a directory fails it: check first.
    if !fs::metadata(path).map_err(read_error)?.is_file() {
        return Err(DirectoryError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let text = fs::read_to_string(path).map_err(read_error)?;
    let objects = yaml::parse_documents(&text).map_err(|source| DirectoryError::Parse {
        path: path.to_path_buf(),
        source: Box::new(source),
    })?;
    for (i, object) in objects.iter().enumerate() {
        if let Some(missing) = missing_identity(object) {
            return Err(DirectoryError::NotAnObject {
                path: path.to_path_buf(),
                document: i + 1,
                missing,
            });
        }
    }
    Ok(objects)
}

/// The first identity field a Kubernetes object must have and `object` lacks.
fn missing_identity(object: &Value) -> Option<&'static str> {
    let present = |pointer: &str| {
        object
            .pointer(pointer)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    [
        ("/apiVersion", "apiVersion"),
        ("/kind", "kind"),
        ("/metadata/name", "metadata.name"),
    ]
    .into_iter()
    .find(|(pointer, _)| !present(pointer))
    .map(|(_, field)| field)
}

/// Why a backup directory could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The directory given to `--to-directory` does not exist (or cannot be reached).
    #[error(
        "backup directory {} does not exist: create it first or check --to-directory",
        .dir.display()
    )]
    ToDirectoryMissing {
        /// The directory.
        dir: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
    /// The directory given to `--from-directory` does not exist.
    #[error(
        "backup directory {} does not exist: check --from-directory",
        .dir.display()
    )]
    FromDirectoryMissing {
        /// The directory.
        dir: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
    /// The path given as the backup directory is a file.
    #[error(
        "backup directory {} is not a directory: --to-directory and --from-directory take a directory",
        .dir.display()
    )]
    NotADirectory {
        /// The path.
        dir: PathBuf,
    },
    /// The directory exists but its entries cannot be listed.
    #[error("cannot list backup directory {}: check its permissions", .dir.display())]
    List {
        /// The directory.
        dir: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
    /// An entry of the backup directory is a directory, FIFO or device.
    #[error(
        "{} is not a regular file, but --from-directory reads every entry of the backup directory as an object file: move it out of the directory",
        .path.display()
    )]
    NotAFile {
        /// The entry.
        path: PathBuf,
    },
    /// A backup file cannot be read (permissions, or not UTF-8 text).
    #[error(
        "cannot read backup file {}: check its permissions, or move it out of the backup directory",
        .path.display()
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
    /// A backup file is not valid YAML or JSON.
    #[error(
        "backup file {} is not valid YAML or JSON: fix it, or move it out of the backup directory (--from-directory reads every file in it)",
        .path.display()
    )]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's error, with the document and line (boxed: it is large).
        #[source]
        source: Box<YamlError>,
    },
    /// A document of a backup file lacks `apiVersion`, `kind` or `metadata.name`.
    #[error(
        "backup file {} (document {document}) is not a Kubernetes object: it has no {missing}; fix it, or move the file out of the backup directory (--from-directory reads every file in it)",
        .path.display()
    )]
    NotAnObject {
        /// The file.
        path: PathBuf,
        /// The 1-based document number within the file, empty documents not counted.
        document: usize,
        /// The first missing field: `apiVersion`, `kind` or `metadata.name`.
        missing: &'static str,
    },
    /// An object cannot be backed up under clusterctl's file name.
    #[error(
        "cannot back up {file_name}: the object {reason}, so it has no backup file name clusterctl could restore"
    )]
    InvalidObject {
        /// The file name clusterctl's rule gives.
        file_name: String,
        /// What is wrong with the object.
        reason: &'static str,
    },
    /// A backup file cannot be written.
    #[error(
        "cannot write backup file {}: check that the backup directory is writable and has space",
        .path.display()
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
}
