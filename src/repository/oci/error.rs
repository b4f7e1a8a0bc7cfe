//! What can go wrong talking to a registry or reading an artifact, each naming the registry,
//! repository or layer involved and, where there is one, the fix.

/// Errors of the OCI backend (a missing file or tag is [`super::super::RepositoryError::NotFound`]).
#[derive(Debug, thiserror::Error)]
pub enum OciError {
    /// The registry wants credentials we do not have, or refused the ones we sent (401).
    #[error(
        "registry {registry} refused access to {repository} (401 Unauthorized) with {source_of_credentials}{}; {} OCI_USERNAME and OCI_PASSWORD (or OCI_ACCESS_TOKEN), or log in with `docker login {registry}`",
        if .detail.is_empty() { String::new() } else { format!(": {}", .detail) },
        if .source_of_credentials == "no credentials" { "set" } else { "check the credentials, or set" }
    )]
    Unauthorized {
        /// `host[:port]`.
        registry: String,
        /// The repository path.
        repository: String,
        /// Where the credentials came from (`no credentials`, `OCI_USERNAME/OCI_PASSWORD`, …).
        source_of_credentials: String,
        /// The registry's own message.
        detail: String,
    },
    /// The credentials are valid but not allowed this operation (403).
    #[error(
        "registry {registry} denied {operation} access to {repository} (403 Forbidden) with {source_of_credentials}{}",
        if .detail.is_empty() { String::new() } else { format!(": {}", .detail) }
    )]
    Denied {
        /// `host[:port]`.
        registry: String,
        /// The repository path.
        repository: String,
        /// `pull` or `push`.
        operation: &'static str,
        /// Where the credentials came from.
        source_of_credentials: String,
        /// The registry's own message.
        detail: String,
    },
    /// The token realm of a Bearer challenge did not give a token.
    #[error("failed to get a token for {repository} from {realm}: {reason}")]
    Token {
        /// The repository path.
        repository: String,
        /// The token endpoint.
        realm: String,
        /// What went wrong.
        reason: String,
    },
    /// Credentials were configured in a way that cannot work.
    #[error("invalid credentials for registry {registry}: {reason}")]
    Credentials {
        /// `host[:port]`.
        registry: String,
        /// What is wrong.
        reason: String,
    },
    /// A Docker credential helper failed.
    #[error("credential helper {helper} failed for registry {registry}: {reason}")]
    CredentialHelper {
        /// The program (`docker-credential-pass`).
        helper: String,
        /// `host[:port]`.
        registry: String,
        /// What went wrong.
        reason: String,
    },
    /// Any other error status from the registry.
    #[error("{url} answered {status}{}", if .message.is_empty() { String::new() } else { format!(": {}", .message) })]
    Registry {
        /// The request URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The registry's error codes and messages.
        message: String,
    },
    /// The manifest is not one we can read.
    #[error("invalid manifest for {reference}: {reason}")]
    InvalidManifest {
        /// `oci://registry/repository:tag`.
        reference: String,
        /// What is wrong.
        reason: String,
    },
    /// Content did not match its digest.
    #[error("{what} of {reference} does not match its digest: expected {expected}, got {actual}")]
    DigestMismatch {
        /// `manifest` or `layer`.
        what: &'static str,
        /// `oci://registry/repository@digest`.
        reference: String,
        /// The digest asked for.
        expected: String,
        /// The digest of what arrived.
        actual: String,
    },
    /// A layer title or archive entry that would leave the artifact.
    #[error(
        "refusing {path:?} in layer {layer} of {reference}: it {reason}; artifact files must be relative paths inside the artifact (no `..`, no absolute paths, no links)"
    )]
    UnsafePath {
        /// `oci://registry/repository:tag`.
        reference: String,
        /// The layer digest.
        layer: String,
        /// The offending path.
        path: String,
        /// Why it is unsafe.
        reason: String,
    },
    /// A layer archive that cannot be read.
    #[error("cannot read the archive in layer {layer} of {reference}: {reason}")]
    Archive {
        /// `oci://registry/repository:tag`.
        reference: String,
        /// The layer digest.
        layer: String,
        /// What went wrong.
        reason: String,
    },
    /// Content larger than capictl accepts.
    #[error("{what} of {reference} is larger than {limit} bytes; refusing to read it")]
    TooLarge {
        /// What is too large.
        what: String,
        /// `oci://registry/repository…`.
        reference: String,
        /// The limit.
        limit: u64,
    },
    /// The `Link` to the next page of tags cannot be followed.
    #[error("invalid Link {link:?} from {base}: {source}")]
    InvalidLink {
        /// The link target as the registry sent it.
        link: String,
        /// The URL it is relative to.
        base: String,
        /// Why it cannot be joined.
        #[source]
        source: url::ParseError,
    },
    /// The location of a blob upload session cannot be followed.
    #[error("invalid upload location {location:?}: {source}")]
    InvalidUploadLocation {
        /// The location as the registry sent it.
        location: String,
        /// Why it cannot be joined.
        #[source]
        source: url::ParseError,
    },
    /// A request URL that does not parse.
    #[error("invalid registry URL {url}: {source}")]
    InvalidUrl {
        /// The URL.
        url: String,
        /// The parse error.
        #[source]
        source: url::ParseError,
    },
    /// The tag list's `Link` points at another host.
    #[error("the registry's tag list points to another host ({target}); refusing to follow it")]
    ForeignLink {
        /// The joined URL.
        target: String,
    },
    /// A release file whose name cannot be a layer title.
    #[error("cannot publish file {name:?}: its name {reason}")]
    UnpublishableFile {
        /// The file name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A push with `--offline`.
    #[error("cannot push to {repository}: --offline forbids network access")]
    PushOffline {
        /// `oci://registry/repository`.
        repository: String,
    },
    /// The registry stored a manifest under another digest than the one pushed.
    #[error("the registry stored {reference} as {reported}, but capictl pushed {pushed}")]
    DigestChanged {
        /// `oci://registry/repository:tag`.
        reference: String,
        /// The digest the registry reports.
        reported: String,
        /// The digest capictl computed.
        pushed: String,
    },
    /// The provider URL pins a digest but the artifact does not say which version it holds.
    #[error(
        "{reference} has no org.opencontainers.image.version annotation, so its version is unknown; write the version in the url too (oci://{{registry}}/{{repository}}:{{version}}@sha256:…)"
    )]
    UnknownVersion {
        /// `oci://registry/repository@digest`.
        reference: String,
    },
}
