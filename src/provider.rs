//! Provider identity: the seven provider types, `name[:version]` references and the labels
//! clusterctl derives from them.
//!
//! Everything here is pure and mirrors `cmd/clusterctl/api/v1alpha3` so that inventory objects,
//! labels and sort orders match clusterctl exactly.

use std::fmt;
use std::str::FromStr;

/// The label every object installed by clusterctl (or capictl) carries, with an empty value.
pub const CLUSTERCTL_LABEL: &str = "clusterctl.cluster.x-k8s.io";
/// The label that marks clusterctl's own core objects (`inventory` or `cert-manager`).
pub const CLUSTERCTL_CORE_LABEL: &str = "clusterctl.cluster.x-k8s.io/core";
/// Value of [`CLUSTERCTL_CORE_LABEL`] on inventory objects and the inventory CRD.
pub const CORE_LABEL_INVENTORY: &str = "inventory";
/// Value of [`CLUSTERCTL_CORE_LABEL`] on cert-manager objects installed by clusterctl.
pub const CORE_LABEL_CERT_MANAGER: &str = "cert-manager";
/// The label naming the provider an object belongs to; its value is the manifest label.
pub const PROVIDER_NAME_LABEL: &str = "cluster.x-k8s.io/provider";
/// The name reserved for the core provider.
pub const CLUSTER_API_PROVIDER_NAME: &str = "cluster-api";

/// The kind of a Cluster API provider, as written in clusterctl.yaml and inventory objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderType {
    /// `CoreProvider`: Cluster API itself.
    Core,
    /// `BootstrapProvider`, e.g. kubeadm.
    Bootstrap,
    /// `ControlPlaneProvider`, e.g. kubeadm.
    ControlPlane,
    /// `InfrastructureProvider`, e.g. docker, aws.
    Infrastructure,
    /// `IPAMProvider`.
    Ipam,
    /// `RuntimeExtensionProvider`.
    RuntimeExtension,
    /// `AddonProvider`.
    Addon,
}

impl ProviderType {
    /// All types, in clusterctl's order (core first, addon last).
    pub const ALL: [ProviderType; 7] = [
        ProviderType::Core,
        ProviderType::Bootstrap,
        ProviderType::ControlPlane,
        ProviderType::Infrastructure,
        ProviderType::Ipam,
        ProviderType::RuntimeExtension,
        ProviderType::Addon,
    ];

    /// The type's name in configuration files and inventory objects (`InfrastructureProvider`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderType::Core => "CoreProvider",
            ProviderType::Bootstrap => "BootstrapProvider",
            ProviderType::ControlPlane => "ControlPlaneProvider",
            ProviderType::Infrastructure => "InfrastructureProvider",
            ProviderType::Ipam => "IPAMProvider",
            ProviderType::RuntimeExtension => "RuntimeExtensionProvider",
            ProviderType::Addon => "AddonProvider",
        }
    }

    /// The position used to sort providers (clusterctl's `ProviderType.Order`).
    pub fn order(self) -> u8 {
        self as u8
    }

    /// The prefix of the manifest label (`infrastructure-` for `infrastructure-docker`).
    pub fn label_prefix(self) -> &'static str {
        match self {
            ProviderType::Core => "",
            ProviderType::Bootstrap => "bootstrap-",
            ProviderType::ControlPlane => "control-plane-",
            ProviderType::Infrastructure => "infrastructure-",
            ProviderType::Ipam => "ipam-",
            ProviderType::RuntimeExtension => "runtime-extension-",
            ProviderType::Addon => "addon-",
        }
    }

    /// The command-line flag that selects providers of this type (`--infrastructure`).
    pub fn flag(self) -> &'static str {
        match self {
            ProviderType::Core => "--core",
            ProviderType::Bootstrap => "--bootstrap",
            ProviderType::ControlPlane => "--control-plane",
            ProviderType::Infrastructure => "--infrastructure",
            ProviderType::Ipam => "--ipam",
            ProviderType::RuntimeExtension => "--runtime-extension",
            ProviderType::Addon => "--addon",
        }
    }
}

impl fmt::Display for ProviderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderType {
    type Err = InvalidProviderType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProviderType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or(InvalidProviderType)
    }
}

/// Returned when a string is not one of the seven provider type names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid provider type. Allowed values are [CoreProvider, BootstrapProvider, InfrastructureProvider, ControlPlaneProvider, IPAMProvider, RuntimeExtensionProvider, AddonProvider]"
)]
pub struct InvalidProviderType;

/// The label value clusterctl gives a provider's objects and inventory entry
/// (`infrastructure-docker`, `cluster-api`).
pub fn manifest_label(name: &str, provider_type: ProviderType) -> String {
    format!("{}{}", provider_type.label_prefix(), name)
}

