//! Command-line definitions: the commands, flags and defaults of clusterctl.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// capictl controls the lifecycle of a Cluster API management cluster.
#[derive(Debug, Parser)]
#[command(
    name = "capictl",
    version,
    about = "capictl controls the lifecycle of a Cluster API management cluster",
    long_about = "Get started with Cluster API using capictl to create a management cluster,\ninstall providers, and create templates for your workload cluster.\n\ncapictl is a drop-in alternative to clusterctl: same commands, flags, configuration and inventory.",
    disable_version_flag = true,
    propagate_version = false
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted by every command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Path to clusterctl configuration (default is `$XDG_CONFIG_HOME/cluster-api/clusterctl.yaml`) or to a remote location (i.e. https://example.com/clusterctl.yaml)
    #[arg(long, global = true, default_value = "", hide_default_value = true)]
    pub config: String,
    /// Set the log level verbosity. This overrides the CLUSTERCTL_LOG_LEVEL environment variable.
    #[arg(short = 'v', long = "v", global = true, value_name = "LEVEL")]
    pub verbosity: Option<u8>,
    /// Folder of the download cache (default $CAPICTL_CACHE_DIR, else $XDG_CACHE_HOME/capictl)
    #[arg(long = "cache-dir", global = true, value_name = "DIR")]
    pub cache_dir: Option<std::path::PathBuf>,
    /// Never use the network: answer from the cache and local repositories only (also CAPICTL_OFFLINE=1)
    #[arg(long, global = true)]
    pub offline: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Initialize a management cluster
    #[command(
        long_about = "Initialize a management cluster.\n\nInstalls Cluster API core components, the kubeadm bootstrap provider,\nand the selected bootstrap and infrastructure providers.\n\nThe management cluster must be an existing Kubernetes cluster, make sure\nto have enough privileges to install the desired components.\n\nUse 'capictl config repositories' to get a list of available providers and their configuration; if\nnecessary, edit $XDG_CONFIG_HOME/cluster-api/clusterctl.yaml file to add new provider or to customize existing ones.\n\nSome providers require environment variables to be set before running capictl init.\nRefer to the provider documentation, or use 'capictl generate provider --infrastructure [name] --describe'\nto get a list of required variables.\n\nSee https://cluster-api.sigs.k8s.io for more details.",
        after_help = "Examples:\n  # Initialize a management cluster, by installing the given infrastructure provider.\n  #\n  # Note: when this command is executed on an empty management cluster,\n  #       it automatically triggers the installation of the Cluster API core provider.\n  capictl init --infrastructure=aws\n\n  # Initialize a management cluster with a specific version of the given infrastructure provider.\n  capictl init --infrastructure=aws:v0.4.1\n\n  # Initialize a management cluster with a custom kubeconfig path and the given infrastructure provider.\n  capictl init --kubeconfig=foo.yaml --infrastructure=aws\n\n  # Initialize a management cluster with multiple infrastructure providers.\n  capictl init --infrastructure=aws,vsphere\n\n  # Initialize a management cluster with a custom target namespace for the provider resources.\n  capictl init --infrastructure aws --target-namespace foo"
    )]
    Init(Box<InitArgs>),
    /// Upgrade core and provider components in a management cluster
    #[command(subcommand)]
    Upgrade(Box<UpgradeCommand>),
    /// Delete one or more providers from the management cluster
    #[command(
        long_about = "Delete one or more providers from the management cluster.",
        after_help = "Examples:\n  # Deletes the AWS provider\n  # Please note that this implies the deletion of all provider components except the hosting namespace\n  # and the CRDs.\n  capictl delete --infrastructure aws\n\n  # Deletes all the providers\n  # Important! As a consequence of this operation, all the corresponding resources managed by\n  # Cluster API Providers are orphaned and there might be ongoing costs incurred as a result of this.\n  capictl delete --all\n\n  # Delete the AWS infrastructure provider and Core provider. This will leave behind Bootstrap and ControlPlane\n  # providers\n  # Important! As a consequence of this operation, all the corresponding resources managed by\n  # the AWS infrastructure provider and Cluster API Providers are orphaned and there might be\n  # ongoing costs incurred as a result of this.\n  capictl delete --core cluster-api --infrastructure aws\n\n  # Deletes the AWS provider and the hosting namespace.\n  capictl delete --infrastructure aws --include-namespace\n\n  # Deletes the AWS provider and the CRDs (and so every object of their kinds).\n  capictl delete --infrastructure aws --include-crd"
    )]
    Delete(Box<DeleteArgs>),
    /// Move Cluster API objects and all dependencies between management clusters
    #[command(
        long_about = "Move Cluster API objects and all dependencies between management clusters.\n\nNote: The destination cluster MUST have the required provider components installed.\n\nAn interrupted move (killed, connection lost, an object refused) is completed by running the\nsame command again: capictl keeps the move's progress on the objects themselves.",
        after_help = "Examples:\n  # Move Cluster API objects and all dependencies between management clusters.\n  capictl move --to-kubeconfig=target-kubeconfig.yaml\n\n  # Write Cluster API objects and all dependencies from a management cluster to directory.\n  capictl move --to-directory /tmp/backup-directory\n\n  # Read Cluster API objects and all dependencies from a directory into a management cluster.\n  capictl move --from-directory /tmp/backup-directory\n\n  # Move only two of the namespace's clusters (shared ClusterClasses are copied and kept).\n  capictl move --to-kubeconfig=target-kubeconfig.yaml -n team-a --filter-cluster c1 --filter-cluster c2"
    )]
    Move(Box<MoveArgs>),
    /// Generate yaml using clusterctl yaml processor
    #[command(subcommand)]
    Generate(Box<GenerateCommand>),
    /// Display clusterctl configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print capictl version
    Version(VersionArgs),
    /// Output shell completion code for the specified shell (bash, zsh or fish)
    Completion(CompletionArgs),
    /// Inspect and clean the download cache
    #[command(subcommand)]
    Cache(CacheCommand),
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// List cached entries: what, how old, size
    Ls,
    /// Remove expired entries and the files nothing refers to any more
    Prune,
    /// Remove the whole cache
    Clear,
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Generate templates for creating workload clusters
    Cluster(GenerateClusterArgs),
    /// Generate templates for provider components
    Provider(GenerateProviderArgs),
    /// Process yaml using clusterctl's yaml processor
    Yaml(GenerateYamlArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Display the list of providers and their repository configurations
    Repositories(RepositoriesArgs),
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Output format; available options are 'yaml', 'json' and 'short'
    #[arg(short, long, default_value = "", hide_default_value = true)]
    pub output: String,
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell: bash, zsh or fish
    pub shell: Option<String>,
}

