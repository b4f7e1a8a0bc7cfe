//! `capictl upgrade plan` and `capictl upgrade apply`.

use std::time::Duration;

use capictl::{Client, UpgradeApplyOptions, UpgradePlan, UpgradePlanOptions};

use crate::cli::{UpgradeApplyArgs, UpgradePlanArgs};
use crate::output::tabwriter;
use crate::{confirm, progress};

pub async fn plan(client: &Client, args: UpgradePlanArgs) -> anyhow::Result<()> {
    let options = UpgradePlanOptions {
        kubeconfig: args.cluster.selector(),
    };
    let cert_manager = client.cert_manager_upgrade_plan(options.clone()).await?;
    if !cert_manager.externally_managed {
        if cert_manager.should_upgrade {
            println!(
                "Cert-Manager will be upgraded from {} to {}\n",
                crate::output::go_quote(&cert_manager.from),
                crate::output::go_quote(&cert_manager.to)
            );
        } else {
            println!("Cert-Manager is already up to date\n");
        }
    }
    let mut plans = client.upgrade_plan(options).await?;
    if plans.is_empty() {
        println!(
            "There are no providers in the cluster. Please use clusterctl init to initialize a Cluster API management cluster."
        );
        return Ok(());
    }
    plans.sort_by(|a, b| a.contract.cmp(&b.contract));
    let mut out = String::new();
    for plan in &mut plans {
        out.push_str(&render_plan(plan));
    }
    print!("{out}");
    Ok(())
}

/// One plan as clusterctl prints it.
fn render_plan(plan: &mut UpgradePlan) -> String {
    plan.providers.sort_by(|a, b| {
        (
            &a.provider.type_name,
            &a.provider.name,
            &a.provider.namespace,
        )
            .cmp(&(
                &b.provider.type_name,
                &b.provider.name,
                &b.provider.namespace,
            ))
    });
    let mut rows = vec![
        [
            "NAME",
            "NAMESPACE",
            "TYPE",
            "CURRENT VERSION",
            "NEXT VERSION",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for item in &plan.providers {
        let next = if item.next_version.is_empty() {
            "Already up to date".to_string()
        } else {
            item.next_version.clone()
        };
        rows.push(vec![
            item.provider.name.clone(),
            item.provider.namespace.clone(),
            item.provider.type_name.clone(),
            item.provider.version.clone(),
            next,
        ]);
    }
    let available = plan.providers.iter().any(|p| !p.next_version.is_empty());
    let mut out = format!(
        "\nLatest release available for the {} Cluster API contract version:\n\n",
        plan.contract
    );
    out.push_str(&tabwriter(&rows, 10, 3));
    out.push('\n');
    if available {
        if plan.contract == capictl::repository::CURRENT_CONTRACT {
            out.push_str("You can now apply the upgrade by executing the following command:\n\n");
            out.push_str(&format!(
                "clusterctl upgrade apply --contract {}\n",
                plan.contract
            ));
        } else {
            out.push_str(&format!(
                "The current version of clusterctl could not upgrade to {} contract (only {} supported).\n",
                plan.contract,
                capictl::repository::CURRENT_CONTRACT
            ));
        }
    } else {
        out.push_str("You are already up to date!\n");
    }
    out.push('\n');
    out
}

pub async fn apply(client: &Client, args: UpgradeApplyArgs) -> anyhow::Result<()> {
    let flags = &args.providers;
    let options = UpgradeApplyOptions {
        kubeconfig: args.cluster.selector(),
        contract: (!args.contract.is_empty()).then(|| args.contract.clone()),
        providers: flags.selection(),
        wait_providers: args.wait_providers,
        wait_provider_timeout: Duration::from_secs(args.wait_provider_timeout),
    };
    options.validate()?;
    if confirm::needed(args.yes) {
        let target = match &options.contract {
            Some(contract) => format!("the newest {contract} releases"),
            None => options
                .provider_refs()
                .iter()
                .map(|(t, r)| format!("{} {r}", t.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
        };
        confirm::ask(
            &format!(
                "cert-manager will be upgraded if needed, then the providers to {target}; their controllers stop while they are replaced. Continue?"
            ),
            "nothing was upgraded",
        )?;
    }
    let bars = progress::for_stderr();
    let result = client.upgrade_apply(options, bars.as_ref()).await;
    drop(bars);
    let report = result?;
    tracing::debug!(
        providers = report.upgraded.len() as u64,
        api_requests = report.api_requests,
        "Upgrade finished"
    );
    Ok(())
}
