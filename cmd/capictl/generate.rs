//! `capictl generate cluster|provider|yaml`.

use std::io::Read;

use capictl::{
    Client, GenerateClusterOptions, GenerateProviderOptions, ProcessYamlOptions, ProviderType,
    TemplateSource,
};

use crate::cli::{
    GenerateClusterArgs, GenerateProviderArgs, GenerateYamlArgs, UsageError, help_for,
};
use crate::output::{go_quote, tabwriter, write_result};

fn read_stdin() -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| anyhow::anyhow!("failed to read stdin: {e}"))?;
    Ok(buf)
}

pub async fn cluster(client: &Client, args: GenerateClusterArgs) -> anyhow::Result<()> {
    let Some(name) = args.name.clone() else {
        return Err(UsageError {
            message: "please specify a cluster name".into(),
            help: Some(help_for(&["generate", "cluster"])),
        }
        .into());
    };
    let mut options = GenerateClusterOptions::new(name);
    options.kubeconfig = args.kubeconfig.selector();
    options.target_namespace = Some(args.target_namespace.clone()).filter(|s| !s.is_empty());
    options.kubernetes_version = Some(args.kubernetes_version.clone()).filter(|s| !s.is_empty());
    options.control_plane_machine_count = args.control_plane_machine_count;
    options.worker_machine_count = args.worker_machine_count;
    options.list_variables_only = args.list_variables;
    if !args.from.is_empty() {
        if args.from == "-" {
            options.stdin = Some(read_stdin()?);
        }
        options.sources.push(TemplateSource::Url(args.from.clone()));
    }
    if !args.from_config_map.is_empty()
        || !args.from_config_map_namespace.is_empty()
        || !args.from_config_map_key.is_empty()
    {
        options.sources.push(TemplateSource::ConfigMap {
            namespace: Some(args.from_config_map_namespace.clone()).filter(|s| !s.is_empty()),
            name: args.from_config_map.clone(),
            key: Some(args.from_config_map_key.clone()).filter(|s| !s.is_empty()),
        });
    }
    if !args.infrastructure.is_empty() || !args.flavor.is_empty() {
        options.sources.push(TemplateSource::Repository {
            infrastructure: Some(args.infrastructure.clone()).filter(|s| !s.is_empty()),
            flavor: Some(args.flavor.clone()).filter(|s| !s.is_empty()),
        });
    }
    let template = client.generate_cluster(options.clone()).await?;
    if args.list_variables {
        print!(
            "{}",
            variables_output(&template, &options, client.config().env())
        );
        return Ok(());
    }
    write_result(&format!("{}\n", template.yaml()), &args.write_to)
}

/// clusterctl's `printVariablesOutput`: required variables, then optional ones with the
/// default each would get.
fn variables_output(
    template: &capictl::Template,
    options: &GenerateClusterOptions,
    env: &capictl::Env,
) -> String {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for (name, default) in &template.variable_map {
        let mut value = default.clone().map(|v| {
            if !v.is_empty() && !v.starts_with('"') {
                go_quote(&v)
            } else {
                v
            }
        });
        match name.as_str() {
            "CLUSTER_NAME" => value = Some(options.cluster_name.clone()),
            "NAMESPACE" => {
                value = Some(match &options.target_namespace {
                    Some(ns) => ns.clone(),
                    None => "current Namespace in the KubeConfig file".to_string(),
                })
            }
            "CONTROL_PLANE_MACHINE_COUNT" => {
                value = Some(match options.control_plane_machine_count {
                    Some(n) => n.to_string(),
                    None => env.get(name).unwrap_or("1").to_string(),
                })
            }
            "WORKER_MACHINE_COUNT" => {
                value = Some(match options.worker_machine_count {
                    Some(n) => n.to_string(),
                    None => env.get(name).unwrap_or("0").to_string(),
                })
            }
            "KUBERNETES_VERSION" => {
                if let Some(v) = &options.kubernetes_version {
                    value = Some(v.clone());
                } else if let Some(v) = env.get(name) {
                    value = Some(v.to_string());
                }
            }
            _ => {}
        }
        match value {
            Some(v) => optional.push((name.clone(), v)),
            None => required.push(name.clone()),
        }
    }
    let mut out = String::new();
    if !required.is_empty() {
        out.push_str("Required Variables:\n");
        for name in &required {
            out.push_str(&format!("  - {name}\n"));
        }
    }
    if !optional.is_empty() {
        out.push_str("\nOptional Variables:\n");
        let rows: Vec<Vec<String>> = optional
            .iter()
            .map(|(name, v)| vec![format!("  - {name}"), format!("(defaults to {v})")])
            .collect();
        out.push_str(&tabwriter(&rows, 0, 2));
    }
    out.push('\n');
    out
}

