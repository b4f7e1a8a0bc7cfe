//! Reading an artifact: the manifest model, which layer holds a wanted file (by its
//! `org.opencontainers.image.title`), and unpacking a single `tar`/`tar+gzip` layer safely.

use std::collections::BTreeMap;
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::OciError;
use super::reference::check_relative_path;

/// The annotation naming a layer's file (the ORAS convention).
pub const TITLE: &str = "org.opencontainers.image.title";
/// The annotation carrying the release version.
pub const VERSION: &str = "org.opencontainers.image.version";
/// OCI image manifest media type.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index media type.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker manifest list media type.
const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// ORAS marks a directory pushed as one archive with this annotation.
const ORAS_UNPACK: &str = "io.deis.oras.content.unpack";
/// Layer media types holding a tar archive (or, in ORAS pushes, a raw file).
const TAR_TYPES: [&str; 4] = [
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.docker.image.rootfs.diff.tar",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
];
/// Largest layer read (provider manifests are a few MiB).
pub const MAX_LAYER_BYTES: u64 = 128 << 20;
/// Largest total of the files unpacked from one archive, and most entries in it.
const MAX_UNPACKED_BYTES: u64 = 256 << 20;
const MAX_ENTRIES: usize = 10_000;

/// A content descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Descriptor {
    /// Media type.
    #[serde(rename = "mediaType", default)]
    pub media_type: String,
    /// `sha256:…`.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
    /// Annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl Descriptor {
    /// The title annotation, if any.
    pub fn title(&self) -> Option<&str> {
        self.annotations.get(TITLE).map(String::as_str)
    }

    fn is_archive(&self) -> bool {
        if !TAR_TYPES.contains(&self.media_type.as_str()) {
            return false;
        }
        // ORAS gives single files the tar media type too; those carry a file-like title.
        let unpack = self
            .annotations
            .get(ORAS_UNPACK)
            .is_some_and(|v| v == "true");
        let file_like = self
            .title()
            .is_some_and(|t| [".yaml", ".yml", ".json"].iter().any(|e| t.ends_with(e)));
        unpack || !file_like
    }
}

/// An image manifest or an index, as far as we read them.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// Must be 2.
    #[serde(rename = "schemaVersion", default)]
    pub schema_version: u32,
    /// Manifest or index media type (optional in OCI).
    #[serde(rename = "mediaType", default)]
    pub media_type: Option<String>,
    /// Layers of an image manifest.
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    /// Entries of an index.
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    /// Manifest annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

impl Manifest {
    /// Parses manifest bytes fetched for `reference`.
    pub fn parse(bytes: &[u8], reference: &str) -> Result<Manifest, OciError> {
        let invalid = |reason: String| OciError::InvalidManifest {
            reference: reference.to_string(),
            reason,
        };
        let manifest: Manifest =
            serde_json::from_slice(bytes).map_err(|e| invalid(format!("not JSON: {e}")))?;
        if manifest.schema_version != 2 {
            return Err(invalid(format!(
                "schemaVersion {} is not supported (only 2)",
                manifest.schema_version
            )));
        }
        Ok(manifest)
    }

    /// Whether this is an index (or Docker manifest list) rather than an image manifest.
    pub fn is_index(&self) -> bool {
        matches!(self.media_type.as_deref(), Some(OCI_INDEX | DOCKER_LIST))
            || (self.layers.is_empty() && !self.manifests.is_empty())
    }

    /// Checks every layer title is a safe relative path.
    pub fn check_titles(&self, reference: &str) -> Result<(), OciError> {
        for layer in &self.layers {
            if let Some(title) = layer.title() {
                check_relative_path(title).map_err(|reason| OciError::UnsafePath {
                    reference: reference.to_string(),
                    layer: layer.digest.clone(),
                    path: title.to_string(),
                    reason: reason.to_string(),
                })?;
            }
        }
        Ok(())
    }

    /// The layer titled with the first of `names` present.
    pub fn layer_titled(&self, names: &[String]) -> Option<&Descriptor> {
        names.iter().find_map(|name| {
            self.layers
                .iter()
                .find(|l| l.title() == Some(name.as_str()))
        })
    }

    /// The one archive layer to unpack when no title matches, if there is exactly one.
    pub fn single_archive(&self) -> Option<&Descriptor> {
        let mut archives = self.layers.iter().filter(|l| l.is_archive());
        match (archives.next(), archives.next()) {
            (Some(layer), None) => Some(layer),
            _ => None,
        }
    }

    /// The titles of the layers, for messages.
    pub fn titles(&self) -> Vec<String> {
        self.layers
            .iter()
            .map(|l| match l.title() {
                Some(title) => title.to_string(),
                None => format!("untitled {} layer {}", l.media_type, l.digest),
            })
            .collect()
    }
}