#[derive(Debug, Args)]
pub struct RepositoriesArgs {
    /// Output format. Valid values: [yaml text].
    #[arg(short, long, default_value = "text")]
    pub output: String,
}

/// Provider flags of `delete` and `upgrade apply`.
#[derive(Debug, Args)]
pub struct ProviderFlags {
    /// Core provider (e.g. cluster-api[:version]).
    #[arg(long, default_value = "", hide_default_value = true)]
    pub core: String,
    /// Infrastructure providers (e.g. aws[:version]).
    #[arg(short = 'i', long, value_delimiter = ',', action = clap::ArgAction::Append)]
    pub infrastructure: Vec<String>,
    /// Bootstrap providers (e.g. kubeadm[:version]).
    #[arg(short = 'b', long, value_delimiter = ',', action = clap::ArgAction::Append)]
    pub bootstrap: Vec<String>,
    /// Control plane providers (e.g. kubeadm[:version]).
    #[arg(short = 'c', long = "control-plane", value_delimiter = ',', action = clap::ArgAction::Append)]
    pub control_plane: Vec<String>,
    /// IPAM providers (e.g. in-cluster[:version]).
    #[arg(long, value_delimiter = ',', action = clap::ArgAction::Append)]
    pub ipam: Vec<String>,
    /// Runtime extension providers (e.g. test[:version]).
    #[arg(long = "runtime-extension", value_delimiter = ',', action = clap::ArgAction::Append)]
    pub runtime_extension: Vec<String>,
    /// Add-on providers (e.g. helm[:version]).
    #[arg(long, value_delimiter = ',', action = clap::ArgAction::Append)]
    pub addon: Vec<String>,
}