/// The providers a command names with its flags (`--core`, `--bootstrap`, `--control-plane`,
/// `--infrastructure`, `--ipam`, `--runtime-extension`, `--addon`): one value shared by `init`,
/// `upgrade apply` and `delete`. The references are kept in clusterctl's order (core first,
/// then the types in flag order, each type in the order given), whatever order they are added
/// in; empty references are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderSelection(Vec<(ProviderType, String)>);

impl ProviderSelection {
    /// The selection of a command line: `--core` and the six other flags in flag order.
    pub fn from_flags(core: Option<&str>, others: [&[String]; 6]) -> ProviderSelection {
        let mut selection = ProviderSelection::default();
        if let Some(core) = core {
            selection.push(ProviderType::Core, core);
        }
        // `ALL` starts with the core type; the others follow in flag order.
        for (t, list) in ProviderType::ALL[1..].iter().copied().zip(others) {
            for reference in list {
                selection.push(t, reference);
            }
        }
        selection
    }

    /// Adds a reference after those of its type and of the types before it.
    pub fn push(&mut self, provider_type: ProviderType, reference: &str) {
        if reference.is_empty() {
            return;
        }
        let at = self
            .0
            .iter()
            .position(|(t, _)| t.order() > provider_type.order())
            .unwrap_or(self.0.len());
        self.0.insert(at, (provider_type, reference.to_string()));
    }

    /// Whether some reference of `provider_type` was given.
    pub fn has(&self, provider_type: ProviderType) -> bool {
        self.0.iter().any(|(t, _)| *t == provider_type)
    }

    /// Whether no provider was named.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(type, reference)` in clusterctl's order.
    pub fn iter(&self) -> impl Iterator<Item = (ProviderType, &str)> {
        self.0.iter().map(|(t, r)| (*t, r.as_str()))
    }
}

impl<S: AsRef<str>> FromIterator<(ProviderType, S)> for ProviderSelection {
    fn from_iter<I: IntoIterator<Item = (ProviderType, S)>>(iter: I) -> ProviderSelection {
        let mut selection = ProviderSelection::default();
        for (t, reference) in iter {
            selection.push(t, reference.as_ref());
        }
        selection
    }
}

/// The Cluster API contract this version of capictl implements.
pub const CURRENT_CONTRACT: &str = "v1beta2";
/// Contracts a provider may implement to work with this version of capictl.
pub const COMPATIBLE_CONTRACTS: [&str; 2] = ["v1beta2", "v1beta1"];

/// The contracts providers may implement beside a core provider implementing `contract`
/// (clusterctl's `GetCompatibleVersions`): the contract itself, and v1beta1 beside v1beta2.
pub fn compatible_contracts(contract: &str) -> Vec<String> {
    let mut out = vec![contract.to_string()];
    if contract == CURRENT_CONTRACT {
        out.push("v1beta1".to_string());
    }
    out
}

/// A provider named on the command line: `name[:version]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProviderRef {
    /// The provider name, lower-cased (`docker`).
    pub name: String,
    /// The version, if one was given (`v1.13.5`).
    pub version: Option<String>,
}

/// Why a `name[:version]` reference was rejected; messages are clusterctl's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderRefError {
    /// More than one `:`.
    #[error("invalid provider name {0:?}. Provider name should be in the form name[:version]")]
    TooManyColons(String),
    /// Nothing before the `:`.
    #[error(
        "invalid provider name {0:?}. Provider name should be in the form name[:version] and name cannot be empty"
    )]
    EmptyName(String),
    /// The name is not a DNS-1123 label.
    #[error(
        "invalid provider name {input:?}. Provider name should be in the form name[:version] and the name should be valid: {reason}"
    )]
    InvalidName {
        /// The reference as given.
        input: String,
        /// The validation failures.
        reason: String,
    },
    /// A `:` with nothing after it.
    #[error(
        "invalid provider name {0:?}. Provider name should be in the form name[:version] and version cannot be empty"
    )]
    EmptyVersion(String),
}

impl FromStr for ProviderRef {
    type Err = ProviderRefError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = input.split(':').collect();
        if parts.len() > 2 {
            return Err(ProviderRefError::TooManyColons(input.to_string()));
        }
        if parts[0].is_empty() {
            return Err(ProviderRefError::EmptyName(input.to_string()));
        }
        let name = parts[0].to_lowercase();
        let errors = dns1123_label_errors(&name);
        if !errors.is_empty() {
            return Err(ProviderRefError::InvalidName {
                input: input.to_string(),
                reason: errors.join("; "),
            });
        }
        let version = match parts.get(1) {
            Some(&"") => return Err(ProviderRefError::EmptyVersion(input.to_string())),
            Some(v) => Some(v.to_string()),
            None => None,
        };
        Ok(ProviderRef { name, version })
    }
}

