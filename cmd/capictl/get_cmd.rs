//! `capictl get kubeconfig`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use capictl::{Client, GetKubeconfigOptions};

/// `get`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum GetCommand {
    /// Gets the kubeconfig file for accessing a workload cluster
    #[command(
        long_about = "Gets the kubeconfig file for accessing a workload cluster.\n\nBy default it is printed; --output writes it to a file readable by its owner only, and\n--merge adds it to an existing kubeconfig file as a context, cluster and user named after\nthe workload cluster (capictl only).",
        after_help = "Examples:\n  # Get the workload cluster's kubeconfig.\n  capictl get kubeconfig <name of workload cluster>\n\n  # Get the workload cluster's kubeconfig in a particular namespace.\n  capictl get kubeconfig <name of workload cluster> --namespace foo\n\n  # Write it to a file (mode 0600), or merge it into your kubeconfig.\n  capictl get kubeconfig my-cluster --output my-cluster.kubeconfig\n  capictl get kubeconfig my-cluster --output ~/.kube/config --merge"
    )]
    Kubeconfig(GetKubeconfigArgs),
}

/// `get kubeconfig NAME`.
#[derive(Debug, Args)]
pub struct GetKubeconfigArgs {
    /// Name of the workload cluster
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Namespace where the workload cluster exist.
    #[arg(short = 'n', long, default_value = "", hide_default_value = true)]
    pub namespace: String,
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
    /// Write the kubeconfig to this file (atomically, mode 0600) instead of printing it (capictl only)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Merge into the --output file (created if missing): a context, cluster and user named after the workload cluster replace entries of that name; the rest is kept (capictl only)
    #[arg(long, requires = "output")]
    pub merge: bool,
}

pub async fn kubeconfig(client: &Client, args: GetKubeconfigArgs) -> anyhow::Result<()> {
    let [name] = args.names.as_slice() else {
        anyhow::bail!("please specify a workload cluster name");
    };
    let selector = crate::cli::KubeconfigArgs {
        kubeconfig: args.kubeconfig.clone(),
        kubeconfig_context: args.kubeconfig_context.clone(),
    }
    .selector();
    let options = GetKubeconfigOptions {
        kubeconfig: selector,
        cluster: name.clone(),
        namespace: (!args.namespace.is_empty()).then(|| args.namespace.clone()),
    };
    let kubeconfig = client.get_kubeconfig(&options).await?;
    match (&args.output, args.merge) {
        (Some(path), true) => kubeconfig.merge_into(path)?,
        (Some(path), false) => kubeconfig.write_to(path)?,
        (None, _) => {
            // clusterctl prints it with fmt.Println: the Secret's bytes and a newline.
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&kubeconfig.bytes)?;
            stdout.write_all(b"\n")?;
            stdout.flush()?;
        }
    }
    Ok(())
}
