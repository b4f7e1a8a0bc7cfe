//! Confirmation before a destructive command, asked only on a terminal.

use std::io::IsTerminal;

/// Whether to ask: not with `--yes`, and only when both stdin and stderr are terminals (in CI
/// and scripts nothing is asked).
pub fn needed(yes: bool) -> bool {
    !yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks `question` (default no); a "no" ends the command with an error saying `unchanged`.
pub fn ask(question: &str, unchanged: &str) -> anyhow::Result<()> {
    let yes = dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(|e| anyhow::anyhow!("failed to read the answer: {e}"))?;
    if yes {
        Ok(())
    } else {
        anyhow::bail!("cancelled, {unchanged} (pass --yes to skip this question)")
    }
}
