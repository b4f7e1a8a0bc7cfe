//! `capictl move`.

use capictl::{Client, MoveOptions, MoveReport};

use crate::cli::MoveArgs;

pub async fn run(client: &Client, args: MoveArgs) -> anyhow::Result<()> {
    let path = |s: &str| (!s.is_empty()).then(|| std::path::PathBuf::from(s));
    let options = MoveOptions {
        from: capictl::KubeconfigSelector {
            path: path(&args.kubeconfig),
            context: (!args.kubeconfig_context.is_empty()).then(|| args.kubeconfig_context.clone()),
        },
        to: (!args.to_kubeconfig.is_empty()).then(|| capictl::KubeconfigSelector {
            path: path(&args.to_kubeconfig),
            context: (!args.to_kubeconfig_context.is_empty())
                .then(|| args.to_kubeconfig_context.clone()),
        }),
        to_directory: path(&args.to_directory),
        from_directory: path(&args.from_directory),
        namespace: (!args.namespace.is_empty()).then(|| args.namespace.clone()),
        dry_run: args.dry_run,
        filter_clusters: args.filter_cluster.clone(),
        block_move_timeout: args.block_move_timeout,
        ..MoveOptions::default()
    };
    capictl::cluster::ApiWarnings::parse(&args.hide_api_warnings)?.install();
    options.validate()?;
    let progress = crate::progress::for_stderr();
    let report = client.move_objects(&options, progress.as_ref()).await?;
    drop(progress);
    print_left_out(&report);
    if args.dry_run && args.output == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}

/// What clusterctl would drop silently: objects of the move set that stay on the source.
fn print_left_out(report: &MoveReport) {
    if report.left_out.is_empty() {
        return;
    }
    tracing::warn!(
        count = report.left_out.len() as u64,
        "Some objects are not moved and stay on the source cluster"
    );
    for left in &report.left_out {
        tracing::warn!("Not moved: {}: {}", left.object, left.reason);
    }
}
