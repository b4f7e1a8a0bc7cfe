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