impl fmt::Display for ProviderRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.version {
            Some(v) => write!(f, "{}:{}", self.name, v),
            None => f.write_str(&self.name),
        }
    }
}

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

fn is_dns1123_label(value: &str) -> bool {
    let bytes = value.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && alnum(&bytes[0])
        && alnum(&bytes[bytes.len() - 1])
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

fn is_dns1123_subdomain(value: &str) -> bool {
    value.split('.').all(is_dns1123_label)
}

/// Apimachinery's `IsDNS1123Label`: the reasons `value` is not a DNS-1123 label (empty if valid).
pub fn dns1123_label_errors(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 63 {
        errors.push("must be no more than 63 characters".to_string());
    }
    if !is_dns1123_label(value) {
        if is_dns1123_subdomain(value) {
            errors.push("must not contain dots".to_string());
        } else {
            errors.push(DNS1123_LABEL_MSG.to_string());
        }
    }
    errors
}

/// Apimachinery's `IsDNS1123Subdomain`: the reasons `value` is not a DNS-1123 subdomain.
pub fn dns1123_subdomain_errors(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 253 {
        errors.push("must be no more than 253 characters".to_string());
    }
    if !is_dns1123_subdomain(value) {
        errors.push(DNS1123_SUBDOMAIN_MSG.to_string());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_labels_follow_the_type_prefix() {
        let cases = [
            ("cluster-api", ProviderType::Core, "cluster-api"),
            ("kubeadm", ProviderType::Bootstrap, "bootstrap-kubeadm"),
            (
                "kubeadm",
                ProviderType::ControlPlane,
                "control-plane-kubeadm",
            ),
            (
                "docker",
                ProviderType::Infrastructure,
                "infrastructure-docker",
            ),
            ("in-cluster", ProviderType::Ipam, "ipam-in-cluster"),
            (
                "nutanix",
                ProviderType::RuntimeExtension,
                "runtime-extension-nutanix",
            ),
            ("helm", ProviderType::Addon, "addon-helm"),
        ];
        for (name, t, want) in cases {
            assert_eq!(manifest_label(name, t), want);
        }
    }

    #[test]
    fn provider_type_round_trips_through_its_name() {
        for t in ProviderType::ALL {
            assert_eq!(t.as_str().parse::<ProviderType>(), Ok(t));
        }
        assert_eq!("Foo".parse::<ProviderType>(), Err(InvalidProviderType));
        assert_eq!("".parse::<ProviderType>(), Err(InvalidProviderType));
    }

    // Ported from cmd/clusterctl/client/common_test.go (Test_parseProviderName).
    #[test]
    fn parses_provider_refs_like_clusterctl() {
        let ok = [
            ("provider", "provider", None),
            ("provider:version", "provider", Some("version")),
            ("Provider:version", "provider", Some("version")),
            ("docker:v1.13.5", "docker", Some("v1.13.5")),
        ];
        for (input, name, version) in ok {
            let r: ProviderRef = input.parse().unwrap();
            assert_eq!(r.name, name);
            assert_eq!(r.version.as_deref(), version);
        }
        let err = [
            ("", "name cannot be empty"),
            (":version", "name cannot be empty"),
            ("provider:", "version cannot be empty"),
            ("a:b:c", "should be in the form name[:version]"),
            ("pro.vider", "must not contain dots"),
            ("-provider", "lowercase RFC 1123 label"),
        ];
        for (input, want) in err {
            let e = input.parse::<ProviderRef>().unwrap_err().to_string();
            assert!(e.contains(want), "{input:?}: {e}");
        }
    }

    #[test]
    fn dns_validation_matches_apimachinery() {
        assert!(dns1123_label_errors("my-name").is_empty());
        assert!(dns1123_label_errors("123-abc").is_empty());
        assert_eq!(dns1123_label_errors("a.b"), vec!["must not contain dots"]);
        assert_eq!(dns1123_label_errors("A"), vec![DNS1123_LABEL_MSG]);
        assert_eq!(dns1123_label_errors(""), vec![DNS1123_LABEL_MSG]);
        assert_eq!(dns1123_label_errors(&"a".repeat(64)).len(), 1);
        assert!(dns1123_subdomain_errors("example.com").is_empty());
        assert_eq!(
            dns1123_subdomain_errors("a..b"),
            vec![DNS1123_SUBDOMAIN_MSG]
        );
        assert_eq!(dns1123_subdomain_errors("-a"), vec![DNS1123_SUBDOMAIN_MSG]);
    }
}