impl ProviderFlags {
    /// The flags as the library's one provider selection.
    pub fn selection(&self) -> capictl::ProviderSelection {
        capictl::ProviderSelection::from_flags(
            Some(&self.core),
            [
                &self.bootstrap,
                &self.control_plane,
                &self.infrastructure,
                &self.ipam,
                &self.runtime_extension,
                &self.addon,
            ],
        )
    }
}

/// `delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub cluster: KubeconfigArgs,
    #[command(flatten)]
    pub providers: ProviderFlags,
    /// Forces the deletion of the namespace where the providers are hosted (and of all the contained objects)
    #[arg(long = "include-namespace")]
    pub include_namespace: bool,
    /// Forces the deletion of the provider's CRDs (and of all the related objects)
    #[arg(long = "include-crd")]
    pub include_crd: bool,
    /// Force deletion of all the providers
    #[arg(long)]
    pub all: bool,
    /// Do not ask for confirmation on a terminal (capictl only; without a terminal nothing is asked)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// `move`.
#[derive(Debug, Args)]
pub struct MoveArgs {
    /// Path to the kubeconfig file for the source management cluster. If unspecified, default discovery rules apply.
    #[arg(long, default_value = "", hide_default_value = true)]
    pub kubeconfig: String,
    /// Path to the kubeconfig file to use for the destination management cluster.
    #[arg(long = "to-kubeconfig", default_value = "", hide_default_value = true)]
    pub to_kubeconfig: String,
    /// Context to be used within the kubeconfig file for the source management cluster. If empty, current context will be used.
    #[arg(
        long = "kubeconfig-context",
        default_value = "",
        hide_default_value = true
    )]
    pub kubeconfig_context: String,
    /// Context to be used within the kubeconfig file for the destination management cluster. If empty, current context will be used.
    #[arg(
        long = "to-kubeconfig-context",
        default_value = "",
        hide_default_value = true
    )]
    pub to_kubeconfig_context: String,
    /// The namespace where the workload cluster is hosted. If unspecified, the current context's namespace is used.
    #[arg(short = 'n', long, default_value = "", hide_default_value = true)]
    pub namespace: String,
    /// Enable dry run, don't really perform the move actions
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Write Cluster API objects and all dependencies from a management cluster to directory.
    #[arg(long = "to-directory", default_value = "", hide_default_value = true)]
    pub to_directory: String,
    /// Read Cluster API objects and all dependencies from a directory into a management cluster.
    #[arg(long = "from-directory", default_value = "", hide_default_value = true)]
    pub from_directory: String,
    /// Set of API server warnings to hide. Valid sets are "default" (includes metadata.finalizer warnings), "all" , and "none".
    #[arg(long = "hide-api-warnings", default_value = "default")]
    pub hide_api_warnings: String,
    /// Move only this Cluster of the namespace and what belongs to it (repeatable; capictl only)
    #[arg(long = "filter-cluster", value_name = "NAME")]
    pub filter_cluster: Vec<String>,
    /// How long to wait, overall, for clusterctl.cluster.x-k8s.io/block-move annotations to be removed (capictl only)
    #[arg(long = "block-move-timeout", default_value = "5m", value_parser = crate::cli::parse_duration)]
    pub block_move_timeout: std::time::Duration,
    /// Output format of --dry-run: "text" (the log only) or "json" (the move groups, for scripts; capictl only)
    #[arg(short = 'o', long = "output", default_value = "text", value_parser = ["text", "json"])]
    pub output: String,
}

