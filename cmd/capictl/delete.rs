//! `capictl delete`.

use capictl::{Client, DeleteOptions};

use crate::cli::DeleteArgs;
use crate::confirm;

pub async fn run(client: &Client, args: DeleteArgs) -> anyhow::Result<()> {
    let options = DeleteOptions {
        kubeconfig: args.cluster.selector(),
        providers: args.providers.selection(),
        all: args.all,
        include_namespace: args.include_namespace,
        include_crd: args.include_crd,
    };
    options.validate()?;
    if confirm::needed(args.yes) {
        let selected = client.delete_selection(&options).await?;
        let mut question = String::from("These providers will be deleted");
        if options.include_namespace {
            question.push_str(" with their namespaces");
        }
        if options.include_crd {
            question.push_str(if options.include_namespace {
                " and CRDs"
            } else {
                " with their CRDs"
            });
        }
        question.push_str(":\n");
        for entry in &selected {
            question.push_str(&format!("  {} {}\n", entry.instance_name(), entry.version));
        }
        question.push_str("Continue?");
        confirm::ask(&question, "nothing was deleted")?;
    }
    client.delete(options).await?;
    Ok(())
}
