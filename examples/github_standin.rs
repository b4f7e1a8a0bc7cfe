//! Runs the GitHub / Go module proxy stand-in of the test suite as a process, for benchmarks
//! and manual runs:
//!
//! ```text
//! cargo run --example github_standin -- --repo-dir testdata/repository [--port 0]
//!     [--rate-limit N] [--asset-redirect] [--ignore-stdin]
//! ```
//!
//! The first stdout line is the base URL (`http://127.0.0.1:PORT`). On SIGTERM, SIGINT or end
//! of standard input (unless `--ignore-stdin`) it prints the request counts as one JSON line
//! and exits. `GET /_standin/counts` and `POST /_standin/reset` read and zero the counts while
//! it runs.

#[path = "../tests/support/github/mod.rs"]
mod github;

use std::io::{Read as _, Write as _};
use std::path::PathBuf;

const USAGE: &str = "usage: github_standin --repo-dir DIR [--port PORT] [--rate-limit N] [--asset-redirect] [--ignore-stdin]";

struct Args {
    repo_dir: PathBuf,
    port: u16,
    rate_limit: Option<u64>,
    asset_redirect: bool,
    ignore_stdin: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut repo_dir = None;
    let mut port = 0;
    let mut rate_limit = None;
    let mut asset_redirect = false;
    let mut ignore_stdin = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{what} needs a value\n{USAGE}"))
        };
        match name.as_str() {
            "--repo-dir" => repo_dir = Some(PathBuf::from(value("--repo-dir")?)),
            "--port" => {
                port = value("--port")?
                    .parse()
                    .map_err(|e| format!("invalid --port: {e}"))?
            }
            "--rate-limit" => {
                rate_limit = Some(
                    value("--rate-limit")?
                        .parse()
                        .map_err(|e| format!("invalid --rate-limit: {e}"))?,
                )
            }
            "--asset-redirect" => asset_redirect = true,
            "--ignore-stdin" => ignore_stdin = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Args {
        repo_dir: repo_dir.ok_or_else(|| format!("--repo-dir is required\n{USAGE}"))?,
        port,
        rate_limit,
        asset_redirect,
        ignore_stdin,
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let repos = match github::clusterctl_repos(&args.repo_dir) {
        Ok(repos) => repos,
        Err(e) => {
            eprintln!("cannot read {}: {e}", args.repo_dir.display());
            std::process::exit(1);
        }
    };
    let server = match github::GitHubStandIn::start_on(repos, args.port) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{}: {e}", args.port);
            std::process::exit(1);
        }
    };
    if let Some(limit) = args.rate_limit {
        server.set_rate_limit(limit, limit);
    }
    server.set_asset_redirect(args.asset_redirect);
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", server.base_url());
        let _ = out.flush();
    }

    // A plain thread reads stdin: tokio's stdin would keep the runtime from shutting down.
    let (eof_tx, eof_rx) = tokio::sync::oneshot::channel::<()>();
    if !args.ignore_stdin {
        std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buf = [0u8; 1024];
            while let Ok(n) = stdin.read(&mut buf) {
                if n == 0 {
                    break;
                }
            }
            let _ = eof_tx.send(());
        });
    }
    let stdin_closed = async {
        if eof_rx.await.is_err() {
            // --ignore-stdin: the sender is gone without a message; wait for a signal.
            std::future::pending::<()>().await;
        }
    };
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
        _ = stdin_closed => {}
    }
    let counts = server.counts();
    drop(server);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", counts.to_json());
    let _ = out.flush();
    std::process::exit(0);
}