/// `upgrade plan` and `upgrade apply`.
#[derive(Debug, Subcommand)]
pub enum UpgradeCommand {
    /// Provide a list of recommended target versions for upgrading Cluster API providers in a management cluster
    #[command(
        long_about = "The upgrade plan command provides a list of recommended target versions for upgrading the\nCluster API providers in a management cluster.\n\nAll the providers should be supporting the same API Version of Cluster API (contract) in order\nto guarantee the proper functioning of the management cluster.\n\nThen, for each provider, the following upgrade options are provided:\n- The latest patch release for the current API Version of Cluster API (contract).\n- The latest patch release for the next API Version of Cluster API (contract), if available.",
        after_help = "Examples:\n  # Gets the recommended target versions for upgrading Cluster API providers.\n  capictl upgrade plan"
    )]
    Plan(UpgradePlanArgs),
    /// Apply new versions of Cluster API core and providers in a management cluster
    #[command(
        long_about = "The upgrade apply command applies new versions of Cluster API providers as defined by capictl upgrade plan.\n\nNew version should be applied ensuring all the providers uses the same cluster API version\nin order to guarantee the proper functioning of the management cluster.\n\nSpecifying the provider using namespace/name:version is deprecated and will be dropped in a future release.",
        after_help = "Examples:\n  # Upgrades all the providers in the management cluster to the latest version available which is compliant\n  # to the v1beta2 API Version of Cluster API (contract).\n  capictl upgrade apply --contract v1beta2\n\n  # Upgrades only the aws provider to the v2.0.1 version.\n  capictl upgrade apply --infrastructure aws:v2.0.1"
    )]
    Apply(Box<UpgradeApplyArgs>),
}

/// `upgrade plan`.
#[derive(Debug, Args)]
pub struct UpgradePlanArgs {
    #[command(flatten)]
    pub cluster: KubeconfigArgs,
}

/// `upgrade apply`.
#[derive(Debug, Args)]
pub struct UpgradeApplyArgs {
    #[command(flatten)]
    pub cluster: KubeconfigArgs,
    /// The API Version of Cluster API (contract, e.g. v1beta2) to upgrade to.
    #[arg(long, default_value = "", hide_default_value = true)]
    pub contract: String,
    #[command(flatten)]
    pub providers: ProviderFlags,
    /// Wait for providers to be upgraded.
    #[arg(
        long = "wait-providers",
        num_args = 0..=1,
        require_equals = true,
        default_value_t = false,
        default_missing_value = "true",
        action = clap::ArgAction::Set,
        value_parser = parse_go_bool
    )]
    pub wait_providers: bool,
    /// Wait timeout per provider upgrade in seconds. This value is ignored if --wait-providers is false
    #[arg(long = "wait-provider-timeout", default_value_t = 300)]
    pub wait_provider_timeout: u64,
    /// Do not ask for confirmation on a terminal (capictl only; without a terminal nothing is asked)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// `init`: its own flags, and the cluster and provider flags of `delete` with `init`'s help
/// texts (see [`init_flag`]).
#[derive(Debug, Args)]
#[command(mut_args(init_flag))]
pub struct InitArgs {
    #[command(subcommand)]
    pub command: Option<InitCommand>,
    #[command(flatten)]
    pub cluster: KubeconfigArgs,
    #[command(flatten)]
    pub providers: ProviderFlags,
    /// The target namespace where the providers should be deployed. If unspecified, the provider components' default namespace is used.
    #[arg(
        short = 'n',
        long = "target-namespace",
        default_value = "",
        hide_default_value = true
    )]
    pub target_namespace: String,
    /// Wait for providers to be installed.
    #[arg(
        long = "wait-providers",
        num_args = 0..=1,
        require_equals = true,
        default_value_t = false,
        default_missing_value = "true",
        action = clap::ArgAction::Set,
        value_parser = parse_go_bool
    )]
    pub wait_providers: bool,
    /// Wait timeout per provider installation in seconds. This value is ignored if --wait-providers is false
    #[arg(long = "wait-provider-timeout", default_value_t = 300)]
    pub wait_provider_timeout: u64,
    /// If true, capictl will validate that the deployments will succeed on the management cluster.
    #[arg(
        long,
        num_args = 0..=1,
        require_equals = true,
        default_value_t = true,
        default_missing_value = "true",
        action = clap::ArgAction::Set,
        value_parser = parse_go_bool
    )]
    pub validate: bool,
}

