//! `capictl delete`.

use capictl::{Client, DeleteOptions, ProviderType};

use crate::cli::{DeleteArgs, ProviderFlags};
use crate::confirm;

/// The provider flags as `(type, name[:version])` pairs, in clusterctl's order.
pub fn provider_refs(flags: &ProviderFlags) -> Vec<(ProviderType, String)> {
    let mut refs = Vec::new();
    if !flags.core.is_empty() {
        refs.push((ProviderType::Core, flags.core.clone()));
    }
    for (t, list) in [
        (ProviderType::Bootstrap, &flags.bootstrap),
        (ProviderType::ControlPlane, &flags.control_plane),
        (ProviderType::Infrastructure, &flags.infrastructure),
        (ProviderType::Ipam, &flags.ipam),
        (ProviderType::RuntimeExtension, &flags.runtime_extension),
        (ProviderType::Addon, &flags.addon),
    ] {
        refs.extend(list.iter().map(|s| (t, s.clone())));
    }
    refs
}

pub async fn run(client: &Client, args: DeleteArgs) -> anyhow::Result<()> {
    let options = DeleteOptions {
        kubeconfig: args.cluster.selector(),
        providers: provider_refs(&args.providers),
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
