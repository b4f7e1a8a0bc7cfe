//! The `capictl` command line: parses flags (clap), calls the library's `Client`, prints
//! results on stdout and logs on stderr. No business logic lives here.

mod cache_cmd;
mod cli;
mod completion;
mod config_cmd;
mod confirm;
mod delete;
mod generate;
mod init;
mod logging;
mod move_cmd;
mod output;
mod progress;
mod upgrade;
mod version;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, ConfigCommand, GenerateCommand, UpgradeCommand};

/// Network and cache settings: environment first, flags over it.
fn fetch_options(cli: &Cli, env: &capictl::Env) -> anyhow::Result<capictl::fetch::FetchOptions> {
    let mut options = capictl::config::fetch_settings(env)?;
    if let Some(dir) = &cli.global.cache_dir {
        options.cache_dir = Some(dir.clone());
    }
    if cli.global.offline {
        options.offline = true;
    }
    Ok(options)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cli::report_clap_error(e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: failed to start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {}", output::error_chain(&e));
            if let Some(hint) = e
                .downcast_ref::<capictl::Error>()
                .and_then(capictl::Error::hint)
            {
                eprintln!("Hint: {hint}");
            }
            if let Some(help) = e
                .downcast_ref::<cli::UsageError>()
                .and_then(|u| u.help.as_ref())
            {
                eprintln!();
                print!("{help}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let env = capictl::Env::from_process();
    match &cli.command {
        Command::Version(args) => return version::run(args),
        Command::Completion(args) => return completion::run(args),
        _ => {}
    }
    let fetch = fetch_options(&cli, &env)?;
    if let Command::Cache(command) = &cli.command {
        return cache_cmd::run(command, &fetch);
    }
    let client = capictl::Client::new(capictl::ClientOptions {
        config: capictl::ConfigSource::from_flag(&cli.global.config),
        env,
        fetch,
    })
    .await?;
    logging::init(cli.global.verbosity, client.config())?;
    match cli.command {
        Command::Version(_) | Command::Completion(_) | Command::Cache(_) => Ok(()),
        Command::Config(ConfigCommand::Repositories(args)) => {
            config_cmd::repositories(&client, &args)
        }
        Command::Init(args) => init::run(&client, *args).await,
        Command::Delete(args) => delete::run(&client, *args).await,
        Command::Move(args) => move_cmd::run(&client, *args).await,
        Command::Upgrade(command) => match *command {
            UpgradeCommand::Plan(args) => upgrade::plan(&client, args).await,
            UpgradeCommand::Apply(args) => upgrade::apply(&client, *args).await,
        },
        Command::Generate(command) => match *command {
            GenerateCommand::Cluster(args) => generate::cluster(&client, args).await,
            GenerateCommand::Provider(args) => generate::provider(&client, args).await,
            GenerateCommand::Yaml(args) => generate::yaml(&client, args).await,
        },
    }
}