/// Makes a flag `init` shares with `delete` global, so that `init list-images` takes it too, and
/// gives it clusterctl's `init` help text.
fn init_flag(flag: clap::Arg) -> clap::Arg {
    let help = match flag.get_id().as_str() {
        "kubeconfig" => {
            "Path to the kubeconfig for the management cluster. If unspecified, default discovery rules apply"
        }
        "kubeconfig_context" => return flag.global(true),
        "core" => {
            "Core provider version (e.g. cluster-api:v1.1.5) to add to the management cluster. If unspecified, Cluster API's latest release is used"
        }
        "infrastructure" => {
            "Infrastructure providers and versions (e.g. aws:v0.5.0) to add to the management cluster"
        }
        "bootstrap" => {
            "Bootstrap providers and versions (e.g. kubeadm:v1.1.5) to add to the management cluster. If unspecified, Kubeadm bootstrap provider's latest release is used"
        }
        "control_plane" => {
            "Control plane providers and versions (e.g. kubeadm:v1.1.5) to add to the management cluster. If unspecified, the Kubeadm control plane provider's latest release is used"
        }
        "ipam" => {
            "IPAM providers and versions (e.g. in-cluster:v0.1.0) to add to the management cluster"
        }
        "runtime_extension" => {
            "Runtime extension providers and versions to add to the management cluster; please note that capictl doesn't include any default runtime extensions and thus it is required to use custom configuration files to register runtime extensions"
        }
        "addon" => {
            "Add-on providers and versions (e.g. helm:v0.1.0) to add to the management cluster"
        }
        _ => return flag,
    };
    flag.global(true).help(help)
}

#[derive(Debug, Subcommand)]
pub enum InitCommand {
    /// Lists the container images required for initializing the management cluster
    #[command(
        name = "list-images",
        long_about = "Lists the container images required for initializing the management cluster.\n\nSee https://cluster-api.sigs.k8s.io for more details.",
        after_help = "Examples:\n  # Lists the container images required for initializing the management cluster.\n  #\n  # Note: This command is a dry-run; it won't perform any action other than printing to screen.\n  capictl init list-images --infrastructure aws\n\n  # List infrastructure, bootstrap, control-plane and core images\n  capictl init list-images --infrastructure vcd --bootstrap kubeadm --control-plane nested --core cluster-api:v1.2.0"
    )]
    ListImages,
}

/// Go's `strconv.ParseBool`, which pflag uses for boolean flags.
fn parse_go_bool(value: &str) -> Result<bool, String> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        other => Err(format!(
            "strconv.ParseBool: parsing {other:?}: invalid syntax"
        )),
    }
}

/// Flags naming a management cluster.
#[derive(Debug, Args, Clone, Default)]
pub struct KubeconfigArgs {
    /// Path to a kubeconfig file to use for the management cluster. If empty, default discovery rules apply.
    #[arg(long, default_value = "", hide_default_value = true)]
    pub kubeconfig: String,
    /// Context to be used within the kubeconfig file. If empty, current context will be used.
    #[arg(
        long = "kubeconfig-context",
        default_value = "",
        hide_default_value = true
    )]
    pub kubeconfig_context: String,
}

impl KubeconfigArgs {
    pub fn selector(&self) -> capictl::KubeconfigSelector {
        capictl::KubeconfigSelector {
            path: (!self.kubeconfig.is_empty()).then(|| self.kubeconfig.clone().into()),
            context: (!self.kubeconfig_context.is_empty()).then(|| self.kubeconfig_context.clone()),
        }
    }
}

