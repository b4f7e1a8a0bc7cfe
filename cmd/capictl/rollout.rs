//! `capictl alpha rollout restart|pause|resume`.

use clap::{Args, Subcommand};

use capictl::{Client, RolloutAction, RolloutOptions};

/// `alpha`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum AlphaCommand {
    /// Manage the rollout of a cluster-api resource
    #[command(
        subcommand,
        long_about = "Manage the rollout of a cluster-api resource.\nValid resource types include:\n\n   * machinedeployment\n   * kubeadmcontrolplane",
        after_help = "Examples:\n  # Force an immediate rollout of machinedeployment or kubeadmcontrolplane\n  capictl alpha rollout restart machinedeployment/my-md-0\n  capictl alpha rollout restart kubeadmcontrolplane/my-kcp\n\n  # Mark the machinedeployment or kubeadmcontrolplane as paused\n  capictl alpha rollout pause machinedeployment/my-md-0\n  capictl alpha rollout pause kubeadmcontrolplane/my-kcp\n\n  # Resume an already paused machinedeployment or kubeadmcontrolplane\n  capictl alpha rollout resume machinedeployment/my-md-0\n  capictl alpha rollout resume kubeadmcontrolplane/my-kcp"
    )]
    Rollout(RolloutCommand),
}

/// `alpha rollout`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Restart a cluster-api resource
    #[command(
        long_about = "Restart of cluster-api resources.\n\nResources will be rollout restarted.",
        after_help = "Examples:\n  # Restart a machinedeployment\n  capictl alpha rollout restart machinedeployment/my-md-0\n\n  # Restart a kubeadmcontrolplane\n  capictl alpha rollout restart kubeadmcontrolplane/my-kcp"
    )]
    Restart(RolloutArgs),
    /// Pause a cluster-api resource
    #[command(
        long_about = "Mark the provided cluster-api resource as paused.\n\nPaused resources will not be reconciled by a controller. Use \"capictl alpha rollout resume\" to resume a paused resource. Currently only MachineDeployments and KubeadmControlPlanes support being paused.",
        after_help = "Examples:\n  # Mark the machinedeployment as paused.\n  capictl alpha rollout pause machinedeployment/my-md-0\n\n  # Mark the KubeadmControlPlane as paused.\n  capictl alpha rollout pause kubeadmcontrolplane/my-kcp"
    )]
    Pause(RolloutArgs),
    /// Resume a cluster-api resource
    #[command(
        long_about = "Resume a paused cluster-api resource\n\nPaused resources will not be reconciled by a controller. By resuming a resource, we allow it to be reconciled again. Currently only MachineDeployments and KubeadmControlPlanes support being resumed.",
        after_help = "Examples:\n  # Resume an already paused machinedeployment\n  capictl alpha rollout resume machinedeployment/my-md-0\n\n  # Resume a kubeadmcontrolplane\n  capictl alpha rollout resume kubeadmcontrolplane/my-kcp"
    )]
    Resume(RolloutArgs),
}

/// The arguments every rollout command takes.
#[derive(Debug, Args)]
pub struct RolloutArgs {
    /// The resources, as kind/name (machinedeployment/NAME or kubeadmcontrolplane/NAME)
    #[arg(value_name = "RESOURCE")]
    pub resources: Vec<String>,
    /// Path to the kubeconfig file to use for accessing the management cluster. If unspecified, default discovery rules apply.
    #[arg(long, default_value = "", hide_default_value = true)]
    pub kubeconfig: String,
    /// Context to be used within the kubeconfig file. If empty, current context will be used.
    #[arg(
        long = "kubeconfig-context",
        default_value = "",
        hide_default_value = true
    )]
    pub kubeconfig_context: String,
    /// Namespace where the resource(s) reside. If unspecified, the defult namespace will be used.
    #[arg(short = 'n', long, default_value = "", hide_default_value = true)]
    pub namespace: String,
}

pub async fn run(client: &Client, command: AlphaCommand) -> anyhow::Result<()> {
    let AlphaCommand::Rollout(command) = command;
    let (action, args) = match command {
        RolloutCommand::Restart(args) => (RolloutAction::Restart, args),
        RolloutCommand::Pause(args) => (RolloutAction::Pause, args),
        RolloutCommand::Resume(args) => (RolloutAction::Resume, args),
    };
    let selector = crate::cli::KubeconfigArgs {
        kubeconfig: args.kubeconfig,
        kubeconfig_context: args.kubeconfig_context,
    }
    .selector();
    client
        .rollout(&RolloutOptions {
            kubeconfig: selector,
            action,
            resources: args.resources,
            namespace: (!args.namespace.is_empty()).then_some(args.namespace),
            program: program_name(),
        })
        .await?;
    Ok(())
}

/// The last path element of `argv[0]`, as clusterctl names itself in messages.
fn program_name() -> String {
    std::env::args()
        .next()
        .and_then(|a| a.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| "cmd".into())
}