pub async fn provider(client: &Client, args: GenerateProviderArgs) -> anyhow::Result<()> {
    let chosen: Vec<(ProviderType, &String)> = [
        (ProviderType::Core, &args.core),
        (ProviderType::Bootstrap, &args.bootstrap),
        (ProviderType::ControlPlane, &args.control_plane),
        (ProviderType::Infrastructure, &args.infrastructure),
        (ProviderType::Ipam, &args.ipam),
        (ProviderType::RuntimeExtension, &args.runtime_extension),
        (ProviderType::Addon, &args.addon),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let list =
        "--core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon";
    let (provider_type, provider) = match chosen.as_slice() {
        [] => anyhow::bail!("at least one of {list} should be set"),
        [one] => (one.0, one.1.clone()),
        _ => anyhow::bail!("only one of {list} should be set"),
    };
    let components = client
        .generate_provider(GenerateProviderOptions {
            provider_type,
            provider,
            target_namespace: Some(args.target_namespace.clone()).filter(|s| !s.is_empty()),
            skip_template_process: args.raw || args.describe,
        })
        .await?;
    if args.describe {
        print!("{}", describe(&components));
        return Ok(());
    }
    write_result(&format!("{}\n", components.yaml()), &args.write_to)
}

/// clusterctl's `printComponentsAsText`.
fn describe(c: &capictl::Components) -> String {
    let (dir, file) = c.provider.url_dir_and_file();
    let trimmed = dir.trim_end_matches('/');
    let base = match trimmed.rfind('/') {
        Some(i) => &trimmed[..=i],
        None => "",
    };
    let mut out = String::new();
    out.push_str(&format!("Name:               {}\n", c.provider.name));
    out.push_str(&format!(
        "Type:               {}\n",
        c.provider.provider_type
    ));
    out.push_str(&format!("URL:                {base}\n"));
    out.push_str(&format!("Version:            {}\n", c.version));
    out.push_str(&format!("File:               {file}\n"));
    out.push_str(&format!("TargetNamespace:    {}\n", c.target_namespace));
    if !c.variables.is_empty() {
        out.push_str("Variables:\n");
        for v in &c.variables {
            out.push_str(&format!("  - {v}\n"));
        }
    }
    if !c.images.is_empty() {
        out.push_str("Images:\n");
        for i in &c.images {
            out.push_str(&format!("  - {i}\n"));
        }
    }
    out.push('\n');
    out
}

pub async fn yaml(client: &Client, args: GenerateYamlArgs) -> anyhow::Result<()> {
    let stdin = if args.from == "-" {
        Some(read_stdin()?)
    } else {
        None
    };
    let template = client
        .process_yaml(ProcessYamlOptions {
            from: args.from.clone(),
            stdin,
            list_variables_only: args.list_variables,
        })
        .await?;
    if args.list_variables {
        if template.variables.is_empty() {
            println!();
        } else {
            println!("Variables:");
            for v in &template.variables {
                println!("  - {v}");
            }
        }
        return Ok(());
    }
    println!("{}", template.yaml());
    Ok(())
}