#[derive(Debug, Args)]
pub struct GenerateClusterArgs {
    /// Name of the workload cluster
    pub name: Option<String>,
    #[command(flatten)]
    pub kubeconfig: KubeconfigArgs,
    /// The namespace to use for the workload cluster. If unspecified, the current namespace will be used.
    #[arg(
        short = 'n',
        long = "target-namespace",
        default_value = "",
        hide_default_value = true
    )]
    pub target_namespace: String,
    /// The Kubernetes version to use for the workload cluster. If unspecified, the value from OS environment variables or the $XDG_CONFIG_HOME/cluster-api/clusterctl.yaml config file will be used.
    #[arg(
        long = "kubernetes-version",
        default_value = "",
        hide_default_value = true
    )]
    pub kubernetes_version: String,
    /// The number of control plane machines for the workload cluster. [default: 1]
    #[arg(long = "control-plane-machine-count", allow_negative_numbers = true)]
    pub control_plane_machine_count: Option<i64>,
    /// The number of worker machines for the workload cluster. (default 0)
    #[arg(long = "worker-machine-count", allow_negative_numbers = true)]
    pub worker_machine_count: Option<i64>,
    /// The infrastructure provider to read the workload cluster template from. If unspecified, the default infrastructure provider will be used.
    #[arg(short = 'i', long, default_value = "", hide_default_value = true)]
    pub infrastructure: String,
    /// The workload cluster template variant to be used when reading from the infrastructure provider repository. If unspecified, the default cluster template will be used.
    #[arg(short = 'f', long, default_value = "", hide_default_value = true)]
    pub flavor: String,
    /// The URL to read the workload cluster template from. If unspecified, the infrastructure provider repository URL will be used. If set to '-', the workload cluster template is read from stdin.
    #[arg(long, default_value = "", hide_default_value = true)]
    pub from: String,
    /// The ConfigMap to read the workload cluster template from. This can be used as alternative to read from the provider repository or from an URL
    #[arg(
        long = "from-config-map",
        default_value = "",
        hide_default_value = true
    )]
    pub from_config_map: String,
    /// The namespace where the ConfigMap exists. If unspecified, the current namespace will be used
    #[arg(
        long = "from-config-map-namespace",
        default_value = "",
        hide_default_value = true
    )]
    pub from_config_map_namespace: String,
    /// The ConfigMap.Data key where the workload cluster template is hosted. If unspecified, "template" will be used
    #[arg(
        long = "from-config-map-key",
        default_value = "",
        hide_default_value = true
    )]
    pub from_config_map_key: String,
    /// Returns the list of variables expected by the template instead of the template yaml
    #[arg(long = "list-variables")]
    pub list_variables: bool,
    /// Specify the output file to write the template to, defaults to STDOUT if the flag is not set
    #[arg(long = "write-to", default_value = "", hide_default_value = true)]
    pub write_to: String,
}

#[derive(Debug, Args)]
pub struct GenerateProviderArgs {
    /// Core provider version (e.g. cluster-api:v1.1.5) to add to the management cluster. If unspecified, Cluster API's latest release is used.
    #[arg(long, default_value = "", hide_default_value = true)]
    pub core: String,
    /// Infrastructure provider and version (e.g. aws:v0.5.0)
    #[arg(short = 'i', long, default_value = "", hide_default_value = true)]
    pub infrastructure: String,
    /// Bootstrap provider and version (e.g. kubeadm:v1.1.5)
    #[arg(short = 'b', long, default_value = "", hide_default_value = true)]
    pub bootstrap: String,
    /// ControlPlane provider and version (e.g. kubeadm:v1.1.5)
    #[arg(
        short = 'c',
        long = "control-plane",
        default_value = "",
        hide_default_value = true
    )]
    pub control_plane: String,
    /// IPAM provider and version (e.g. infoblox:v0.0.1)
    #[arg(long, default_value = "", hide_default_value = true)]
    pub ipam: String,
    /// Runtime extension provider and version (e.g. my-extension:v0.0.1)
    #[arg(
        long = "runtime-extension",
        default_value = "",
        hide_default_value = true
    )]
    pub runtime_extension: String,
    /// Add-on provider and version (e.g. helm:v0.1.0)
    #[arg(long, default_value = "", hide_default_value = true)]
    pub addon: String,
    /// The target namespace where the provider should be deployed. If unspecified, the components default namespace is used.
    #[arg(
        short = 'n',
        long = "target-namespace",
        default_value = "",
        hide_default_value = true
    )]
    pub target_namespace: String,
    /// Generate configuration without variable substitution.
    #[arg(long)]
    pub describe: bool,
    /// Generate configuration without variable substitution in a yaml format.
    #[arg(long)]
    pub raw: bool,
    /// Specify the output file to write the template to, defaults to STDOUT if the flag is not set
    #[arg(long = "write-to", default_value = "", hide_default_value = true)]
    pub write_to: String,
}

