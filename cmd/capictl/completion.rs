//! `capictl completion bash|zsh|fish`.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionArgs, UsageError, help_for};

pub fn run(args: &CompletionArgs) -> anyhow::Result<()> {
    let Some(shell) = args.shell.as_deref() else {
        return Err(UsageError {
            message: "please specify a shell".into(),
            help: Some(help_for(&["completion"])),
        }
        .into());
    };
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        other => anyhow::bail!("unsupported shell type {other:?}"),
    };
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "capictl", &mut std::io::stdout());
    Ok(())
}