/// The regular files of a `tar` or `tar+gzip` layer, by path relative to the archive root
/// (or to its one top-level folder). Links, special files and paths that leave the archive are
/// refused; nothing is written to disk.
pub fn unpack(
    bytes: &[u8],
    reference: &str,
    layer: &str,
) -> Result<BTreeMap<String, Vec<u8>>, OciError> {
    let archive_error = |reason: String| OciError::Archive {
        reference: reference.to_string(),
        layer: layer.to_string(),
        reason,
    };
    let unsafe_path = |path: &str, reason: &str| OciError::UnsafePath {
        reference: reference.to_string(),
        layer: layer.to_string(),
        path: path.to_string(),
        reason: reason.to_string(),
    };
    let reader: Box<dyn Read> = if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    // One byte over the limit tells "too large" from "exactly the limit".
    let mut archive = tar::Archive::new(reader.take(MAX_UNPACKED_BYTES + 1 + 1024 * 1024));
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    let entries = archive
        .entries()
        .map_err(|e| archive_error(e.to_string()))?;
    for (index, entry) in entries.enumerate() {
        if index >= MAX_ENTRIES {
            return Err(archive_error(format!("more than {MAX_ENTRIES} entries")));
        }
        let mut entry = entry.map_err(|e| archive_error(e.to_string()))?;
        let raw = String::from_utf8(entry.path_bytes().into_owned())
            .map_err(|_| archive_error("an entry name is not UTF-8".into()))?;
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() {
            continue;
        }
        let mut path = raw.as_str();
        while let Some(rest) = path.strip_prefix("./") {
            path = rest;
        }
        let path = path.trim_end_matches('/');
        if path.is_empty() || path == "." {
            continue;
        }
        check_relative_path(path).map_err(|reason| unsafe_path(&raw, reason))?;
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(unsafe_path(&raw, "is a link"));
        }
        if kind.is_dir() {
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            return Err(unsafe_path(&raw, "is a special file"));
        }
        total += entry.size();
        if total > MAX_UNPACKED_BYTES {
            return Err(OciError::TooLarge {
                what: format!("the archive in layer {layer}"),
                reference: reference.to_string(),
                limit: MAX_UNPACKED_BYTES,
            });
        }
        let mut content = Vec::with_capacity(entry.size().min(16 << 20) as usize);
        entry
            .read_to_end(&mut content)
            .map_err(|e| archive_error(format!("{raw}: {e}")))?;
        files.insert(path.to_string(), content);
    }
    Ok(strip_common_folder(files))
}

/// When every file sits under the same top-level folder, paths relative to it.
fn strip_common_folder(files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let first = files
        .keys()
        .next()
        .and_then(|p| p.split_once('/'))
        .map(|(dir, _)| format!("{dir}/"));
    match first {
        Some(prefix) if files.keys().all(|p| p.starts_with(&prefix)) => files
            .into_iter()
            .map(|(p, c)| (p[prefix.len()..].to_string(), c))
            .collect(),
        _ => files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_of(entries: &[(&str, &[u8])], gzip: bool) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, content) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            // set_path refuses `..`; write the raw name to build hostile archives.
            let name = &mut header.as_old_mut().name;
            name[..path.len()].copy_from_slice(path.as_bytes());
            header.set_cksum();
            builder.append(&header, *content).unwrap();
        }
        let bytes = builder.into_inner().unwrap();
        if gzip {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut enc, &bytes).unwrap();
            enc.finish().unwrap()
        } else {
            bytes
        }
    }

    #[test]
    fn unpacks_root_and_single_folder_layouts() {
        let files = unpack(
            &tar_of(&[("metadata.yaml", b"m"), ("./c.yaml", b"c")], false),
            "r",
            "l",
        )
        .unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["c.yaml", "metadata.yaml"]
        );
        let files = unpack(
            &tar_of(
                &[("v1.0.0/metadata.yaml", b"m"), ("v1.0.0/c.yaml", b"c")],
                true,
            ),
            "r",
            "l",
        )
        .unwrap();
        assert_eq!(files["metadata.yaml"], b"m");
    }

    #[test]
    fn refuses_escaping_paths_and_links() {
        for path in ["../evil", "/etc/evil", "a/../../evil"] {
            let err = unpack(&tar_of(&[(path, b"x")], false), "r", "l").unwrap_err();
            assert!(matches!(err, OciError::UnsafePath { .. }), "{path}: {err}");
        }
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        builder
            .append_link(&mut header, "metadata.yaml", "/etc/passwd")
            .unwrap();
        let err = unpack(&builder.into_inner().unwrap(), "r", "l").unwrap_err();
        assert!(err.to_string().contains("is a link"), "{err}");
        assert!(unpack(b"not a tar at all, clearly", "r", "l").is_err());
    }

    #[test]
    fn layer_selection() {
        let layer = |title: Option<&str>, media: &str| Descriptor {
            media_type: media.into(),
            digest: "sha256:0".into(),
            size: 1,
            annotations: title
                .map(|t| BTreeMap::from([(TITLE.to_string(), t.to_string())]))
                .unwrap_or_default(),
        };
        let tar = "application/vnd.oci.image.layer.v1.tar";
        let manifest = Manifest {
            schema_version: 2,
            media_type: Some(OCI_MANIFEST.into()),
            layers: vec![
                layer(Some("metadata.yaml"), tar),
                layer(Some("c.yaml"), tar),
            ],
            manifests: vec![],
            annotations: BTreeMap::new(),
        };
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            manifest
                .layer_titled(&names(&["x.yaml", "c.yaml"]))
                .unwrap()
                .title(),
            Some("c.yaml")
        );
        assert!(
            manifest.single_archive().is_none(),
            "per-file layers are not archives"
        );
        let bundle = Manifest {
            layers: vec![layer(None, "application/vnd.oci.image.layer.v1.tar+gzip")],
            ..manifest.clone()
        };
        assert!(bundle.single_archive().is_some());
        let hostile = Manifest {
            layers: vec![layer(Some("../evil.yaml"), tar)],
            ..manifest
        };
        assert!(hostile.check_titles("r").is_err());
    }
}