#[derive(Debug, Args)]
pub struct GenerateYamlArgs {
    /// The URL to read the template from. It defaults to '-' which reads from stdin.
    #[arg(long, default_value = "-")]
    pub from: String,
    /// Returns the list of variables expected by the template instead of the template yaml
    #[arg(long = "list-variables")]
    pub list_variables: bool,
}

/// A usage error: clusterctl prints the message, a blank line and the command's help.
#[derive(Debug)]
pub struct UsageError {
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// The rendered help of a subcommand, e.g. `["generate", "cluster"]`.
pub fn help_for(path: &[&str]) -> String {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    cmd.build();
    for name in path {
        match cmd.find_subcommand(name) {
            Some(sub) => cmd = sub.clone(),
            None => break,
        }
    }
    cmd.render_help().to_string()
}

/// Prints a clap parse error (or help) and picks the exit code: 0 for help, 1 for errors, as
/// clusterctl does.
pub fn report_clap_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // Parent-only commands (`generate`, `config`) print their help and succeed.
            print!("{}", e.render());
            ExitCode::SUCCESS
        }
        _ => {
            let _ = e.print();
            ExitCode::FAILURE
        }
    }
}

/// A duration as Go writes them: `300ms`, `30s`, `5m`, `1h30m` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let bad =
        || format!("invalid duration {text:?}: use a number with a unit, e.g. 90s, 5m or 1h30m");
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(seconds));
    }
    let mut total = 0f64;
    let mut rest = text;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let value: f64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += value * seconds;
        rest = &rest[unit_len..];
    }
    Ok(std::time::Duration::from_secs_f64(total))
}

#[cfg(test)]
mod duration_tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("42"), Ok(Duration::from_secs(42)));
        for bad in ["", "5x", "m", "1..2s", "-3s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn init_gives_shared_flags_its_help_and_list_images_takes_them() {
        use clap::CommandFactory;
        let cli = Cli::command();
        let init = cli.find_subcommand("init").unwrap();
        let help = |id: &str| {
            let flag = init.get_arguments().find(|a| a.get_id() == id).unwrap();
            assert!(flag.is_global_set(), "{id} is not global");
            flag.get_help().map(ToString::to_string).unwrap_or_default()
        };
        for id in [
            "core",
            "infrastructure",
            "bootstrap",
            "control_plane",
            "ipam",
            "runtime_extension",
            "addon",
        ] {
            assert!(
                help(id).contains("to add to the management cluster"),
                "{id}"
            );
        }
        assert!(help("kubeconfig").starts_with("Path to the kubeconfig for the management"));
        assert!(help("kubeconfig_context").starts_with("Context to be used"));
        let cli = Cli::try_parse_from([
            "capictl",
            "init",
            "list-images",
            "--kubeconfig=k",
            "--kubeconfig-context=c",
            "-i",
            "aws,vsphere",
            "--core=cluster-api",
        ])
        .unwrap();
        let Command::Init(init) = cli.command else {
            panic!("not init");
        };
        assert!(matches!(init.command, Some(InitCommand::ListImages)));
        assert_eq!(init.cluster.kubeconfig_context, "c");
        assert_eq!(init.providers.infrastructure, ["aws", "vsphere"]);
        assert_eq!(init.providers.core, "cluster-api");
    }
}
