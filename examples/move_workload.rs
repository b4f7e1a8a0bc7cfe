//! The `move` workload of the test suite as a command, for `hack/bench.sh move` and manual runs:
//!
//! ```text
//! move_workload remove-webhooks --kubeconfig K
//! move_workload create --kubeconfig K --namespace NS --clusters N [--prefix c]
//! move_workload count --kubeconfig K --namespace NS
//! move_workload floor --from K1 --to K2 --namespace NS
//! ```
//!
//! `remove-webhooks` deletes the providers' webhook configurations (nothing answers them on a
//! control plane without Pods); `create` makes the namespace and N workload clusters of 25
//! objects each (`tests/support/workload/`); `count` prints `Kind=count` for every moved kind
//! and the total; `floor` moves the namespace the least way any client could and prints
//! `objects=… requests=… elapsed=…s (list …s, create …s, delete …s)`.

#[path = "../tests/support/workload/mod.rs"]
mod workload;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

const USAGE: &str = "usage:
  move_workload remove-webhooks --kubeconfig K
  move_workload create --kubeconfig K --namespace NS --clusters N [--prefix c]
  move_workload count --kubeconfig K --namespace NS
  move_workload floor --from K1 --to K2 --namespace NS";

/// `--name value` or `--name=value` pairs after the subcommand.
fn parse_flags(args: &[String]) -> Result<HashMap<String, String>, String> {
    let mut flags = HashMap::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let Some(name) = arg.strip_prefix("--") else {
            return Err(format!("unexpected argument {arg:?}\n{USAGE}"));
        };
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (
                name.to_string(),
                it.next()
                    .ok_or_else(|| format!("--{name} needs a value\n{USAGE}"))?
                    .clone(),
            ),
        };
        flags.insert(name, value);
    }
    Ok(flags)
}

fn required<'a>(flags: &'a HashMap<String, String>, name: &str) -> Result<&'a str, String> {
    flags
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| format!("--{name} is required\n{USAGE}"))
}

async fn client(flags: &HashMap<String, String>, name: &str) -> anyhow::Result<kube::Client> {
    let path = PathBuf::from(required(flags, name).map_err(anyhow::Error::msg)?);
    workload::connect(Path::new(&path)).await
}

async fn run(command: &str, flags: &HashMap<String, String>) -> anyhow::Result<()> {
    let namespace = || required(flags, "namespace").map_err(anyhow::Error::msg);
    match command {
        "remove-webhooks" => {
            let removed =
                workload::remove_provider_webhooks(&client(flags, "kubeconfig").await?).await?;
            println!("removed {removed} webhook configurations");
        }
        "create" => {
            let count: usize = required(flags, "clusters")
                .map_err(anyhow::Error::msg)?
                .parse()
                .map_err(|e| anyhow::anyhow!("invalid --clusters: {e}"))?;
            let prefix = flags.get("prefix").map(String::as_str).unwrap_or("c");
            let c = client(flags, "kubeconfig").await?;
            let start = Instant::now();
            let objects = workload::create_clusters(&c, namespace()?, prefix, count).await?;
            println!(
                "created {count} clusters ({objects} objects) in namespace {} in {:.2} s",
                namespace()?,
                start.elapsed().as_secs_f64()
            );
        }
        "count" => {
            let counts =
                workload::count_objects(&client(flags, "kubeconfig").await?, namespace()?).await?;
            let total: usize = counts.iter().map(|(_, n)| n).sum();
            let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k}={n}")).collect();
            println!("{} total={total}", parts.join(" "));
        }
        "floor" => {
            let from = client(flags, "from").await?;
            let to = client(flags, "to").await?;
            let report = workload::floor_move(&from, &to, namespace()?).await?;
            println!(
                "objects={} requests={} elapsed={:.3}s (list {:.3}s, create {:.3}s, delete {:.3}s)",
                report.objects,
                report.requests,
                report.elapsed.as_secs_f64(),
                report.listing.as_secs_f64(),
                report.creating.as_secs_f64(),
                report.deleting().as_secs_f64()
            );
        }
        other => anyhow::bail!("unknown command {other:?}\n{USAGE}"),
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let flags = match parse_flags(rest) {
        Ok(flags) => flags,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(command, &flags).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
