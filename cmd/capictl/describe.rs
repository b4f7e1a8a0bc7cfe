//! `capictl describe cluster NAME`: clusterctl's table, or the tree as JSON or YAML.

use std::io::IsTerminal;

use clap::{Args, Subcommand};

use capictl::ops::describe::render::render;
use capictl::{Client, DescribeClusterOptions};

use crate::cli::KubeconfigArgs;

/// `describe`.
#[derive(Debug, Subcommand)]
pub enum DescribeCommand {
    /// Describe workload clusters
    #[command(
        long_about = "Provide an \"at glance\" view of a Cluster API cluster designed to help the user in quickly\nunderstanding if there are problems and where.\n.",
        after_help = "Examples:\n  # Describe the cluster named test-1.\n  capictl describe cluster test-1\n\n  # Describe the cluster named test-1 showing all the conditions for the KubeadmControlPlane object kind.\n  capictl describe cluster test-1 --show-conditions KubeadmControlPlane\n\n  # Describe the cluster named test-1 showing all the conditions for a specific machine.\n  capictl describe cluster test-1 --show-conditions Machine/m1\n\n  # Describe the cluster named test-1 disabling automatic grouping of objects with the same ready condition\n  # e.g. un-group all the machines with Ready=true instead of showing a single group node.\n  capictl describe cluster test-1 --grouping=false\n\n  # Describe the cluster named test-1 showing the MachineInfrastructure and BootstrapConfig objects\n  # also when their status is the same as the status of the corresponding machine object.\n  capictl describe cluster test-1 --echo\n\n  # The tree as JSON, for scripts (capictl only).\n  capictl describe cluster test-1 -o json"
    )]
    Cluster(DescribeClusterArgs),
}

/// `describe cluster`.
#[derive(Debug, Args)]
pub struct DescribeClusterArgs {
    /// The cluster name
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    #[command(flatten)]
    pub cluster: KubeconfigArgs,
    /// The namespace where the workload cluster is located. If unspecified, the current namespace will be used.
    #[arg(short = 'n', long, default_value = "", hide_default_value = true)]
    pub namespace: String,
    /// list of comma separated kind or kind/name for which the command should show all the object's conditions (use 'all' to show conditions for everything, use the + suffix to show only non-zero conditions).
    #[arg(
        long = "show-conditions",
        default_value = "",
        hide_default_value = true
    )]
    pub show_conditions: String,
    /// Show MachineSet objects.
    #[arg(long = "show-machinesets", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", hide_default_value = true)]
    pub show_machinesets: bool,
    /// Show cluster resource sets.
    #[arg(long = "show-resourcesets", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", hide_default_value = true)]
    pub show_resourcesets: bool,
    /// Show infrastructure and bootstrap config templates associated with the cluster.
    #[arg(long = "show-templates", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", hide_default_value = true)]
    pub show_templates: bool,
    /// Show MachineInfrastructure and BootstrapConfig when ready condition is true or it has the Status, Severity and Reason of the machine's object.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", hide_default_value = true)]
    pub echo: bool,
    /// Groups machines when ready condition has the same Status, Severity and Reason.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub grouping: bool,
    /// Use V1Beta2 conditions.. (deprecated: this field will be removed when v1beta1 will be dropped.)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true", hide = true)]
    pub v1beta2: bool,
    /// Enable or disable color output; if not set color is enabled by default only if using tty. The flag is overridden by the NO_COLOR env variable if set.
    #[arg(short = 'c', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub color: Option<bool>,
    /// Output format: the table ("text"), or the tree as "json" or "yaml" (capictl only)
    #[arg(short = 'o', long = "output", default_value = "text", value_parser = ["text", "json", "yaml"])]
    pub output: String,
}

pub async fn run(client: &Client, command: DescribeCommand) -> anyhow::Result<()> {
    let DescribeCommand::Cluster(args) = command;
    let [name] = args.names.as_slice() else {
        anyhow::bail!("please specify a cluster name");
    };
    if !args.v1beta2 {
        eprintln!(
            "Flag --v1beta2 has been deprecated, this field will be removed when v1beta1 will be dropped."
        );
        anyhow::bail!(
            "--v1beta2=false (the v1beta1 conditions view) is not supported by capictl yet"
        );
    }
    let options = DescribeClusterOptions {
        kubeconfig: args.cluster.selector(),
        namespace: (!args.namespace.is_empty()).then(|| args.namespace.clone()),
        show_other_conditions: args.show_conditions.clone(),
        show_machine_sets: args.show_machinesets,
        show_resource_sets: args.show_resourcesets,
        show_templates: args.show_templates,
        echo: args.echo,
        grouping: args.grouping,
        ..DescribeClusterOptions::new(name)
    };
    let tree = client.describe_cluster(&options).await?;
    match args.output.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&tree)?),
        "yaml" => print!("{}", capictl::yaml::to_yaml(&serde_json::to_value(&tree)?)),
        _ => {
            let now = capictl::fetch::clock::now_secs() as i64;
            print!("{}", render(&tree, now, colour(args.color)));
        }
    }
    Ok(())
}

/// fatih/color's rule: `--color` when given; else colours only on a terminal, never with
/// `NO_COLOR` set or `TERM=dumb`.
fn colour(flag: Option<bool>) -> bool {
    if let Some(on) = flag {
        return on;
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    !no_color && !dumb && std::io::stdout().is_terminal()
}
