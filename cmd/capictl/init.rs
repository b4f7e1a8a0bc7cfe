//! `capictl init` and `capictl init list-images`.

use std::time::{Duration, Instant};

use capictl::{Client, InitOptions};

use crate::cli::{InitArgs, InitCommand};
use crate::progress;

fn options(args: &InitArgs) -> InitOptions {
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    InitOptions {
        kubeconfig: args.cluster.selector(),
        providers: args.providers.selection(),
        target_namespace: non_empty(&args.target_namespace),
        wait_providers: args.wait_providers,
        wait_provider_timeout: Duration::from_secs(args.wait_provider_timeout),
        validate: args.validate,
        log_usage_instructions: true,
    }
}

pub async fn run(client: &Client, args: InitArgs) -> anyhow::Result<()> {
    let options = options(&args);
    match args.command {
        Some(InitCommand::ListImages) => {
            let images = client
                .init_images(InitOptions {
                    log_usage_instructions: false,
                    target_namespace: None,
                    ..options
                })
                .await?;
            for image in images {
                println!("{image}");
            }
            Ok(())
        }
        None => {
            let started = Instant::now();
            let bars = progress::for_stderr();
            let result = client.init(options, bars.as_ref()).await;
            drop(bars);
            let report = result?;
            tracing::debug!(
                providers = report.installed.len() as u64,
                api_requests = report.api_requests,
                seconds = format!("{:.2}", started.elapsed().as_secs_f64()),
                "Init finished"
            );
            Ok(())
        }
    }
}
